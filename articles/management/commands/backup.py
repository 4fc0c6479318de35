"""Export all content and uploaded media into one .tar.gz that `restore` reads back."""

import io
import json
import tarfile
import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

CONTENT_MEMBER = "content.json"
MEDIA_PREFIX = "media/"
# Content and what it refers to; users and sessions are not content.
APPS = ["articles", "taggit"]


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
        media_root = Path(settings.MEDIA_ROOT)
        files = [p for p in media_root.rglob("*") if p.is_file()] if media_root.exists() else []
        with tarfile.open(path, "w:gz") as archive:
            info = tarfile.TarInfo(CONTENT_MEMBER)
            info.size = len(encoded)
            info.mtime = int(time.time())
            archive.addfile(info, io.BytesIO(encoded))
            for file in files:
                archive.add(file, arcname=MEDIA_PREFIX + file.relative_to(media_root).as_posix())
        self.stdout.write(
            self.style.SUCCESS(
                f"Backed up {len(data)} rows and {len(files)} media files to {path}."
            )
        )
