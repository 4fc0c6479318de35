"""The permission matrix: every admin URL and bulk action, as every role, against
every article state, checked against the policy table in docs/editorial-admin.md.

Models and actions are read from the admin itself (`admin.site._registry` and each
ModelAdmin's `get_actions`), so a newly registered model or action is walked
without editing this file. What to expect comes from the small tables below, never
from `articles.policy`: a test that asks the code under test cannot fail.

"Allowed" means the write happened (a row, a log entry or a revision changed);
"refused" means the database is exactly as it was.
"""

from contextlib import contextmanager
from datetime import timedelta

import pytest
import reversion
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models, transaction
from django.db.models.deletion import Collector, ProtectedError
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone
from reversion.admin import VersionAdmin
from reversion.models import Revision, Version

from articles.models import (
    Article,
    Citation,
    CompanyRelation,
    Fact,
    OutsideSource,
    Participation,
    Quote,
    Role,
    SlugRedirect,
    Tag,
    TaggedItem,
)
from articles.roles import EDITOR, WRITER

from .admin_helpers import make_user
from .factories import make_article, make_company, make_event, make_person
from .forms import form_data

pytestmark = pytest.mark.django_db

# --- the policy table, written out ------------------------------------------------

STATES = ["draft", "review", "scheduled", "published"]
OPEN_STATES = {"draft", "review"}
# What the Writer group may do to each model at all (articles/roles.py) ...
WRITER_MAY = {
    "article": {"view", "add", "change"},
    "quote": {"view", "add", "change", "delete"},
    "company": {"view"},
    "person": {"view"},
    "event": {"view"},
    "tag": {"view"},
    "citation": {"view"},
}
# ... and only to rows that are, or hang off, a draft or in-review article.
HANGS_OFF_ARTICLE = {"article", "quote", "citation", "taggeditem"}
# What each bulk action is, as a permission; an action not listed here is judged
# by the permission it declares.
ACTION_NEEDS = {
    "delete_selected": "delete",
    "merge": "delete",
    "publish_now": "publish",
    "schedule": "publish",
    "unpublish": "publish",
    "add_tag": "change",
    "remove_tag": "change",
}


def expected(role: str, model_name: str, need: str, state: str | None) -> bool:
    """`state` None: a page about no particular row (the list, the empty add form)."""
    if role == "anonymous":
        return False
    if role == "editor":
        return True
    if need == "publish":
        return False
    if need not in WRITER_MAY.get(model_name, set()):
        return False
    if need == "view" or state is None:
        return True
    return model_name in HANGS_OFF_ARTICLE and state in OPEN_STATES


# --- what is walked ------------------------------------------------------------------

ROLES = ["anonymous", "writer", "editor"]
# Models whose rule is not the articles' policy but their own, walked by their own
# matrix: an API token is its owner's alone, whatever the articles' states.
OWN_RULES = {"apitoken": "tests/test_api_writes.py::test_a_token_is_its_owners_alone"}
# The newsroom's own models; auth and sign-in throttling are Django's and django-axes'.
MODELS = sorted(
    (
        model
        for model in admin.site._registry
        if model._meta.app_label == "articles" and model._meta.model_name not in OWN_RULES
    ),
    key=lambda model: model._meta.model_name,
)
# Second rows must differ from the first where only foreign keys make them unique.
ADD_VARIANTS = {
    "companyrelation": lambda rows: {"kind": "founded"},
    "participation": lambda rows: {"role": "sponsor"},
    "taggeditem": lambda rows: {"tag": str(rows["spare_tag"].pk)},
    "outsidesource": lambda rows: {"url": "https://expo.example/other/"},  # URLs are unique
}


