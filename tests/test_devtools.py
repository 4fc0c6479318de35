"""Benchmarks, the load test and demo content live in newsroom.devtools, which
production settings do not install (NEWSROOM_DEVTOOLS, default: DEBUG)."""

import json
import os
import subprocess
import sys
from pathlib import Path

from django.apps import apps

ROOT = Path(__file__).resolve().parent.parent
PRINT_APPS = (
    "import json, django; from django.conf import settings; django.setup(); "
    "from django.core.management import get_commands; "
    "print(json.dumps({'apps': settings.INSTALLED_APPS, 'commands': sorted(get_commands())}))"
)
TOOLS = {"benchmark", "benchmark_admin", "bench_newsroom", "generate_demo_content", "load_test"}


def production(**env) -> dict:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in ("NEWSROOM_DEVTOOLS", "DJANGO_DEBUG", "DATABASE_URL", "REDIS_URL")
    }
    run = subprocess.run(
        [sys.executable, "-c", PRINT_APPS],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "newsroom.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(run.stdout)


def test_production_settings_do_not_install_the_tooling():
    settings = production()
    assert "newsroom.devtools" not in settings["apps"]
    assert not TOOLS & set(settings["commands"])
    assert "load_report" in settings["commands"]  # the product's own commands stay


def test_the_tooling_is_there_when_asked_for_or_in_debug():
    for env in ({"NEWSROOM_DEVTOOLS": "1"}, {"DJANGO_DEBUG": "true"}):
        settings = production(**env)
        assert "newsroom.devtools" in settings["apps"], env
        assert set(settings["commands"]) >= TOOLS, env
    assert "newsroom.devtools" not in production(DJANGO_DEBUG="true", NEWSROOM_DEVTOOLS="0")["apps"]


def test_the_suite_installs_it():
    assert apps.get_app_config("devtools").name == "newsroom.devtools"
