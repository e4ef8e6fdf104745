"""The journey state machine: events in, state out.

`apply` either returns the next state or raises `Refused` with a reason a person can act on; it
never half-applies. Everything it knows about the journey's shape comes from the pathway.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Iterable
from zoneinfo import ZoneInfo

from carejourney.pathways import conservative_care
from carejourney.pathways.events import Event
from carejourney.pathways.schema import Condition, EventMatch, EventRule, Pathway

ACTIVE = "active"
#: Clock skew we forgive when refusing events "dated in the future".
FUTURE_TOLERANCE = dt.timedelta(minutes=5)


class Refused(ValueError):
    """An event that cannot happen now; `reason` says why."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(reason)


@dataclass(frozen=True)
class Clock:
    """The present moment, and the clinic's zone for turning moments into days."""

    now: dt.datetime
    tz: ZoneInfo

    def day(self, moment: dt.datetime) -> dt.date:
        return moment.astimezone(self.tz).date()

    @property
    def today(self) -> dt.date:
        return self.day(self.now)


@dataclass(frozen=True)
class StepVisit:
    step: str
    entered_at: dt.datetime
    left_at: dt.datetime | None = None


@dataclass(frozen=True)
class JourneyState:
    pathway: str
    status: str
    step: str
    steps: tuple[StepVisit, ...]
    events: tuple[Event, ...]
    #: Checklist item id -> seq of the event that ticked it.
    ticked: tuple[tuple[str, int], ...] = ()
    ended_at: dt.datetime | None = None

    @property
    def active(self) -> bool:
        return self.status == ACTIVE

    @property
    def started_at(self) -> dt.datetime:
        return self.events[0].at

    def ticked_items(self) -> dict[str, int]:
        return dict(self.ticked)

    def latest(self, event_type: str) -> Event | None:
        return next((e for e in reversed(self.events) if e.type == event_type), None)


def recorded(events: Iterable[Event], match: EventMatch) -> Event | None:
    """The first recorded event that fits `match`."""
    for e in events:
        if e.type == match.event and (not match.data or match.matches(e.type, e.data.__dict__)):
            return e
    return None


def _rule_for(pathway: Pathway, event: Event) -> EventRule:
    rules = pathway.rules_for(event.type)
    if not rules:
        raise Refused(f"{event.type} is not part of the pathway '{pathway.id}'")
    data = event.data.__dict__
    for rule in rules:
        if all(data.get(k) == v for k, v in rule.when.items()):
            return rule
    raise Refused(f"{event.type} with these values is not allowed by the pathway '{pathway.id}'")


def condition_met(pathway: Pathway, cond: Condition, events: tuple[Event, ...], clock: Clock, on: dt.date) -> bool:
    if any(recorded(events, m) is None for m in cond.all_of):
        return False
    if cond.conservative_care_complete:
        assert pathway.conservative_care is not None
        day = conservative_care.reviewable_on(conservative_care.episodes(events), pathway.conservative_care.min_months)
        if day is None or day > on:
            return False
    return True


def _a(role: str) -> str:
    return f"an {role}" if role[0] in "aeiou" else f"a {role}"


def _role_words(roles: list[str]) -> str:
    return " or ".join(_a(r) for r in roles)


def _check_time_and_role(event: Event, rule: EventRule, clock: Clock) -> None:
    if event.at > clock.now + FUTURE_TOLERANCE:
        raise Refused(f"{event.type} is dated {event.at.isoformat()}, which is in the future")
    if event.actor.role not in rule.roles:
        raise Refused(f"{event.type} must be recorded by {_role_words(rule.roles)}, not by {_a(event.actor.role)}")


def _check(pathway: Pathway, state: JourneyState, event: Event, rule: EventRule, clock: Clock) -> None:
    _check_time_and_role(event, rule, clock)
    if not state.active and not rule.allowed_after_exit:
        raise Refused(
            f"the journey ended ({state.status}) on {clock.day(state.ended_at or event.at)}: "
            f"{event.type} cannot be recorded after an exit"
        )
    if event.at < state.started_at:
        raise Refused(f"{event.type} is dated before the patient was enrolled ({clock.day(state.started_at)})")
    missing = [m for m in rule.requires if recorded(state.events, m) is None]
    if missing:
        raise Refused(f"{event.type} needs {' and '.join(m.describe() for m in missing)} recorded first")
    for m in rule.requires:
        earlier = recorded(state.events, m)
        if earlier is not None and event.at < earlier.at:
            raise Refused(f"{event.type} is dated before the {m.event} it follows ({clock.day(earlier.at)})")
    if rule.steps and state.step not in rule.steps:
        raise Refused(
            f"{event.type} cannot be recorded while the journey is at the {state.step} step "
            f"(only at: {', '.join(rule.steps)})"
        )


