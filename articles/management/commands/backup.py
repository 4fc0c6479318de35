"""Export all content and uploaded media into one .tar.gz that `restore` reads back."""

import io
import json
import tarfile
import time
from pathlib import Path

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import BaseCommand

CONTENT_MEMBER = "content.json"
MEDIA_PREFIX = "media/"
# Content and what it refers to; users and sessions are not content.
APPS = ["articles", "taggit"]


def media_files(storage, directory: str = "") -> list[str]:
    """Every file's name in `storage`, walked through its own listing."""
    try:
        folders, files = storage.listdir(directory)
    except FileNotFoundError:  # no upload yet on the local disk
        return []
    names = [f"{directory}{name}" for name in files]
    for folder in folders:
        names += media_files(storage, f"{directory}{folder}/")
    return sorted(names)


def _add(archive, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(time.time())
    archive.addfile(info, io.BytesIO(data))


class Command(BaseCommand):
    help = __doc__.strip()

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", help="File to write (default: var/backups/newsroom-<time>.tar.gz)."
        )

    def handle(self, *args, output, **options):
        path = (
            Path(output)
            if output
            else (
                settings.VAR_DIR / "backups" / f"newsroom-{time.strftime('%Y%m%d-%H%M%S')}.tar.gz"
            )
        )
        path.parent.mkdir(parents=True, exist_ok=True)
        content = io.StringIO()
        call_command("dumpdata", *APPS, "--natural-foreign", stdout=content, verbosity=0)
        data = json.loads(content.getvalue())
        encoded = json.dumps(data, ensure_ascii=False).encode()
        files = media_files(default_storage)
        with tarfile.open(path, "w:gz") as archive:
            _add(archive, CONTENT_MEMBER, encoded)
            for name in files:  # the local disk or the bucket, through one interface
                with default_storage.open(name, "rb") as handle:
                    _add(archive, MEDIA_PREFIX + name, handle.read())
        self.stdout.write(
            self.style.SUCCESS(
                f"Backed up {len(data)} rows and {len(files)} media files to {path}."
            )
        )
