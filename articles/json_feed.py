"""JSON Feed 1.1 (https://jsonfeed.org/version/1.1) as a Django feed generator, so
each of our feeds is offered in it beside RSS and Atom from the same Feed class:
the same items, links and dependency keys."""

import json

from django.utils.feedgenerator import SyndicationFeed

VERSION = "https://jsonfeed.org/version/1.1"


def _time(moment) -> str | None:
    return moment.isoformat() if moment else None


class JSONFeed(SyndicationFeed):
    content_type = "application/feed+json; charset=utf-8"

    def write(self, outfile, encoding):
        feed = self.feed
        document = {
            "version": VERSION,
            "title": feed["title"],
            "home_page_url": feed["link"],
            "feed_url": feed.get("feed_url"),
            "description": feed.get("description") or None,
            "language": feed.get("language") or None,
            "items": [self._item(item) for item in self.items],
        }
        # The response (or writeString's buffer) takes text and encodes it itself.
        outfile.write(
            json.dumps(
                {key: value for key, value in document.items() if value is not None},
                ensure_ascii=False,
            )
        )

    @staticmethod
    def _item(item) -> dict:
        entry = {
            "id": item.get("unique_id") or item["link"],
            "url": item["link"],
            "title": item["title"],
            # The standfirst, escaped for HTML as in RSS and Atom.
            "content_html": item.get("description") or "",
            "date_published": _time(item.get("pubdate")),
            "date_modified": _time(item.get("updateddate")),
            "authors": [{"name": item["author_name"]}] if item.get("author_name") else None,
            "tags": list(item.get("categories") or []) or None,
        }
        return {key: value for key, value in entry.items() if value is not None}
