"""What a page shows, as dependency keys; what a write changes, as the same keys.

A cached page carries the keys of everything it rendered, and a write invalidates
exactly the pages that carry the keys of what it changed (articles/page_cache.py
stores them, the `Surrogate-Key` header hands them to an edge cache). The keys:

- ``article:17``, ``company:3``, ``fact:40``, …: one row. Every row of this app that
  a page builds is recorded by itself (the post_init hook below), so a page cannot
  forget to declare what it shows, down to a company it only links to.
- ``list:company:3``: the published articles about one subject (its coverage). Its
  page and feeds declare it, and so does every article page about it (related
  articles are drawn from it); an article entering or leaving it invalidates it.
- ``about:company:3``: the rows that hang off one subject (facts, relations, roles,
  quotes, citations, editions); any row with a foreign key to it invalidates it.
- ``list:company``: a kind's directory and counts (company list, tag list, search,
  "in the news"); ``list:article``: every listing of articles (home, the article
  list, feeds, sitemaps), invalidated when an article is published, unpublished,
  rescheduled, created or deleted, never by an edit of its text.
- ``all:article``: a page that showed more than MAX_KEYS_PER_KIND articles carries
  this instead of each one; every write of an article invalidates it.
- ``text:article:17``: the article's text and the time it was last updated, on the
  pages that show them (its own page, search snippets, feeds, sitemaps: they call
  `shows_text`). An edit of the text alone invalidates only these, so a typo fixed
  leaves the many pages that list the article by headline cached.

Writes are turned into keys here and nowhere else (`keys_for_save`, `keys_for_m2m`),
from the one hook every write path shares: model signals (articles/signals.py).
"""

from collections import defaultdict
from contextlib import contextmanager
from contextvars import ContextVar
from functools import partial

from django.db.models import ForeignKey

from .kinds import KINDS

# More rows of one kind than this on one page are recorded as one `all:<kind>` key,
# so a directory of 10,000 tags does not carry 10,000 keys.
MAX_KEYS_PER_KIND = 100
SITE = "site"  # carried by every page: a purge of everything at the edge

_recorder: ContextVar["Recorder | None"] = ContextVar("page_dependencies", default=None)


class Recorder:
    def __init__(self):
        self.rows: dict[str, set] = defaultdict(set)
        self.keys: set[str] = {SITE}

    def add_row(self, kind: str, pk) -> None:
        self.rows[kind].add(pk)

    def add(self, *keys: str) -> None:
        self.keys.update(keys)

    def result(self) -> set[str]:
        keys = set(self.keys)
        for kind, pks in self.rows.items():
            if len(pks) > MAX_KEYS_PER_KIND:
                keys.add(f"all:{kind}")
            else:
                keys.update(f"{kind}:{pk}" for pk in pks)
        return keys


@contextmanager
def recording(*, nested: bool = False):
    """Collect the keys of what is rendered inside the block; `nested` (a panel of a
    page, articles/fragments.py): hand them on to the recording around it too."""
    outer = _recorder.get()
    recorder = Recorder()
    token = _recorder.set(recorder)
    try:
        yield recorder
    finally:
        _recorder.reset(token)
        if nested and outer is not None:
            outer.add(*recorder.result())


def depends_on(*keys: str) -> None:
    """Declare keys that no single row stands for (lists, directories)."""
    recorder = _recorder.get()
    if recorder is not None:
        recorder.add(*keys)


def row_kind(model) -> str:
    return model._meta.concrete_model._meta.model_name


def list_key(kind: str) -> str:
    return f"list:{kind}"


def coverage_of(obj) -> str:
    """The key of the articles about `obj` (a company, person, event or tag)."""
    return coverage_key(row_kind(type(obj)), obj.pk)


def about(obj) -> str:
    """The key of the rows that hang off `obj` (an article or a subject)."""
    return about_key(row_kind(type(obj)), obj.pk)


def record_instance(sender, instance, **kwargs) -> None:
    """post_init: a row built while a page renders is a row the page shows."""
    recorder = _recorder.get()
    if recorder is not None and instance.pk is not None:
        recorder.add_row(row_kind(sender), instance.pk)


# --- writes -> keys -------------------------------------------------------------------

SUBJECT_KINDS = {*KINDS, "article"}


def coverage_key(kind: str, pk) -> str:
    """The published articles about one company, person, event or tag."""
    return f"list:{kind}:{pk}"


def about_key(kind: str, pk) -> str:
    """The rows that hang off one subject: facts, relations, roles, quotes, citations."""
    return f"about:{kind}:{pk}"


def _coverage(kind: str, pk) -> set[str]:
    # The directory shows counts, so it changes with any subject's coverage.
    return {coverage_key(kind, pk), list_key(kind)}


