"""A patient's results in plain words: "Your disability score went from 46 to 22: a large improvement."

The sentences come from the pathway's `outcomes.summary` (per language); this module only decides which
sentence fits. The size of a change is judged against the measure's responder rule: at least the
threshold is a real improvement, at least twice the threshold a large one. Measures without a rule
(walking and standing minutes) use 30 % of the earlier value (at least 5 minutes) as their threshold.
"""

from __future__ import annotations

from carejourney.outcomes.instruments import instrument
from carejourney.outcomes.scoring import improvement
from carejourney.outcomes.trajectory import Measurement
from carejourney.pathways.outcome_plan import OutcomePlan

#: Patients see whole numbers, except on the ZCQ's 1-5 scales.
PATIENT_DECIMALS = {"zcq": 1}


def patient_number(instrument_id: str, value: float) -> str:
    digits = PATIENT_DECIMALS.get(instrument_id, 0)
    return f"{value:.{digits}f}" if digits else str(int(round(value)))


def _text(words: dict[str, str], language: str) -> str:
    return words.get(language) or words["en"]


def threshold(plan: OutcomePlan, m: Measurement) -> float:
    rule = plan.rule(m.instrument, m.measure)
    ref = abs(m.reference_value or 0)
    if rule is not None and rule.points is not None:
        return rule.points
    if rule is not None and rule.percent is not None:
        return max(ref * rule.percent / 100, 1e-9)
    return max(0.3 * ref, 5.0)


def kind_of_change(plan: OutcomePlan, m: Measurement) -> str:
    assert m.reference_value is not None
    gain = improvement(instrument(m.instrument).lower_is_better, m.reference_value, m.value)
    th = threshold(plan, m)
    if patient_number(m.instrument, m.reference_value) == patient_number(m.instrument, m.value):
        return "no-change"
    if gain > 0:
        if gain >= 2 * th:
            return "large-improvement"
        return "improvement" if (m.responder or gain >= th) else "small-improvement"
    return "worsening" if -gain >= th else "small-worsening"


def latest_by_measure(measured: list[Measurement]) -> dict[str, Measurement]:
    """The last measurement of each measure (measurements come in plan order)."""
    out: dict[str, Measurement] = {}
    for m in measured:
        out[m.key] = m
    return out


def plain_summary(plan: OutcomePlan, measured: list[Measurement], language: str = "en") -> list[str]:
    """One sentence per measure the pathway names, latest result against its reference."""
    words = plan.summary
    if words is None:
        return []
    latest = latest_by_measure(measured)
    out = []
    for key, name in words.measure_names.items():
        m = latest.get(key)
        if m is None or m.measure == "satisfaction":
            continue
        unit = words.units.get(key)
        fill = {"measure": _text(name, language), "after": patient_number(m.instrument, m.value),
                "unit": " " + _text(unit, language) if unit else ""}
        if m.reference_value is None:
            out.append(_text(words.first, language).format(**fill, before=""))
            continue
        fill["before"] = patient_number(m.instrument, m.reference_value)
        out.append(_text(words.change[kind_of_change(plan, m)], language).format(**fill))
    return out
