"""What the care team sees: each patient's messages and how they went, and what failed for good."""

from __future__ import annotations

from typing import Any

from carejourney.notify.models import OutboxMessage

#: Plain words for each status, for the patient page and the console.
LABELS = {
    "pending": "waiting to be sent",
    "sending": "being sent",
    "sent": "sent",
    "logged": "not sent: no text-message provider is set up",
    "failed": "could not be sent",
    "expired": "not sent: too late to be useful",
    "cancelled": "not needed any more",
    "held": "may not have been sent: check before resending",
}


def _row(m: OutboxMessage) -> dict[str, Any]:
    return {
        "id": m.pk, "patient_id": m.patient_id, "journey_id": m.journey_id, "kind": m.kind, "audience": m.audience,
        "visit": m.visit, "channel": m.channel, "subject": m.subject, "status": m.status, "status_text": LABELS.get(m.status, m.status),
        "send_after": m.send_after, "sent_at": m.sent_at, "attempts": m.attempts, "last_error": m.last_error,
        "calendar": m.ics_method or None,
    }


def delivery_status(patient, limit: int = 100) -> list[dict[str, Any]]:
    """The patient's messages, newest first, with their delivery status (for the patient page)."""
    qs = OutboxMessage.objects.filter(patient=patient).order_by("-send_after", "-pk")[:limit]
    return [_row(m) for m in qs]


def failures(clinic=None, limit: int = 200) -> list[dict[str, Any]]:
    """Messages that failed for good or are held in doubt, newest first (for the console)."""
    qs = OutboxMessage.objects.filter(status__in=("failed", "held"))
    if clinic is not None:
        qs = qs.filter(clinic=clinic)
    return [_row(m) for m in qs.order_by("-updated_at", "-pk")[:limit]]


def counts(clinic=None) -> dict[str, int]:
    from django.db.models import Count

    qs = OutboxMessage.objects.all()
    if clinic is not None:
        qs = qs.filter(clinic=clinic)
    return dict(qs.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
