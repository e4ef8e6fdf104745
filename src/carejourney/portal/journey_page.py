"""What a patient sees of their journey, put together from the core's view."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from carejourney import journey as journey_core
from carejourney.clinic import records
from carejourney.clinic.models import Patient
from carejourney.pathways.schedule import CANCELLED, COMPLETED
from carejourney.portal import reading
from carejourney.portal.content import tr


#: Horizontal distance between two steps in the timeline picture.
SVG_STEP = 60


@dataclass
class PatientJourney:
    patient: Patient
    loaded: records.Loaded
    view: journey_core.JourneyView
    data: dict[str, Any]

    @property
    def pathway(self):
        return self.loaded.pathway

    @property
    def lang(self) -> str:
        return self.patient.language or "en"

    @property
    def state_key(self) -> str:
        """Changes whenever what the patient sees of the journey can change: a new event, a rebuild, a new day."""
        journey = self.loaded.journey
        projection = getattr(journey, "projection", None)
        stamp = f"{projection.event_count}.{projection.updated_at.timestamp()}" if projection else "none"
        return f"{journey.pk}.{stamp}.{self.loaded.clock.today.isoformat()}.{self.lang}"


def load(patient: Patient) -> PatientJourney | None:
    found = reading.read(patient)
    return PatientJourney(patient, *found) if found else None


def steps(pj: PatientJourney) -> list[dict[str, Any]]:
    by_id = {s["id"]: s for s in pj.data["steps"]}
    out = []
    for n, step in enumerate(pj.pathway.steps, start=1):
        d = by_id[step.id]
        out.append({
            "n": n, "id": step.id, "x": 30 + (n - 1) * SVG_STEP, "x_next": 30 + n * SVG_STEP, "title": tr(step.title, pj.lang), "summary": tr(step.summary, pj.lang),
            "details": [tr(t, pj.lang) for t in step.details], "state": d["state"],
            "entered_on": _date(d["entered_on"]), "left_on": _date(d["left_on"]),
        })
    return out


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def appointments(pj: PatientJourney) -> list[dict[str, Any]]:
    tz = pj.loaded.clock.tz
    out = []
    for a in pj.view.appointments:
        visit = pj.pathway.visit(a.visit)
        out.append({
            "visit": a.visit, "title": tr(visit.title, pj.lang), "purpose": tr(visit.purpose, pj.lang),
            "due": a.due, "window_start": a.window_start, "window_end": a.window_end, "status": a.status,
            "at": a.at.astimezone(tz) if a.at else None, "completed_on": a.completed_on,
            "open": a.status not in (COMPLETED, CANCELLED),
        })
    return out


def next_appointment(pj: PatientJourney) -> dict[str, Any] | None:
    return next((a for a in appointments(pj) if a["open"]), None)


def checklist(pj: PatientJourney) -> list[dict[str, Any]]:
    """The patient's own checklist items for the step they are at."""
    if not pj.view.state.active:
        return []
    done = {c["id"]: c for c in pj.data["checklist"]}
    step = pj.pathway.step(pj.view.state.step)
    return [
        {"id": item.id, "text": tr(item.text, pj.lang), "done": done[item.id]["done"],
         "done_on": _date(done[item.id]["done_on"])}
        for item in step.checklist
        if item.who == "patient"
    ]


def current_step(pj: PatientJourney) -> dict[str, Any] | None:
    return next((s for s in steps(pj) if s["state"] in ("current", "stopped")), None)
