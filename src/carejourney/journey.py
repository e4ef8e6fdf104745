"""A journey's full view, composed from the core: state, schedule, candidacy, next actions, worklist.

This is the one place that knows all of them; the state machine itself needs none.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from carejourney.candidacy.assess import CandidacyResult, assess, decision_conflict
from carejourney.outcomes.due import QuestionnaireDue, open_now, questionnaires_due, worklist_entries
from carejourney.pathways import engine
from carejourney.pathways.engine import Clock, JourneyState, Refused, recorded
from carejourney.pathways.events import Event
from carejourney.pathways.schedule import (
    CANCELLED,
    COMPLETED,
    Appointment,
    Reminder,
    appointments,
    preparation_reminders,
    review_date,
)
from carejourney.pathways.schema import Pathway


@dataclass(frozen=True)
class Action:
    who: str  # patient | staff | clinician
    kind: str  # checklist | record | visit | questionnaire
    id: str
    text: str
    due: dt.date | None = None

    def as_dict(self) -> dict[str, Any]:
        return {**self.__dict__, "due": self.due.isoformat() if self.due else None}


@dataclass(frozen=True)
class WorkItem:
    """One reason the care team should look at this journey, from `starts_on`."""

    kind: str
    starts_on: dt.date
    due_on: dt.date
    #: After this day the item is reported as `overdue_kind`.
    overdue_after: dt.date | None = None
    overdue_kind: str | None = None
    subject: str = ""

    def kind_on(self, day: dt.date) -> str:
        if self.overdue_after is not None and self.overdue_kind and day > self.overdue_after:
            return self.overdue_kind
        return self.kind


@dataclass(frozen=True)
class JourneyView:
    state: JourneyState
    appointments: list[Appointment]
    reminders: list[Reminder]
    candidacy: CandidacyResult | None
    next_actions: list[Action]
    work: list[WorkItem]
    questionnaires: list[QuestionnaireDue]

    @property
    def next_due(self) -> tuple[dt.date, str] | None:
        """The earliest open date the clinic should act on, and what it is."""
        dated = [(w.due_on, w.kind) for w in self.work]
        return min(dated) if dated else None


def record(
    pathway: Pathway, state: JourneyState | None, event: Event, clock: Clock, birth_date: dt.date | None
) -> JourneyState:
    """Accept `event` into the journey, with the checks that need more than the state machine."""
    if event.type == "candidacy-assessed" and state is not None and pathway.candidacy is not None:
        computed = assess(pathway, state.events, birth_date, clock.day(event.at)).result
        conflict = decision_conflict(event.data.decision, computed)
        if conflict and not event.data.reason.strip():
            raise Refused(f"{conflict}: give the reason in data.reason")
    return engine.apply(pathway, state, event, clock)


def _next_actions(pathway: Pathway, state: JourneyState, appts: list[Appointment], review_on: dt.date | None) -> list[Action]:
    if not state.active:
        return []
    step = pathway.step(state.step)
    ticked = state.ticked_items()
    actions = [
        Action("patient" if item.who == "patient" else ("clinician" if item.roles == ["clinician"] else "staff"),
               "checklist", item.id, item.text["en"])
        for item in step.checklist
        if item.id not in ticked
    ]
    for appt in appts:
        if appt.status not in (COMPLETED, CANCELLED):
            title = pathway.visit(appt.visit).title["en"]
            actions.append(Action("patient", "visit", appt.visit, f"{title}: {appt.window_start} to {appt.window_end}", appt.due))
    if step.advance_when:
        if step.advance_when.conservative_care_complete:
            if review_on is None:
                actions.append(Action("staff", "record", "conservative-care-recorded", "record the conservative care tried"))
            else:
                text = f"conservative care reaches the minimum on {review_on}: record how it went"
                actions.append(Action("staff", "record", "conservative-care-recorded", text, review_on))
        on_checklist = {item.done_when.event for item in step.checklist if item.id not in ticked}
        for match in step.advance_when.all_of:
            if recorded(state.events, match) is not None or match.event in on_checklist:
                continue
            rule = next((r for r in pathway.rules_for(match.event) if all(match.data.get(k) == v for k, v in r.when.items())), None)
            for req in rule.requires if rule else []:
                if recorded(state.events, req) is None:
                    actions.append(Action("staff", "record", req.event, f"record {req.describe()}"))
            who = "clinician" if rule and rule.roles == ["clinician"] else "staff"
            actions.append(Action(who, "record", match.event, f"record {match.describe()}"))
    seen: set[tuple[str, str]] = set()
    return [a for a in actions if (a.kind, a.id) not in seen and not seen.add((a.kind, a.id))]


def _work(pathway: Pathway, state: JourneyState, appts: list[Appointment], review_on: dt.date | None, clock: Clock) -> list[WorkItem]:
    if not state.active:
        return []
    items = [
        WorkItem(
            f"{pathway.visit(a.visit).worklist_kind}-due",
            a.window_start,
            a.due,
            a.window_end,
            f"{pathway.visit(a.visit).worklist_kind}-overdue",
            a.visit,
        )
        for a in appts
        if a.status not in (COMPLETED, CANCELLED)
    ]
    step = pathway.step(state.step)
    if step.worklist:
        if step.worklist.starts == "on-entry":
            entered = clock.day(state.steps[-1].entered_at)
            items.append(WorkItem(step.worklist.kind, entered, entered, subject=step.id))
        elif review_on is not None:
            items.append(WorkItem(step.worklist.kind, review_on, review_on, subject=step.id))
    prep = pathway.preparation
    if prep.step == state.step and prep.visit:
        appt = next((a for a in appts if a.visit == prep.visit and a.status not in (COMPLETED, CANCELLED)), None)
        ticked = state.ticked_items()
        if appt is not None and any(i.id not in ticked for i in step.checklist):
            starts = appt.due - dt.timedelta(days=prep.checklist_due_days_before)
            items.append(WorkItem("prep-incomplete", starts, appt.due, subject=step.id))
    return items


def _questionnaire_actions(pathway: Pathway, items: list[QuestionnaireDue]) -> list[Action]:
    return [
        Action("patient", "questionnaire", q.timepoint, f"fill in your questionnaire: {q.title['en']}", q.window_end)
        for q in open_now(items)
    ]


def compose(pathway: Pathway, state: JourneyState, clock: Clock, birth_date: dt.date | None) -> JourneyView:
    appts = appointments(pathway, state, clock)
    review_on = review_date(pathway, state)
    cand = assess(pathway, state.events, birth_date, clock.today) if pathway.candidacy else None
    questionnaires = questionnaires_due(pathway, state, clock)
    return JourneyView(
        state,
        appts,
        preparation_reminders(pathway, state, clock),
        cand,
        _next_actions(pathway, state, appts, review_on) + _questionnaire_actions(pathway, questionnaires),
        _work(pathway, state, appts, review_on, clock) + [WorkItem(**e) for e in worklist_entries(pathway, questionnaires)],
        questionnaires,
    )


def view_dict(pathway: Pathway, view: JourneyView, clock: Clock) -> dict[str, Any]:
    """The journey as `carejourney journey show --json` prints it."""
    state = view.state
    ticked = state.ticked_items()
    by_seq = {e.seq: e for e in state.events}
    entered = {v.step: v for v in state.steps}
    return {
        "pathway": {"id": pathway.id, "version": pathway.version},
        "status": state.status,
        "step": state.step,
        "started_at": state.started_at.isoformat(),
        "ended_at": state.ended_at.isoformat() if state.ended_at else None,
        "steps": [
            {
                "id": s.id,
                "title": s.title["en"],
                "state": _step_state(pathway, state, s.id),
                "entered_on": clock.day(entered[s.id].entered_at).isoformat() if s.id in entered else None,
                "left_on": clock.day(entered[s.id].left_at).isoformat() if s.id in entered and entered[s.id].left_at else None,
            }
            for s in pathway.steps
        ],
        "checklist": [
            {
                "step": s.id,
                "id": item.id,
                "who": item.who,
                "text": item.text["en"],
                "done": item.id in ticked,
                "done_on": clock.day(by_seq[ticked[item.id]].at).isoformat() if item.id in ticked else None,
            }
            for s in pathway.steps
            for item in s.checklist
        ],
        "appointments": [a.as_dict() for a in view.appointments],
        "preparation_reminders": [{"days_before": r.days_before, "on": r.on.isoformat()} for r in view.reminders],
        "candidacy": view.candidacy.as_dict() if view.candidacy else None,
        "next_actions": [a.as_dict() for a in view.next_actions],
        "questionnaires": [q.as_dict() for q in view.questionnaires],
        "worklist": [
            {"kind": w.kind_on(clock.today), "starts_on": w.starts_on.isoformat(), "due": w.due_on.isoformat(), "subject": w.subject}
            for w in view.work
            if w.starts_on <= clock.today
        ],
        "events": len(state.events),
    }


def _step_state(pathway: Pathway, state: JourneyState, step_id: str) -> str:
    here, current = pathway.step_index(step_id), pathway.step_index(state.step)
    if here < current or (here == current and state.status == pathway.completion_exit):
        return "done"
    if here == current:
        return "current" if state.active else "stopped"
    return "upcoming" if state.active else "not-reached"

