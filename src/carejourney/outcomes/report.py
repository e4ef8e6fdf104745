"""The clinic outcomes report, from per-group running sums, beside the published trial figures.

The trials enrolled other patients, under trial rules, and followed them longer (2 and 3 years): their
figures are context, not a target, and every output says so.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any, Iterable

from carejourney.outcomes.scoring import DECIMALS, rounded
from carejourney.outcomes.stats import mean_ci, wilson
from carejourney.pathways.outcome_plan import OutcomePlan, ResponderRule

LABELS = {
    "odi": "ODI (disability, %)",
    "nrs-back": "NRS back pain (0-10)",
    "nrs-leg": "NRS leg pain (0-10)",
    "zcq.symptom-severity": "ZCQ symptom severity (1-5)",
    "zcq.physical-function": "ZCQ physical function (1-4)",
    "zcq.satisfaction": "ZCQ satisfaction (1-4)",
    "walking-tolerance": "Walking tolerance (minutes)",
    "standing-tolerance": "Standing tolerance (minutes)",
}
POPULATION_NOTE = (
    "Different populations: the trials enrolled selected patients under trial rules and report change at 2 "
    "(MiDAS ENCORE) and 3 years (MOTION); this clinic's figures are its own patients at the timepoints shown."
)


@dataclass(frozen=True)
class Trial:
    study: str
    citation: str
    population: str
    follow_up: str
    n: int
    #: Mean change from baseline per measure key (negative: lower, i.e. better for these measures).
    change: dict[str, float]
    other: str
    safety: str


TRIALS = (
    Trial("MiDAS ENCORE", "Staats et al., Reg Anesth Pain Med 2018;43:789",
          "Medicare patients 65 or older with neurogenic claudication and ligamentum flavum hypertrophy, "
          "MILD vs epidural steroid injections", "2 years", 143,
          {"odi": -22.7, "nrs-back": -3.6, "nrs-leg": -3.6, "zcq.symptom-severity": -1.0, "zcq.physical-function": -0.8},
          "NPRS -3.6 (reported as one pain score)", "1.3 % any device or procedure adverse event; none serious"),
    Trial("MOTION", "MOTION randomized trial, 3-year results", "patients 50 to 80 in a randomized trial", "3 years", 48,
          {"odi": -16.9, "nrs-back": -3.0, "nrs-leg": -4.3, "zcq.symptom-severity": -0.8, "zcq.physical-function": -0.6},
          "5.6 % went on to surgery", "no device-related adverse events"),
)


@dataclass(frozen=True)
class Group:
    """Running sums for one (timepoint, instrument, measure): what the database aggregates."""

    timepoint: str
    instrument: str
    measure: str
    n: int
    sum_value: float
    n_change: int
    sum_change: float
    sumsq_change: float
    n_judged: int
    n_responders: int

    @property
    def key(self) -> str:
        return self.instrument if self.measure == "score" else f"{self.instrument}.{self.measure}"


def rule_text(rule: ResponderRule | None) -> str | None:
    if rule is None:
        return None
    if rule.at_most is not None:
        return f"score {rule.at_most:g} or lower"
    parts = [f"{rule.points:g} points" for _ in [0] if rule.points is not None]
    parts += [f"{rule.percent:g} %" for _ in [0] if rule.percent is not None]
    return "improvement of " + " or ".join(parts) + " or more"


def report(plan: OutcomePlan, groups: Iterable[Group], clinic: str | None) -> dict[str, Any]:
    order = [t.id for t in plan.timepoints]
    keys = list(LABELS)
    rows = []
    for g in sorted(groups, key=lambda g: (order.index(g.timepoint) if g.timepoint in order else 99,
                                             keys.index(g.key) if g.key in keys else 99)):
        tp = plan.timepoint(g.timepoint) if g.timepoint in order else None
        digits = DECIMALS.get(g.instrument, 1)
        ci = mean_ci(g.n_change, g.sum_change, g.sumsq_change)
        share = wilson(g.n_responders, g.n_judged)
        after = bool(tp and tp.after_treatment)
        rows.append({
            "timepoint": g.timepoint,
            "timepoint_title": tp.title["en"] if tp else g.timepoint,
            "after_treatment": after,
            "instrument": g.instrument,
            "measure": g.measure,
            "key": g.key,
            "label": LABELS.get(g.key, g.key),
            "n": g.n,
            "mean": rounded(g.sum_value / g.n, digits) if g.n else None,
            "n_paired": g.n_change,
            "mean_change": rounded(ci.mean, digits),
            "ci95_low": rounded(ci.low, digits),
            "ci95_high": rounded(ci.high, digits),
            "responder_rule": rule_text(plan.rule(g.instrument, g.measure)) if g.n_judged or after else None,
            "n_judged": g.n_judged,
            "responders": g.n_responders,
            "responder_pct": round(100 * g.n_responders / g.n_judged, 1) if g.n_judged else None,
            "responder_pct_ci95": [round(100 * share[0], 1), round(100 * share[1], 1)] if share else None,
            "trials": [{"study": t.study, "follow_up": t.follow_up, "mean_change": t.change[g.key]}
                       for t in TRIALS if after and g.key in t.change],
        })
    return {
        "clinic": clinic,
        "reference": "change is measured from the first of these timepoints with an answer: " + ", ".join(plan.compare_with),
        "rows": rows,
        "trials": [{"study": t.study, "citation": t.citation, "population": t.population, "follow_up": t.follow_up,
                    "n": t.n, "mean_change": t.change, "other": t.other, "safety": t.safety} for t in TRIALS],
        "population_note": POPULATION_NOTE,
    }


CSV_COLUMNS = ["timepoint", "label", "instrument", "measure", "n", "mean", "n_paired", "mean_change", "ci95_low",
               "ci95_high", "responder_rule", "n_judged", "responders", "responder_pct"]


def report_csv(data: dict[str, Any]) -> str:
    """One row per timepoint and measure; the trials' figures in their own columns, labelled by population."""
    out = io.StringIO()
    trial_cols = [f"{t.study} ({t.follow_up}, different population) mean change" for t in TRIALS]
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS + trial_cols)
    for row in data["rows"]:
        trials = {t["study"]: t["mean_change"] for t in row["trials"]}
        writer.writerow([("" if row[c] is None else row[c]) for c in CSV_COLUMNS] + [trials.get(t.study, "") for t in TRIALS])
    return out.getvalue()
