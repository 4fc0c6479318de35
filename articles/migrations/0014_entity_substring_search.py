from django.db import migrations

# Search matches companies, people, events and tags on a substring of their name,
# aliases or description (articles/search.py). Without an index that is a scan of
# every row, per word: 20,000 people at 100,000 articles. PostgreSQL indexes the
# same UPPER(column::text) that `icontains` compares with trigram GIN indexes
# (pg_trgm); SQLite keeps an FTS5 table with the trigram tokenizer per kind, up to
# date with triggers, which answers a substring of three characters or more.

SEARCHED = {
    "articles_company": ("name", "aliases", "description"),
    "articles_person": ("name", "aliases", "bio"),
    "articles_event": ("name", "aliases", "description"),
    "articles_tag": ("name", "aliases", "description"),
}


def _sqlite(table, columns):
    index = f"{table}_substring"
    names = ", ".join(columns)
    new = ", ".join(f"new.{c}" for c in columns)
    old = ", ".join(f"old.{c}" for c in columns)
    return [
        f"CREATE VIRTUAL TABLE {index} USING fts5({names}, content='{table}', "
        "content_rowid='id', tokenize='trigram')",
        f"CREATE TRIGGER {index}_insert AFTER INSERT ON {table} BEGIN "
        f"INSERT INTO {index}(rowid, {names}) VALUES (new.id, {new}); END",
        f"CREATE TRIGGER {index}_delete AFTER DELETE ON {table} BEGIN "
        f"INSERT INTO {index}({index}, rowid, {names}) VALUES ('delete', old.id, {old}); END",
        f"CREATE TRIGGER {index}_update AFTER UPDATE ON {table} BEGIN "
        f"INSERT INTO {index}({index}, rowid, {names}) VALUES ('delete', old.id, {old}); "
        f"INSERT INTO {index}(rowid, {names}) VALUES (new.id, {new}); END",
        f"INSERT INTO {index}({index}) VALUES ('rebuild')",
    ]


def _sqlite_backward(table, columns):
    index = f"{table}_substring"
    return [
        *(f"DROP TRIGGER IF EXISTS {index}_{event}" for event in ("insert", "delete", "update")),
        f"DROP TABLE IF EXISTS {index}",
    ]


def _postgres(table, columns):
    return [
        f"CREATE INDEX {table}_{column}_substring ON {table} "
        f"USING gin ((UPPER({column}::text)) gin_trgm_ops)"
        for column in columns
    ]


def _postgres_backward(table, columns):
    return [f"DROP INDEX IF EXISTS {table}_{column}_substring" for column in columns]


FORWARD = {
    "sqlite": [s for table, columns in SEARCHED.items() for s in _sqlite(table, columns)],
    "postgresql": [
        "CREATE EXTENSION IF NOT EXISTS pg_trgm",
        *(s for table, columns in SEARCHED.items() for s in _postgres(table, columns)),
    ],
}
BACKWARD = {
    "sqlite": [s for t, c in SEARCHED.items() for s in _sqlite_backward(t, c)],
    "postgresql": [s for t, c in SEARCHED.items() for s in _postgres_backward(t, c)],
}


def run(statements_by_vendor):
    def operation(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return operation


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0013_recent_link_indexes"),
    ]

    operations = [migrations.RunPython(run(FORWARD), run(BACKWARD))]
