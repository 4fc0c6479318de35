from django.db import migrations


def apply_roles_again(apps, schema_editor):
    # The roles now include API tokens: give their permissions to the groups.
    from articles.roles import apply_roles_in_migration

    apply_roles_in_migration(apps)


class Migration(migrations.Migration):
    dependencies = [("articles", "0015_api_tokens")]

    operations = [migrations.RunPython(apply_roles_again, migrations.RunPython.noop)]
