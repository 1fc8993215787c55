"""Trigram indexes for the lessons search on PostgreSQL (docs/performance-pages.md).

The search looks for each word anywhere in the title, the lesson and its context, ignoring
case: ``UPPER(column) LIKE UPPER('%word%')``. GIN indexes with ``gin_trgm_ops`` on exactly
those expressions let PostgreSQL find the few lessons holding a rare word without reading
them all. They need the ``pg_trgm`` extension, which a database owner may create (it is a
trusted extension since PostgreSQL 13). Where it cannot be created, the search works as
before without the indexes; SQLite has none of this and is left alone.
"""

from django.db import migrations

INDEXES = {
    "reflections_lesson_title_trgm": 'UPPER("title"::text)',
    "reflections_lesson_lesson_trgm": 'UPPER("lesson"::text)',
    "reflections_lesson_context_trgm": 'UPPER("context"::text)',
}


def create_indexes(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        if cursor.fetchone() is None:
            try:
                cursor.execute("SAVEPOINT lesson_trigrams")
                cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
                cursor.execute("RELEASE SAVEPOINT lesson_trigrams")
            except Exception as error:  # noqa: BLE001 - any refusal means: go on without
                cursor.execute("ROLLBACK TO SAVEPOINT lesson_trigrams")
                print(  # noqa: T201 - shown once, during migrate
                    f"\n  pg_trgm could not be created ({error}); the lessons search works "
                    "without its indexes."
                )
                return
        for name, expression in INDEXES.items():
            cursor.execute(
                f'CREATE INDEX IF NOT EXISTS "{name}" ON "reflections_lesson" '
                f"USING gin ({expression} gin_trgm_ops)"
            )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for name in INDEXES:
            cursor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [("reflections", "0002_record_versions")]

    operations = [migrations.RunPython(create_indexes, drop_indexes)]