def make_rows(state: str) -> dict:
    """One article in `state` with a row of every kind hanging off it or about it."""
    now = timezone.now()
    status, published_at = {
        "draft": ("draft", None),
        "review": ("review", None),
        "scheduled": ("published", now + timedelta(hours=2)),
        "published": ("published", now - timedelta(hours=1)),
    }[state]
    article = make_article(
        "story",
        status=status,
        published_at=published_at,
        body="Acme and Beta met at the Expo. “We grow,” said the speaker.",
    )
    acme, beta = make_company("acme"), make_company("beta")
    speaker, other = make_person("speaker"), make_person("other-person")
    expo, fair = make_event("expo"), make_event("fair")
    tag, spare_tag = Tag.objects.create(name="China"), Tag.objects.create(name="Spare")
    article.companies.add(acme)
    article.tags.add(tag)  # the first tagged item: the article's
    acme.tags.add(tag)
    article_type = ContentType.objects.get_for_model(Article)
    citation = Citation.objects.create(article=article, excerpt="Acme and Beta met")
    rows = {
        "article": article,
        "quote": Quote.objects.create(article=article, speaker=speaker, text="We grow"),
        "citation": citation,
        "company": acme,
        "person": speaker,
        "event": expo,
        "tag": tag,
        "fact": Fact.objects.create(company=acme, label="Size", value="big", citation=citation),
        "role": Role.objects.create(person=speaker, company=acme, title="Chair", citation=citation),
        "companyrelation": CompanyRelation.objects.create(
            source=acme, kind="partner_of", target=beta, citation=citation
        ),
        "participation": Participation.objects.create(company=acme, event=expo, citation=citation),
        "taggeditem": TaggedItem.objects.get(content_type=article_type, object_id=article.pk),
        "outsidesource": OutsideSource.objects.create(
            publisher="An expo's site", title="FAQ", url="https://expo.example/faq/"
        ),
        "slugredirect": SlugRedirect.objects.create(
            content_type=article_type,
            object_id=article.pk,
            old_slug="old-story",
        ),
        "spare_tag": spare_tag,
        "twins": [other, fair, beta, spare_tag],
    }
    for obj in rows.values():
        if isinstance(obj, models.Model) and reversion.is_registered(type(obj)):
            with reversion.create_revision():  # one revision each, as an admin save makes
                reversion.add_to_revision(obj)
    return rows


# --- helpers ---------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    # Three users a test; the default hasher would be most of the matrix's time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# Every newsroom table (links between articles and companies included), the admin
# log and the revisions: a write anywhere shows.
TABLES = sorted(
    {model._meta.db_table for model in apps.get_app_config("articles").get_models(True)}
    | {LogEntry._meta.db_table, Version._meta.db_table, Revision._meta.db_table}
)


def fingerprint() -> list:
    # Plain SQL: the ORM's per-query cost made this most of the walk's time.
    with connection.cursor() as cursor:
        rows = []
        for table in TABLES:
            table = connection.ops.quote_name(table)  # names from the models, not input
            cursor.execute(f"SELECT * FROM {table} ORDER BY 1")  # noqa: S608
            rows.append(cursor.fetchall())
    return rows


@contextmanager
def rolled_back():
    """Each attempt starts from the same rows."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def delete_protecting(obj) -> None:
    """Remove what PROTECTs `obj`, so that a refusal can only be the policy's."""
    while True:
        try:
            Collector(using="default").collect([obj])
            return
        except ProtectedError as error:
            for blocker in error.protected_objects:
                delete_protecting(blocker)
                blocker.delete()


def bump_text(model, data: dict) -> dict:
    """The same form with every free-text field changed (slugs and names stay unique)."""
    bumped = dict(data)
    for field in model._meta.fields:
        if (
            isinstance(field, (models.CharField, models.TextField))
            and not field.choices
            and not isinstance(field, (models.URLField, models.EmailField))
            and isinstance(bumped.get(field.name), str)
            and bumped[field.name]
        ):
            bumped[field.name] += "-x"
    return bumped


def without_inline_rows(data: dict) -> dict:
    data = dict(data)
    for key in list(data):
        if key.endswith(("-TOTAL_FORMS", "-INITIAL_FORMS")):
            data[key] = "0"
    return data


def clients(editor, writer) -> dict:
    made = {"anonymous": Client()}
    for role, user in (("writer", writer), ("editor", editor)):
        made[role] = Client()
        made[role].force_login(user)
    return made


