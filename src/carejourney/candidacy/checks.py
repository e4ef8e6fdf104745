"""One function per candidacy check named in a pathway's criteria.

Each returns whether the criterion is met (True / False / None when the evidence is missing or
needs a clinician's judgement), a plain reason, and the evidence it used.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Callable

from carejourney.pathways import conservative_care
from carejourney.pathways.events import Event
from carejourney.pathways.schema import ConservativeCare


@dataclass(frozen=True)
class Evidence:
    """What a criterion may look at: the latest record of each kind, and the patient's facts."""

    evaluation: Event | None
    imaging: Event | None
    episodes: list[conservative_care.Episode]
    birth_date: dt.date | None
    today: dt.date
    conservative_care: ConservativeCare | None


@dataclass(frozen=True)
class Finding:
    met: bool | None
    reason: str
    evidence: list[dict[str, Any]] = field(default_factory=list)


def _cite(event: Event, name: str) -> dict[str, Any]:
    value = getattr(event.data, name)
    return {"event": event.type, "seq": event.seq, "field": name, "value": value if not isinstance(value, dt.date) else value.isoformat()}


def _no_imaging() -> Finding:
    return Finding(None, "no imaging review recorded yet")


def _no_evaluation() -> Finding:
    return Finding(None, "no evaluation recorded yet")


def stenosis_confirmed(ev: Evidence, params: dict) -> Finding:
    if ev.imaging is None:
        return _no_imaging()
    d = ev.imaging.data
    cite = [_cite(ev.imaging, "stenosis_confirmed"), _cite(ev.imaging, "modality")]
    if d.stenosis_confirmed:
        return Finding(True, f"{d.modality} of {d.date} shows stenosis at {', '.join(d.levels)}", cite)
    return Finding(False, f"{d.modality} of {d.date} does not confirm stenosis", cite)


def neurogenic_claudication(ev: Evidence, params: dict) -> Finding:
    if ev.evaluation is None:
        return _no_evaluation()
    d = ev.evaluation.data
    cite = [_cite(ev.evaluation, "pain_worse_standing_walking"), _cite(ev.evaluation, "relief_sitting_bending")]
    if not d.pain_worse_standing_walking:
        return Finding(False, "pain is not worse with standing or walking", cite)
    relief = "relieved" if d.relief_sitting_bending else "not relieved"
    return Finding(True, f"pain worse with standing or walking, {relief} by sitting or bending forward", cite)


def conservative_care_failed(ev: Evidence, params: dict) -> Finding:
    cfg = ev.conservative_care
    if not ev.episodes or cfg is None:
        return Finding(None, "no conservative care recorded yet")
    cite = [{"event": "conservative-care-recorded", "seq": e.seq, "field": "relief", "value": e.relief} for e in ev.episodes]
    ready = conservative_care.reviewable_on(ev.episodes, cfg.min_months)
    if ready is None:
        return Finding(False, f"recorded conservative care adds up to less than {cfg.min_months} months", cite)
    if ready > ev.today:
        return Finding(None, f"{cfg.min_months} months of conservative care are reached on {ready}", cite)
    latest = conservative_care.latest_relief(ev.episodes)
    assert latest is not None
    kinds = ", ".join(sorted({e.kind for e in ev.episodes}))
    if latest.relief in cfg.insufficient_relief:
        return Finding(True, f"{cfg.min_months}+ months of {kinds} with {latest.relief} relief", cite)
    if latest.relief in cfg.sufficient_relief:
        return Finding(False, f"conservative care is helping ({latest.relief} relief)", cite)
    return Finding(None, f"{latest.relief} relief after {cfg.min_months}+ months: a clinician should judge", cite)


def no_severe_instability(ev: Evidence, params: dict) -> Finding:
    if ev.imaging is None:
        return _no_imaging()
    d = ev.imaging.data
    cite = [_cite(ev.imaging, "instability")]
    if d.instability == "severe":
        return Finding(False, "severe instability: refer for other treatment", cite)
    return Finding(True, f"instability: {d.instability}", cite)


def ligamentum_flavum_thickness(ev: Evidence, params: dict) -> Finding:
    if ev.imaging is None:
        return _no_imaging()
    d = ev.imaging.data
    minimum = float(params.get("min_mm", 2.5))
    if d.lf_thickness_mm is None:
        return Finding(None, "ligamentum flavum thickness not measured")
    cite = [_cite(ev.imaging, "lf_thickness_mm")]
    if d.lf_thickness_mm >= minimum:
        return Finding(True, f"ligamentum flavum {d.lf_thickness_mm} mm (at least {minimum} mm)", cite)
    return Finding(False, f"ligamentum flavum {d.lf_thickness_mm} mm, under {minimum} mm", cite)