def _article_lists(article) -> set[str]:
    """The lists an article is on: every article listing and each subject's coverage."""
    from django.contrib.contenttypes.models import ContentType

    keys = {list_key("article")}
    model = type(article)
    for kind in KINDS.values():
        through = getattr(model, kind.article_field).through
        if kind.name == "tag":
            links = through.objects.filter(
                content_type=ContentType.objects.get_for_model(model), object_id=article.pk
            )
        else:
            links = through.objects.filter(article_id=article.pk)
        for pk in links.values_list(f"{kind.name}_id", flat=True):
            keys |= _coverage(kind.name, pk)
    return keys


# An article's fields that only the pages showing its text show (with the counters
# and caches saved beside them); any other field is shown wherever it is listed.
TEXT_FIELDS = frozenset(
    {"body", "body_html", "body_html_key", "updated_at", "lock_version", "search_vector",
     "autolink", "autolink_skip"}
)  # fmt: skip
TEXT = "text:article"


def shows_text(article) -> None:
    """Declare that the page being rendered shows `article`'s text or update time."""
    recorder = _recorder.get()
    if recorder is not None:
        recorder.add_row(TEXT, article.pk)


def row_state(instance) -> dict:
    """The row's stored values, as the database has them: compared before and after."""
    return {
        field.attname: field.get_prep_value(getattr(instance, field.attname))
        for field in type(instance)._meta.concrete_fields
    }


def _listing(state: dict | None):
    """What decides where an article is listed (and whether)."""
    return (state["status"], state["published_at"]) if state else None


def _text_only(before: dict, after: dict) -> bool:
    return all(before[name] == value for name, value in after.items() if name not in TEXT_FIELDS)


def keys_for_save(instance, *, created: bool, deleted: bool = False, before=None) -> set[str]:
    """The keys a save (or delete) of `instance` makes stale. `before`: the article's
    row_state() as stored before this save, if it was read."""
    kind = row_kind(type(instance))
    keys = {f"{kind}:{instance.pk}", f"all:{kind}"}
    if kind == "article":
        after = None if created or deleted else row_state(instance)
        if before is not None and after is not None and _text_only(before, after):
            return {f"{TEXT}:{instance.pk}", f"all:{TEXT}"}
        if after is None or _listing(before) != _listing(after):
            keys |= _article_lists(instance)
    elif kind in KINDS:
        keys.add(list_key(kind))  # a new name, a new slug: the directory changes
    if getattr(instance, "content_type_id", None) is not None:
        return keys | _tagging_keys(instance)
    for field in type(instance)._meta.concrete_fields:
        if isinstance(field, ForeignKey):
            target = row_kind(field.related_model)
            value = getattr(instance, field.attname)
            if target in SUBJECT_KINDS and value is not None:
                keys.add(about_key(target, value))
    return keys


def _tagging_keys(item) -> set[str]:
    """A tagging: the tagged object changed, and the tag's coverage did."""
    from django.contrib.contenttypes.models import ContentType

    keys = set()
    if getattr(item, "tag_id", None) is not None:
        keys |= _coverage("tag", item.tag_id)
    model = ContentType.objects.get_for_id(item.content_type_id).model_class()
    if model is not None:
        kind = row_kind(model)
        keys |= {f"{kind}:{item.object_id}", f"all:{kind}"}
    return keys


def keys_for_m2m(instance, model, pk_set, *, reverse: bool) -> set[str]:
    """An article linked to or unlinked from companies, people or events (either side)."""
    articles, subjects = ([instance.pk], pk_set) if not reverse else (pk_set, [instance.pk])
    kind = row_kind(type(instance) if reverse else model)
    keys = set()
    for pk in articles or ():
        keys.add(about_key("article", pk))  # its page lists what it is about
    for pk in subjects or ():
        keys |= _coverage(kind, pk)
    return keys


class Loaded:
    """A value a page builds at most once, when a panel first needs it, with the keys
    of what building it read: every panel that uses it carries those keys, not only
    the first (articles/fragments.py). Templates call it like any callable."""

    def __init__(self, build):
        self.build = build
        self.keys = None

    def __call__(self):
        if self.keys is None:
            with recording() as recorder:
                self.value = self.build()
            self.keys = recorder.result() - {SITE}
        depends_on(*self.keys)
        return self.value


def lazily(loaded: Loaded, names) -> dict:
    """Template names for the dict that `loaded` builds: each builds it when first
    read, so a page whose panels are all kept never does."""

    def value(name):
        found = loaded().get(name)
        return found() if isinstance(found, Loaded) else found

    return {name: partial(value, name) for name in names}
