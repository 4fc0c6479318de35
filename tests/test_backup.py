"""Backup and restore: an empty database restored from a backup serves every page
exactly as before."""

import tarfile
from io import BytesIO

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError
from PIL import Image

from articles.models import Article

from .snapshots import content_snapshot

pytestmark = pytest.mark.django_db
PAGES = [
    "/",
    "/articles/",
    "/companies/astrazeneca/",
    "/people/leon-wang/",
    "/events/ciie-4/",
    "/tags/shanghai/",
    "/together/company/astrazeneca/event/ciie-4/",
    "/sitemap.xml",
    "/feed/",
]


def page_bodies(client) -> dict[str, bytes]:
    from django.core.cache import cache

    cache.clear()
    return {path: client.get(path).content for path in PAGES}


def wipe_everything(settings):
    from .test_report_fixtures import delete_all_content

    delete_all_content()
    for path in sorted(settings.MEDIA_ROOT.rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()


def test_restore_into_an_empty_database_reproduces_every_page(client, report, settings, tmp_path):
    buffer = BytesIO()
    Image.new("RGB", (900, 500), "#224466").save(buffer, "PNG")
    report.image_alt = "The booth"
    report.image.save("booth.png", ContentFile(buffer.getvalue()))
    pages = {
        **page_bodies(client),
        report.get_absolute_url(): client.get(report.get_absolute_url()).content,
    }
    before = content_snapshot()

    archive = tmp_path / "newsroom.tar.gz"
    call_command("backup", "--output", str(archive), verbosity=0)
    wipe_everything(settings)
    assert not Article.objects.exists() and not any(settings.MEDIA_ROOT.rglob("*.png"))

    call_command("restore", str(archive), verbosity=0)
    assert content_snapshot() == before
    assert (settings.MEDIA_ROOT / Article.objects.get().image.name).exists()
    after = {
        **page_bodies(client),
        report.get_absolute_url(): client.get(report.get_absolute_url()).content,
    }
    assert after == pages


def test_restore_refuses_a_database_with_content(report, tmp_path):
    archive = tmp_path / "b.tar.gz"
    call_command("backup", "--output", str(archive), verbosity=0)
    with pytest.raises(CommandError, match="already holds content"):
        call_command("restore", str(archive))


def test_a_damaged_or_foreign_archive_changes_nothing(db, tmp_path):
    broken = tmp_path / "broken.tar.gz"
    broken.write_bytes(b"not a tar file")
    with pytest.raises(CommandError, match="Nothing was restored"):
        call_command("restore", str(broken))
    evil = tmp_path / "evil.tar.gz"
    with tarfile.open(evil, "w:gz") as tar:
        for name in ("content.json", "../../etc/passwd"):
            info = tarfile.TarInfo(name)
            info.size = 2
            tar.addfile(info, BytesIO(b"[]"))
    with pytest.raises(CommandError, match="unexpected member"):
        call_command("restore", str(evil))
    assert not Article.objects.exists()
