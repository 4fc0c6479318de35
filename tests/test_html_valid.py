"""Every page type is valid HTML by the Nu validator: zero errors."""

import json
import subprocess
from pathlib import Path

import pytest

from .browser.test_reader import PAGE_TYPES
from .tools import require_vnu

pytestmark = pytest.mark.django_db


def validation_errors(files: dict[str, str]) -> list[str]:
    """Run vnu over {file path: page path}; return its errors as readable lines."""
    java, vnu = require_vnu()
    result = subprocess.run(
        [java, "-jar", str(vnu), "--errors-only", "--format", "json", *files],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    messages = json.loads(result.stderr)["messages"]  # vnu reports on stderr
    return [
        f"{files.get(m.get('url', '').removeprefix('file:'), m.get('url'))}: "
        f"line {m.get('lastLine')}: {m['message']}"
        for m in messages
    ]


def test_the_validator_catches_invalid_html(tmp_path):
    bad = tmp_path / "bad.html"
    bad.write_text("<!doctype html><html lang=en><head></head><body><p><div></p></body></html>")
    errors = validation_errors({str(bad): "bad"})
    assert any("title" in error for error in errors)


def test_every_page_type_is_valid_html(client, report, tmp_path: Path):
    files = {}
    for name, path in PAGE_TYPES.items():
        response = client.get(path)
        assert response.status_code == (404 if name == "not found" else 200), path
        file = tmp_path / f"{name.replace(' ', '-')}.html"
        file.write_bytes(response.content)
        files[str(file)] = path
    assert validation_errors(files) == []
