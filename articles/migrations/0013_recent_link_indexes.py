"""Indexes that read a subject's most recently made links first.

An entity's page and related articles look for articles among the most recent
links of a company, person, event or tag (selectors.RECENT_LINKS): (subject, id)
lets both engines read those from the index, newest first, and stop. The
many-to-many tables are made by Django, so their index is plain SQL here.
"""

from django.db import migrations

LINKS = [
    ("articles_article_companies", "company_id"),
    ("articles_article_people", "person_id"),
    ("articles_article_events", "event_id"),
    ("articles_taggeditem", "tag_id"),
]


def _forward(table, column):
    return f'CREATE INDEX "{table}_recent_idx" ON "{table}" ("{column}", "id")'


def _backward(table, column):
    return f'DROP INDEX "{table}_recent_idx"'


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0012_event_starts_on_index"),
    ]

    operations = [
        migrations.RunSQL(_forward(table, column), _backward(table, column))
        for table, column in LINKS
    ]
