from datetime import date

import pytest

from articles import timeline

from .html import parse, section, text

pytestmark = pytest.mark.django_db


def test_company_timeline_is_in_date_order_at_its_precision(client, report):
    timeline = section(parse(client.get("/companies/astrazeneca/")), "timeline-heading")
    groups = timeline.cssselect("ol.timeline > li")
    whens = [text(group.cssselect(".when")[0]) for group in groups]
    stamps = [(time.get("datetime"), text(time)) for time in timeline.cssselect(".when time")]
    assert ("2017", "2017") in stamps and ("2019", "2019") in stamps
    assert ("2021-10", "October 2021") in stamps  # "early October", a month before the report
    # One heading per date, in order; the report stands at its own date, not at the
    # day Newsroom copied it; an event with no date at all is not on the timeline.
    assert len(whens) == len(set(whens))
    assert (
        whens.index("2017")
        < whens.index("2019")
        < whens.index("October 2021")
        < whens.index("5 November 2021")
    )
    assert "26 November 2026" not in whens and "Date not stated" not in whens


def test_entries_without_a_date_come_last():
    class Dated:
        def __init__(self, on, precision, text=""):
            self.starts_on, self.date_precision, self.date_text = on, precision, text

        def __str__(self):
            return self.date_text or str(self.starts_on)

        def get_absolute_url(self):
            return "/"

    entries = timeline.build(
        events=[
            Dated(None, "", "this year"),
            Dated(date(2021, 10, 1), "month"),
            Dated(date(2017, 1, 1), "year"),
        ]
    )
    assert [entry.when for entry in entries] == ["2017", "October 2021", "this year"]
    assert [entry.iso for entry in entries] == ["2017", "2021-10", ""]


def test_undated_entries_are_grouped_once_at_the_end():
    entries = [
        timeline.Entry(None, "", "early October", "fact", "Unveiled a centre", "/a"),
        timeline.Entry(date(2017, 1, 1), "year", "", "fact", "Founded", "/b"),
        timeline.Entry(date(2017, 1, 1), "year", "", "event", "Opened", "/c"),
        timeline.Entry(None, "", "this year", "fact", "Plans", "/d"),
    ]
    groups = timeline.grouped(sorted(entries, key=timeline._sort_key))
    assert [(g.when, [e.label for e in g.entries]) for g in groups] == [
        ("2017", ["Opened", "Founded"]),
        (timeline.UNDATED, ["Plans", "Unveiled a centre"]),
    ]
    assert groups[-1].iso == ""
