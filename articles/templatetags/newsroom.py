import json
import re

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

from articles import fragments
from articles.page_meta import absolute_url
from articles.rendering import render_markdown
from articles.timestamps import machine_time as _machine_time

register = template.Library()

# As django.utils.html.json_script: nothing in the data can close the script element.
_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.filter
def markdown(text: str) -> str:
    """Render Markdown; safe because render_markdown sanitises with nh3."""
    return mark_safe(render_markdown(text))  # noqa: S308 (sanitised above)


@register.filter
def machine_time(moment) -> str:
    """For `<time datetime>`: ISO 8601 to the second (articles/timestamps.py)."""
    return _machine_time(moment)


@register.filter
def json_ld(data) -> str:
    """A JSON-LD block (from a dict, or a function that builds one). Data blocks are
    not executed, so no CSP allowance is needed."""
    if callable(data):
        data = data()
    payload = json.dumps(data, ensure_ascii=False, default=str).translate(_JSON_ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{payload}</script>')  # noqa: S308


@register.filter
def highlight(text: str, terms: list[str]) -> str:
    """Wrap each search term in <mark>, escaping everything (terms included)."""
    if not terms:
        return escape(text)
    pattern = re.compile("(" + "|".join(re.escape(term) for term in terms) + ")", re.IGNORECASE)
    # re.split with a group alternates text, match, text, …: odd pieces are matches.
    pieces = [
        f"<mark>{escape(piece)}</mark>" if n % 2 else str(escape(piece))
        for n, piece in enumerate(pattern.split(str(text)))
    ]
    return mark_safe("".join(pieces))  # noqa: S308 (every piece escaped)


@register.simple_tag(takes_context=True)
def canonical_url(context) -> str:
    """This page's one address: no query string but a page number past the first."""
    request = context["request"]
    url = absolute_url(request.path)  # SITE_URL, never the request's Host
    page = request.GET.get("page", "")
    # isascii too: "¹" is a digit to str.isdigit() but not to int() (found by Hypothesis).
    return f"{url}?page={page}" if page.isascii() and page.isdigit() and int(page) > 1 else url


@register.filter
def srcset(images) -> str:
    return ", ".join(f"{image.url} {image.width}w" for image in images)


class PanelNode(template.Node):
    def __init__(self, name: str, vary: list, nodelist):
        self.name, self.vary, self.nodelist = name, vary, nodelist

    def render(self, context):
        about = tuple(expression.resolve(context) for expression in self.vary)
        if not all(about):  # about nothing in particular: not kept
            return self.nodelist.render(context)
        return fragments.cached(
            self.name,
            about,
            lambda: self.nodelist.render(context),
            request=context.get("request"),
        )


@register.tag
def panel(parser, token):
    """{% panel "name" article ... %}…{% endpanel %}: a part of a page kept on its own
    under the dependency keys of what it shows (articles/fragments.py). The rows (or
    values) after the name are what the panel is about (an empty one: not kept);
    everything it shows must follow from them."""
    bits = token.split_contents()
    if len(bits) < 2 or bits[1][0] not in "\"'":
        raise template.TemplateSyntaxError('usage: {% panel "name" value ... %}')
    nodelist = parser.parse(("endpanel",))
    parser.delete_first_token()
    return PanelNode(bits[1][1:-1], [parser.compile_filter(bit) for bit in bits[2:]], nodelist)
