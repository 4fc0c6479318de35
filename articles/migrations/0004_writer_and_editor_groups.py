from django.db import migrations


def create_groups(apps, schema_editor):
    # Permissions are normally made after all migrations; made now (by the helper) so
    # the groups can hold them on a fresh database.
    from articles.roles import apply_roles_in_migration

    apply_roles_in_migration(apps)


def remove_groups(apps, schema_editor):
    from articles.roles import EDITOR, WRITER

    apps.get_model("auth", "Group").objects.filter(name__in=[WRITER, EDITOR]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0003_editorial_fields"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
