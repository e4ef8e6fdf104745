"""Any sequence of events is either refused with a reason or yields a valid state, and replaying the
accepted events rebuilds the same state."""

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from carejourney.pathways.engine import Refused, apply, fold
from carejourney.pathways.events import InvalidEvent
from carejourney.pathways.loader import builtin_pathway
from carejourney.pathways.schedule import appointments
from helpers import EVALUATION, IMAGING, clock, ev

MILD = builtin_pathway()
START = dt.datetime(2026, 1, 5, 9, tzinfo=dt.timezone.utc)
CLOCK = clock("2027-06-01")
ROLES = ["patient", "coordinator", "clinician", "admin"]


def _data(kind, draw, when):
    iso = when.isoformat()
    choices = {
        "enrolled": {},
        "evaluation-completed": EVALUATION,
        "imaging-reviewed": {**IMAGING, "instability": draw(st.sampled_from(["none", "mild", "severe"]))},
        "conservative-care-recorded": {"kind": "medication", "started": "2026-01-05",
                                       "ended": draw(st.sampled_from([None, "2026-03-01", "2026-08-01"])),
                                       "relief": draw(st.sampled_from(["none", "little", "partial", "good"]))},
        "candidacy-assessed": {"decision": draw(st.sampled_from(["candidate", "not-a-candidate", "refer"])),
                               "reason": draw(st.sampled_from(["", "clinical judgement"]))},
        "procedure-scheduled": {"at": (when + dt.timedelta(days=draw(st.integers(0, 30)))).isoformat()},
        "prep-confirmed": {"item": draw(st.sampled_from(["fasting-understood", "ride-home", "loose-clothes",
                                                          "blood-thinners-reviewed", "bring-scans", "nonsense"]))},
        "procedure-performed": {"at": iso, "duration_min": 80, "levels": ["L4-L5"]},
        "discharged": {"at": iso},
        "follow-up-completed": {"visit": draw(st.sampled_from(["follow-up-2w", "follow-up-3m", "procedure", "bogus"]))},
        "referred-out": {"reason": "spine surgery"},
        "withdrawn": {"reason": "moved"},
    }
    return choices[kind]


@st.composite
def event_sequences(draw):
    kinds = ["enrolled", "evaluation-completed", "imaging-reviewed", "conservative-care-recorded", "candidacy-assessed",
             "procedure-scheduled", "prep-confirmed", "procedure-performed", "discharged", "follow-up-completed",
             "referred-out", "withdrawn"]
    n = draw(st.integers(1, 25))
    when = START
    out = []
    for i in range(n):
        kind = "enrolled" if i == 0 and draw(st.booleans()) else draw(st.sampled_from(kinds))
        when = when + dt.timedelta(days=draw(st.integers(-3, 120)), hours=draw(st.integers(0, 23)))
        out.append(ev(kind, when, _data(kind, draw, when), role=draw(st.sampled_from(ROLES))))
    return out


def _valid(state):
    assert state.status == "active" or state.status in MILD.exits
    assert state.step in [s.id for s in MILD.steps]
    assert [e.seq for e in state.events] == list(range(1, len(state.events) + 1))
    assert state.steps[-1].step == state.step
    order = [MILD.step_index(s.step) for s in state.steps]
    assert order == sorted(order)  # steps only move forward
    assert all(item in {i.id for _, i in MILD.checklist_items()} for item, _ in state.ticked)
    if state.status == "completed":
        assert state.step == MILD.steps[-1].id
    for a in appointments(MILD, state, CLOCK):
        assert a.window_start <= a.due <= a.window_end


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(event_sequences())
def test_any_sequence_is_refused_with_a_reason_or_gives_a_valid_state(events):
    state = None
    accepted = []
    for event in events:
        try:
            state = apply(MILD, state, event, CLOCK)
        except Refused as refused:
            assert refused.reason.strip()
            continue
        except InvalidEvent:  # pragma: no cover - the strategy only builds valid data
            raise
        accepted.append(event)
        _valid(state)
    if accepted:
        assert fold(MILD, accepted, CLOCK) == state