def _ticks(pathway: Pathway, state: JourneyState, event: Event, rule: EventRule) -> tuple[tuple[str, int], ...]:
    ticked = state.ticked_items()
    new: list[tuple[str, int]] = []
    for _, item in pathway.checklist_items():
        if not item.done_when.matches(event.type, event.data.__dict__) or item.id in ticked:
            continue
        if item.roles and event.actor.role not in item.roles:
            raise Refused(f"the checklist item {item.id} must be confirmed by {_role_words(item.roles)}")
        new.append((item.id, event.seq))
    if rule.ticks_checklist and not new:
        matching = [i.id for _, i in pathway.checklist_items() if i.done_when.event == event.type]
        item = event.data.__dict__.get("item")
        if item in ticked:
            raise Refused(f"the checklist item {item} is already done")
        raise Refused(f"'{item}' is not a checklist item for {event.type} (items: {', '.join(matching)})")
    return state.ticked + tuple(new)


def _check_visit(pathway: Pathway, state: JourneyState, event: Event, rule: EventRule, clock: Clock) -> None:
    visits = [v for v in pathway.visits if v.done_when.matches(event.type, event.data.__dict__)]
    if rule.completes_visit and not visits:
        names = [v.id for v in pathway.visits if v.done_when.event == event.type]
        raise Refused(f"{event.type} must name one of the visits: {', '.join(names)}")
    for visit in visits:
        done = recorded(state.events, visit.done_when)
        if done is not None:
            raise Refused(f"{visit.id} was already completed on {clock.day(done.at)}")
        anchor = state.latest(visit.anchor.event)
        if anchor is None:
            raise Refused(f"{visit.id} has no date yet: {visit.anchor.event} has not been recorded")
        if clock.day(event.at) < clock.day(getattr(anchor.data, visit.anchor.field)):
            raise Refused(f"{visit.id} cannot be completed before the {visit.anchor.event} it follows")


def _advance(pathway: Pathway, state: JourneyState, event: Event, clock: Clock) -> JourneyState:
    """Move through every step whose finishing condition now holds."""
    on = clock.day(event.at)
    while state.active:
        index = pathway.step_index(state.step)
        cond = pathway.steps[index].advance_when
        if cond is None or not condition_met(pathway, cond, state.events, clock, on):
            return state
        closed = state.steps[:-1] + (replace(state.steps[-1], left_at=event.at),)
        if index + 1 == len(pathway.steps):
            return replace(state, status=pathway.completion_exit, steps=closed, ended_at=event.at)
        nxt = pathway.steps[index + 1].id
        state = replace(state, step=nxt, steps=closed + (StepVisit(nxt, event.at),))
    return state


def start(pathway: Pathway, event: Event, clock: Clock) -> JourneyState:
    if event.type != pathway.start_event:
        raise Refused(f"a journey starts with {pathway.start_event}, not {event.type}")
    rule = _rule_for(pathway, event)
    _check_time_and_role(event, rule, clock)
    first = pathway.steps[0].id
    event = replace(event, seq=1)
    state = JourneyState(pathway.key, ACTIVE, first, (StepVisit(first, event.at),), (event,))
    return _advance(pathway, state, event, clock)


def apply(pathway: Pathway, state: JourneyState | None, event: Event, clock: Clock) -> JourneyState:
    """The state after `event`, or Refused. The event's seq is assigned here."""
    if state is None:
        return start(pathway, event, clock)
    if event.type == pathway.start_event:
        raise Refused(f"the patient is already enrolled (since {clock.day(state.started_at)})")
    event = replace(event, seq=len(state.events) + 1)
    rule = _rule_for(pathway, event)
    _check(pathway, state, event, rule, clock)
    _check_visit(pathway, state, event, rule, clock)
    ticked = _ticks(pathway, state, event, rule)
    state = replace(state, events=state.events + (event,), ticked=ticked)
    if rule.exit and state.active:
        closed = state.steps[:-1] + (replace(state.steps[-1], left_at=event.at),)
        return replace(state, status=rule.exit, steps=closed, ended_at=event.at)
    return _advance(pathway, state, event, clock)


def fold(pathway: Pathway, events: Iterable[Event], clock: Clock) -> JourneyState:
    """Replay events in order; raises Refused if any of them would not be accepted."""
    state: JourneyState | None = None
    for event in events:
        state = apply(pathway, state, event, clock)
    if state is None:
        raise Refused("a journey needs at least its first event")
    return state
