"""Known entities an article's text mentions but the article is not linked to yet.

Shown on the article's admin form, so the editor can attach them in one step.
"""

import re
from dataclasses import dataclass

from .kinds import KINDS
from .models import Article, Tag
from .rendering import LINKED_TAG_KINDS

# Which article field each kind is attached through.
ATTACH_FIELDS = {kind.model: kind.article_field for kind in KINDS.values()}


@dataclass(frozen=True)
class Suggestion:
    obj: object
    field: str  # the article field that attaches it
    name: str  # the name or alias found in the text

    @property
    def key(self) -> str:
        return f"{self.field}:{self.obj.pk}"


_WORD = re.compile(r"\w+")


def _mentioned(text: str, names: list[str]) -> str | None:
    for name in sorted(names, key=len, reverse=True):
        if name and re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text):
            return name
    return None


def _may_be_mentioned(names: list[str], words: set[str]) -> bool:
    """A cheap first test: some name's first word is a word of the text. The
    directory holds tens of thousands of names; the regex runs on the few that pass."""
    for name in names:
        first = _WORD.search(name)
        if first is None or first.group() in words:
            return True
    return False


def suggestions(article: Article) -> list[Suggestion]:
    text = "\n".join([article.title, article.standfirst, article.body])
    words = set(_WORD.findall(text))
    attached = {}
    if article.pk:
        attached = {
            field: set(getattr(article, field).values_list("pk", flat=True))
            for field in ATTACH_FIELDS.values()
        }
    found = []
    for model, field in ATTACH_FIELDS.items():
        candidates = model.objects.all()
        if model is Tag:
            candidates = candidates.filter(kind__in=LINKED_TAG_KINDS)
        named = {}
        for pk, name, aliases in candidates.values_list("pk", "name", "aliases").iterator():
            if pk in attached.get(field, ()):
                continue
            names = [name, *(line.strip() for line in aliases.splitlines() if line.strip())]
            if _may_be_mentioned(names, words):
                match = _mentioned(text, names)
                if match:
                    named[pk] = match
        objects = model.objects.in_bulk(list(named))
        found += [Suggestion(objects[pk], field, name) for pk, name in named.items()]
    return found


def attach(article: Article, keys: list[str]) -> int:
    """Attach the suggestions named by `keys` ("companies:3", …); returns how many."""
    by_field: dict[str, list[int]] = {}
    for key in keys:
        field, _, pk = key.partition(":")
        if field in ATTACH_FIELDS.values() and pk.isdigit():
            by_field.setdefault(field, []).append(int(pk))
    count = 0
    models = {field: model for model, field in ATTACH_FIELDS.items()}
    for field, pks in by_field.items():
        objects = list(models[field].objects.filter(pk__in=pks))
        getattr(article, field).add(*objects)
        count += len(objects)
    return count
