"""Real external tools the suite drives: Chromium, axe-core, the Nu HTML validator.

Locally a missing tool (or the seed report beside the repository) skips its tests
with a loud reason; in CI (NEWSROOM_REQUIRE_TOOLS=1, set by .ci/run) it fails them.
"""

import fcntl
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "node_modules"
AXE_JS = NODE_MODULES / "axe-core" / "axe.min.js"
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"

CHROMIUM_CANDIDATES = (
    "/usr/lib/chromium/chromium",
    "/usr/bin/chromium",
    "/usr/bin/chromium-browser",
)
# Keep Chromium off the network and working as root (see TESTING.md).
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def chromium_path() -> str | None:
    configured = os.environ.get("CHROMIUM_PATH")
    if configured:
        return configured if Path(configured).exists() else None
    return next((path for path in CHROMIUM_CANDIDATES if Path(path).exists()), None)


def require(condition: bool, reason: str, *, missing: str = "TOOL") -> None:
    """Skip loudly when a tool (or the seed) is missing, or fail when CI says it must
    be there."""
    if condition:
        return
    message = f"MISSING {missing}: {reason}"
    if os.environ.get("NEWSROOM_REQUIRE_TOOLS") == "1":
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def require_vnu() -> tuple[str, Path]:
    java = shutil.which("java")
    require(java is not None, "java is not installed (apt-get install default-jre-headless)")
    require(VNU_JAR.exists(), f"{VNU_JAR} is missing: run `npm ci`")
    return java, VNU_JAR


def run_with_the_database_down(code: str, **env) -> subprocess.CompletedProcess:
    """Run `code` in a fresh Python on production settings with a database that
    refuses connections: a real process, as a server would meet the outage.

    Its pages name hashed static files, so the manifest must exist: collected here if
    it does not, under the lock of the tests that collect them (tests/conftest.py),
    which is held while the process runs so that none of them rewrites it meanwhile.
    """
    from .conftest import ONE_AT_A_TIME_LOCK

    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    ONE_AT_A_TIME_LOCK.parent.mkdir(exist_ok=True)
    with ONE_AT_A_TIME_LOCK.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if not (ROOT / "staticfiles" / "staticfiles.json").exists():
            subprocess.run(
                [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
                cwd=ROOT,
                env={**clean, "DJANGO_SETTINGS_MODULE": "newsroom.settings"},
                check=True,
                timeout=300,
            )
        return _run_down(code, clean, env)


def _run_down(code: str, clean: dict, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); " + code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={
            **clean,
            "DJANGO_SETTINGS_MODULE": "newsroom.settings",
            "DJANGO_ALLOWED_HOSTS": "testserver",
            "DJANGO_HTTPS": "false",
            "DATABASE_URL": "postgres://nobody@127.0.0.1:1/nothing",
            "REDIS_URL": "",
            **env,
        },
        check=False,
    )
