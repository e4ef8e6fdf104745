"""Reading outcomes: the clinic report (one grouped scan of the score projection), a patient's own
results (from their events), and their FHIR export. The web pages and the command line both call these."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from carejourney.clinic import pathway_store, records
from carejourney.clinic.models import Clinic, Journey
from carejourney.outcomes import fhir
from carejourney.outcomes.chart import Chart, progress_chart
from carejourney.outcomes.due import QuestionnaireDue, questionnaires_due, submitted
from carejourney.outcomes.report import Group, report
from carejourney.outcomes.summary import plain_summary
from carejourney.outcomes.trajectory import Measurement, measurements
from carejourney.pathways.outcome_plan import OutcomePlan
from carejourney.results.models import Score


def report_groups(clinic: Clinic | None = None) -> list[Group]:
    qs = Score.objects.all()
    if clinic is not None:
        qs = qs.filter(clinic=clinic)
    rows = (
        qs.values("timepoint", "instrument", "measure")
        .order_by("timepoint", "instrument", "measure")
        .annotate(
            n=Count("value"), sum_value=Sum("value"), n_change=Count("change"), sum_change=Sum("change"),
            sumsq_change=Sum(F("change") * F("change")), n_judged=Count("responder"),
            n_responders=Count("responder", filter=Q(responder=True)),
        )
    )
    return [Group(r["timepoint"], r["instrument"], r["measure"], r["n"], r["sum_value"] or 0.0, r["n_change"],
                  r["sum_change"] or 0.0, r["sumsq_change"] or 0.0, r["n_judged"], r["n_responders"]) for r in rows]


def current_plan() -> OutcomePlan:
    """The outcomes section of the newest MILD pathway: timepoint names, thresholds shown in the report."""
    plan = pathway_store.pathway_of(pathway_store.current("mild")).outcomes
    assert plan is not None, "the mild pathway has no outcomes section"
    return plan


def clinic_report(clinic: Clinic | None = None) -> dict[str, Any]:
    """n, mean score, mean change with its 95 % CI and % responders per timepoint and measure, beside the trials."""
    data = report(current_plan(), report_groups(clinic), clinic.slug if clinic else None)
    data["generated_at"] = timezone.now().isoformat()
    return data


@dataclass
class PatientOutcomes:
    """A patient's outcomes as pages and the command line show them."""

    journey: Journey
    plan: OutcomePlan | None
    due: list[QuestionnaireDue]
    measured: list[Measurement]
    summary: list[str]

    def chart(self, key: str, language: str = "en") -> Chart | None:
        return progress_chart(self.plan, self.measured, key, language) if self.plan else None

    def keys(self) -> list[str]:
        """Measures with data, in the pathway's order (for one chart each)."""
        names = list(self.plan.summary.measure_names) if self.plan and self.plan.summary else []
        have = {m.key for m in self.measured}
        return [k for k in names if k in have] + sorted(have - set(names))

    def as_dict(self) -> dict[str, Any]:
        return {
            "journey_id": self.journey.pk,
            "patient_id": self.journey.patient_id,
            "questionnaires": [q.as_dict() for q in self.due],
            "measurements": [m.as_dict() for m in self.measured],
            "summary": self.summary,
        }


def patient_outcomes(journey: Journey, language: str = "en", now: dt.datetime | None = None) -> PatientOutcomes:
    loaded = records.load(journey, now)
    plan = loaded.pathway.outcomes
    measured = measurements(plan, loaded.state, loaded.clock)
    return PatientOutcomes(journey, plan, questionnaires_due(loaded.pathway, loaded.state, loaded.clock), measured,
                           plain_summary(plan, measured, language) if plan else [])


def fhir_bundle(journey: Journey, now: dt.datetime | None = None) -> dict[str, Any]:
    """The patient's questionnaire answers and scores as a FHIR R4 collection Bundle (validated)."""
    loaded = records.load(journey, now)
    latest = sorted(submitted(loaded.state).values(), key=lambda e: e.seq)  # a correction replaces what it corrects
    measured = measurements(loaded.pathway.outcomes, loaded.state, loaded.clock)
    return fhir.bundle(journey.patient_id, journey.pk, latest, measured, loaded.clock.now)
