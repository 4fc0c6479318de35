"""Sign-in throttling behind a real reverse proxy: nginx in front of gunicorn.

Behind a proxy every connection comes from the proxy, so unless django-axes reads
the client's address from X-Forwarded-For (DJANGO_PROXY_COUNT), five wrong
passwords from anyone lock an editor out for everyone.
"""

import http.client
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest

from newsroom.devtools.local_server import free_port, start_gunicorn

from .tools import require

ROOT = Path(__file__).resolve().parent.parent
USERNAME, PASSWORD = "desk-editor", "a-long-and-unusual-passphrase-42"
CLIENT_A, CLIENT_B = "127.0.0.2", "127.0.0.3"  # loopback: Linux answers all of 127/8
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

NGINX_CONF = """
daemon off;
worker_processes 1;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
{user}
events {{ worker_connections 64; }}
http {{
    access_log {dir}/access.log;
    client_body_temp_path {dir}/body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://127.0.0.1:{upstream};
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
        }}
    }}
}}
"""


def nginx_binary() -> str | None:
    return shutil.which("nginx") or next(
        (path for path in ("/usr/sbin/nginx",) if Path(path).exists()), None
    )


def manage(env: dict, *args: str, stdin: str = "") -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture
def proxied_site(tmp_path):
    """gunicorn with DJANGO_PROXY_COUNT=1 behind nginx; both stopped afterwards."""
    nginx = nginx_binary()
    require(nginx is not None, "nginx is not installed (apt-get install nginx)")
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'proxy.sqlite3'}",
        "REDIS_URL": "",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_HTTPS": "false",
        "DJANGO_BEHIND_PROXY": "true",
        "DJANGO_PROXY_COUNT": "1",
    }
    manage(env, "migrate", "--noinput", "--verbosity", "0")
    # The admin's pages need the static manifest, as in production (make run does this).
    manage(env, "collectstatic", "--noinput", "--verbosity", "0")
    manage(env, "create_account", USERNAME, "--role", "editor", "--password-stdin", stdin=PASSWORD)
    log = (tmp_path / "gunicorn.log").open("w")
    server, base = start_gunicorn(workers=1, env=env, output=log)
    port = free_port()
    conf = tmp_path / "nginx.conf"
    conf.write_text(
        NGINX_CONF.format(
            dir=tmp_path,
            port=port,
            upstream=base.rsplit(":", 1)[1],
            # As root, nginx's workers would switch to "nobody" and lose the temp dirs.
            user="user root;" if os.geteuid() == 0 else "",
        )
    )
    proxy = subprocess.Popen(
        [nginx, "-p", str(tmp_path), "-c", str(conf), "-e", str(tmp_path / "error.log")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            assert proxy.poll() is None, (tmp_path / "error.log").read_text()
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                connection.request("GET", "/robots.txt")
                if connection.getresponse().status == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, "nginx did not answer in 20 s"
            time.sleep(0.2)
        yield port
    finally:
        for process in (proxy, server):
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
        log.close()


class Browser:
    """Signs in to the admin through the proxy from one source address."""

    def __init__(self, port: int, source: str):
        self.port, self.source, self.cookies = port, source, {}

    def request(self, method: str, path: str, body: str = "", headers=None):
        connection = http.client.HTTPConnection(
            "127.0.0.1", self.port, timeout=30, source_address=(self.source, 0)
        )
        cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        all_headers = {"Cookie": cookie, **(headers or {})}
        if body:
            all_headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=all_headers)
        response = connection.getresponse()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        text = response.read().decode()
        connection.close()
        return response.status, text

    def sign_in(self, password: str, headers=None) -> int:
        status, page = self.request("GET", "/admin/login/")
        assert status == 200, page[-2000:]
        token = TOKEN.search(page).group(1)
        form = urlencode({"username": USERNAME, "password": password, "csrfmiddlewaretoken": token})
        return self.request("POST", "/admin/login/?next=/admin/", form, headers)[0]


def test_a_lockout_behind_nginx_locks_out_that_client_only(proxied_site):
    a, b = Browser(proxied_site, CLIENT_A), Browser(proxied_site, CLIENT_B)
    statuses = [a.sign_in("wrong-password") for _ in range(5)]
    assert statuses == [200, 200, 200, 200, 429]  # the fifth locks A out
    assert a.sign_in(PASSWORD) == 429
    # A cannot escape by claiming another address: nginx appends the one it saw.
    assert a.sign_in(PASSWORD, {"X-Forwarded-For": "203.0.113.7"}) == 429
    assert b.sign_in(PASSWORD) == 302  # B, behind the same proxy, signs in
