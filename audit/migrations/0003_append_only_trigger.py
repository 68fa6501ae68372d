"""Reject UPDATE and DELETE on the audit table (PostgreSQL; the SQL is beside this file)."""

from pathlib import Path

from django.db import migrations

SQL = (Path(__file__).with_suffix(".sql")).read_text()
REVERSE_SQL = """
DROP TRIGGER IF EXISTS audit_event_no_update_delete ON audit_auditevent;
DROP FUNCTION IF EXISTS audit_event_append_only();
"""


def _run(sql):
    def run(apps, schema_editor):
        # SQLite (the embedded default) has no such triggers; the hash chain still detects tampering.
        if schema_editor.connection.vendor == "postgresql":
            with schema_editor.connection.cursor() as cursor:
                cursor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_initial")]
    operations = [migrations.RunPython(_run(SQL), _run(REVERSE_SQL))]
