"""End to end against the whole topology (newsroom/devtools/topology.py, as
`make cluster` runs it): a real Varnish → two gunicorn app servers → PostgreSQL,
Redis and SeaweedFS, on loopback. Runs where the suite runs on PostgreSQL and Redis
(CI's second pass); the cluster serves the suite's own test database."""

import http.client
import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from urllib.parse import urlencode, urlsplit

import psycopg
import pytest
import urllib3
from django.conf import settings
from django.core.management import call_command
from django.db import connection, connections

from articles.models import Article
from articles.roles import EDITOR
from newsroom.devtools.local_server import free_port
from newsroom.devtools.topology import Cluster, ToolMissing, port_with_grpc

from .admin_helpers import article_form_data, make_user
from .conftest import REPORT_SLUG
from .test_edge import fetch
from .test_uploads import image_bytes
from .tools import require

pytestmark = pytest.mark.django_db(transaction=True)
REPORT = f"/articles/{REPORT_SLUG}/"
TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
# CI runs the 30 seconds; a developer may shorten it.
LOAD_SECONDS = float(os.environ.get("CLUSTER_LOAD_SECONDS", "30"))


@pytest.fixture(scope="module")
def cluster(django_db_setup, tmp_path_factory):
    if connection.vendor != "postgresql" or not settings.REDIS_URL:
        pytest.skip(
            "the cluster runs on PostgreSQL and Redis: run with DATABASE_URL=postgres://… "
            "REDIS_URL=redis://… (CI's second pass does)"
        )
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    database_url = (
        f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
        f"/{db['NAME']}"
    )
    running = Cluster(
        tmp_path_factory.mktemp("cluster"),
        database_url=database_url,
        redis_url=settings.REDIS_URL,  # the page store the suite's own writes invalidate
        edge_port=free_port(),
        app_ports=(free_port(), free_port()),
        s3_port=port_with_grpc(),
        workers=1,
    )
    running.manage("collectstatic", "--noinput", "--verbosity", "0")
    try:
        running.start()
    except ToolMissing as missing:
        require(False, str(missing))
    yield running
    running.stop()


@pytest.fixture
def site(cluster, settings):
    """The report loaded, the edge empty, the app servers fresh; this process's own
    writes purge the same edge."""
    call_command("load_report", verbosity=0)
    # Each test's database is new (flushed, content types made anew): app servers
    # started before it would hold the old rows' ids in their caches.
    cluster.stop_app_servers()
    cluster.start_app_servers()
    cluster.edge.wait_healthy()
    settings.EDGE_PURGE_URLS = [f"{cluster.edge_url}/"]
    # Passwords the app servers can check: production's hasher, not the suite's fast one.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    assert fetch(cluster.edge_url, "/", method="PURGE", headers={"xkey-purge": "site"})[0] == 200
    return cluster


