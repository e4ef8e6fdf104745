"""The outbox: every message the journeys call for is a row, written in the same transaction as the
event that schedules it. The worker sends rows and marks them; nothing else sends mail."""

from __future__ import annotations

from django.db import models

from carejourney.clinic.models import Clinic, Journey, Patient


class ContactPreference(models.Model):
    """How a patient wants to hear from the clinic. Without a row: email, when there is an address."""

    CHANNELS = [("email", "Email"), ("sms", "Text message"), ("none", "No reminders")]
    patient = models.OneToOneField(Patient, primary_key=True, on_delete=models.CASCADE, related_name="contact_preference")
    channel = models.CharField(max_length=10, choices=CHANNELS, default="email")
    phone = models.CharField(max_length=40, blank=True)
    updated_at = models.DateTimeField(auto_now=True)


class OutboxMessage(models.Model):
    # pending: waits for send_after. sending: claimed by a worker (claim_token, lease_until).
    # sent: the mail server accepted it. logged: a channel with no provider wrote it to the log; not sent.
    # failed: gave up (last_error says why). expired: its moment passed before it could go out.
    # cancelled: the journey no longer calls for it. held: a worker stopped after handing it to the mail
    # server and before recording the answer, and NOTIFY_IN_DOUBT is "hold": a person decides.
    STATUSES = ["pending", "sending", "sent", "logged", "failed", "expired", "cancelled", "held"]

    key = models.CharField(max_length=200, unique=True, help_text="idempotency key: one message, whatever happens")
    message_id = models.CharField(max_length=200, help_text="stable RFC 5322 Message-ID, the same on every attempt")
    journey = models.ForeignKey(Journey, on_delete=models.CASCADE, related_name="outbox")
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="outbox")
    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20)
    audience = models.CharField(max_length=10)
    channel = models.CharField(max_length=10)
    language = models.CharField(max_length=8)
    visit = models.CharField(max_length=64, blank=True)
    recipients = models.TextField(help_text="comma-separated addresses")
    subject = models.CharField(max_length=300)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    ics = models.TextField(blank=True)
    ics_method = models.CharField(max_length=10, blank=True)
    ics_sequence = models.PositiveIntegerField(null=True, blank=True)
    #: The message exactly as it goes on the wire, but for its Date header (added when it is sent).
    mime = models.TextField(blank=True)
    send_after = models.DateTimeField()
    expires_at = models.DateTimeField()
    tz = models.CharField(max_length=64)
    quiet_start = models.PositiveSmallIntegerField(null=True, blank=True, help_text="minutes after midnight, clinic time")
    quiet_end = models.PositiveSmallIntegerField(null=True, blank=True)
    status = models.CharField(max_length=10, default="pending")
    #: While sending: "claimed", then "committing" just before the mail server is told to accept it.
    phase = models.CharField(max_length=12, blank=True)
    claim_token = models.CharField(max_length=40, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    in_doubt_resends = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            models.Index(fields=["status", "send_after"], name="notify_outb_status_7c1a2e_idx"),
            models.Index(fields=["patient", "send_after"], name="notify_outb_patient_3b9d41_idx"),
            models.Index(fields=["journey"], name="notify_outb_journey_5e8f07_idx"),
        ]

    def __str__(self) -> str:
        return f"message {self.pk} ({self.kind}, {self.status})"
