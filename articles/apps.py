from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Newsroom content"

    def ready(self):
        from . import signals

        signals.connect()
