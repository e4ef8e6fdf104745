"""The score projection, kept in step with each journey's events (a projection hook in records).

The hook runs inside the transaction that stores the event: a questionnaire that does not fit its
instrument or its timepoint raises InvalidEvent or Refused there, so the event is not stored either.
"""

from __future__ import annotations

from typing import Any

from carejourney import journey as journey_core
from carejourney.clinic.models import Journey
from carejourney.outcomes.due import SUBMITTED, check_submission
from carejourney.outcomes.trajectory import Measurement, measurements
from carejourney.pathways.engine import Clock
from carejourney.pathways.schema import Pathway
from carejourney.results.models import Score


def score_rows(journey_id: int, clinic_id: int, measured: list[Measurement]) -> list[dict[str, Any]]:
    return [
        {"journey_id": journey_id, "clinic_id": clinic_id, "timepoint": m.timepoint, "instrument": m.instrument,
         "measure": m.measure, "value": m.value, "band": m.band or "", "on": m.on, "event_seq": m.seq,
         "reference_timepoint": m.reference_timepoint or "", "change": m.change, "responder": m.responder}
        for m in measured
    ]


def projection_hook(journey: Journey, pathway: Pathway, view: journey_core.JourneyView, clock: Clock) -> None:
    state = view.state
    last = state.events[-1]
    if last.type == SUBMITTED:
        check_submission(pathway.outcomes, state, last, clock)
    elif not any(e.type == SUBMITTED for e in state.events):
        return  # no answers, so no scores (events are never removed)
    rows = score_rows(journey.pk, journey.patient.clinic_id, measurements(pathway.outcomes, state, clock))
    Score.objects.filter(journey_id=journey.pk).delete()
    Score.objects.bulk_create([Score(**r) for r in rows])
