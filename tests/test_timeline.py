from datetime import date

import pytest

from articles import timeline

from .html import parse, section, text

pytestmark = pytest.mark.django_db


def test_company_timeline_is_in_date_order_at_its_precision(client, report):
    timeline = section(parse(client.get("/companies/astrazeneca/")), "timeline-heading")
    entries = timeline.cssselect("ol.timeline > li")
    whens = [text(entry.cssselect(".when")[0]) for entry in entries]
    stamps = [(time.get("datetime"), text(time)) for time in timeline.cssselect(".when time")]
    assert ("2017", "2017") in stamps and ("2019", "2019") in stamps
    assert ("2021-10", "October 2021") in stamps  # "early October", a month before the report
    assert (
        whens.index("2017")
        < whens.index("2019")
        < whens.index("October 2021")
        # The report stands at its own date, not at the day Newsroom copied it.
        < whens.index("5 November 2021")
    )
    assert "26 November 2026" not in whens
    # Undated entries (the CIIE series) come last, with no <time> element.
    undated = whens.index("Date not stated")
    assert whens.index("5 November 2021") < undated
    assert all(not entry.cssselect("time") for entry in entries[undated:])


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
