import datetime as dt
from pathlib import Path

import pytest

from carejourney import journey
from carejourney.journey import compose
from carejourney.pathways.engine import Refused, apply, fold
from carejourney.pathways.loader import load_pathway
from carejourney.pathways.schedule import appointments
from helpers import EVALUATION, at, clock, ev, history_to_candidacy, history_to_completion


def test_a_patient_walks_all_seven_steps_to_completed(mild):
    state = None
    seen_steps = []
    for event in history_to_completion():
        state = apply(mild, state, event, clock())
        seen_steps.append(state.step)
    assert state.status == "completed"
    assert [s.step for s in state.steps] == [s.id for s in mild.steps]
    appts = {a.visit: a for a in appointments(mild, state, clock())}
    assert appts["follow-up-2w"].due == dt.date(2026, 8, 17)  # 2026-08-03 + 14
    assert appts["follow-up-3m"].due == dt.date(2026, 11, 1)  # 2026-08-03 + 90
    assert all(a.status == "completed" for a in appts.values())


def _refuse(mild, events, bad):
    state = fold(mild, events, clock())
    with pytest.raises(Refused) as err:
        apply(mild, state, bad, clock())
    assert fold(mild, events, clock()) == state  # nothing changed
    return err.value.reason


def test_procedure_before_candidate_decision_is_refused(mild):
    performed = ev("procedure-performed", at("2026-07-20"), {"at": at("2026-07-20").isoformat(), "duration_min": 70, "levels": ["L4-L5"]})
    reason = _refuse(mild, history_to_candidacy(), performed)
    assert "needs candidacy-assessed (decision: candidate) and procedure-scheduled recorded first" in reason


def test_procedure_before_it_is_scheduled_is_refused(mild):
    events = history_to_candidacy() + [ev("candidacy-assessed", at("2026-07-15"), {"decision": "candidate"})]
    performed = ev("procedure-performed", at("2026-07-20"), {"at": at("2026-07-20").isoformat(), "duration_min": 70, "levels": ["L4-L5"]})
    assert "needs procedure-scheduled recorded first" in _refuse(mild, events, performed)


def test_follow_up_before_procedure_is_refused(mild):
    events = history_to_completion()[:11]  # scheduled and prepared, not yet performed
    reason = _refuse(mild, events, ev("follow-up-completed", at("2026-07-30"), {"visit": "follow-up-2w"}))
    assert "needs procedure-performed recorded first" in reason


def test_events_after_an_exit_are_refused(mild):
    events = history_to_candidacy() + [ev("withdrawn", at("2026-07-11"), {"reason": "feels better"}, role="patient")]
    assert fold(mild, events, clock()).status == "withdrawn"
    reason = _refuse(mild, events, ev("candidacy-assessed", at("2026-07-12"), {"decision": "candidate"}))
    assert "journey ended (withdrawn)" in reason


def test_future_events_are_refused(mild):
    reason = _refuse(mild, history_to_candidacy(), ev("imaging-reviewed", at("2027-06-02"), {**__import__("helpers").IMAGING}))
    assert "in the future" in reason


def test_only_a_clinician_decides_candidacy(mild):
    reason = _refuse(mild, history_to_candidacy(), ev("candidacy-assessed", at("2026-07-15"), {"decision": "candidate"}, role="coordinator"))
    assert reason == "candidacy-assessed must be recorded by a clinician, not by a coordinator"


def test_a_decision_against_the_computed_result_needs_a_reason(mild):
    events = history_to_candidacy()[:4]  # therapy started, 6 months not reached
    state = fold(mild, events, clock())
    assert state.step == "conservative-care"
    no_reason = ev("candidacy-assessed", at("2026-03-01"), {"decision": "not-a-candidate"})
    with pytest.raises(Refused, match="goes against the computed result 'needs-information': give the reason"):
        journey.record(mild, state, no_reason, clock(), dt.date(1950, 1, 1))
    with_reason = ev("candidacy-assessed", at("2026-03-01"), {"decision": "not-a-candidate", "reason": "prefers surgery"})
    assert journey.record(mild, state, with_reason, clock(), dt.date(1950, 1, 1)).status == "not-a-candidate"


