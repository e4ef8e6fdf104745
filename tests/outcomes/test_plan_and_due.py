"""The pathway's outcomes section and when questionnaires are due."""

import datetime as dt

import pytest

from carejourney.outcomes.due import check_submission, questionnaires_due
from carejourney.pathways import engine
from carejourney.pathways.engine import Refused
from carejourney.pathways.events import InvalidEvent
from carejourney.pathways.loader import BUILTIN_DIR, PathwayError, parse_pathway
from helpers import at, clock, ev, history_to_candidacy, history_to_completion

MILD_TEXT = (BUILTIN_DIR / "mild.yaml").read_text()
NRS = {"back-pain": 6}


def _state(pathway, events, day):
    return engine.fold(pathway, events, clock(day))


def _statuses(pathway, events, day):
    return {q.timepoint: q.status for q in questionnaires_due(pathway, _state(pathway, events, day), clock(day))}


def test_mild_plan_has_the_four_timepoints_and_the_trial_thresholds(mild):
    plan = mild.outcomes
    assert [t.id for t in plan.enabled()] == ["baseline", "pre-procedure", "2-weeks", "3-months"]
    assert [t.id for t in plan.timepoints if not t.enabled] == ["6-months", "12-months"]
    assert plan.rule("odi", "score").points == 10
    assert (plan.rule("nrs-leg", "score").points, plan.rule("nrs-leg", "score").percent) == (2, 30)
    assert plan.rule("zcq", "symptom-severity").points == 0.5


def test_six_and_twelve_months_switch_on_in_the_yaml(mild):
    text = MILD_TEXT.replace("      enabled: false\n", "      enabled: true\n")
    pathway = parse_pathway(text, "mild.yaml")
    events = history_to_completion()
    items = questionnaires_due(pathway, _state(pathway, events, "2027-02-01"), clock("2027-02-01"))
    six = next(q for q in items if q.timepoint == "6-months")
    # The procedure was on 2026-08-03: 6 months is 182 days later, open 21 days before to 28 after.
    assert (six.due, six.window_start, six.window_end, six.status) == (
        dt.date(2027, 2, 1), dt.date(2027, 1, 11), dt.date(2027, 3, 1), "due")
    assert [q.timepoint for q in items][-2:] == ["6-months", "12-months"]


def test_a_bad_outcomes_section_is_refused_with_its_line():
    bad = MILD_TEXT.replace("instruments: [nrs-back, nrs-leg, odi]", "instruments: [nrs-back, oswestry]")
    bad = bad.replace("{instrument: zcq, measure: physical-function, points: 0.5,", "{instrument: zcq, measure: walking, points: 0.5,")
    with pytest.raises(PathwayError) as err:
        parse_pathway(bad, "mild.yaml")
    text = "\n".join(err.value.problems)
    assert "outcomes.timepoints[2].instruments[1]: must be one of nrs-back, nrs-leg, odi, zcq" in text
    assert "measure: 'walking' is not a measure of zcq" in text
    assert all(p.startswith("mild.yaml:") for p in err.value.problems)
    with pytest.raises(PathwayError, match="compare_with.0.: '3-months' is after treatment: compare with a timepoint before it"):
        parse_pathway(MILD_TEXT.replace("compare_with: [pre-procedure, baseline]", "compare_with: [3-months]"), "mild.yaml")


def test_statuses_follow_the_journey(mild):
    before = history_to_candidacy()  # enrolled 2026-01-05
    assert _statuses(mild, before[:1], "2026-01-10") == {
        "baseline": "due", "pre-procedure": "upcoming", "2-weeks": "upcoming", "3-months": "upcoming"}
    assert _statuses(mild, before[:1], "2026-03-10")["baseline"] == "overdue"
    assert _statuses(mild, before, "2026-07-10")["baseline"] == "missed"  # 60 days after its window closed
    events = history_to_completion()  # procedure 2026-08-03, follow-ups at 14 and 90 days
    # Pre-procedure closes with the procedure: not answered by then, it is missed.
    assert _statuses(mild, events[:-3], "2026-08-10") == {
        "baseline": "missed", "pre-procedure": "missed", "2-weeks": "upcoming", "3-months": "upcoming"}
    assert _statuses(mild, events[:-2], "2026-08-17")["2-weeks"] == "due"
    assert _statuses(mild, events, "2026-11-10")["3-months"] == "due"
    assert _statuses(mild, events, "2026-11-30")["3-months"] == "overdue"
    withdrawn = before + [ev("withdrawn", at("2026-07-11"), {"reason": "moved away"})]
    assert set(_statuses(mild, withdrawn, "2026-07-12").values()) == {"cancelled"}


