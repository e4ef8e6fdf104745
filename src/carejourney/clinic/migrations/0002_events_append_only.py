"""Make journey events append-only in the database itself, whatever code or tool touches it."""

from django.db import migrations

SQLITE = [
    "CREATE TRIGGER clinic_journeyevent_no_update BEFORE UPDATE ON clinic_journeyevent "
    "BEGIN SELECT RAISE(ABORT, 'journey events are append-only'); END;",
    "CREATE TRIGGER clinic_journeyevent_no_delete BEFORE DELETE ON clinic_journeyevent "
    "BEGIN SELECT RAISE(ABORT, 'journey events are append-only'); END;",
]
SQLITE_UNDO = [
    "DROP TRIGGER IF EXISTS clinic_journeyevent_no_update;",
    "DROP TRIGGER IF EXISTS clinic_journeyevent_no_delete;",
]
POSTGRES = [
    "CREATE OR REPLACE FUNCTION clinic_journeyevent_append_only() RETURNS trigger AS $$ "
    "BEGIN RAISE EXCEPTION 'journey events are append-only'; END; $$ LANGUAGE plpgsql;",
    "CREATE TRIGGER clinic_journeyevent_append_only BEFORE UPDATE OR DELETE ON clinic_journeyevent "
    "FOR EACH ROW EXECUTE FUNCTION clinic_journeyevent_append_only();",
]
POSTGRES_UNDO = [
    "DROP TRIGGER IF EXISTS clinic_journeyevent_append_only ON clinic_journeyevent;",
    "DROP FUNCTION IF EXISTS clinic_journeyevent_append_only();",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("clinic", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRES}),
            _run({"sqlite": SQLITE_UNDO, "postgresql": POSTGRES_UNDO}),
        )
    ]
