"""Unanswered patient messages, kept in step with the events by a projection hook."""

from __future__ import annotations

from typing import Any

from carejourney.console.models import PendingMessage


def project_messages(journey, pathway, view, clock) -> None:
    events = view.state.events
    replied = {e.data.message_seq for e in events if e.type == "message-replied"}
    acked = {e.data.message_seq for e in events if e.type == "message-acknowledged"}
    PendingMessage.objects.filter(journey=journey).delete()
    PendingMessage.objects.bulk_create([
        PendingMessage(journey=journey, clinic_id=journey.patient.clinic_id, seq=e.seq, received_at=e.at,
                       urgent=e.data.urgent, red_flag=e.data.red_flag or "", acknowledged=e.seq in acked)
        for e in events
        if e.type == "message-received" and e.seq not in replied
    ])


def pending(clinics, limit: int = 200) -> list[dict[str, Any]]:
    """Urgent first, then oldest first."""
    rows = (PendingMessage.objects.filter(clinic__in=clinics).select_related("journey__patient", "clinic")
            .order_by("-urgent", "received_at")[:limit])
    return [
        {"patient_id": m.journey.patient_id, "patient": m.journey.patient.full_name, "clinic": m.clinic.slug,
         "kind": "urgent-message" if m.urgent else "message", "subject": m.red_flag or "",
         "received_at": m.received_at, "seq": m.seq, "acknowledged": m.acknowledged}
        for m in rows
    ]
