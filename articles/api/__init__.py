"""The content API, version 1 (docs/api.md): the reader site's data as JSON.

It never shows more than the site: each endpoint reads through the same selectors
and page builders as the page it mirrors (articles/selectors.py, topic_pages.py),
so a draft, a scheduled article, or a fact cited only from one, is as absent here
as there. Anonymous responses go through the page cache like pages, filed under the
same dependency keys and sent with the same `Surrogate-Key`, ETag and
Last-Modified headers.
"""
