"""Times the site prints for machines: one precision everywhere, the second.

Pages, feeds and JSON-LD print `published_at`/`updated_at` for machines. Readers
need no more than the second, and a backup (Django's JSON serializer) keeps only
milliseconds, so printing microseconds would make a restored site differ from the
original. Everything machine-readable goes through these two functions.
"""

from datetime import date, datetime


def to_the_second(moment: datetime | None) -> datetime | None:
    return moment.replace(microsecond=0) if moment is not None else None


def machine_time(moment: date | datetime | None) -> str:
    """ISO 8601 for a `<time datetime>` or JSON-LD: a date as is, a time to the second."""
    if moment is None:
        return ""
    if isinstance(moment, datetime):
        return moment.isoformat(timespec="seconds")
    return moment.isoformat()
