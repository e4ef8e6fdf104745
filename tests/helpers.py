"""Building blocks for tests: events for the MILD pathway, dated in a clinic's time zone."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from carejourney.pathways.engine import Clock
from carejourney.pathways.events import Actor, Event, parse_data

TZ = ZoneInfo("America/New_York")
ROLE_OF = {
    "imaging-reviewed": "clinician", "candidacy-assessed": "clinician", "procedure-performed": "clinician",
    "follow-up-completed": "clinician",
}


def at(day: str, hm: str = "10:00", tz=TZ) -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{hm}").replace(tzinfo=tz)


def ev(event_type: str, when: dt.datetime, data: dict | None = None, role: str | None = None, tz=TZ) -> Event:
    return Event(event_type, when, parse_data(event_type, data or {}, tz), Actor(role or ROLE_OF.get(event_type, "coordinator")))


def clock(day: str = "2027-06-01", hm: str = "12:00", tz=TZ) -> Clock:
    return Clock(at(day, hm, tz), tz)


EVALUATION = {
    "pain_worse_standing_walking": True, "relief_sitting_bending": True, "prior_surgery_levels": [],
    "bleeding_disorder": False, "anticoagulants": [], "active_infection": False, "severe_neurological_deficit": False,
}
IMAGING = {
    "modality": "MRI", "date": "2026-01-02", "stenosis_confirmed": True, "lf_thickness_mm": 4.5, "levels": ["L4-L5"],
    "instability": "none", "spondylolisthesis_grade": 0, "other_compressive_cause": False,
}


def history_to_candidacy() -> list[Event]:
    """Enrolled 2026-01-05; evaluation and MRI; 6+ months of therapy with little relief."""
    return [
        ev("enrolled", at("2026-01-05")),
        ev("evaluation-completed", at("2026-01-05", "11:00"), EVALUATION),
        ev("imaging-reviewed", at("2026-01-06"), IMAGING),
        ev("conservative-care-recorded", at("2026-01-07"),
           {"kind": "physical-therapy", "started": "2026-01-07", "ended": None, "relief": "little"}),
        ev("conservative-care-recorded", at("2026-07-10"),
           {"kind": "physical-therapy", "started": "2026-01-07", "ended": "2026-07-08", "relief": "little"}),
    ]


def history_to_completion(procedure_at: dt.datetime | None = None) -> list[Event]:
    procedure_at = procedure_at or at("2026-08-03", "09:00")
    return history_to_candidacy() + [
        ev("candidacy-assessed", at("2026-07-15"), {"decision": "candidate"}),
        ev("procedure-scheduled", at("2026-07-15", "11:00"), {"at": procedure_at.isoformat(), "levels": ["L4-L5"]}),
        ev("prep-confirmed", at("2026-07-20"), {"item": "fasting-understood"}, role="patient"),
        ev("prep-confirmed", at("2026-07-20"), {"item": "ride-home"}, role="patient"),
        ev("prep-confirmed", at("2026-07-20"), {"item": "loose-clothes"}, role="patient"),
        ev("prep-confirmed", at("2026-07-21"), {"item": "blood-thinners-reviewed"}, role="clinician"),
        ev("procedure-performed", procedure_at, {"at": procedure_at.isoformat(), "duration_min": 75, "levels": ["L4-L5"]}),
        ev("discharged", procedure_at + dt.timedelta(hours=4), {"at": (procedure_at + dt.timedelta(hours=4)).isoformat()}),
        ev("follow-up-completed", procedure_at + dt.timedelta(days=14), {"visit": "follow-up-2w"}),
        ev("follow-up-completed", procedure_at + dt.timedelta(days=90), {"visit": "follow-up-3m"}),
    ]
