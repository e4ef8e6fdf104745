import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("clinic", "0002_events_append_only"),
    ]

    operations = [
        migrations.CreateModel(
            name="ContactPreference",
            fields=[
                ("patient", models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True,
                                                 related_name="contact_preference", serialize=False, to="clinic.patient")),
                ("channel", models.CharField(choices=[("email", "Email"), ("sms", "Text message"), ("none", "No reminders")],
                                             default="email", max_length=10)),
                ("phone", models.CharField(blank=True, max_length=40)),
                ("updated_at", models.DateTimeField(auto_now=True)),
            ],
        ),
        migrations.CreateModel(
            name="OutboxMessage",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("key", models.CharField(help_text="idempotency key: one message, whatever happens", max_length=200, unique=True)),
                ("message_id", models.CharField(help_text="stable RFC 5322 Message-ID, the same on every attempt", max_length=200)),
                ("kind", models.CharField(max_length=20)),
                ("audience", models.CharField(max_length=10)),
                ("channel", models.CharField(max_length=10)),
                ("language", models.CharField(max_length=8)),
                ("visit", models.CharField(blank=True, max_length=64)),
                ("recipients", models.TextField(help_text="comma-separated addresses")),
                ("subject", models.CharField(max_length=300)),
                ("body_text", models.TextField()),
                ("body_html", models.TextField(blank=True)),
                ("ics", models.TextField(blank=True)),
                ("ics_method", models.CharField(blank=True, max_length=10)),
                ("ics_sequence", models.PositiveIntegerField(blank=True, null=True)),
                ("mime", models.TextField(blank=True)),
                ("send_after", models.DateTimeField()),
                ("expires_at", models.DateTimeField()),
                ("tz", models.CharField(max_length=64)),
                ("quiet_start", models.PositiveSmallIntegerField(blank=True, help_text="minutes after midnight, clinic time", null=True)),
                ("quiet_end", models.PositiveSmallIntegerField(blank=True, null=True)),
                ("status", models.CharField(default="pending", max_length=10)),
                ("phase", models.CharField(blank=True, max_length=12)),
                ("claim_token", models.CharField(blank=True, max_length=40)),
                ("lease_until", models.DateTimeField(blank=True, null=True)),
                ("attempts", models.PositiveIntegerField(default=0)),
                ("in_doubt_resends", models.PositiveIntegerField(default=0)),
                ("last_error", models.CharField(blank=True, max_length=300)),
                ("sent_at", models.DateTimeField(blank=True, null=True)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                ("clinic", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="clinic.clinic")),
                ("journey", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="outbox", to="clinic.journey")),
                ("patient", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="outbox", to="clinic.patient")),
            ],
            options={
                "indexes": [
                    models.Index(fields=["status", "send_after"], name="notify_outb_status_7c1a2e_idx"),
                    models.Index(fields=["patient", "send_after"], name="notify_outb_patient_3b9d41_idx"),
                    models.Index(fields=["journey"], name="notify_outb_journey_5e8f07_idx"),
                ],
            },
        ),
    ]
