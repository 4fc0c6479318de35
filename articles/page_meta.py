"""What every public page tells search engines and link previews about itself."""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings

SITE_NAME = "Newsroom"
DEFAULT_DESCRIPTION = "Business news: companies, people and events, and how they connect."


@dataclass
class PageMeta:
    title: str
    description: str = DEFAULT_DESCRIPTION
    og_type: str = "website"  # "article" for articles, "profile" for people
    # A URL, or a function that finds it (run only when the head is rendered).
    image_url: str | Callable[[], str] = ""
    # (name, path) pairs from the home page down to this page.
    breadcrumbs: list[tuple[str, str]] = field(default_factory=list)
    json_ld: list[dict | Callable[[], dict]] = field(default_factory=list)
    # The row the image and JSON-LD are about: they are then kept as a panel
    # (articles/fragments.py), and their functions run only when it is drawn.
    panel: object = None
    feeds: list[tuple[str, str, str]] = field(default_factory=list)  # (title, path, mime)

    @property
    def full_title(self) -> str:
        return self.title if self.title == SITE_NAME else f"{self.title} · {SITE_NAME}"


def feed_links(title: str, rss_path: str, atom_path: str) -> list[tuple[str, str, str]]:
    """The same feed in each format; the JSON Feed lives at the RSS feed's `json/`."""
    return [
        (f"{title} (RSS)", rss_path, "application/rss+xml"),
        (f"{title} (Atom)", atom_path, "application/atom+xml"),
        (f"{title} (JSON Feed)", f"{rss_path}json/", "application/feed+json"),
    ]


def absolute_url(path: str) -> str:
    """`path` on the configured SITE_URL; never built from the request's Host."""
    if path.startswith(("http://", "https://", "//")):  # e.g. media on a CDN
        return path
    return settings.SITE_URL + path
