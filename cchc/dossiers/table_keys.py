"""Dropping a PostgreSQL table's keys and indexes for a bulk write, and the SQL to build them back.

Inside the writing transaction: building a key or index once, sorted, costs far less than inserting
every row into it, and a rollback restores whatever was dropped.
"""

from __future__ import annotations

from django.db import connection


def drop_keys(table: str) -> list[str]:
    """Drop `table`'s primary and unique keys (except those another table refers to) and its other
    indexes; returns the SQL that builds them back, keys first."""
    keys: list[str] = []
    indexes: list[str] = []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c "
            "WHERE c.conrelid = %s::regclass AND c.contype IN ('p', 'u') AND NOT EXISTS "
            "(SELECT 1 FROM pg_constraint r WHERE r.confrelid = c.conrelid AND r.conindid = c.conindid) "
            "ORDER BY c.contype, c.conname",
            [table],
        )
        for name, definition in cursor.fetchall():
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
            keys.append(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        cursor.execute(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "WHERE i.indrelid = %s::regclass "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)",
            [table],
        )
        for name, definition in cursor.fetchall():
            cursor.execute(f"DROP INDEX {name}")
            indexes.append(definition)
    return keys + indexes
