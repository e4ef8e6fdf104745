"""Make journey events append-only in the database itself, whatever code or tool touches it."""

from django.db import migrations

from carejourney.append_only import append_only


class Migration(migrations.Migration):
    dependencies = [("clinic", "0001_initial")]

    operations = [append_only("clinic_journeyevent", "journey events")]
