from django.contrib.auth.management import create_permissions
from django.db import migrations


def apply_roles_again(apps, schema_editor):
    # The roles now include API tokens, whose permissions Django would only make after
    # all migrations: make them now, and give them to the groups.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    from articles.roles import apply_roles

    apply_roles(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))


class Migration(migrations.Migration):
    dependencies = [("articles", "0015_api_tokens")]

    operations = [migrations.RunPython(apply_roles_again, migrations.RunPython.noop)]
