"""The newsroom's roles: which permissions the Writer and Editor groups hold.

Applied by a data migration (and again by `create_account`), so a fresh database
has both groups. Publishing needs `articles.publish_article`, which only editors
hold. These are what a role may do to a model at all; which rows it may change
(drafts, not published articles) is `articles/policy.py`'s to decide.
"""

WRITER = "Writer"
EDITOR = "Editor"
ROLES = {"writer": WRITER, "editor": EDITOR}

WRITER_PERMISSIONS = [
    "articles.view_article",
    "articles.add_article",
    "articles.change_article",
    # Quotes of drafts and articles in review (the policy refuses published ones).
    "articles.view_quote",
    "articles.add_quote",
    "articles.change_quote",
    "articles.delete_quote",
    # To find and attach what an article is about, not to change it.
    "articles.view_company",
    "articles.view_person",
    "articles.view_event",
    "articles.view_tag",
    "articles.view_citation",
    # Their own API tokens for their tools (articles/admin/api_tokens.py shows no other's).
    "articles.view_apitoken",
    "articles.add_apitoken",
    "articles.change_apitoken",
]

# Editors: everything in the newsroom app, publishing included.
EDITOR_APP_LABEL = "articles"


def apply_roles_in_migration(apps) -> None:
    """From a data migration: make the permissions Django would only make after all
    migrations, then give them to the groups."""
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    apply_roles(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))


def apply_roles(group_model, permission_model) -> None:
    """Create or update both groups; safe to run again."""

    def lookup(labels):
        # Only those that exist yet: an early migration runs this before later models
        # (and their permissions) exist, and a later migration runs it again.
        wanted = [tuple(label.split(".")) for label in labels]
        return [
            permission
            for permission in permission_model.objects.filter(
                codename__in=[codename for _, codename in wanted]
            ).select_related("content_type")
            if (permission.content_type.app_label, permission.codename) in wanted
        ]

    writer, _ = group_model.objects.get_or_create(name=WRITER)
    writer.permissions.set(lookup(WRITER_PERMISSIONS))
    editor, _ = group_model.objects.get_or_create(name=EDITOR)
    editor.permissions.set(
        permission_model.objects.filter(content_type__app_label=EDITOR_APP_LABEL)
    )
