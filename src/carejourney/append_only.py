"""A migration operation that makes a table append-only in the database itself (UPDATE and DELETE refused),
for the tables that are records of what happened: journey events and the audit log."""

from __future__ import annotations

from django.db import migrations


Statements = dict[str, list[str]]


def statements(table: str, what: str) -> tuple[Statements, Statements]:
    """(create, drop) SQL per database vendor for the triggers guarding `table`."""
    message = f"{what} are append-only"
    forward = {
        "sqlite": [
            f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} BEGIN SELECT RAISE(ABORT, '{message}'); END;",
            f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} BEGIN SELECT RAISE(ABORT, '{message}'); END;",
        ],
        "postgresql": [
            f"CREATE OR REPLACE FUNCTION {table}_append_only() RETURNS trigger AS $$ "
            f"BEGIN RAISE EXCEPTION '{message}'; END; $$ LANGUAGE plpgsql;",
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {table}_append_only();",
        ],
    }
    backward = {
        "sqlite": [f"DROP TRIGGER IF EXISTS {table}_no_update;", f"DROP TRIGGER IF EXISTS {table}_no_delete;"],
        "postgresql": [
            f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};",
            f"DROP FUNCTION IF EXISTS {table}_append_only();",
        ],
    }
    return forward, backward


def append_only(table: str, what: str) -> migrations.RunPython:
    """Triggers on SQLite and PostgreSQL refusing UPDATE and DELETE on `table` with '<what> are append-only'."""
    forward, backward = statements(table, what)

    def run(by_vendor: Statements):
        def apply(apps, schema_editor):
            for sql in by_vendor.get(schema_editor.connection.vendor, []):
                schema_editor.execute(sql)

        return apply

    return migrations.RunPython(run(forward), run(backward))
