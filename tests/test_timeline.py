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
    # One heading per date, in order; everything undated once, last, each entry in the
    # source's words and with no <time> element.
    assert len(whens) == len(set(whens))
    assert whens.index("2017") < whens.index("2019") < whens.index("26 November 2026")
    assert whens[-1] == "Not precisely dated" and "Date not stated" not in whens
    undated = groups[-1]
    assert not undated.cssselect("time")
    assert "(early October)" in text(undated)


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