def spondylolisthesis_grade(ev: Evidence, params: dict) -> Finding:
    if ev.imaging is None:
        return _no_imaging()
    grade = ev.imaging.data.spondylolisthesis_grade
    maximum = int(params.get("max_grade", 1))
    cite = [_cite(ev.imaging, "spondylolisthesis_grade")]
    if grade <= maximum:
        return Finding(True, f"spondylolisthesis grade {grade} (at most {maximum})", cite)
    return Finding(False, f"spondylolisthesis grade {grade}, above {maximum}", cite)


def no_prior_surgery_at_level(ev: Evidence, params: dict) -> Finding:
    if ev.evaluation is None:
        return _no_evaluation()
    if ev.imaging is None:
        return _no_imaging()
    overlap = sorted(set(ev.evaluation.data.prior_surgery_levels) & set(ev.imaging.data.levels))
    cite = [_cite(ev.evaluation, "prior_surgery_levels"), _cite(ev.imaging, "levels")]
    if overlap:
        return Finding(False, f"prior surgery at {', '.join(overlap)}", cite)
    return Finding(True, "no prior surgery at the stenotic levels", cite)


def _yes_no(ev: Evidence, name: str, bad: str, good: str) -> Finding:
    if ev.evaluation is None:
        return _no_evaluation()
    value = getattr(ev.evaluation.data, name)
    cite = [_cite(ev.evaluation, name)]
    if value is None:
        return Finding(None, f"not asked: {name.replace('_', ' ')}", cite)
    return Finding(False, bad, cite) if value else Finding(True, good, cite)


def no_bleeding_disorder(ev: Evidence, params: dict) -> Finding:
    return _yes_no(ev, "bleeding_disorder", "bleeding disorder reported", "no bleeding disorder")


def anticoagulants_manageable(ev: Evidence, params: dict) -> Finding:
    if ev.evaluation is None:
        return _no_evaluation()
    drugs = ev.evaluation.data.anticoagulants
    cite = [_cite(ev.evaluation, "anticoagulants")]
    if not drugs:
        return Finding(True, "no blood thinners", cite)
    return Finding(None, f"takes {', '.join(drugs)}: the prescriber must agree a safe hold", cite)


def no_active_infection(ev: Evidence, params: dict) -> Finding:
    return _yes_no(ev, "active_infection", "active infection", "no active infection")


def no_severe_neurological_deficit(ev: Evidence, params: dict) -> Finding:
    return _yes_no(
        ev, "severe_neurological_deficit", "severe neurological deficit from another cause", "no severe deficit"
    )


def no_other_compressive_cause(ev: Evidence, params: dict) -> Finding:
    if ev.imaging is None:
        return _no_imaging()
    value = ev.imaging.data.other_compressive_cause
    cite = [_cite(ev.imaging, "other_compressive_cause")]
    if value is None:
        return Finding(None, "imaging review did not say whether another cause (foraminal, disc, osteophyte) is suspected", cite)
    if value:
        return Finding(False, "severe foraminal stenosis, disc protrusion or osteophyte suspected as the cause", cite)
    return Finding(True, "no other compressive cause suspected", cite)


def minimum_age(ev: Evidence, params: dict) -> Finding:
    minimum = int(params.get("min_years", 50))
    if ev.birth_date is None:
        return Finding(None, "birth date unknown")
    b, t = ev.birth_date, ev.today
    age = t.year - b.year - ((t.month, t.day) < (b.month, b.day))
    cite = [{"event": None, "seq": None, "field": "birth_date", "value": b.isoformat()}]
    if age >= minimum:
        return Finding(True, f"age {age} (trials enrolled {minimum}+)", cite)
    return Finding(False, f"age {age}, under the trials' {minimum}", cite)


CHECKS: dict[str, Callable[[Evidence, dict], Finding]] = {
    "stenosis-confirmed": stenosis_confirmed,
    "neurogenic-claudication": neurogenic_claudication,
    "conservative-care-failed": conservative_care_failed,
    "no-severe-instability": no_severe_instability,
    "ligamentum-flavum-thickness": ligamentum_flavum_thickness,
    "spondylolisthesis-grade": spondylolisthesis_grade,
    "no-prior-surgery-at-level": no_prior_surgery_at_level,
    "no-bleeding-disorder": no_bleeding_disorder,
    "anticoagulants-manageable": anticoagulants_manageable,
    "no-active-infection": no_active_infection,
    "no-severe-neurological-deficit": no_severe_neurological_deficit,
    "no-other-compressive-cause": no_other_compressive_cause,
    "minimum-age": minimum_age,
}
