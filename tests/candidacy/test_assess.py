import datetime as dt

from carejourney.candidacy.assess import assess, decision_conflict
from carejourney.pathways.engine import fold
from helpers import EVALUATION, IMAGING, at, clock, ev, history_to_candidacy

BORN = dt.date(1950, 5, 1)


def _by_id(result):
    return {c.id: c for c in result.criteria}


def test_all_evidence_present_is_eligible_with_reasons_and_evidence(mild):
    state = fold(mild, history_to_candidacy(), clock())
    result = assess(mild, state.events, BORN, dt.date(2026, 7, 12))
    assert result.result == "eligible"
    c = _by_id(result)
    assert c["stenosis-confirmed"].met is True and "L4-L5" in c["stenosis-confirmed"].reason
    assert c["stenosis-confirmed"].evidence[0] == {"event": "imaging-reviewed", "seq": 3, "field": "stenosis_confirmed", "value": True}
    assert c["trial-age"].met is True and c["trial-age"].effect == "info"
    assert result.reviewable_on == dt.date(2026, 7, 7)


def test_missing_evidence_needs_information(mild):
    events = fold(mild, [ev("enrolled", at("2026-01-05"))], clock()).events
    result = assess(mild, events, BORN, dt.date(2026, 1, 6))
    assert result.result == "needs-information"
    assert _by_id(result)["stenosis-confirmed"].met is None
    assert _by_id(result)["stenosis-confirmed"].reason == "no imaging review recorded yet"


def test_six_month_clock_gives_the_reviewable_date(mild):
    events = fold(mild, history_to_candidacy()[:4], clock()).events
    before = _by_id(assess(mild, events, BORN, dt.date(2026, 7, 6)))["conservative-care-failed"]
    assert before.met is None and "reached on 2026-07-07" in before.reason


def test_exclusions_make_not_eligible(mild):
    bad_imaging = {**IMAGING, "spondylolisthesis_grade": 2, "instability": "severe"}
    events = fold(mild, [
        ev("enrolled", at("2026-01-05")),
        ev("evaluation-completed", at("2026-01-05"), {**EVALUATION, "prior_surgery_levels": ["L4-L5"]}),
        ev("imaging-reviewed", at("2026-01-06"), bad_imaging),
    ], clock()).events
    result = assess(mild, events, BORN, dt.date(2026, 1, 7))
    c = _by_id(result)
    assert result.result == "not-eligible"
    assert c["spondylolisthesis"].met is False
    assert c["no-severe-instability"].met is False
    assert c["no-prior-surgery-at-level"].met is False and "L4-L5" in c["no-prior-surgery-at-level"].reason


def test_partial_relief_is_left_to_the_clinician_and_anticoagulants_warn(mild):
    events = history_to_candidacy()
    events[1] = ev("evaluation-completed", at("2026-01-05", "11:00"), {**EVALUATION, "anticoagulants": ["warfarin"]})
    events[4] = ev("conservative-care-recorded", at("2026-07-10"),
                   {"kind": "physical-therapy", "started": "2026-01-07", "ended": "2026-07-08", "relief": "partial"})
    result = assess(mild, fold(mild, events, clock()).events, BORN, dt.date(2026, 7, 12))
    c = _by_id(result)
    assert c["conservative-care-failed"].met is None and "clinician should judge" in c["conservative-care-failed"].reason
    assert c["anticoagulants"].met is None and c["anticoagulants"].effect == "warn"
    assert result.result == "needs-information"


def test_decision_conflicts():
    assert decision_conflict("candidate", "eligible") is None
    assert decision_conflict("not-a-candidate", "not-eligible") is None
    assert decision_conflict("candidate", "needs-information")
    assert decision_conflict("refer", "eligible") == "a referral needs a reason"
