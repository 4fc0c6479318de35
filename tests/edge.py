"""A real Varnish (with xkey) in front of a test's server, on loopback.

The VCL is the repository's own (deploy/varnish/newsroom.vcl); only backends.vcl,
which names the app servers and who may purge, is written for the test.
"""

import shutil
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path

from newsroom.devtools.local_server import free_port

from .tools import require

VCL = Path(__file__).resolve().parent.parent / "deploy" / "varnish" / "newsroom.vcl"

BACKENDS = """
probe healthz {{ .url = "/healthz"; .interval = 1s; .timeout = 1s; .window = 3; .threshold = 2; }}
{backends}
acl purgers {{ "127.0.0.1"; }}
sub newsroom_backends {{
{adds}
}}
"""


def backends_vcl(servers: list[tuple[str, int]]) -> str:
    """backends.vcl for app servers at `servers` ((host, port) pairs)."""
    return BACKENDS.format(
        backends="\n".join(
            f'backend app{i} {{ .host = "{host}"; .port = "{port}"; .probe = healthz; }}'
            for i, (host, port) in enumerate(servers, 1)
        ),
        adds="\n".join(f"    app.add_backend(app{i});" for i in range(1, len(servers) + 1)),
    )


@contextmanager
def varnish(workdir: Path, servers: list[tuple[str, int]], port: int | None = None):
    """Run varnishd in front of `servers`; yields (its URL, a varnishadm runner)."""
    varnishd = shutil.which("varnishd") or "/usr/sbin/varnishd"
    require(
        Path(varnishd).exists(),
        "varnishd is not installed (apt-get install varnish varnish-modules)",
    )
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "backends.vcl").write_text(backends_vcl(servers))
    shutil.copy(VCL, workdir / "newsroom.vcl")
    port = port or free_port()
    process = subprocess.Popen(
        [
            varnishd,
            "-F",
            # No separate users: the test's own directory is readable by it alone.
            "-j",
            "none",
            "-a",
            f"127.0.0.1:{port}",
            "-f",
            str(workdir / "newsroom.vcl"),
            "-p",
            f"vcl_path={workdir}",
            "-n",
            str(workdir / "state"),
            "-s",
            "malloc,64m",
            "-T",
            f"127.0.0.1:{free_port()}",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )

    def admin(*args: str) -> str:
        return subprocess.run(
            ["varnishadm", "-n", str(workdir / "state"), *args],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout

    try:
        deadline = time.monotonic() + 30
        while True:  # listening, and the backends' probes have run
            if process.poll() is not None:
                raise RuntimeError(f"varnishd exited: {process.stderr.read().decode()}")
            try:
                if "healthy" in admin("backend.list").lower():
                    break
            except subprocess.CalledProcessError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("varnishd did not find a healthy backend in 30 s")
            time.sleep(0.2)
        yield f"http://127.0.0.1:{port}", admin
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
