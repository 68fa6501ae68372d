"""Snapshot records compressed with lz4 instead of pglz, on a PostgreSQL that has it (14+, built with lz4).

A DOJ subject's record is a few kB of JSON, over the TOAST threshold, so every snapshot row is
compressed as it is written: with pglz that was about a tenth of the database's CPU during a bulk DOJ
ingest; lz4 costs a fraction of that. Only new values are affected (no table rewrite); values already
stored stay readable either way. Elsewhere (SQLite, PostgreSQL without lz4) nothing changes.
"""

from django.db import migrations


def _compression(method: str):
    def apply(apps, schema_editor):
        connection = schema_editor.connection
        if connection.vendor != "postgresql":
            return
        with connection.cursor() as cursor:
            cursor.execute("SELECT enumvals FROM pg_settings WHERE name = 'default_toast_compression'")
            row = cursor.fetchone()
            if row and method in row[0]:
                cursor.execute(f"ALTER TABLE intake_recordsnapshot ALTER COLUMN record SET COMPRESSION {method}")

    return apply


class Migration(migrations.Migration):
    dependencies = [("intake", "0006_source_file_parts")]

    operations = [migrations.RunPython(_compression("lz4"), _compression("pglz"), elidable=False)]
