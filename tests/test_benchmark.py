"""The benchmark's own logic (the full run needs wrk and minutes: `make bench`)."""

import subprocess

import pytest

from newsroom.devtools.management.commands import benchmark
from newsroom.devtools.management.commands.benchmark import Command

WRK_OUTPUT = """Running 8s test @ http://127.0.0.1:8000/
  2 threads and 16 connections
  Latency Distribution
     50%    4.17ms
     75%    5.01ms
     90%    6.20ms
     99%   10.75ms
  27160 requests in 8.00s, 123.45MB read
Requests/sec:   3395.12
Transfer/sec:     15.43MB
"""


def test_reads_requests_and_latency_from_wrk(monkeypatch):
    def fake_run(*args, **kwargs):
        return subprocess.CompletedProcess(args, 0, stdout=WRK_OUTPUT)

    monkeypatch.setattr(benchmark.subprocess, "run", fake_run)
    assert Command.wrk("http://x/", 8, 16) == {
        "rps": 3395.12,
        "p50": "4.17ms",
        "p99": "10.75ms",
        "errors": 0,
    }


def test_writes_one_section_per_database_and_replaces_it(tmp_path, monkeypatch):
    doc = tmp_path / "performance.md"
    doc.write_text("# Performance\n\nIntro.\n")
    monkeypatch.setattr(benchmark, "DOC", doc)
    Command.write("sqlite, 1 articles", "first table\n")
    Command.write("postgresql, 1 articles", "pg table\n")
    Command.write("sqlite, 1 articles", "second table\n")
    text = doc.read_text()
    assert text.startswith("# Performance\n\nIntro.")
    assert "second table" in text and "first table" not in text and "pg table" in text
    assert text.count("## sqlite, 1 articles") == 1


def test_a_new_section_can_go_above_a_marked_line(tmp_path, monkeypatch):
    doc = tmp_path / "performance.md"
    doc.write_text("# Performance\n\nNotes.\n\n<!-- tables above -->\n\n## Later\n")
    monkeypatch.setattr(benchmark, "DOC", doc)
    Command.write("run one", "table one\n", before="<!-- tables above -->")
    Command.write("run two", "table two\n", before="<!-- tables above -->")
    Command.write("run one", "table one again\n", before="<!-- tables above -->")
    text = doc.read_text()
    assert text.index("Notes.") < text.index("table one again") < text.index("table two")
    assert text.index("table two") < text.index("<!-- tables above -->") < text.index("## Later")
    assert "table one\n" not in text


@pytest.mark.django_db
def test_chooses_a_page_of_each_type(report):
    pages = Command().pages()
    assert pages["article"] == report.get_absolute_url()
    assert pages["company"].startswith("/companies/") and pages["tag"].startswith("/tags/")
    assert pages["search"].startswith("/search/?q=")
    assert next(iter(pages)) == "static file"


def test_the_admin_benchmark_opens_every_page_and_counts_its_queries(db, report, tmp_path):
    from io import StringIO

    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    out = StringIO()
    call_command("benchmark_admin", runs=1, no_write=True, stdout=out)
    rows = [line for line in out.getvalue().splitlines() if line.startswith("| ")][1:]
    rows = [row for row in rows if "---" not in row]
    names = [row.split("|")[1].strip() for row in rows]
    assert "desk" in names and "company change (AstraZeneca)" in names
    assert "live preview (the report's body)" in names
    # Every row has a time and a query count; the signed-in user is gone afterwards.
    assert all(int(row.split("|")[4]) > 0 for row in rows)
    assert not get_user_model().objects.filter(username="benchmark-admin").exists()
