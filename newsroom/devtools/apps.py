from django.apps import AppConfig


class DevtoolsConfig(AppConfig):
    name = "newsroom.devtools"
    label = "devtools"
    verbose_name = "Development tools"
