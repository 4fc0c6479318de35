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
]

# Editors: everything in the newsroom app, publishing included.
EDITOR_APP_LABEL = "articles"


def apply_roles(group_model, permission_model) -> None:
    """Create or update both groups; safe to run again."""

    def lookup(label):
        app_label, codename = label.split(".")
        return permission_model.objects.get(content_type__app_label=app_label, codename=codename)

    writer, _ = group_model.objects.get_or_create(name=WRITER)
    writer.permissions.set([lookup(label) for label in WRITER_PERMISSIONS])
    editor, _ = group_model.objects.get_or_create(name=EDITOR)
    editor.permissions.set(
        permission_model.objects.filter(content_type__app_label=EDITOR_APP_LABEL)
    )
