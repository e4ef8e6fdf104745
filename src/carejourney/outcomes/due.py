"""When questionnaires are due, and whether a submission may be accepted now.

A timepoint is complete when every one of its instruments has a `questionnaire-submitted` event for it.
Dates are days in the clinic's time zone, like visits.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from carejourney.outcomes.scoring import Score, score
from carejourney.pathways.engine import Clock, JourneyState, Refused
from carejourney.pathways.events import Event, InvalidEvent
from carejourney.pathways.outcome_plan import OutcomePlan, Timepoint
from carejourney.pathways.schema import Pathway

UPCOMING, DUE, OVERDUE, COMPLETED, MISSED, CANCELLED = "upcoming", "due", "overdue", "completed", "missed", "cancelled"
SUBMITTED = "questionnaire-submitted"


@dataclass(frozen=True)
class QuestionnaireDue:
    timepoint: str
    title: dict[str, str]
    instruments: tuple[str, ...]
    after_treatment: bool
    #: upcoming | due | overdue | completed | missed (closed, e.g. pre-procedure once the procedure is done,
    #: or unanswered long after its window)
    #: | cancelled (the journey left the pathway early)
    status: str
    #: None while the anchor event has not happened (e.g. no procedure yet).
    due: dt.date | None
    window_start: dt.date | None
    window_end: dt.date | None
    #: Instruments already answered for this timepoint, and the day of the last answer.
    completed: tuple[str, ...] = ()
    completed_on: dt.date | None = None

    @property
    def remaining(self) -> tuple[str, ...]:
        return tuple(i for i in self.instruments if i not in self.completed)

    def as_dict(self) -> dict[str, Any]:
        day = lambda d: d.isoformat() if d else None  # noqa: E731
        return {
            "timepoint": self.timepoint, "title": self.title["en"], "instruments": list(self.instruments),
            "after_treatment": self.after_treatment, "status": self.status, "due": day(self.due),
            "window_start": day(self.window_start), "window_end": day(self.window_end),
            "completed": list(self.completed), "remaining": list(self.remaining), "completed_on": day(self.completed_on),
        }


def window(tp: Timepoint, state: JourneyState, clock: Clock) -> tuple[dt.date, dt.date, dt.date] | None:
    """(due, window start, window end) for a timepoint, or None while its anchor has not happened."""
    anchor = state.latest(tp.anchor.event)
    if anchor is None:
        return None
    moment = getattr(anchor.data, tp.anchor.field) if tp.anchor.field else anchor.at
    due = clock.day(moment) + dt.timedelta(days=tp.offset_days)
    return due, due - dt.timedelta(days=tp.window.before_days), due + dt.timedelta(days=tp.window.after_days)


def _closed_at(tp: Timepoint, state: JourneyState) -> dt.datetime | None:
    if tp.closes_when is None:
        return None
    closing = next((e for e in state.events if e.type == tp.closes_when), None)
    return closing.at if closing else None


def submitted(state: JourneyState) -> dict[tuple[str, str], Event]:
    """The latest submission per (timepoint, instrument): a later one corrects an earlier one."""
    found: dict[tuple[str, str], Event] = {}
    for e in state.events:
        if e.type == SUBMITTED:
            found[(e.data.timepoint, e.data.instrument)] = e
    return found


def questionnaires_due(pathway: Pathway, state: JourneyState, clock: Clock) -> list[QuestionnaireDue]:
    """Every enabled timepoint of the pathway's outcomes section, in plan order, with its status today."""
    plan = pathway.outcomes
    if plan is None:
        return []
    done = submitted(state)
    ended_early = not state.active and state.status != pathway.completion_exit
    out = []
    for tp in plan.enabled():
        answered = tuple(i for i in tp.instruments if (tp.id, i) in done)
        last = max((clock.day(done[(tp.id, i)].at) for i in answered), default=None)
        dates = window(tp, state, clock)
        due, start, end = dates if dates else (None, None, None)
        if len(answered) == len(tp.instruments):
            status = COMPLETED
        elif ended_early:
            status = CANCELLED
        elif dates is None:
            status = UPCOMING
        elif _closed_at(tp, state) is not None:
            status = MISSED
        elif clock.today < start:
            status = UPCOMING
        elif clock.today <= end:
            status = DUE
        elif plan.missed_after_days is not None and (clock.today - end).days > plan.missed_after_days:
            status = MISSED
        else:
            status = OVERDUE
        out.append(QuestionnaireDue(tp.id, tp.title, tuple(tp.instruments), tp.after_treatment, status, due, start, end,
                                    answered, last))
    return out


def open_now(items: list[QuestionnaireDue]) -> list[QuestionnaireDue]:
    """What the patient can fill in today (their to-do list): due or overdue, with instruments left."""
    return [q for q in items if q.status in (DUE, OVERDUE)]


def check_submission(plan: OutcomePlan | None, state: JourneyState, event: Event, clock: Clock) -> Score:
    """Score a questionnaire-submitted event, refusing one that does not fit the plan or comes at the wrong time.

    `state` is the journey with or without the event itself. Raises InvalidEvent (answers, unknown
    timepoint or instrument) or Refused (timing)."""
    data = event.data
    if plan is None:
        raise Refused("this pathway has no outcomes section: it asks no questionnaires")
    enabled = [t.id for t in plan.enabled()]
    if data.timepoint not in enabled:
        raise InvalidEvent([f"data.timepoint: '{data.timepoint}' is not a timepoint of this pathway (timepoints: {', '.join(enabled)})"])
    tp = plan.timepoint(data.timepoint)
    if data.instrument not in tp.instruments:
        raise InvalidEvent([f"data.instrument: '{data.instrument}' is not asked at {tp.id} (asked: {', '.join(tp.instruments)})"])
    scored = score(data.instrument, dict(data.answers), tp.after_treatment)
    dates = window(tp, state, clock)
    if dates is None:
        raise Refused(f"the {tp.id} questionnaires open once {tp.anchor.event} is recorded")
    day = clock.day(event.at)
    if day < dates[1]:
        raise Refused(f"the {tp.id} questionnaires open on {dates[1]} (this one is dated {day})")
    closed = _closed_at(tp, state)
    if closed is not None and event.at >= closed:
        raise Refused(f"the {tp.id} questionnaires closed when {tp.closes_when} was recorded ({clock.day(closed)})")
    return scored


def worklist_entries(pathway: Pathway, items: list[QuestionnaireDue]) -> list[dict[str, Any]]:
    """Care-team worklist items for open questionnaires, with exactly the fields of `journey.WorkItem`
    (so `WorkItem(**entry)`): "<kind>-due" from the window's start, "<kind>-overdue" after its end."""
    if pathway.outcomes is None:
        return []
    kind = pathway.outcomes.worklist_kind
    return [
        {"kind": f"{kind}-due", "starts_on": q.window_start, "due_on": q.due, "overdue_after": q.window_end,
         "overdue_kind": f"{kind}-overdue", "subject": q.timepoint}
        for q in items
        if q.status in (UPCOMING, DUE, OVERDUE) and q.due is not None
    ]