class Walk:
    """Attempts for one model and state, as every role; mismatches are collected."""

    def __init__(self, model, state, rows, clients):
        self.model, self.state, self.rows, self.clients = model, state, rows, clients
        self.name = model._meta.model_name
        self.admin = admin.site._registry[model]
        self.obj = rows[self.name]
        self.mismatches = []

    def url(self, view, *args):
        return reverse(f"admin:articles_{self.name}_{view}", args=args)

    def editor_form(self, url) -> dict:
        page = self.clients["editor"].get(url)
        assert page.status_code == 200, (url, page.status_code)
        return form_data(page.content.decode())

    def check(self, role, what, needs, outcome, *, state="row"):
        needs = (needs,) if isinstance(needs, str) else needs
        state = self.state if state == "row" else state
        want = all(expected(role, self.name, need, state) for need in needs)
        if outcome is not want:
            self.mismatches.append(
                f"{role} {what} {self.name} ({self.state}): "
                f"{'allowed' if outcome else 'refused'}, expected "
                f"{'allowed' if want else 'refused'}"
            )

    def get(self, role, what, need, url, *, saves=None, state="row"):
        response = self.clients[role].get(url)
        if role == "anonymous":
            assert response.status_code == 302 and "/login/" in response["Location"], url
        else:
            assert response.status_code in (200, 403), (url, response.status_code)
        self.check(role, f"GET {what}", need, response.status_code == 200, state=state)
        if saves is not None and response.status_code == 200:
            # A page that is only for reading offers no save button.
            self.check(
                role, f"save button on {what}", saves, 'name="_save"' in response.content.decode()
            )

    def post(self, role, what, need, url, data, *, prepare=None):
        with rolled_back():
            if prepare:
                prepare()
            before = fingerprint()
            response = self.clients[role].post(url, data)
            assert response.status_code in (200, 302, 403, 404), (url, response.status_code)
            wrote = fingerprint() != before
        self.check(role, f"POST {what}", need, wrote)

    def run(self):
        obj, rows = self.obj, self.rows
        change_url = self.url("change", obj.pk)
        change_data = self.change_data = self.editor_form(change_url)
        add_data = without_inline_rows(bump_text(self.model, change_data))
        add_data.update(ADD_VARIANTS.get(self.name, lambda rows: {})(rows))
        versioned = isinstance(self.admin, VersionAdmin)
        for role in ROLES:
            if self.state == STATES[0]:  # about no row, so once for every state
                self.get(role, "changelist", "view", self.url("changelist"), state=None)
                self.get(role, "add", "add", self.url("add"), state=None)
            self.get(role, "change", "view", change_url, saves="change")
            self.get(role, "history", "view", self.url("history", obj.pk))
            self.post(role, "add", "add", self.url("add"), add_data)
            self.post(role, "change", "change", change_url, bump_text(self.model, change_data))
            self.post(
                role,
                "delete",
                "delete",
                self.url("delete", obj.pk),
                {"post": "yes"},
                prepare=lambda: delete_protecting(obj),
            )
            if versioned:
                self.restore(role)
            self.actions(role)

    def restore(self, role):
        obj = self.obj
        version = Version.objects.get_for_object(obj).order_by("-pk").first()
        # The version is the row as it is now, so its restore form posts what the
        # change form does (rendering the restore page would double the walk's time).
        revision_url = self.url("revision", obj.pk, version.pk)
        self.post(role, "revision", "change", revision_url, self.change_data)

        def deleted():
            delete_protecting(obj)
            type(obj).objects.filter(pk=obj.pk).delete()

        # Recovering is adding the row back and then saving it.
        recover_url = self.url("recover", version.pk)
        self.post(
            role, "recover", ("add", "change"), recover_url, self.change_data, prepare=deleted
        )

    def actions(self, role):
        request = RequestFactory().post(self.url("changelist"))
        request.user = self.rows["superuser"]
        selected = [self.obj, *(t for t in self.rows["twins"] if isinstance(t, self.model))]
        data = {
            "_selected_action": [str(obj.pk) for obj in selected],
            "confirm": "yes",
            "post": "yes",
            "tag": str(self.rows["spare_tag"].pk),
            "keep": str(self.obj.pk),
        }
        later = timezone.localtime() + timedelta(days=1)
        data["publish_at_0"], data["publish_at_1"] = f"{later:%Y-%m-%d}", f"{later:%H:%M:%S}"

        def unprotect():
            for obj in selected:
                delete_protecting(obj)

        for name, (func, _, _) in self.admin.get_actions(request).items():
            declared = getattr(func, "allowed_permissions", None) or ["change"]
            need = ACTION_NEEDS.get(name) or declared[0]
            self.post(
                role,
                f"action {name}",
                need,
                self.url("changelist"),
                {**data, "action": name},
                prepare=unprotect if need == "delete" else None,
            )


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("model", MODELS, ids=lambda model: model._meta.model_name)
def test_permission_matrix(model, state):
    editor = make_user("editor", group=EDITOR)
    writer = make_user("writer", group=WRITER)
    rows = make_rows(state)
    rows["superuser"] = make_user("root", superuser=True)
    walk = Walk(model, state, rows, clients(editor, writer))
    walk.run()
    assert not walk.mismatches, "\n".join(walk.mismatches)


def test_the_matrix_walks_every_newsroom_model():
    """A model the table names but the admin lost, or restores no longer routed,
    would leave part of the matrix silently unwalked."""
    assert {model._meta.model_name for model in MODELS} >= set(WRITER_MAY) | HANGS_OFF_ARTICLE
    for model in (Article, Tag):
        assert isinstance(admin.site._registry[model], VersionAdmin)
        reverse(f"admin:articles_{model._meta.model_name}_recover", args=[1])
