"""Validation of uploaded images, before anything is written.

Django's ImageField already refuses files Pillow cannot open. This adds what a
newsroom needs on top: only JPEG, PNG, WebP and GIF; a byte limit; a pixel limit
read from the header, so a decompression bomb is refused before it is decoded;
content that must match its extension; and a full decode so that a truncated
file is refused instead of being served broken.
"""

from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from PIL import Image, UnidentifiedImageError

MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000  # 40 megapixels: well above any press photo

# Pillow's format name for each extension we accept.
FORMATS = {"jpg": "JPEG", "jpeg": "JPEG", "png": "PNG", "webp": "WEBP", "gif": "GIF"}


def validate_image_upload(upload) -> None:
    name = getattr(upload, "name", "") or ""
    extension = PurePath(name).suffix.lower().lstrip(".")
    if extension not in FORMATS:
        raise ValidationError(
            "“%(name)s” is not a JPEG, PNG, WebP or GIF file (by its name). Upload one of those.",
            code="image_type",
            params={"name": PurePath(name).name},
        )
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_BYTES:
        raise ValidationError(
            "The image is %(size)s; the limit is %(limit)s. Export it smaller and try again.",
            code="image_too_large",
            params={"size": filesizeformat(size), "limit": filesizeformat(MAX_BYTES)},
        )
    position = upload.tell() if hasattr(upload, "tell") else 0
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            detected = image.format
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise ValidationError(
                    "The image is %(width)s × %(height)s pixels; the limit is %(limit)s "
                    "megapixels. Resize it and try again.",
                    code="image_too_many_pixels",
                    params={"width": width, "height": height, "limit": MAX_PIXELS // 1_000_000},
                )
            if detected != FORMATS[extension]:
                raise ValidationError(
                    "The file is named .%(extension)s but holds %(detected)s data. Save it in "
                    "the format its name says, or rename it.",
                    code="image_mismatch",
                    params={"extension": extension, "detected": detected or "unknown"},
                )
            image.load()  # decodes every pixel: a truncated file fails here
    except ValidationError:
        raise
    except Image.DecompressionBombError as error:  # Pillow's own, far larger, limit
        raise ValidationError(
            "The image has far too many pixels; the limit is %(limit)s megapixels. "
            "Resize it and try again.",
            code="image_too_many_pixels",
            params={"limit": MAX_PIXELS // 1_000_000},
        ) from error
    except UnidentifiedImageError as error:
        raise ValidationError(
            "This file is not an image Pillow can read. Upload a JPEG, PNG, WebP or GIF.",
            code="image_unreadable",
        ) from error
    except (OSError, SyntaxError, ValueError) as error:
        raise ValidationError(
            "The image is damaged or incomplete (%(error)s). Export it again and retry.",
            code="image_damaged",
            params={"error": error},
        ) from error
    finally:
        upload.seek(position)
