"""When things are due: visits with their windows, preparation reminders, the review date.

All dates are days in the clinic's time zone: a procedure at 23:30 local time is dated that day,
whatever UTC says, so its follow-ups are exactly 14 and 90 local days later.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from carejourney.pathways import conservative_care
from carejourney.pathways.engine import Clock, JourneyState, recorded
from carejourney.pathways.schema import Pathway, Visit

COMPLETED, CANCELLED, UPCOMING, DUE, OVERDUE = "completed", "cancelled", "upcoming", "due", "overdue"


@dataclass(frozen=True)
class Appointment:
    visit: str
    due: dt.date
    window_start: dt.date
    window_end: dt.date
    status: str
    #: The booked moment, when the anchor is a booking (e.g. the procedure's time).
    at: dt.datetime | None = None
    completed_on: dt.date | None = None

    def as_dict(self) -> dict:
        return {
            "visit": self.visit,
            "due": self.due.isoformat(),
            "window_start": self.window_start.isoformat(),
            "window_end": self.window_end.isoformat(),
            "status": self.status,
            "at": self.at.isoformat() if self.at else None,
            "completed_on": self.completed_on.isoformat() if self.completed_on else None,
        }


def visit_status(today: dt.date, window_start: dt.date, window_end: dt.date) -> str:
    if today < window_start:
        return UPCOMING
    return DUE if today <= window_end else OVERDUE


def appointment(visit: Visit, state: JourneyState, clock: Clock) -> Appointment | None:
    """The visit as it stands, or None while nothing has dated it yet."""
    anchor = state.latest(visit.anchor.event)
    if anchor is None:
        return None
    moment = getattr(anchor.data, visit.anchor.field)
    due = clock.day(moment) + dt.timedelta(days=visit.offset_days)
    start = due - dt.timedelta(days=visit.window.before_days)
    end = due + dt.timedelta(days=visit.window.after_days)
    done = recorded(state.events, visit.done_when)
    at = moment if visit.offset_days == 0 else None
    if done is not None:
        return Appointment(visit.id, due, start, end, COMPLETED, at, clock.day(done.at))
    if not state.active:
        return Appointment(visit.id, due, start, end, CANCELLED, at)
    return Appointment(visit.id, due, start, end, visit_status(clock.today, start, end), at)


def appointments(pathway: Pathway, state: JourneyState, clock: Clock) -> list[Appointment]:
    found = (appointment(v, state, clock) for v in pathway.visits)
    return sorted((a for a in found if a is not None), key=lambda a: (a.due, a.visit))


@dataclass(frozen=True)
class Reminder:
    days_before: int
    on: dt.date


def preparation_reminders(pathway: Pathway, state: JourneyState, clock: Clock) -> list[Reminder]:
    """Days on which the patient is reminded to prepare for the visit the preparation counts down to."""
    prep = pathway.preparation
    if prep.visit is None:
        return []
    appt = appointment(pathway.visit(prep.visit), state, clock)
    if appt is None or appt.status in (COMPLETED, CANCELLED):
        return []
    return [Reminder(d, appt.due - dt.timedelta(days=d)) for d in sorted(prep.reminder_days_before, reverse=True)]


def review_date(pathway: Pathway, state: JourneyState) -> dt.date | None:
    """The day the conservative-care clock is complete and candidacy can be reviewed."""
    if pathway.conservative_care is None:
        return None
    eps = conservative_care.episodes(state.events)
    return conservative_care.reviewable_on(eps, pathway.conservative_care.min_months)
