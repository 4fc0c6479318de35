"""Resized copies of uploaded images for responsive pages (`srcset`).

Made with Pillow on first use and kept in storage beside the original, so a page
serves small WebP files to small screens. A broken original never breaks a page:
it is logged and the page falls back to the original file.
"""

import hashlib
import logging
from dataclasses import dataclass
from io import BytesIO

from django.core.files.base import ContentFile
from PIL import Image, UnidentifiedImageError

logger = logging.getLogger(__name__)

WIDTHS = (480, 800, 1200)


@dataclass(frozen=True)
class Rendition:
    url: str
    width: int
    height: int


def _rendition_name(digest: str, width: int) -> str:
    # Named by the original's content, never by its file name: two uploads called
    # IMG_0001.png and IMG_0001.jpg (or a name a writer seeded first) would share
    # renditions, and one article would show another's picture.
    return f"renditions/{digest[:2]}/{digest}-{width}w.webp"


def renditions(field_file) -> list[Rendition]:
    """Renditions no wider than the original, smallest first; [] if it cannot be read."""
    if not field_file:
        return []
    storage = field_file.storage
    try:
        with field_file.open("rb") as handle:
            data = handle.read()
        digest = hashlib.sha256(data).hexdigest()
        with Image.open(BytesIO(data)) as image:
            original_width, original_height = image.size
            result = []
            for width in WIDTHS:
                if width > original_width and result:
                    break
                width = min(width, original_width)
                height = round(original_height * width / original_width)
                name = _rendition_name(digest, width)
                if not storage.exists(name):
                    copy = image.convert("RGB").resize((width, height), Image.Resampling.LANCZOS)
                    buffer = BytesIO()
                    copy.save(buffer, "WEBP", quality=80)
                    name = storage.save(name, ContentFile(buffer.getvalue()))
                result.append(Rendition(storage.url(name), width, height))
            return result
    except (OSError, UnidentifiedImageError, Image.DecompressionBombError, ValueError):
        logger.exception("Could not make renditions of %s", field_file.name)
        return []
