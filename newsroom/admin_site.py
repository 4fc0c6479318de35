"""The admin site: Newsroom branding and an index grouped the way editors work."""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig

# Index sections, in order, and the models each holds (by object name).
SECTIONS = [
    ("Newsroom", ["Article"]),
    ("Directory", ["Company", "Person", "Event", "Tag"]),
    (
        "Sources and facts",
        [
            "Citation",
            "Fact",
            "Quote",
            "Role",
            "CompanyRelation",
            "Participation",
            "TaggedItem",
            "SlugRedirect",
        ],
    ),
    ("Accounts", ["User", "Group", "ApiToken"]),
]


class NewsroomAdminSite(admin.AdminSite):
    site_header = "Newsroom"
    site_title = "Newsroom admin"
    index_title = "Newsroom"

    def index(self, request, extra_context=None):
        """The desk first (articles/desk.py), then the app list below it."""
        from articles import desk

        context = {"desk": desk.lists_for(request.user), **(extra_context or {})}
        return super().index(request, context)

    def get_app_list(self, request, app_label=None):
        apps = super().get_app_list(request, app_label)
        if app_label:
            return apps
        models = {model["object_name"]: (app, model) for app in apps for model in app["models"]}
        sections = []
        for name, object_names in SECTIONS:
            entries = [models.pop(n) for n in object_names if n in models]
            if entries:
                first_app = entries[0][0]
                sections.append({**first_app, "name": name, "models": [m for _, m in entries]})
        # Anything not placed above (e.g. revisions) keeps its own app section.
        leftover = {}
        for app, model in models.values():
            leftover.setdefault(app["app_label"], {**app, "models": []})["models"].append(model)
        return sections + list(leftover.values())


class NewsroomAdminConfig(AdminConfig):
    default_site = "newsroom.admin_site.NewsroomAdminSite"
