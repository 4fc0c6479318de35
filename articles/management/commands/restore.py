"""Restore a `backup` archive into a database that holds no content yet.

All or nothing: the rows load in one transaction, the media files are written only
after they did, and a damaged archive changes nothing.
"""

import tarfile
import tempfile
from pathlib import Path, PurePosixPath

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from articles.models import Article, Company, Event, Person, Tag
from articles.page_cache import bump_content_version

from .backup import CONTENT_MEMBER, MEDIA_PREFIX


class Command(BaseCommand):
    help = __doc__.strip().splitlines()[0]

    def add_arguments(self, parser):
        parser.add_argument("archive")

    def handle(self, *args, archive, **options):
        if any(model.objects.exists() for model in (Article, Company, Person, Event, Tag)):
            raise CommandError(
                "The database already holds content; restore into an empty one "
                "(manage.py migrate on a new database) so that nothing is overwritten."
            )
        try:
            with tarfile.open(archive, "r:gz") as tar, tempfile.TemporaryDirectory() as work:
                members = tar.getmembers()
                self._check(members)
                tar.extractall(work, filter="data")
                with transaction.atomic():
                    call_command("loaddata", str(Path(work) / CONTENT_MEMBER), verbosity=0)
                media = [m for m in members if m.isfile() and m.name.startswith(MEDIA_PREFIX)]
                for member in media:  # to the local disk or the bucket
                    name = PurePosixPath(member.name).relative_to(MEDIA_PREFIX).as_posix()
                    if default_storage.exists(name):
                        default_storage.delete(name)  # the very name the rows refer to
                    default_storage.save(name, ContentFile((Path(work) / member.name).read_bytes()))
        except (OSError, tarfile.TarError, EOFError) as error:
            raise CommandError(f"Cannot read {archive}: {error}. Nothing was restored.") from error
        bump_content_version()
        self.stdout.write(
            self.style.SUCCESS(f"Restored {archive}: content and {len(media)} media files.")
        )

    @staticmethod
    def _check(members):
        names = {member.name for member in members}
        if CONTENT_MEMBER not in names:
            raise CommandError(f"Not a Newsroom backup: no {CONTENT_MEMBER} inside.")
        for member in members:
            path = PurePosixPath(member.name)
            if (
                path.is_absolute()
                or ".." in path.parts
                or not (member.name == CONTENT_MEMBER or member.name.startswith(MEDIA_PREFIX))
            ):
                raise CommandError(f"Refusing a backup with an unexpected member: {member.name}")
