"""An entity's timeline: events, articles and dated facts merged in date order.

Built from rows the detail page has already loaded, so it costs no query. Dates
are shown at their precision; entries whose date the source does not pin down
come last, in the source's words.
"""

from dataclasses import dataclass
from datetime import date

from .models.citations import format_partial_date


@dataclass(frozen=True)
class Entry:
    on: date | None
    precision: str
    date_text: str
    kind: str  # "event", "article" or "fact"
    label: str
    url: str

    @property
    def when(self) -> str:
        return format_partial_date(self.on, self.precision, self.date_text) or "Date not stated"

    @property
    def iso(self) -> str:
        """The machine-readable date, no more precise than what is known."""
        if not self.on:
            return ""
        return self.on.strftime({"year": "%Y", "month": "%Y-%m"}.get(self.precision, "%Y-%m-%d"))


def _sort_key(entry: Entry):
    return (entry.on is None, entry.on or date.max, entry.kind, entry.label)


@dataclass(frozen=True)
class Group:
    """Entries that share one date as readers see it, shown under one heading."""

    when: str
    iso: str
    entries: list[Entry]


UNDATED = "Not precisely dated"


def build(*, events=(), articles=(), facts=()) -> list[Entry]:
    # An event with no date at all says nothing in a timeline ("Date not stated"
    # five times); its page lists it elsewhere.
    entries = [
        Entry(e.starts_on, e.date_precision, e.date_text, "event", str(e), e.get_absolute_url())
        for e in events
        if e.starts_on or e.date_text
    ]
    entries += [
        # A copy of a report stands at the report's own date (date_for_readers).
        Entry(a.source_published_on, a.source_date_precision, "", "article", a.title, url)
        if a.source_published_on
        else Entry(a.published_at.date(), "day", "", "article", a.title, url)
        for a in articles
        if a.published_at or a.source_published_on
        for url in [a.get_absolute_url()]
    ]
    entries += [
        Entry(f.date, f.date_precision, f.date_text, "fact", label, f.citation.get_absolute_url())
        for f, label in facts
        if f.date or f.date_text
    ]
    return sorted(set(entries), key=_sort_key)


def grouped(entries: list[Entry]) -> list[Group]:
    """One heading per date in order; every entry the source does not date goes under
    one last heading, each with the source's own words for when."""
    groups: list[Group] = []
    undated = [entry for entry in entries if entry.on is None]
    for entry in entries:
        if entry.on is None:
            continue
        if groups and groups[-1].when == entry.when:
            groups[-1].entries.append(entry)
        else:
            groups.append(Group(entry.when, entry.iso, [entry]))
    if undated:
        groups.append(Group(UNDATED, "", undated))
    return groups
