"""A real Varnish (with xkey) in front of a test's servers, on loopback: the
repository's VCL, with a backends.vcl written for the test
(newsroom/devtools/topology.py, as `make cluster` does)."""

from contextlib import contextmanager
from pathlib import Path

from newsroom.devtools.topology import ToolMissing, Varnish

from .tools import require


@contextmanager
def varnish_edge(workdir: Path, servers: list[tuple[str, int]], *, media=None):
    """Run varnishd in front of `servers`; yields the running Varnish."""
    try:
        edge = Varnish(workdir, servers, media=media)
    except ToolMissing as missing:
        require(False, str(missing))
    try:
        edge.wait_healthy()
        yield edge
    finally:
        edge.stop()


@contextmanager
def varnish(workdir: Path, servers: list[tuple[str, int]], *, media=None):
    """Run varnishd in front of `servers`; yields (its URL, a varnishadm runner)."""
    with varnish_edge(workdir, servers, media=media) as edge:
        yield edge.url, edge.admin
