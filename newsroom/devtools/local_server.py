"""Start the site under gunicorn on loopback, with production settings, for the
benchmarks and the load test (plain HTTP: DJANGO_HTTPS=false)."""

import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request

from django.conf import settings
from django.core.management.base import CommandError


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(
    *, workers: int, env: dict, output, port: int | None = None, secret: str | None = None
) -> tuple[subprocess.Popen, str]:
    """Start gunicorn and wait until it answers; returns the process and its base URL.

    `output` receives the server's stdout and stderr (a file, or subprocess.PIPE).
    App servers of one site share `secret` (sessions and signatures must agree).
    """
    port = port or free_port()
    server = subprocess.Popen(  # noqa: S603 (our own gunicorn, fixed arguments)
        [
            sys.executable,
            "-m",
            "gunicorn",
            "newsroom.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--no-control-socket",
        ],
        cwd=settings.BASE_DIR,
        env={
            **os.environ,
            "DJANGO_DEBUG": "false",
            "DJANGO_HTTPS": "false",
            "DJANGO_SECRET_KEY": secret or secrets.token_urlsafe(40),
            # The server measured is production's: without the tooling that runs it.
            "NEWSROOM_DEVTOOLS": "false",
            **env,
        },
        stdout=output,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        if server.poll() is not None:
            raise CommandError(f"gunicorn exited with status {server.returncode}")
        try:
            urllib.request.urlopen(base + "/robots.txt", timeout=2).read()  # noqa: S310
            return server, base
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise CommandError("gunicorn did not start in 20 s")
