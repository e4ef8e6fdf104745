"""The care team's worklist, read from the stored work items (kept in step with the events)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q
from django.utils import timezone

from carejourney.clinic.models import Clinic, WorklistItem


TOTAL_CAP = 10_000


def _kind_filter(kind: str, day: dt.date) -> Q:
    """Items that read as `kind` on `day`: an item turns into its overdue kind after its window."""
    still_due = Q(overdue_after__isnull=True) | Q(overdue_after__gte=day) | Q(overdue_kind="")
    return (Q(kind=kind) & still_due) | (Q(overdue_kind=kind) & Q(overdue_after__lt=day))


def worklist(day: dt.date | None = None, clinic: Clinic | None = None, kind: str | None = None, limit: int = 200) -> dict[str, Any]:
    """Open items on `day` (default: today in the clinic's zone, or UTC), earliest due first."""
    day = day or timezone.now().astimezone(clinic.tz if clinic else dt.timezone.utc).date()
    qs = WorklistItem.objects.filter(starts_on__lte=day)
    if clinic is not None:
        qs = qs.filter(clinic=clinic)
    if kind:
        qs = qs.filter(_kind_filter(kind, day))
    # Counting stops at TOTAL_CAP so a huge backlog costs no more than a page ("10000+ items").
    total = qs[: TOTAL_CAP + 1].count()
    rows = (
        qs.order_by("due_on", "starts_on", "id")
        .select_related("journey__patient", "clinic")
        .only("kind", "overdue_kind", "starts_on", "due_on", "overdue_after", "subject", "clinic__slug",
              "journey__patient__id", "journey__patient__full_name")[: max(0, limit)]
    )
    items = []
    for w in rows:
        overdue = bool(w.overdue_kind) and w.overdue_after is not None and day > w.overdue_after
        items.append({
            "patient_id": w.journey.patient.id,
            "patient": w.journey.patient.full_name,
            "clinic": w.clinic.slug,
            "kind": w.overdue_kind if overdue else w.kind,
            "subject": w.subject,
            "due": w.due_on.isoformat(),
            "since": w.starts_on.isoformat(),
            "days_overdue": (day - w.overdue_after).days if overdue else 0,
        })
    return {
        "date": day.isoformat(),
        "clinic": clinic.slug if clinic else None,
        "total": min(total, TOTAL_CAP),
        "total_capped": total > TOTAL_CAP,
        "items": items,
    }
