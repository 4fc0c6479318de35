"""Link-preview images ("social cards") for articles and topic pages, drawn with Pillow.

A card is named by a hash of what it shows, so an edit makes a new file and a stale
card is never served. Cards are drawn when content is saved (articles/signals.py) and,
for rows saved without signals (fixtures), on the first request that needs one; the
page then points `og:image` at it.
"""

import hashlib
import io
import logging
from functools import cache

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageDraw, ImageFont

logger = logging.getLogger(__name__)

SIZE = (1200, 630)  # what Open Graph and large Twitter cards expect
FONTS = settings.BASE_DIR / "static" / "fonts"
PAPER, INK, MUTED, KICKER = "#ffffff", "#1b1b1b", "#5c5852", "#990f3d"
# Bump to redraw every card after a change of design.
DESIGN = "1"


@cache
def _font(name: str, size: int, weight: int) -> ImageFont.FreeTypeFont:
    font = ImageFont.truetype(str(FONTS / name), size)
    font.set_variation_by_axes([weight])  # variable fonts: one file, any weight
    return font


def _content(obj) -> tuple[str, str, str]:
    """(kicker, headline, line below) for an article, entity or tag."""
    from .models import Article

    if isinstance(obj, Article):
        return (obj.section or "Newsroom", obj.title, obj.standfirst)
    kind = getattr(obj, "get_kind_display", lambda: type(obj)._meta.verbose_name)()
    summary = getattr(obj, "description", "") or getattr(obj, "bio", "")
    return (str(kind), obj.name, summary)


def card_name(obj) -> str:
    kicker, title, below = _content(obj)
    digest = hashlib.sha256("\x1f".join([DESIGN, kicker, title, below]).encode()).hexdigest()
    return f"cards/{type(obj).__name__.lower()}/{obj.slug}-{digest[:16]}.png"


def _wrap(text: str, font, *, max_lines: int, width: int = SIZE[0] - 160) -> list[str]:
    """Lines that fit `width` pixels; an ellipsis where the text had to be cut."""
    lines: list[str] = []
    for word in text.split():
        if lines and font.getlength(f"{lines[-1]} {word}") <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        if lines:
            lines[-1] = lines[-1].rsplit(" ", 1)[0] + " …"
    return lines


def draw(kicker: str, title: str, below: str) -> bytes:
    image = Image.new("RGB", SIZE, PAPER)
    pen = ImageDraw.Draw(image)
    pen.rectangle([0, 0, SIZE[0], 12], fill=KICKER)
    sans = "source-sans-3-latin-wght-normal.woff2"
    serif = "source-serif-4-latin-wght-normal.woff2"
    pen.text((80, 70), kicker.upper(), font=_font(sans, 30, 700), fill=KICKER)
    y = 125
    headline = _font(serif, 68, 650)
    lines = _wrap(title, headline, max_lines=4)
    for line in lines:
        pen.text((80, y), line, font=headline, fill=INK)
        y += 82
    summary = _font(serif, 32, 400)
    for line in _wrap(below, summary, max_lines=max(0, 5 - len(lines))):
        pen.text((80, y + 16), line, font=summary, fill=MUTED)
        y += 44
    pen.text((80, SIZE[1] - 80), "Newsroom", font=_font(serif, 40, 700), fill=INK)
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def ensure_card(obj) -> str:
    """The card's storage name, drawn now if it does not exist yet; "" if it cannot be."""
    name = card_name(obj)
    try:
        if not default_storage.exists(name):
            default_storage.save(name, ContentFile(draw(*_content(obj))))
    except OSError:  # a full or read-only disk must not take the page down
        logger.exception("Could not draw the social card %s", name)
        return ""
    return name


def card_url(obj) -> str:
    name = ensure_card(obj)
    return default_storage.url(name) if name else ""
