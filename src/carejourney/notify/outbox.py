"""Keeping the outbox in step with the journeys: plan (core), render, and store by idempotency key.

`sync` runs inside the transaction that stores each event (a projection hook), so a message exists
exactly when the event that calls for it does. Rows already handed to a worker or sent are never
changed; pending rows the journey no longer calls for are cancelled, and come back if it does again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from types import SimpleNamespace
from typing import Any, Callable, Iterable

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from carejourney import journey as journey_core
from carejourney.clinic.models import Journey, Patient, StaffMember
from carejourney.notify import plan as core
from carejourney.notify.calendar import invitation_ics
from carejourney.notify.channels import wire_bytes
from carejourney.notify.models import ContactPreference, OutboxMessage
from carejourney.pathways.engine import Clock
from carejourney.pathways.schema import Pathway

#: Fields that follow the plan while a row is still pending.
PLANNED_FIELDS = ("kind", "audience", "channel", "language", "visit", "recipients", "subject", "body_text", "body_html",
                  "ics", "ics_method", "ics_sequence", "send_after", "expires_at", "tz", "quiet_start", "quiet_end")


def from_address() -> str:
    return getattr(settings, "NOTIFY_FROM_EMAIL", None) or settings.DEFAULT_FROM_EMAIL


def message_id(key: str) -> str:
    """The same Message-ID on every attempt, so a receiver can recognise a repeat."""
    domain = from_address().rpartition("@")[2] or "carejourney.invalid"
    return f"<cj-{hashlib.sha256(key.encode()).hexdigest()[:40]}@{domain}>"


def portal_url() -> str:
    """The portal home as a patient's email gives it: absolute when the deployment sets SITE_URL
    (e.g. https://care.example.org), else the path alone."""
    return (getattr(settings, "SITE_URL", "") or "").rstrip("/") + reverse("portal:home")


def contact_of(patient: Patient) -> tuple[core.Contact, str]:
    """The patient's channel and language, and the address for that channel ('' when none)."""
    pref = ContactPreference.objects.filter(patient=patient).first()
    channel = pref.channel if pref else core.EMAIL
    address = {core.EMAIL: patient.email, core.SMS: pref.phone if pref else ""}.get(channel, "")
    return core.Contact(channel, patient.language or "en", bool(address)), address


def projection_hook(journey: Journey, pathway: Pathway, view: journey_core.JourneyView, clock: Clock) -> None:
    sync(journey, pathway, view, clock.now)


def sync(journey: Journey, pathway: Pathway, view: journey_core.JourneyView, now: dt.datetime) -> dict[str, int]:
    """Make the journey's outbox rows match what its view calls for. Call inside a transaction."""
    if pathway.reminders is None:
        return {"created": 0, "updated": 0, "cancelled": 0}
    patient = journey.patient
    clinic = patient.clinic
    existing = {row.key: row for row in OutboxMessage.objects.filter(journey=journey)}
    invited: dict[str, int] = {}
    for row in existing.values():
        if row.kind == "invitation" and row.status == "sent" and row.ics_sequence is not None:
            invited[row.visit] = max(invited.get(row.visit, 0), row.ics_sequence)
    contact, address = contact_of(patient)
    info = core.ClinicInfo(clinic.name, clinic.phone, clinic.tz, portal_url())
    planned = core.plan(pathway, view, now, journey_id=journey.pk, contact=contact, clinic=info, invited=invited)
    quiet = core.quiet_minutes(pathway.reminders)
    staff: dict[tuple[str, ...], str] = {}
    create, update = [], []
    wanted = set()
    for p in planned:
        wanted.add(p.key)
        row = existing.get(p.key)
        if row is not None and row.status not in ("pending", "cancelled"):
            continue  # sending, sent or finished: never rewritten
        if row is None and p.expires_at <= now:
            continue  # its moment is long gone: not worth a row
        if p.audience == core.STAFF:
            if p.roles not in staff:
                staff[p.roles] = ",".join(sorted(StaffMember.objects.filter(clinics=clinic, role__in=p.roles)
                                                 .values_list("user__email", flat=True)))
            recipients = staff[p.roles]
            if not recipients:
                continue
        else:
            recipients = address
        fields = render(p, recipients, clinic.name, clinic.timezone, quiet)
        if row is None or any(getattr(row, f) != v for f, v in fields.items()):
            fields["mime"] = wire_bytes(SimpleNamespace(message_id=message_id(p.key), **fields)) if p.channel == core.EMAIL else ""
        if row is None:
            create.append(OutboxMessage(key=p.key, message_id=message_id(p.key), journey=journey, patient=patient,
                                        clinic=clinic, status="pending", **fields))
        else:
            changed = row.status == "cancelled" or "mime" in fields
            if changed and (row.status == "pending" or p.expires_at > now):
                for f, v in fields.items():
                    setattr(row, f, v)
                row.status, row.last_error, row.updated_at = "pending", "", timezone.now()
                update.append(row)
    OutboxMessage.objects.bulk_create(create)
    if update:
        OutboxMessage.objects.bulk_update(update, [*PLANNED_FIELDS, "mime", "status", "last_error", "updated_at"])
    stale = [row.pk for key, row in existing.items() if key not in wanted and row.status == "pending"]
    if stale:
        OutboxMessage.objects.filter(pk__in=stale, status="pending").update(status="cancelled", updated_at=timezone.now())
    return {"created": len(create), "updated": len(update), "cancelled": len(stale)}


def render(p: core.Planned, recipients: str, clinic_name: str, tz: str, quiet: tuple[int, int]) -> dict[str, Any]:
    """The stored form of a planned message: exactly what will be sent."""
    ics = ""
    if p.calendar is not None and p.channel == core.EMAIL:
        ics = invitation_ics(p.calendar, from_address(), recipients, p.send_at)
    if p.audience == core.STAFF:
        text, html = render_to_string("notify/staff.txt", {"paragraphs": p.paragraphs, "clinic": clinic_name}), ""
    elif p.channel == core.SMS:
        text, html = " ".join((p.subject, *p.paragraphs, p.frame.get("call_us", ""))).strip(), ""
    else:
        ctx = {"frame": p.frame, "paragraphs": p.paragraphs, "subject": p.subject, "language": p.language}
        text, html = render_to_string("notify/email.txt", ctx).strip() + "\n", render_to_string("notify/email.html", ctx)
    return {
        "kind": p.kind, "audience": p.audience, "channel": p.channel, "language": p.language, "visit": p.visit,
        "recipients": recipients, "subject": p.subject[:300], "body_text": text, "body_html": html, "ics": ics,
        "ics_method": p.calendar.method if ics and p.calendar else "",
        "ics_sequence": p.calendar.sequence if ics and p.calendar else None,
        "send_after": p.send_at, "expires_at": p.expires_at, "tz": tz, "quiet_start": quiet[0], "quiet_end": quiet[1],
    }


def sync_journey(journey: Journey, now: dt.datetime | None = None) -> dict[str, int]:
    """Recompute one journey's outbox from its events (e.g. after a contact preference changes)."""
    from carejourney.clinic import records

    now = now or timezone.now()
    with transaction.atomic():
        loaded = records.load(journey, now)
        view = journey_core.compose(loaded.pathway, loaded.state, loaded.clock, journey.patient.birth_date)
        return sync(journey, loaded.pathway, view, now)


def rebuild(journeys: Iterable[Journey] | None = None, now: dt.datetime | None = None,
            progress: Callable[[int], None] | None = None) -> dict[str, int]:
    """(Re)build outbox rows for existing journeys, e.g. after demo data was written in bulk without hooks.

    Safe to run at any time and more than once: rows are matched by idempotency key.
    """
    from carejourney.clinic import records
    from carejourney.pathways.engine import Refused
    from carejourney.pathways.events import InvalidEvent

    if journeys is None:
        journeys = Journey.objects.select_related("patient__clinic", "pathway").order_by("pk").iterator(chunk_size=500)
    totals = {"journeys": 0, "created": 0, "updated": 0, "cancelled": 0, "failed": 0}
    for journey in journeys:
        try:
            counts = sync_journey(journey, now)
        except (Refused, InvalidEvent):
            totals["failed"] += 1
            counts = {}
        totals["journeys"] += 1
        for k, v in counts.items():
            totals[k] += v
        if progress:
            progress(totals["journeys"])
    return totals