def test_completed_when_every_instrument_is_answered(mild):
    events = history_to_completion()[:-1]
    tp = mild.outcomes.timepoint("2-weeks")
    answers = {"nrs-back": NRS, "nrs-leg": {"leg-pain": 5}, "odi": {s: 2 for s in (
        "pain-intensity", "personal-care", "lifting", "walking", "sitting", "standing", "sleeping", "sex-life", "social-life", "travelling")}}
    subs = [ev("questionnaire-submitted", at("2026-08-18"), {"instrument": i, "timepoint": "2-weeks", "answers": answers[i]}, role="patient")
            for i in tp.instruments]
    state = _state(mild, events + subs[:2], "2026-08-20")
    q = next(q for q in questionnaires_due(mild, state, clock("2026-08-20")) if q.timepoint == "2-weeks")
    assert (q.status, q.completed, q.remaining) == ("due", ("nrs-back", "nrs-leg"), ("odi",))
    state = _state(mild, events + subs, "2026-08-20")
    q = next(q for q in questionnaires_due(mild, state, clock("2026-08-20")) if q.timepoint == "2-weeks")
    assert (q.status, q.completed_on, q.as_dict()["remaining"]) == ("completed", dt.date(2026, 8, 18), [])


def _submit(mild, events, timepoint, when, instrument="nrs-back", answers=NRS):
    event = ev("questionnaire-submitted", when, {"instrument": instrument, "timepoint": timepoint, "answers": answers}, role="patient")
    state = _state(mild, events, "2027-01-01")
    return check_submission(mild.outcomes, engine.apply(mild, state, event, clock("2027-01-01")), event, clock("2027-01-01"))


def test_a_submission_must_fit_its_timepoint(mild):
    events = history_to_completion()
    assert _submit(mild, events, "3-months", at("2026-10-25")).score == 6
    with pytest.raises(Refused, match=r"the 3-months questionnaires open on 2026-10-18 \(this one is dated 2026-10-01\)"):
        _submit(mild, events, "3-months", at("2026-10-01"))
    with pytest.raises(Refused, match="the pre-procedure questionnaires closed when procedure-performed was recorded"):
        _submit(mild, events, "pre-procedure", at("2026-08-04"))
    with pytest.raises(Refused, match="the 2-weeks questionnaires open once procedure-performed is recorded"):
        _submit(mild, history_to_candidacy(), "2-weeks", at("2026-07-12"))
    with pytest.raises(InvalidEvent, match=r"data.timepoint: '6-months' is not a timepoint of this pathway \(timepoints: baseline, pre-procedure, 2-weeks, 3-months\)"):
        _submit(mild, events, "6-months", at("2026-10-25"))
    with pytest.raises(InvalidEvent, match=r"data.instrument: 'zcq' is not asked at 2-weeks"):
        _submit(mild, events, "2-weeks", at("2026-08-18"), "zcq", {})
    with pytest.raises(InvalidEvent, match=r"data.answers.back-pain: 12 is out of range"):
        _submit(mild, events, "3-months", at("2026-10-25"), answers={"back-pain": 12})


def test_worklist_entries_fit_the_journeys_work_items(mild):
    from carejourney.journey import WorkItem
    from carejourney.outcomes.due import worklist_entries

    events = history_to_completion()[:-2]  # procedure on 2026-08-03, 2-week visit not yet done
    state = _state(mild, events, "2026-08-25")
    items = [WorkItem(**e) for e in worklist_entries(mild, questionnaires_due(mild, state, clock("2026-08-25")))]
    assert [(w.subject, w.kind_on(dt.date(2026, 8, 25)), w.starts_on, w.due_on) for w in items] == [
        ("2-weeks", "questionnaire-overdue", dt.date(2026, 8, 14), dt.date(2026, 8, 17)),
        ("3-months", "questionnaire-due", dt.date(2026, 10, 18), dt.date(2026, 11, 1)),
    ]


def test_cross_references_for_the_loader(mild):
    recordable = {r.event for r in mild.events}
    assert list(mild.outcomes.problems(recordable)) == []
    assert list(mild.outcomes.problems(recordable - {"procedure-scheduled", "questionnaire-submitted"})) == [
        (("outcomes", "timepoints", 1, "anchor", "event"), "'procedure-scheduled' is never recordable in this pathway"),
        (("outcomes",), "questionnaire-submitted is never recordable in this pathway (add a rule in events)"),
    ]
    with pytest.raises(PathwayError, match=r"outcomes.timepoints\[2\].anchor: field: 'when' is not a field of procedure-performed"):
        parse_pathway(MILD_TEXT.replace("anchor: {event: procedure-performed, field: at}\n      offset_days: 14",
                                        "anchor: {event: procedure-performed, field: when}\n      offset_days: 14"), "mild.yaml")


def test_a_clinic_can_stop_chasing_long_unanswered_questionnaires(mild):
    pathway = mild
    assert pathway.outcomes.missed_after_days == 60
    assert _statuses(parse_pathway(MILD_TEXT.replace("  missed_after_days: 60\n", ""), "mild.yaml"),
                     history_to_candidacy()[:1], "2026-12-01")["baseline"] == "overdue"  # without it: chased for good
    enrolled = history_to_candidacy()[:1]  # 2026-01-05: the baseline window closes 2026-02-04
    assert _statuses(pathway, enrolled, "2026-04-05")["baseline"] == "overdue"  # 60 days after it closed
    assert _statuses(pathway, enrolled, "2026-04-06")["baseline"] == "missed"
    state = _state(pathway, enrolled, "2026-04-06")
    from carejourney.journey import compose

    view = compose(pathway, state, clock("2026-04-06"), None)
    assert not [w for w in view.work if w.subject == "baseline"]
    assert not [a for a in view.next_actions if a.kind == "questionnaire"]
