"""Recording events: the core decides, this stores — event and projection in one transaction."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Callable, Iterable

from django.db import transaction
from django.utils import timezone

from carejourney import journey as journey_core
from carejourney.clinic.models import (
    Appointment,
    Clinic,
    Journey,
    JourneyEvent,
    JourneyProjection,
    Patient,
    PathwayVersion,
    WorklistItem,
)
from carejourney.clinic import pathway_store
from carejourney.clinic.pathway_store import pathway_of
from carejourney.pathways import engine
from carejourney.pathways.engine import Clock, JourneyState
from carejourney.pathways.events import HAPPENED_AT_FIELD, Actor, Event, InvalidEvent, parse_data
from carejourney.pathways.schema import Pathway


def clock_for(clinic: Clinic, now: dt.datetime | None = None) -> Clock:
    return Clock(now or timezone.now(), clinic.tz)


def core_event(row: JourneyEvent, clinic: Clinic) -> Event:
    data = parse_data(row.type, row.data, clinic.tz)
    return Event(row.type, row.at, data, Actor(row.actor_role, row.actor_user_id, row.actor_label), row.seq)


def make_event(event_type: str, raw: Any, at: dt.datetime | None, actor: Actor, clinic: Clinic, now: dt.datetime) -> Event:
    """Build a core event from input; raises InvalidEvent for bad data."""
    data = parse_data(event_type, raw, clinic.tz)
    if event_type in HAPPENED_AT_FIELD:
        happened = data.at  # type: ignore[attr-defined]
        if at is not None and happened != at:
            raise InvalidEvent([f"data.at ({happened.isoformat()}) and --at ({at.isoformat()}) disagree: give one"])
        at = happened
    if at is None:
        at = now
    if at.tzinfo is None:
        at = at.replace(tzinfo=clinic.tz)
    return Event(event_type, at, data, actor)


@dataclass
class Loaded:
    journey: Journey
    pathway: Pathway
    state: JourneyState
    clock: Clock


EVENT_FIELDS = ("seq", "type", "at", "actor_user_id", "actor_role", "actor_label", "data")


def load(journey: Journey, now: dt.datetime | None = None) -> Loaded:
    """Replay a journey's events into its state (the journey's patient and clinic should be loaded with it)."""
    clinic = journey.patient.clinic
    pathway = pathway_store.pathway_by_id(journey.pathway_id)
    clock = clock_for(clinic, now)
    events = [core_event(row, clinic) for row in journey.events.order_by("seq").only(*EVENT_FIELDS)]
    return Loaded(journey, pathway, engine.fold(pathway, events, clock), clock)


def _store_event(journey: Journey, event: Event, now: dt.datetime) -> None:
    JourneyEvent.objects.create(
        journey=journey,
        seq=event.seq,
        type=event.type,
        at=event.at,
        recorded_at=now,
        actor_user_id=event.actor.id,
        actor_role=event.actor.role,
        actor_label=event.actor.label,
        data=event.data_dict(),
    )


#: Called as hook(journey, pathway, view, clock) inside the transaction that stores an event, after the
#: journey's own derived rows: features with rows of their own (e.g. the reminder outbox) register here.
PROJECTION_HOOKS: list[Callable[[Journey, Pathway, journey_core.JourneyView, Clock], None]] = []


def project(journey: Journey, pathway: Pathway, state: JourneyState, clock: Clock) -> journey_core.JourneyView:
    """Replace the journey's derived rows with what its state says now."""
    patient = journey.patient
    view = journey_core.compose(pathway, state, clock, patient.birth_date)
    row = projection_row(journey.pk, patient.clinic_id, state, view, clock.now)
    JourneyProjection.objects.update_or_create(journey_id=journey.pk, defaults=row)
    Appointment.objects.filter(journey=journey).delete()
    Appointment.objects.bulk_create([Appointment(**r) for r in appointment_rows(journey.pk, view)])
    WorklistItem.objects.filter(journey=journey).delete()
    WorklistItem.objects.bulk_create([WorklistItem(**r) for r in work_rows(journey.pk, patient.clinic_id, view)])
    for hook in PROJECTION_HOOKS:
        hook(journey, pathway, view, clock)
    return view