class Editor:
    """An editor's browser: a session cookie, forms posted with their CSRF token."""

    def __init__(self, base: str, username: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        page = self.get("/admin/login/")
        self.post("/admin/login/", {"username": username, "password": "a-long-test-password-1",
                                    "next": "/admin/"}, page)  # fmt: skip

    def get(self, path: str, base: str | None = None) -> bytes:
        with self.opener.open((base or self.base) + path, timeout=30) as response:
            return response.read()

    def post(self, path: str, fields: dict, page: bytes, *, files=None) -> int:
        fields = {**fields, "csrfmiddlewaretoken": TOKEN.search(page).group(1).decode()}
        if files:
            flat = [(name, value) for name, values in fields.items()
                    for value in (values if isinstance(values, list) else [values])]  # fmt: skip
            body, content_type = urllib3.encode_multipart_formdata(flat + list(files.items()))
        else:
            body = urlencode(fields, doseq=True).encode()
            content_type = "application/x-www-form-urlencoded"
        request = urllib.request.Request(  # noqa: S310 (http://127.0.0.1 only)
            self.base + path, data=body, headers={"Content-Type": content_type}
        )
        with self.opener.open(request, timeout=30) as response:
            return response.status

    def cookie_header(self) -> str:
        return "; ".join(f"{cookie.name}={cookie.value}" for cookie in self.jar)


def status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_what_an_editor_does_on_one_server_readers_see_through_the_edge_and_the_other(site):
    make_user("desk", group=EDITOR)
    a, b = site.app_urls
    editor = Editor(a, "desk")
    pk = Article.objects.get(slug=REPORT_SLUG).pk
    assert fetch(site.edge_url, REPORT)[0] == 200
    assert fetch(site.edge_url, REPORT)[1]["X-Edge-Cache"] == "hit"
    assert status(b + REPORT) == 200

    desk = editor.get("/admin/")
    assert editor.post(f"/admin/articles/article/{pk}/step/unpublish/", {}, desk) == 200
    # No sleep, no retry: the purge was sent before the step's response.
    assert fetch(site.edge_url, REPORT)[0] == 404
    assert status(b + REPORT) == 404

    assert editor.post(f"/admin/articles/article/{pk}/step/publish/", {}, desk) == 200
    status_edge, headers, _ = fetch(site.edge_url, REPORT)
    assert (status_edge, headers["X-Edge-Cache"]) == (200, "miss")
    assert status(b + REPORT) == 200


def test_an_image_uploaded_through_one_server_is_served_from_the_bucket_by_the_edge(site):
    make_user("desk", group=EDITOR)
    editor = Editor(site.app_urls[0], "desk")
    form = editor.get("/admin/articles/article/add/")
    photo = image_bytes("PNG", size=(320, 240))
    data = article_form_data(title="A photo story", slug="a-photo-story", image_alt="A photo")
    code = editor.post(
        "/admin/articles/article/add/",
        data,
        form,
        files={"image": ("photo.png", photo, "image/png")},
    )
    assert code == 200  # redirected to the list
    name = Article.objects.get(slug="a-photo-story").image.name
    keys = [
        item["Key"]
        for item in site.storage.client().list_objects_v2(Bucket=site.bucket).get("Contents", [])
    ]
    assert f"media/{name}" in keys  # in SeaweedFS, not on an app server's disk
    served_status, _, body = fetch(site.edge_url, f"/media/{name}")
    assert (served_status, body) == (200, photo)
    assert fetch(site.edge_url, f"/media/{name}")[1]["X-Edge-Cache"] == "hit"


def test_a_purge_from_an_address_not_allowed_is_refused(site):
    refused = fetch(
        site.edge_url, "/", method="PURGE", headers={"xkey-purge": "site"}, source="127.0.0.2"
    )
    assert refused[0] == 403


def test_the_edge_never_serves_an_editors_page_to_a_reader(site):
    make_user("desk", group=EDITOR)
    editor = Editor(site.app_urls[0], "desk")
    article = Article.objects.get(slug=REPORT_SLUG)
    article.status = "draft"
    article.save()
    seen, headers, body = fetch(site.edge_url, REPORT, headers={"Cookie": editor.cookie_header()})
    assert (seen, headers["X-Edge-Cache"]) == (200, "pass")
    assert b"Draft preview" in body
    assert fetch(site.edge_url, REPORT)[0] == 404
    assert fetch(site.edge_url, REPORT)[0] == 404


def test_readers_under_load_see_no_error_and_no_page_older_than_a_save(site):
    """Readers on a Zipf-like mix through the edge while an editor saves the report
    once a second; right after each save returns, a reader must see it."""
    pages = [REPORT] * 6 + ["/", "/articles/", "/companies/", "/tags/", "/people/", "/events/"]
    stop = time.monotonic() + LOAD_SECONDS
    statuses, errors, stale, saves = Counter(), [], [], [0]
    lock = threading.Lock()

    def reader(offset: int) -> None:
        # One kept-alive connection, as a browser has: a connection per request ran
        # this machine out of local ports (TIME_WAIT) within the 30 s.
        parts = urlsplit(site.edge_url)
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
        n = offset
        try:
            while time.monotonic() < stop:
                path = pages[n % len(pages)]
                n += 1
                try:
                    connection.request("GET", path)
                    response = connection.getresponse()
                    response.read()
                except (OSError, http.client.HTTPException) as error:
                    errors.append(f"{path}: {error}")
                    connection.close()  # the next request connects again
                    continue
                with lock:
                    statuses[response.status // 100 * 100] += 1
        finally:
            connection.close()

    def editor() -> None:
        try:
            while time.monotonic() < stop:
                article = Article.objects.get(slug=REPORT_SLUG)
                saves[0] += 1
                marker = f"Save number {saves[0]} of the load run"
                article.standfirst = marker
                article.save()  # committed, and purged at the edge, when save() returns
                body = fetch(site.edge_url, REPORT)[2]
                if marker.encode() not in body:
                    stale.append(marker)
                time.sleep(1)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=reader, args=(i,)) for i in range(6)]
    threads.append(threading.Thread(target=editor))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors[:5]
    assert set(statuses) == {200}, statuses
    assert saves[0] >= LOAD_SECONDS * 0.5
    assert stale == []
    assert sum(statuses.values()) > 100


