"""Audit entries are append-only in the database itself."""

from django.db import migrations

from carejourney.append_only import append_only


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [append_only("audit_auditentry", "audit entries")]