def appointment_rows(journey_id: int, view: journey_core.JourneyView) -> list[dict[str, Any]]:
    return [
        {"journey_id": journey_id, "visit": a.visit, "due": a.due, "window_start": a.window_start,
         "window_end": a.window_end, "status": a.status, "at": a.at, "completed_on": a.completed_on}
        for a in view.appointments
    ]


def work_rows(journey_id: int, clinic_id: int, view: journey_core.JourneyView) -> list[dict[str, Any]]:
    return [
        {"journey_id": journey_id, "clinic_id": clinic_id, "kind": w.kind, "overdue_kind": w.overdue_kind or "",
         "starts_on": w.starts_on, "due_on": w.due_on, "overdue_after": w.overdue_after, "subject": w.subject}
        for w in view.work
    ]


def projection_row(journey_id: int, clinic_id: int, state: JourneyState, view: journey_core.JourneyView, now: dt.datetime) -> dict[str, Any]:
    due = view.next_due
    return {
        "journey_id": journey_id, "clinic_id": clinic_id, "step": state.step, "status": state.status,
        "next_due_on": due[0] if due else None, "next_due_kind": due[1] if due else "",
        "event_count": len(state.events), "last_event_at": state.events[-1].at, "updated_at": now,
    }


def record(
    journey: Journey,
    event_type: str,
    raw: Any = None,
    *,
    actor: Actor,
    at: dt.datetime | None = None,
    now: dt.datetime | None = None,
) -> journey_core.JourneyView:
    """Record one event. Raises InvalidEvent or engine.Refused and then writes nothing."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = Journey.objects.select_for_update().select_related("patient__clinic", "pathway").get(pk=journey.pk)
        loaded = load(locked, now)
        event = make_event(event_type, raw, at, actor, locked.patient.clinic, now)
        state = journey_core.record(loaded.pathway, loaded.state, event, loaded.clock, locked.patient.birth_date)
        _store_event(locked, state.events[-1], now)
        return project(locked, loaded.pathway, state, loaded.clock)


def enrol(
    clinic: Clinic,
    *,
    full_name: str,
    birth_date: dt.date,
    email: str,
    pathway_version: PathwayVersion,
    actor: Actor,
    enrolled_at: dt.datetime | None = None,
    now: dt.datetime | None = None,
) -> tuple[Patient, Journey, journey_core.JourneyView]:
    """Create a patient and start their journey, all or nothing."""
    now = now or timezone.now()
    pathway = pathway_of(pathway_version)
    clock = clock_for(clinic, now)
    with transaction.atomic():
        event = make_event(pathway.start_event, {}, enrolled_at, actor, clinic, now)
        state = journey_core.record(pathway, None, event, clock, birth_date)
        patient = Patient.objects.create(clinic=clinic, full_name=full_name, birth_date=birth_date, email=email)
        journey = Journey.objects.create(patient=patient, pathway=pathway_version, started_at=event.at)
        _store_event(journey, state.events[0], now)
        view = project(journey, pathway, state, clock)
    return patient, journey, view


def current_journey(patient: Patient) -> Journey:
    return patient.journeys.select_related("patient__clinic", "pathway").order_by("-started_at", "-pk").first()


def rebuild(journeys: Iterable[Journey], now: dt.datetime | None = None, progress: Callable[[int], None] | None = None) -> dict[str, int]:
    """Recompute every derived row from the events. Returns counts; refused histories are listed."""
    now = now or timezone.now()
    done = failed = 0
    for journey in journeys:
        try:
            with transaction.atomic():
                loaded = load(journey, now)
                project(journey, loaded.pathway, loaded.state, loaded.clock)
            done += 1
        except (engine.Refused, InvalidEvent):
            failed += 1
        if progress:
            progress(done + failed)
    return {"rebuilt": done, "failed": failed}
