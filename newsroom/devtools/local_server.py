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

# Ports handed to servers we start are picked below the kernel's range for outgoing
# connections: a port from that range can be taken by any connection between its
# pick and the server's bind (SeaweedFS's S3 port was, once). 10,000 above each is
# left free too, for SeaweedFS's gRPC ports.
LOWEST_PORT = 10000


def _first_outgoing_port() -> int:
    try:
        with open("/proc/sys/net/ipv4/ip_local_port_range") as ports:
            return int(ports.read().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768  # Linux's default


def free_port() -> int:
    highest = _first_outgoing_port() - 10000
    pick = secrets.SystemRandom()
    for _ in range(500) if highest > LOWEST_PORT else ():
        port = pick.randrange(LOWEST_PORT, highest)
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    with socket.socket() as sock:  # no room below that range: let the kernel pick
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
