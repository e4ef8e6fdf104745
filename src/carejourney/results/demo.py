"""Synthetic questionnaire answers for demo journeys (fictional patients only).

Each journey that has reached a timepoint gets plausible answers dated inside its window: severe
symptoms before the procedure, and an improvement after it of roughly the size the trials report
(ODI about -20 points, pain about -3 points, ZCQ about -0.9 / -0.7 at 3 months; a bit over half of
that at 2 weeks), with patient-to-patient spread, some patients who do not improve, and some who
never answer. Windows open today are mostly left for the patient to fill in (always for patients
with a portal login, so the demo has a questionnaire to fill).
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any, Callable, Iterable

from django.db import transaction
from django.utils import timezone

from carejourney import journey as journey_core
from carejourney.clinic import records
from carejourney.clinic.models import Journey, JourneyEvent
from carejourney.outcomes.due import check_submission, submitted, window
from carejourney.outcomes.instruments import instrument
from carejourney.pathways.events import Actor, Event, parse_data

PATIENT = Actor("patient", None, "patient")
CLINIC_ENTRY = Actor("coordinator", None, "entered from a paper form")


def _clip(x: float, low: float, high: float) -> float:
    return max(low, min(high, x))


def _profile(rng: random.Random) -> dict[str, Any]:
    """Before-treatment levels and this patient's response (1.0 = the trials' average)."""
    return {
        "odi": _clip(rng.gauss(44, 12), 16, 82), "nrs-back": _clip(rng.gauss(6.5, 1.5), 3, 10),
        "nrs-leg": _clip(rng.gauss(6.8, 1.6), 3, 10), "symptom": _clip(rng.gauss(3.5, 0.5), 2.2, 5),
        "function": _clip(rng.gauss(2.7, 0.5), 1.6, 4), "walk": _clip(rng.lognormvariate(2.2, 0.6), 1, 60),
        "stand": _clip(rng.lognormvariate(2.4, 0.6), 1, 60),
        "response": 0.0 if rng.random() < 0.2 else _clip(rng.gauss(1.15, 0.5), 0.2, 2.5),
    }


def _levels(profile: dict[str, Any], timepoint: str, after: bool, rng: random.Random) -> dict[str, float]:
    share = 0.0 if not after else (0.55 if timepoint == "2-weeks" else 1.0)
    r = profile["response"] * share
    noise = lambda sd: rng.gauss(0, sd)  # noqa: E731
    return {
        "odi": _clip(profile["odi"] - 20 * r + noise(4), 0, 100),
        "nrs-back": _clip(profile["nrs-back"] - 3.2 * r + noise(0.7), 0, 10),
        "nrs-leg": _clip(profile["nrs-leg"] - 3.6 * r + noise(0.7), 0, 10),
        "symptom": _clip(profile["symptom"] - 0.9 * r + noise(0.2), 1, 5),
        "function": _clip(profile["function"] - 0.7 * r + noise(0.2), 1, 4),
        "satisfaction": _clip(3.3 - 0.9 * min(r, 1.6) + noise(0.4), 1, 4),
        "walk": _clip(profile["walk"] * (1 + 2.5 * r) + noise(2), 0, 600),
        "stand": _clip(profile["stand"] * (1 + 2 * r) + noise(2), 0, 600),
    }


def _choice(item, target: float, rng: random.Random) -> int:
    return min(item.values, key=lambda v: abs(v - (target + rng.gauss(0, 0.6))))


def answers_for(instrument_id: str, levels: dict[str, float], after: bool, rng: random.Random) -> dict[str, int | None]:
    ins = instrument(instrument_id)
    if instrument_id in ("nrs-back", "nrs-leg"):
        return {ins.items[0].id: int(round(levels[instrument_id]))}
    if instrument_id.endswith("-tolerance"):
        return {ins.items[0].id: int(round(levels["walk" if instrument_id.startswith("walk") else "stand"]))}
    if instrument_id == "odi":
        per = levels["odi"] / 20  # 0-5 per section
        out: dict[str, int | None] = {i.id: _choice(i, per, rng) for i in ins.items}
        if rng.random() < 0.25:
            out["sex-life"] = None
        return out
    targets = {"symptom-severity": levels["symptom"], "physical-function": levels["function"], "satisfaction": levels["satisfaction"]}
    return {i.id: _choice(i, targets[s.id], rng) for s in ins.sections if after or not s.after_treatment_only for i in s.items}


def _moment(rng: random.Random, day: dt.date, tz, now: dt.datetime, latest: dt.datetime | None) -> dt.datetime:
    at = dt.datetime.combine(day, dt.time(11 + rng.randint(0, 7), rng.randint(0, 59)), tzinfo=tz)
    for limit in (now - dt.timedelta(minutes=10), latest):
        if limit is not None and at >= limit:
            at = limit - dt.timedelta(minutes=30)
    return at


def add_demo_submissions(journeys: Iterable[Journey] | None = None, seed: int = 1, now: dt.datetime | None = None,
                         progress: Callable[[int], None] | None = None) -> dict[str, Any]:
    """Add synthetic questionnaire submissions to demo journeys (all journeys when none are given).

    Safe to run again: timepoints already answered are left alone. Returns counts."""
    now = now or timezone.now()
    if journeys is None:
        journeys = Journey.objects.select_related("patient__clinic", "pathway").order_by("pk")
    counts: dict[str, int] = {}
    done = 0
    for journey in journeys:
        with transaction.atomic():
            added = _add_for(journey, seed, now)
        for event in added:
            counts[event.data.timepoint] = counts.get(event.data.timepoint, 0) + 1
        done += 1
        if progress:
            progress(done)
    return {"journeys": done, "submissions": sum(counts.values()), "submissions_by_timepoint": dict(sorted(counts.items()))}


def _add_for(journey: Journey, seed: int, now: dt.datetime) -> list[Event]:
    loaded = records.load(journey, now)
    pathway, state, clock = loaded.pathway, loaded.state, loaded.clock
    plan = pathway.outcomes
    if plan is None:
        return []
    rng = random.Random(seed * 1_000_003 + journey.pk * 7919)
    profile = _profile(rng)
    has_login = journey.patient.user_id is not None
    answered = submitted(state)
    planned: list[Event] = []
    for tp in plan.enabled():
        dates = window(tp, state, clock)
        if dates is None or any((tp.id, i) in answered for i in tp.instruments):
            continue
        due, start, end = dates
        closing = next((e for e in state.events if e.type == tp.closes_when), None) if tp.closes_when else None
        if start > clock.today:
            continue
        open_now = clock.today <= end and closing is None
        if open_now and (has_login or rng.random() > 0.35):
            continue
        if not open_now and rng.random() > 0.88:
            continue
        last_day = min(end, clock.today, clock.day(closing.at) if closing else end)
        first_day = max(start, clock.day(state.started_at))
        if last_day < first_day:
            continue
        day = _clip_day(due + dt.timedelta(days=rng.randint(-2, 5)), first_day, last_day)
        at = _moment(rng, day, clock.tz, now, closing.at if closing else None)
        if at < state.started_at or clock.day(at) < start:
            continue
        levels = _levels(profile, tp.id, tp.after_treatment, rng)
        actor = PATIENT if rng.random() < 0.8 else CLINIC_ENTRY
        for ins in tp.instruments:
            data = {"instrument": ins, "timepoint": tp.id, "answers": answers_for(ins, levels, tp.after_treatment, rng)}
            planned.append(Event("questionnaire-submitted", at, parse_data("questionnaire-submitted", data, clock.tz), actor))
    if not planned:
        return []
    birth = journey.patient.birth_date
    rows = []
    for event in sorted(planned, key=lambda e: e.at):
        state = journey_core.record(pathway, state, event, clock, birth)
        stored = state.events[-1]
        check_submission(plan, state, stored, clock)
        rows.append(JourneyEvent(journey=journey, seq=stored.seq, type=stored.type, at=stored.at, recorded_at=now,
                                 actor_user_id=None, actor_role=stored.actor.role, actor_label=stored.actor.label,
                                 data=stored.data_dict()))
    JourneyEvent.objects.bulk_create(rows)
    records.project(journey, pathway, state, clock)
    return planned


def _clip_day(day: dt.date, low: dt.date, high: dt.date) -> dt.date:
    return max(low, min(high, day))
