"""Settings come from the environment, with safe defaults and readable errors.

Each case imports the settings in a fresh interpreter, because settings are read
once, at import.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
VARIABLES = (
    "DJANGO_DEBUG",
    "DJANGO_SECRET_KEY",
    "DJANGO_ALLOWED_HOSTS",
    "DATABASE_URL",
    "REDIS_URL",
    "MEDIA_ROOT",
    "SITE_URL",
    "EMAIL_HOST",
    "EMAIL_PORT",
    "PENDING_UPLOADS_ROOT",
)

PRINT_SETTINGS = """
import json
from django.conf import settings
print(json.dumps({
    "debug": settings.DEBUG,
    "engine": settings.DATABASES["default"]["ENGINE"],
    "name": str(settings.DATABASES["default"]["NAME"]),
    "cache": settings.CACHES["default"]["BACKEND"],
    "cache_location": settings.CACHES["default"].get("LOCATION", ""),
    "hosts": settings.ALLOWED_HOSTS,
    "media": str(settings.MEDIA_ROOT),
    "secret": settings.SECRET_KEY,
    "site_url": settings.SITE_URL,
}))
"""


def run_python(code: str, **env) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in VARIABLES}
    clean["DJANGO_SETTINGS_MODULE"] = "newsroom.settings"
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def read_settings(**env) -> dict:
    result = run_python(PRINT_SETTINGS, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_defaults_need_no_environment():
    values = read_settings()
    assert values["debug"] is False
    assert values["engine"] == "django.db.backends.sqlite3"
    assert values["name"] == str(ROOT / "var" / "db.sqlite3")
    assert values["cache"].endswith("LocMemCache")
    assert values["hosts"] == ["localhost", "127.0.0.1", "[::1]"]
    assert values["media"] == str(ROOT / "var" / "media")
    assert values["site_url"] == "http://127.0.0.1:8000"


def test_everything_is_read_from_the_environment(tmp_path):
    values = read_settings(
        DJANGO_DEBUG="true",
        DJANGO_SECRET_KEY="from-the-environment",
        DJANGO_ALLOWED_HOSTS="news.example.com, www.news.example.com",
        DATABASE_URL="postgres://editor:pw@db.internal:5432/newsroom",
        REDIS_URL="redis://cache.internal:6379/1",
        MEDIA_ROOT=str(tmp_path),
        SITE_URL="https://news.example.com/",
    )
    assert values["debug"] is True
    assert values["secret"] == "from-the-environment"
    assert values["hosts"] == ["news.example.com", "www.news.example.com"]
    assert values["engine"] == "django.db.backends.postgresql"
    assert values["name"] == "newsroom"
    assert values["cache"] == "newsroom.cache_backends.ResilientRedisCache"
    assert values["cache_location"] == "redis://cache.internal:6379/1"
    assert values["media"] == str(tmp_path)
    assert values["site_url"] == "https://news.example.com"


@pytest.mark.parametrize(
    "env, message",
    [
        ({"DJANGO_DEBUG": "maybe"}, "DJANGO_DEBUG='maybe' is not a boolean"),
        ({"DATABASE_URL": "nosuchdb://x"}, "DATABASE_URL could not be read"),
        ({"SITE_URL": "news.example.com"}, "SITE_URL='news.example.com' is not a site address"),
        ({"SITE_URL": "https://news.example.com/x/"}, "use scheme and host only"),
        ({"DJANGO_LOG_FORMAT": "xml"}, "DJANGO_LOG_FORMAT='xml': use text or json"),
        ({"EDGE_PURGE_URLS": "varnish:8080"}, "is not an http:// address of an edge cache"),
        ({"API_WRITE_RATE": "fast"}, "API_WRITE_RATE='fast': give requests per period"),
        ({"API_TOKEN_DAYS": "soon"}, "API_TOKEN_DAYS"),
    ],
)
def test_bad_settings_say_what_to_fix(env, message):
    result = run_python(PRINT_SETTINGS, **env)
    assert result.returncode != 0
    assert message in result.stderr


def test_app_server_refuses_the_development_key_with_debug_off():
    result = run_python("import newsroom.wsgi")
    assert result.returncode != 0
    assert "Set DJANGO_SECRET_KEY" in result.stderr


@pytest.mark.parametrize("env", [{"DJANGO_SECRET_KEY": "a-real-secret"}, {"DJANGO_DEBUG": "1"}])
def test_app_server_starts_with_a_key_or_in_debug(env):
    assert run_python("import newsroom.wsgi, newsroom.asgi", **env).returncode == 0


def test_configured_cache_round_trips():
    """The cache in use (Redis when REDIS_URL is set, else local memory) really works."""
    from django.core.cache import cache, caches

    cache.set("newsroom-test", {"ok": 1}, 30)
    assert cache.get("newsroom-test") == {"ok": 1}
    cache.delete("newsroom-test")
    if os.environ.get("REDIS_URL"):
        assert type(caches["default"]).__name__ == "ResilientRedisCache"


PRINT_EMAIL = """
from django.conf import settings
print(settings.EMAIL_BACKEND, getattr(settings, "EMAIL_PORT", ""), settings.PENDING_UPLOADS_ROOT)
"""


def test_workflow_email_prints_to_the_console_unless_an_smtp_host_is_set(tmp_path):
    default = run_python(PRINT_EMAIL)
    assert default.stdout.split()[0] == "django.core.mail.backends.console.EmailBackend"
    assert default.stdout.split()[2] == str(ROOT / "var" / "pending-uploads")
    smtp = run_python(PRINT_EMAIL, EMAIL_HOST="smtp.example.com", EMAIL_PORT="2525")
    assert smtp.stdout.split()[:2] == ["django.core.mail.backends.smtp.EmailBackend", "2525"]


def test_a_bad_email_port_is_refused_with_a_message():
    result = run_python(PRINT_EMAIL, EMAIL_HOST="smtp.example.com", EMAIL_PORT="submission")
    assert result.returncode != 0
    assert "EMAIL_PORT must be a port number" in result.stderr
