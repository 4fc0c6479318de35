"""The whole topology on this machine: Varnish → two app servers → PostgreSQL, Redis
and SeaweedFS, on loopback, until Ctrl-C or SIGTERM (`make cluster`).

Defaults, each overridable by environment: the edge on EDGE_PORT (8080), app servers
on APP_PORTS (8001,8002), S3 on S3_PORT (8333), DATABASE_URL
(postgres://postgres@127.0.0.1:5432/newsroom_cluster: created, migrated and loaded
with the report if new), REDIS_URL (redis://127.0.0.1:6379/1). PostgreSQL and Redis
are started if they are not answering. Logs (JSON lines) are in var/cluster/
(CLUSTER_DIR).
"""

import os
import signal
import subprocess
import time
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from newsroom.devtools.topology import Cluster, ToolMissing

DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/newsroom_cluster"
DEFAULT_REDIS = "redis://127.0.0.1:6379/1"


def _ports(name: str, default: str) -> list[int]:
    raw = os.environ.get(name, default)
    try:
        ports = [int(part) for part in raw.split(",") if part.strip()]
    except ValueError:
        ports = []
    if not ports or not all(0 < port < 65536 for port in ports):
        raise CommandError(f"{name}={raw!r}: give port numbers, comma-separated.")
    return ports


def _answers(host: str, port: int) -> bool:
    import socket

    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex((host, port)) == 0


def _ensure_postgres(url: str) -> None:
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 5432
    if not _answers(host, port) and host in ("127.0.0.1", "localhost"):
        versions = sorted(Path("/etc/postgresql").glob("*"))
        if versions:
            subprocess.run(  # noqa: S603
                ["pg_ctlcluster", "--skip-systemctl-redirect", versions[-1].name, "main", "start"],  # noqa: S607
                check=False,
            )
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    for _ in range(30):
        try:
            with psycopg.connect(admin, autocommit=True) as connection:
                exists = connection.execute(
                    "SELECT 1 FROM pg_database WHERE datname = %s", [name]
                ).fetchone()
                if not exists:
                    connection.execute(f'CREATE DATABASE "{name}"')
                return
        except psycopg.OperationalError:
            time.sleep(1)
    raise CommandError(f"PostgreSQL does not answer at {host}:{port}.")


def _ensure_redis(url: str) -> None:
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 6379
    if _answers(host, port) or host not in ("127.0.0.1", "localhost"):
        return
    subprocess.run(  # noqa: S603
        ["redis-server", "--daemonize", "yes", "--bind", "127.0.0.1", "--port", str(port),  # noqa: S607
         "--save", "", "--appendonly", "no"],
        check=False,
    )  # fmt: skip
    for _ in range(30):
        if _answers(host, port):
            return
        time.sleep(0.2)
    raise CommandError(f"Redis does not answer at {host}:{port}.")


class Command(BaseCommand):
    help = __doc__.strip().splitlines()[0]

    def handle(self, *args, **options):
        database_url = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE
        if not database_url.startswith(("postgres://", "postgresql://")):
            raise CommandError(f"DATABASE_URL={database_url!r}: the cluster runs on PostgreSQL.")
        redis_url = os.environ.get("REDIS_URL") or DEFAULT_REDIS
        edge_port = _ports("EDGE_PORT", "8080")[0]
        cluster = Cluster(
            Path(os.environ.get("CLUSTER_DIR") or Path(settings.VAR_DIR) / "cluster"),
            database_url=database_url,
            redis_url=redis_url,
            edge_port=edge_port,
            app_ports=_ports("APP_PORTS", "8001,8002"),
            s3_port=_ports("S3_PORT", "8333")[0],
        )
        _ensure_postgres(database_url)
        _ensure_redis(redis_url)
        self.stdout.write("Release step: migrations, the report if new, static files…")
        cluster.release()
        stopping = []

        def request_stop(signum, frame):
            stopping.append(signum)

        signal.signal(signal.SIGTERM, request_stop)
        signal.signal(signal.SIGINT, request_stop)
        try:
            cluster.start()
        except ToolMissing as missing:
            raise CommandError(str(missing)) from None
        lines = [("readers (the edge)", f"{cluster.edge_url}/")]
        lines += [(f"app server {i}", f"{url}/") for i, url in enumerate(cluster.app_urls, 1)]
        lines += [
            ("admin", f"{cluster.edge_url}/admin/"),
            ("object storage (S3)", f"{cluster.storage.endpoint}/ bucket {cluster.bucket}"),
            ("database", database_url),
            ("Redis", redis_url),
            ("logs", f"{cluster.workdir}/"),
        ]
        self.stdout.write(self.style.SUCCESS("\nThe newsroom is running:"))
        for label, where in lines:
            self.stdout.write(f"  {label + ':':<21} {where}")
        self.stdout.write("Ctrl-C stops everything.")
        try:
            while not stopping:
                dead = cluster.dead()
                if dead:
                    raise CommandError(f"Stopped: {', '.join(dead)} exited; see the logs.")
                time.sleep(0.5)
        finally:
            # SeaweedFS takes about 15 s to close its streams: say so, or it looks hung.
            self.stdout.write("Stopping (the object storage takes about 15 s)…")
            cluster.stop()
            self.stdout.write("Stopped the edge, the app servers and the object storage.")