def test_with_every_app_server_stopped_the_edge_serves_what_it_has(site):
    assert fetch(site.edge_url, REPORT)[1]["X-Edge-Cache"] == "miss"
    site.stop_app_servers()
    deadline = time.monotonic() + 15
    while any(site.edge.app_health()):
        assert time.monotonic() < deadline, "the edge's probes never saw the servers go"
        time.sleep(0.2)
    served, headers, body = fetch(site.edge_url, REPORT)
    assert (served, headers["X-Edge-Cache"]) == (200, "stale")
    assert b"AstraZeneca" in body
    never_kept = fetch(site.edge_url, "/people/")
    assert never_kept[0] == 503 and never_kept[1]["Retry-After"] == "30"


def _other_redis_database(url: str) -> str:
    """Another site, another page store: eight databases above the suite's own."""
    parts = urlsplit(url)
    return parts._replace(path=f"/{int(parts.path.strip('/') or 0) + 8}").geturl()


def test_make_cluster_starts_everything_and_stops_it_on_sigterm(cluster, tmp_path):
    """The command itself, as `make cluster` runs it: its own database created,
    migrated and loaded, the addresses printed, and nothing left running after
    SIGTERM."""
    db = connection.settings_dict
    name = f"{db['NAME']}_make_cluster"
    base = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    ports = {"EDGE_PORT": free_port(), "APP_PORTS": f"{free_port()},{free_port()}"}
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST"))},
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        "NEWSROOM_DEVTOOLS": "1",
        "DATABASE_URL": f"{base}/{name}",
        "REDIS_URL": _other_redis_database(settings.REDIS_URL),
        "S3_PORT": str(port_with_grpc()),
        "CLUSTER_DIR": str(tmp_path / "cluster"),
        **{key: str(value) for key, value in ports.items()},
    }
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
    process = subprocess.Popen(
        [sys.executable, "manage.py", "cluster"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    output = []
    try:
        deadline = time.monotonic() + 240
        while not any("Ctrl-C stops everything" in line for line in output):
            assert time.monotonic() < deadline, "".join(output)
            line = process.stdout.readline()
            assert line or process.poll() is None, "".join(output)
            output.append(line)
        edge = f"http://127.0.0.1:{ports['EDGE_PORT']}"
        assert f"readers (the edge):   {edge}/" in "".join(output)
        assert fetch(edge, REPORT)[0] == 200  # its own database has the report
        process.send_signal(signal.SIGTERM)
        rest, _ = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    assert process.returncode == 0, "".join(output) + rest
    assert "Stopped the edge, the app servers and the object storage." in rest
    # The storage finished its own shutdown; it was not killed halfway through it.
    weed_log = (tmp_path / "cluster" / "seaweedfs" / "weed.log").read_text()
    assert "Shut down successfully" in weed_log
    for port in [ports["EDGE_PORT"], *map(int, ports["APP_PORTS"].split(",")), env["S3_PORT"]]:
        with socket.socket() as probe:
            assert probe.connect_ex(("127.0.0.1", int(port))) != 0, f"port {port} still open"
