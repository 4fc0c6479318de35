"""What a load balancer and a log collector need from every app server: health
endpoints that answer before anything can redirect or refuse them, one request id
from the edge to the logs, and logs as JSON lines."""

import json

import pytest

from .tools import run_with_the_database_down


def test_healthz_answers_any_probe_without_io(client, settings):
    # No django_db mark: a query here would fail the test.
    settings.SECURE_SSL_REDIRECT = True  # a probe speaks plain HTTP to the server itself
    response = client.get("/healthz", HTTP_HOST="10.1.2.3:8001")
    assert response.status_code == 200
    assert response.json() == {"status": "alive"}
    assert response["Cache-Control"] == "no-store"


@pytest.mark.django_db
def test_readyz_checks_database_cache_and_storage(client):
    response = client.get("/readyz", HTTP_HOST="10.1.2.3:8001")
    assert response.status_code == 200
    body = response.json()
    assert body["ready"] is True
    assert set(body["checks"]) == {"database", "cache", "storage"}
    assert all(value.startswith("ok") for value in body["checks"].values())


def test_readyz_says_which_part_is_down():
    result = run_with_the_database_down(
        "from django.test import Client; r = Client().get('/readyz'); "
        "print(r.status_code); print(r.content.decode())"
    )
    status, body = result.stdout.split("\n", 1)
    assert status == "503", result.stderr
    checks = json.loads(body)["checks"]
    assert checks["database"].startswith("failed: OperationalError")
    assert checks["cache"].startswith("ok")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "given, kept",
    [("edge-7f3a.1", True), ("", False), ("two words", False), ("x" * 65, False), ("a\nb", False)],
)
def test_the_request_id_from_the_edge_is_echoed_or_made_anew(client, given, kept):
    headers = {"HTTP_X_REQUEST_ID": given} if given else {}
    response = client.get("/robots.txt", **headers)
    if kept:
        assert response["X-Request-ID"] == given
    else:  # a header that could forge a log line is not used
        assert len(response["X-Request-ID"]) == 32
        assert response["X-Request-ID"] != given


def test_logs_are_json_lines_carrying_the_request_id():
    # A real process on production settings; the database is down, so the page's
    # request also logs a warning, which must carry the same id.
    result = run_with_the_database_down(
        "from django.test import Client; "
        "print(Client().get('/robots.txt', HTTP_X_REQUEST_ID='edge-42').status_code)",
        DJANGO_LOG_FORMAT="json",
    )
    assert result.stdout.strip() == "200", result.stderr
    # Log records only: Python's own warnings (whitenoise's, in a fresh checkout with
    # no collected static files) are printed by the warnings module, not logged.
    lines = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    access = [line for line in lines if line["logger"] == "newsroom.request"]
    assert len(access) == 1
    assert access[0]["request_id"] == "edge-42"
    assert (access[0]["method"], access[0]["path"], access[0]["status"]) == (
        "GET",
        "/robots.txt",
        200,
    )
    assert access[0]["duration_ms"] >= 0
    warnings = [line for line in lines if line["level"] == "WARNING"]
    assert warnings and all(line["request_id"] == "edge-42" for line in warnings)
