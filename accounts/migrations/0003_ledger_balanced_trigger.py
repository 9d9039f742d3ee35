"""PostgreSQL enforces the ledger invariant itself (SQL in accounts/sql/).

SQLite has no statement triggers with transition tables; there the same check
lives in ``accounts.services.ledger.ledger_post``, the one posting function.
"""

from pathlib import Path

from django.db import migrations

SQL_DIR = Path(__file__).resolve().parent.parent / "sql"


def _run(filename):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            # No parameters: psycopg then runs the whole script in one call.
            with schema_editor.connection.cursor() as cursor:
                cursor.execute((SQL_DIR / filename).read_text())

    return apply


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_initial")]

    operations = [
        migrations.RunPython(_run("ledger_balanced.sql"), _run("ledger_balanced_reverse.sql")),
    ]
