"""The care team's operations, shared by the console pages and the JSON API (same scoping, same checks)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q
from django.utils import timezone

from carejourney.accounts import invitations
from carejourney.accounts.roles import actor_for, clinics_of
from carejourney.clinic import pathway_store, records
from carejourney.clinic.models import JourneyProjection, Patient
from carejourney.clinic.worklist import worklist
from carejourney.console import inbox


class BadInput(ValueError):
    """Input that cannot be used; `problems` name each field and what is wrong."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


def _clinic(user, slug: str | None):
    clinics = list(clinics_of(user))
    if not slug:
        return None, clinics
    found = [c for c in clinics if c.slug == slug]
    if not found:
        raise BadInput([f"clinic: '{slug}' is not one of your clinics ({', '.join(c.slug for c in clinics)})"])
    return found[0], found


def work_kinds() -> list[str]:
    pathway = pathway_store.pathway_of(pathway_store.current())
    kinds = []
    for v in pathway.visits:
        kinds += [f"{v.worklist_kind}-due", f"{v.worklist_kind}-overdue"]
    kinds += [s.worklist.kind for s in pathway.steps if s.worklist]
    kinds.append("prep-incomplete")
    return list(dict.fromkeys(kinds)) + ["urgent-message", "message"]


def work(user, clinic: str | None = None, kind: str | None = None, limit: int = 200) -> dict[str, Any]:
    """Messages (urgent first), then the journeys' worklist in due order, across the user's clinics."""
    chosen, clinics = _clinic(user, clinic)
    if kind and kind not in work_kinds():
        raise BadInput([f"kind: '{kind}' is not a worklist kind (kinds: {', '.join(work_kinds())})"])
    messages = [] if kind and not kind.endswith("message") else inbox.pending(clinics, limit)
    if kind:
        messages = [m for m in messages if m["kind"] == kind]
    items: list[dict[str, Any]] = []
    total, capped = 0, False
    if not kind or not kind.endswith("message"):
        for c in clinics:
            found = worklist(None, c, kind or None, limit)
            items += found["items"]
            total += found["total"]
            capped = capped or found["total_capped"]
        items.sort(key=lambda i: (i["due"], i["since"]))
        items = items[:limit]
    return {"messages": messages, "items": items, "total": total, "total_capped": capped,
            "clinics": [c.slug for c in clinics], "clinic": chosen.slug if chosen else None}


def patients(user, q: str = "", step: str = "", status: str = "", clinic: str | None = None,
             offset: int = 0, limit: int = 50) -> dict[str, Any]:
    _, clinics = _clinic(user, clinic)
    qs = JourneyProjection.objects.filter(clinic__in=clinics).select_related("journey__patient", "clinic")
    if step:
        qs = qs.filter(step=step)
    if status:
        qs = qs.filter(status=status)
    q = q.strip()
    if q:
        cond = Q(journey__patient__full_name__icontains=q)
        if q.isdigit():
            cond |= Q(journey__patient_id=int(q))
        qs = qs.filter(cond)
    rows = list(qs.order_by("journey__patient__full_name", "journey_id")[offset:offset + limit + 1])
    return {
        "items": [summary(p.journey.patient, p) for p in rows[:limit]],
        "more": len(rows) > limit, "offset": offset, "limit": limit,
    }


def summary(patient: Patient, projection: JourneyProjection | None) -> dict[str, Any]:
    return {
        "id": patient.pk, "full_name": patient.full_name, "birth_date": patient.birth_date,
        "clinic": patient.clinic.slug,
        "step": projection.step if projection else None, "status": projection.status if projection else None,
        "next_due_on": projection.next_due_on if projection else None,
        "next_due_kind": projection.next_due_kind if projection else "",
        "has_portal_login": patient.user_id is not None,
    }


def record(user, patient: Patient, event_type: str, raw: Any, at: str | dt.datetime | None):
    """Raises BadInput, InvalidEvent or Refused; writes nothing then."""
    journey = records.current_journey(patient)
    if journey is None:
        raise BadInput(["patient: has no journey"])
    when = None
    if isinstance(at, dt.datetime):
        when = at
    elif at:
        try:
            when = dt.datetime.fromisoformat(at)
        except ValueError:
            raise BadInput([f"at: '{at}' is not a date and time (e.g. 2026-05-02T10:00)"]) from None
    if when is not None and when.tzinfo is None:
        when = when.replace(tzinfo=patient.clinic.tz)
    return records.record(journey, event_type, raw, actor=actor_for(user), at=when)


def enrol(user, clinic: str, full_name: str, birth_date: dt.date, email: str = "",
          enrolled_at: dt.datetime | None = None) -> Patient:
    chosen, _ = _clinic(user, clinic)
    if chosen is None:
        raise BadInput(["clinic: choose a clinic"])
    problems = []
    if not full_name.strip():
        problems.append("full_name: is required")
    if birth_date > timezone.now().date():
        problems.append("birth_date: is in the future")
    if problems:
        raise BadInput(problems)
    if enrolled_at is not None and enrolled_at.tzinfo is None:
        enrolled_at = enrolled_at.replace(tzinfo=chosen.tz)
    patient, _, _ = records.enrol(chosen, full_name=full_name.strip(), birth_date=birth_date, email=email.strip(),
                                  pathway_version=pathway_store.current(), actor=actor_for(user), enrolled_at=enrolled_at)
    return patient


def invite(user, patient: Patient):
    if patient.user_id is not None:
        raise BadInput(["patient: already has a portal login"])
    return invitations.invite(patient, user)
