from datetime import date

import pytest

from articles import timeline

pytestmark = pytest.mark.django_db


def test_company_timeline_is_in_date_order_at_its_precision(client, report):
    html = client.get("/companies/astrazeneca/").content.decode()
    section = html.split('id="timeline-heading"')[1].split("</section>")[0]
    assert '<time datetime="2017">2017</time>' in section
    assert '<time datetime="2019">2019</time>' in section
    assert section.index("2017") < section.index("2019") < section.index("26 November 2026")
    # Undated entries come last, in the source's words.
    assert section.index("26 November 2026") < section.index("early October")


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
