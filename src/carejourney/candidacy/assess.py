"""Candidacy as decision support: eligible / not-eligible / needs-information, never a verdict.

Only a clinician's `candidacy-assessed` event moves a journey; `decision_conflict` tells when that
decision goes against the computed result, so the record can insist on a reason.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from carejourney.candidacy.checks import CHECKS, Evidence
from carejourney.pathways import conservative_care
from carejourney.pathways.events import Event
from carejourney.pathways.schema import Pathway

ELIGIBLE, NOT_ELIGIBLE, NEEDS_INFORMATION = "eligible", "not-eligible", "needs-information"
#: The computed result each clinician decision agrees with.
AGREES = {"candidate": ELIGIBLE, "not-a-candidate": NOT_ELIGIBLE}


@dataclass(frozen=True)
class CriterionResult:
    id: str
    label: str
    effect: str
    source: str
    met: bool | None
    reason: str
    evidence: list[dict[str, Any]]

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class CandidacyResult:
    result: str
    criteria: list[CriterionResult]
    reviewable_on: dt.date | None
    decision: str | None
    decision_reason: str | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "result": self.result,
            "criteria": [c.as_dict() for c in self.criteria],
            "reviewable_on": self.reviewable_on.isoformat() if self.reviewable_on else None,
            "decision": self.decision,
            "decision_reason": self.decision_reason,
            "missing": [c.id for c in self.criteria if c.met is None and c.effect in ("required", "exclude")],
        }


def _latest(events: tuple[Event, ...] | list[Event], event_type: str) -> Event | None:
    return next((e for e in reversed(events) if e.type == event_type), None)


def assess(pathway: Pathway, events: tuple[Event, ...], birth_date: dt.date | None, today: dt.date) -> CandidacyResult:
    eps = conservative_care.episodes(events)
    evidence = Evidence(
        evaluation=_latest(events, "evaluation-completed"),
        imaging=_latest(events, "imaging-reviewed"),
        episodes=eps,
        birth_date=birth_date,
        today=today,
        conservative_care=pathway.conservative_care,
    )
    results = []
    for c in pathway.candidacy.criteria if pathway.candidacy else []:
        f = CHECKS[c.check](evidence, c.params)
        results.append(CriterionResult(c.id, c.label["en"], c.effect, c.source, f.met, f.reason, f.evidence))
    deciding = [r for r in results if r.effect in ("required", "exclude")]
    if any(r.met is False for r in deciding):
        result = NOT_ELIGIBLE
    elif any(r.met is None for r in deciding):
        result = NEEDS_INFORMATION
    else:
        result = ELIGIBLE
    cc = pathway.conservative_care
    decision = _latest(events, "candidacy-assessed")
    return CandidacyResult(
        result,
        results,
        conservative_care.reviewable_on(eps, cc.min_months) if cc else None,
        decision.data.decision if decision else None,
        (decision.data.reason or None) if decision else None,
    )


def decision_conflict(decision: str, computed: str) -> str | None:
    """Why a decision needs a written reason, or None when it follows the computed result."""
    if AGREES.get(decision) == computed:
        return None
    if decision == "refer":
        return "a referral needs a reason"
    return f"the decision '{decision}' goes against the computed result '{computed}'"
