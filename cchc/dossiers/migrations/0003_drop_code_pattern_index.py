"""Drop the pattern index PostgreSQL gets for the unique dossier code.

Django adds a `varchar_pattern_ops` index beside every unique text column on PostgreSQL for
`startswith` lookups; dossier codes are only ever matched exactly or with `icontains`, which cannot
use it, and building it took a second of every million-row import.
"""

from django.db import migrations


def drop_pattern_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'dossiers_dossier' AND indexname LIKE %s",
            ["%code%like"],
        )
        for (name,) in cursor.fetchall():
            cursor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0002_aggregates_without_constraints_pending_apologies")]

    operations = [migrations.RunPython(drop_pattern_index, migrations.RunPython.noop)]
