"""Scoring: answers checked against their instrument, then scores, bands and responder status.

Rules for unanswered items (ours, stated so they can be checked):
- ODI: score % = sum / (5 x sections answered) x 100 (CLINICAL.md); at least 8 of the 10 sections must
  be answered (the sex-life section is often skipped), otherwise the answers are refused.
- ZCQ: each subscale is the mean of its answered items, and at most one item per subscale may be left
  out (symptom severity 6 of 7, physical function 4 of 5, satisfaction 5 of 6). Satisfaction is asked
  after treatment only: required then, refused before.
- NRS and walking/standing minutes: a single required question each.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from carejourney.outcomes.instruments import Instrument, instrument
from carejourney.pathways.events import InvalidEvent
from carejourney.pathways.outcome_plan import ResponderRule

#: How many items of each section (ZCQ subscale) or of the whole instrument (ODI) must be answered.
MIN_ANSWERED: dict[str, dict[str, int]] = {
    "odi": {"*": 8},
    "zcq": {"symptom-severity": 6, "physical-function": 4, "satisfaction": 5},
}
ODI_BANDS = ((20, "minimal"), (40, "moderate"), (60, "severe"), (80, "crippling"), (100, "bed-bound"))
#: A common convention for 0-10 pain scores (not from CLINICAL.md).
NRS_BANDS = ((0, "none"), (3, "mild"), (6, "moderate"), (10, "severe"))
DECIMALS = {"odi": 1, "zcq": 2}
EPS = 1e-9

Answers = dict[str, int | float | None]


@dataclass(frozen=True)
class Score:
    instrument: str
    score: float | None
    subscales: dict[str, float | None] = field(default_factory=dict)
    band: str | None = None
    answered: int = 0

    def measures(self) -> dict[str, float | None]:
        """Each measure the instrument yields: {"score": x} or, for ZCQ, its subscales."""
        return dict(self.subscales) if self.subscales else {"score": self.score}

    def as_dict(self) -> dict[str, Any]:
        digits = DECIMALS.get(self.instrument)
        return {
            "instrument": self.instrument,
            "score": rounded(self.score, digits),
            "subscales": {k: rounded(v, digits) for k, v in self.subscales.items()},
            "band": self.band,
            "answered": self.answered,
        }


def rounded(value: float | None, digits: int | None) -> float | int | None:
    if value is None:
        return None
    if digits is None:
        return int(value) if float(value).is_integer() else value
    return round(value, digits) + 0.0  # + 0.0: never print -0.0


def display_value(instrument_id: str, value: float | None) -> str:
    v = rounded(value, DECIMALS.get(instrument_id))
    return "-" if v is None else (f"{v:g}" if isinstance(v, float) else str(v))


def check_answers(ins: Instrument, raw: Any, after_treatment: bool | None, where: str = "data.answers") -> Answers:
    """The answers keyed by item id, or InvalidEvent naming every problem.

    `raw` is a JSON object keyed by item id, or a list of values in item order (for ODI: ten values 0-5 or
    null). `after_treatment` None means "not known" (satisfaction is then optional)."""
    items = ins.items
    if isinstance(raw, list):
        if len(raw) != len(items):
            raise InvalidEvent([f"{where}: {ins.id} has {len(items)} questions; got a list of {len(raw)} values"])
        raw = {i.id: v for i, v in zip(items, raw)}
    if not isinstance(raw, dict):
        raise InvalidEvent([f"{where}: must be an object keyed by question id, or a list of {len(items)} values"])
    problems = []
    known = {i.id for i in items}
    for key in raw:
        if key not in known:
            problems.append(f"{where}.{key}: is not a question of {ins.id} (questions: {', '.join(i.id for i in items)})")
    answers: Answers = {}
    for section in ins.sections:
        for item in section.items:
            value = raw.get(item.id)
            if value is None:
                answers[item.id] = None
                continue
            if section.after_treatment_only and after_treatment is False:
                problems.append(f"{where}.{item.id}: {section.id} questions are asked after treatment only")
                continue
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value != int(value):
                problems.append(f"{where}.{item.id}: must be a whole number, not {value!r}")
                continue
            value = int(value)
            if item.kind == "choice" and value not in item.values:
                problems.append(f"{where}.{item.id}: {value} is not an answer (answers: {', '.join(map(str, item.values))})")
            elif item.kind == "number" and not item.low <= value <= item.high:
                problems.append(f"{where}.{item.id}: {value} is out of range ({item.low} to {item.high})")
            else:
                answers[item.id] = value
    if not problems:
        problems += _missing(ins, answers, after_treatment, where)
    if problems:
        raise InvalidEvent(problems)
    return answers


def _missing(ins: Instrument, answers: Answers, after_treatment: bool | None, where: str) -> list[str]:
    rules = MIN_ANSWERED.get(ins.id, {})
    if "*" in rules:
        unanswered = [i.id for i in ins.items if answers.get(i.id) is None]
        need = rules["*"]
        if len(ins.items) - len(unanswered) < need:
            return [f"{where}: answer at least {need} of the {len(ins.items)} {ins.id} sections (unanswered: {', '.join(unanswered)})"]
        return []
    problems = []
    for section in ins.sections:
        unanswered = [i.id for i in section.items if answers.get(i.id) is None]
        given = len(section.items) - len(unanswered)
        if section.after_treatment_only and not after_treatment and given == 0:
            continue
        need = rules.get(section.id, len(section.items))
        if given < need:
            if len(section.items) == 1:
                problems.append(f"{where}.{section.items[0].id}: is required")
            else:
                problems.append(f"{where}: answer at least {need} of the {len(section.items)} {section.id} "
                                f"questions (unanswered: {', '.join(unanswered)})")
    return problems


def _band(value: float | None, bands: tuple[tuple[float, str], ...]) -> str | None:
    if value is None:
        return None
    return next((name for upper, name in bands if value <= upper + EPS), bands[-1][1])


def score(instrument_id: str, raw: Any, after_treatment: bool | None = None, where: str = "data.answers") -> Score:
    """Check and score one instrument's answers."""
    ins = instrument(instrument_id)
    answers = check_answers(ins, raw, after_treatment, where)
    given = [v for v in answers.values() if v is not None]
    if ins.id == "odi":
        value = sum(given) / (5 * len(given)) * 100
        return Score(ins.id, value, band=_band(value, ODI_BANDS), answered=len(given))
    if ins.id == "zcq":
        subscales = {}
        for section in ins.sections:
            vals = [answers[i.id] for i in section.items if answers[i.id] is not None]
            subscales[section.id] = sum(vals) / len(vals) if vals else None
        return Score(ins.id, None, subscales, answered=len(given))
    value = float(given[0])
    band = _band(value, NRS_BANDS) if ins.id.startswith("nrs-") else None
    return Score(ins.id, value, band=band, answered=1)


def improvement(lower_is_better: bool, reference: float, value: float) -> float:
    return reference - value if lower_is_better else value - reference


def responded(rule: ResponderRule | None, lower_is_better: bool, reference: float | None, value: float | None) -> bool | None:
    """Responder status against a configured rule; None when it cannot be told (no rule, no reference)."""
    if rule is None or value is None:
        return None
    if rule.at_most is not None:
        return value <= rule.at_most + EPS
    if reference is None:
        return None
    gain = improvement(lower_is_better, reference, value)
    if rule.points is not None and gain >= rule.points - EPS:
        return True
    if rule.percent is not None and reference != 0 and gain / abs(reference) * 100 >= rule.percent - EPS:
        return True
    return False