def test_candidate_decision_that_agrees_needs_no_reason(mild):
    state = fold(mild, history_to_candidacy(), clock())
    assert state.step == "candidacy"
    decided = journey.record(mild, state, ev("candidacy-assessed", at("2026-07-15"), {"decision": "candidate"}), clock(), dt.date(1950, 1, 1))
    assert decided.step == "preparation"


def test_corrections_are_new_events(mild):
    events = history_to_candidacy()[:3] + [
        ev("conservative-care-recorded", at("2026-01-07"), {"kind": "injection", "started": "2026-01-07", "relief": "good"}),
        ev("conservative-care-recorded", at("2026-07-10"), {"kind": "injection", "started": "2026-01-07", "ended": "2026-07-09", "relief": "little"}),
    ]
    state = fold(mild, events, clock())
    view = compose(mild, state, clock(), dt.date(1950, 1, 1))
    failed = next(c for c in view.candidacy.criteria if c.id == "conservative-care-failed")
    assert failed.met is True and "little relief" in failed.reason
    assert len(state.events) == 5


def test_checklist_items_are_ticked_by_their_events_and_roles_are_enforced(mild):
    events = history_to_completion()[:7]
    state = fold(mild, events, clock())
    assert state.step == "preparation"
    state = apply(mild, state, ev("prep-confirmed", at("2026-07-20"), {"item": "ride-home"}, role="patient"), clock())
    assert "ride-home" in state.ticked_items()
    with pytest.raises(Refused, match="blood-thinners-reviewed must be confirmed by a clinician"):
        apply(mild, state, ev("prep-confirmed", at("2026-07-20"), {"item": "blood-thinners-reviewed"}, role="patient"), clock())
    with pytest.raises(Refused, match="'parking' is not a checklist item"):
        apply(mild, state, ev("prep-confirmed", at("2026-07-20"), {"item": "parking"}, role="patient"), clock())
    with pytest.raises(Refused, match="ride-home is already done"):
        apply(mild, state, ev("prep-confirmed", at("2026-07-21"), {"item": "ride-home"}, role="patient"), clock())


def test_a_journey_starts_with_enrolment_once(mild):
    with pytest.raises(Refused, match="starts with enrolled"):
        apply(mild, None, ev("evaluation-completed", at("2026-01-05"), EVALUATION), clock())
    state = apply(mild, None, ev("enrolled", at("2026-01-05")), clock())
    with pytest.raises(Refused, match="already enrolled"):
        apply(mild, state, ev("enrolled", at("2026-01-06")), clock())
    with pytest.raises(Refused, match="before the patient was enrolled"):
        apply(mild, state, ev("evaluation-completed", at("2026-01-04"), EVALUATION), clock())


def test_a_second_small_pathway_runs_with_no_code_change():
    small = load_pathway(Path(__file__).parents[1] / "data" / "three-step.yaml")
    imaging = __import__("helpers").IMAGING
    events = [
        ev("enrolled", at("2026-02-01")),
        ev("imaging-reviewed", at("2026-02-02"), imaging),
        ev("prep-confirmed", at("2026-02-05"), {"item": "ride-home"}, role="patient"),
        ev("procedure-performed", at("2026-02-10"), {"at": at("2026-02-10").isoformat(), "duration_min": 20, "levels": ["L5-S1"]}),
    ]
    state = fold(small, events, clock())
    assert state.step == "follow-up" and state.pathway == "epidural-injection@1"
    (call,) = appointments(small, state, clock("2026-03-10"))
    assert (call.visit, call.due, call.status) == ("call-4w", dt.date(2026, 3, 10), "due")
    with pytest.raises(Refused, match="not part of the pathway 'epidural-injection'"):
        apply(small, state, ev("discharged", at("2026-02-10", "14:00"), {"at": at("2026-02-10", "14:00").isoformat()}), clock())
    done = apply(small, state, ev("follow-up-completed", at("2026-03-09"), {"visit": "call-4w"}), clock())
    assert done.status == "completed"
