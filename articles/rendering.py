"""Article bodies: Markdown in, sanitised HTML with paragraph anchors out."""

import re

import markdown
import nh3
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from .autolink import Linkable, link_entities
from .kinds import ENTITY_KINDS

# Tags that name a thing a reader can look up; topics are not linked in the body.
LINKED_TAG_KINDS = {"place", "product", "programme"}

ANCHOR_ID = re.compile(r"^p-\d+$")

ALLOWED_TAGS = {
    "p",
    "h2",
    "h3",
    "h4",
    "ul",
    "ol",
    "li",
    "blockquote",
    "em",
    "strong",
    "a",
    "code",
    "pre",
    "br",
    "hr",
    "sub",
    "sup",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    **{tag: {"id"} for tag in ("p", "h2", "h3", "h4", "ul", "ol", "blockquote", "pre", "hr")},
}


class _ParagraphAnchors(Treeprocessor):
    """Give the Nth top-level block id="p-N", the anchor citations link to.

    Numbering follows Article.paragraphs(): one block per blank-line-separated chunk.
    """

    def run(self, root):
        for number, block in enumerate(root, start=1):
            block.set("id", f"p-{number}")


class ParagraphAnchorExtension(Extension):
    def extendMarkdown(self, md):
        md.treeprocessors.register(_ParagraphAnchors(md), "paragraph_anchors", 0)


def _keep_only_anchor_ids(element: str, attribute: str, value: str) -> str | None:
    # An author's raw HTML may not set ids of its own (they could clobber page ids).
    if attribute == "id" and not ANCHOR_ID.match(value):
        return None
    return value


def render_markdown(text: str) -> str:
    """Markdown to HTML that is safe to mark safe: nh3 drops anything executable."""
    html = markdown.markdown(text, extensions=[ParagraphAnchorExtension()], output_format="html")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_keep_only_anchor_ids,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )


def render_article_body(article) -> str:
    """The body as HTML, with the first mention of each attached entity linked.

    Only entities attached to the article are linked (their rows are prefetched with
    it, so this costs no query); editors attach more from the admin.
    """
    html = render_markdown(article.body)
    if not article.autolink:
        return html
    return link_entities(html, _linkables(article), _kept_whole(article))


def body_inputs(article) -> list:
    """Everything render_article_body(article) reads, for stored_bodies' digest."""
    linkables = _linkables(article) if article.autolink else []
    return [
        article.body,
        article.autolink,
        [(item.key, item.names, item.url, item.title) for item in linkables],
        list(_kept_whole(article)) if article.autolink else [],
    ]


def _kept_whole(article) -> tuple[str, ...]:
    titles = [role.title for person in article.people.all() for role in person.roles.all()]
    # The whole title and each of its parts ("International and China president").
    return (*titles, *(part.strip() for t in titles for part in t.split(",")))


def _linkables(article) -> list[Linkable]:
    skip = article.autolink_skip_list
    candidates = [
        *(
            entity
            for kind in ENTITY_KINDS.values()
            for entity in getattr(article, kind.article_field).all()
        ),
        *(tag for tag in article.tags.all() if tag.kind in LINKED_TAG_KINDS),
    ]
    linkables = []
    for entity in candidates:
        names = [entity.name, *entity.alias_list]
        if entity.slug.lower() in skip or any(name.lower() in skip for name in names):
            continue
        key = f"{type(entity).__name__}:{entity.pk}"
        linkables.append(Linkable(key, tuple(names), entity.get_absolute_url(), entity.name))
    return linkables
