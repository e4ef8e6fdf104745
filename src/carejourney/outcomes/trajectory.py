"""A patient's outcome measurements over time: each measure at each timepoint, its change from the
reference timepoint and responder status. This is what the score projection stores and the charts show."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from carejourney.outcomes.due import submitted
from carejourney.outcomes.instruments import instrument
from carejourney.outcomes.scoring import DECIMALS, Score, rounded, responded, score
from carejourney.pathways.engine import Clock, JourneyState
from carejourney.pathways.events import InvalidEvent
from carejourney.pathways.outcome_plan import OutcomePlan


@dataclass(frozen=True)
class Measurement:
    timepoint: str
    instrument: str
    measure: str
    value: float | None
    band: str | None
    on: dt.date
    seq: int
    reference_timepoint: str | None = None
    reference_value: float | None = None
    #: value - reference value (negative: lower than before).
    change: float | None = None
    responder: bool | None = None

    @property
    def key(self) -> str:
        """instrument, or instrument.measure for instruments with subscales (zcq.symptom-severity)."""
        return self.instrument if self.measure == "score" else f"{self.instrument}.{self.measure}"

    def as_dict(self) -> dict[str, Any]:
        digits = DECIMALS.get(self.instrument)
        return {
            "timepoint": self.timepoint, "instrument": self.instrument, "measure": self.measure,
            "value": rounded(self.value, digits), "band": self.band, "on": self.on.isoformat(),
            "reference_timepoint": self.reference_timepoint, "reference_value": rounded(self.reference_value, digits),
            "change": rounded(self.change, digits if digits is not None else 2), "responder": self.responder,
        }


def measurements(plan: OutcomePlan | None, state: JourneyState, clock: Clock) -> list[Measurement]:
    """Every scored measure of the journey's latest submissions, in plan order (timepoint, then instrument)."""
    if plan is None:
        return []
    order = [t.id for t in plan.timepoints]
    scored: dict[tuple[str, str], tuple[Score, dt.date, int]] = {}
    for (tp_id, ins_id), event in submitted(state).items():
        if tp_id not in order:
            continue
        try:
            s = score(ins_id, dict(event.data.answers), plan.timepoint(tp_id).after_treatment)
        except (InvalidEvent, ValueError):
            continue  # accepted under other rules; not scorable now
        scored[(tp_id, ins_id)] = (s, clock.day(event.at), event.seq)
    values = {(tp, ins, m): v for (tp, ins), (s, _, _) in scored.items() for m, v in s.measures().items() if v is not None}
    out = []
    for (tp_id, ins_id), (s, on, seq) in sorted(scored.items(), key=lambda kv: (order.index(kv[0][0]), kv[0][1])):
        tp = plan.timepoint(tp_id)
        lower = instrument(ins_id).lower_is_better
        for measure, value in s.measures().items():
            if value is None:
                continue
            ref_tp = next((r for r in plan.compare_with
                           if r != tp_id and order.index(r) < order.index(tp_id) and (r, ins_id, measure) in values), None)
            ref = values.get((ref_tp, ins_id, measure)) if ref_tp else None
            rule = plan.rule(ins_id, measure)
            resp = responded(rule, lower, ref, value) if tp.after_treatment or (rule and rule.at_most is not None) else None
            out.append(Measurement(tp_id, ins_id, measure, value, s.band, on, seq, ref_tp, ref,
                                   None if ref is None else value - ref, resp))
    return out
