from django import template
from django.utils.safestring import mark_safe

from articles.rendering import render_markdown

register = template.Library()


@register.filter
def markdown(text: str) -> str:
    """Render an article body; safe because render_markdown sanitises with nh3."""
    return mark_safe(render_markdown(text))  # noqa: S308 (sanitised above)
