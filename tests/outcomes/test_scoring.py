"""Scoring: the worked examples from CLINICAL.md, the missing-answer rules, and properties over all answers."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from carejourney.outcomes.instruments import INSTRUMENTS, ZCQ
from carejourney.outcomes.scoring import responded, score
from carejourney.pathways.events import InvalidEvent
from carejourney.pathways.outcome_plan import MEASURES, ResponderRule


def test_odi_unanswered_section_removes_five_from_the_denominator():
    # CLINICAL.md: 16 over 9 answered sections = 16/45 = 35.6 %.
    s = score("odi", [2, 2, 2, 2, 2, 2, 2, 1, 1, None])
    assert s.as_dict() == {"instrument": "odi", "score": 35.6, "subscales": {}, "band": "moderate", "answered": 9}
    assert s.score == pytest.approx(16 / 45 * 100)


@pytest.mark.parametrize("total,band", [(0, "minimal"), (10, "minimal"), (11, "moderate"), (20, "moderate"), (21, "severe"),
                                        (30, "severe"), (31, "crippling"), (40, "crippling"), (41, "bed-bound"), (50, "bed-bound")])
def test_odi_bands_follow_clinical_md(total, band):
    answers = [5] * (total // 5) + ([total % 5] if total % 5 else [])
    answers += [0] * (10 - len(answers))
    s = score("odi", answers)
    assert s.score == total * 2 and s.band == band


def test_odi_needs_eight_sections_and_values_zero_to_five():
    with pytest.raises(InvalidEvent, match=r"answer at least 8 of the 10 odi sections \(unanswered: sleeping, sex-life, social-life\)"):
        score("odi", [1, 1, 1, 1, 1, 1, None, None, None, 1])
    with pytest.raises(InvalidEvent) as err:
        score("odi", [6, -1, 2.5, "3", True, 0, 0, 0, 0, 0])
    assert err.value.problems == [
        "data.answers.pain-intensity: 6 is not an answer (answers: 0, 1, 2, 3, 4, 5)",
        "data.answers.personal-care: -1 is not an answer (answers: 0, 1, 2, 3, 4, 5)",
        "data.answers.lifting: must be a whole number, not 2.5",
        "data.answers.walking: must be a whole number, not '3'",
        "data.answers.sitting: must be a whole number, not True",
    ]
    with pytest.raises(InvalidEvent, match="odi has 10 questions; got a list of 9 values"):
        score("odi", [0] * 9)
    with pytest.raises(InvalidEvent, match=r"data.answers.pain: is not a question of odi"):
        score("odi", {"pain": 1})


ZCQ_BEFORE = {"symptom-pain": 4, "symptom-pain-frequency": 4, "symptom-back": 3, "symptom-leg": 4, "symptom-numbness": 3,
              "symptom-weakness": 2, "symptom-balance": 3, "function-distance": 3, "function-walks": 3,
              "function-shopping": 2, "function-rooms": 1, "function-bathroom": 1}


def test_zcq_subscales_are_means_of_answered_items():
    s = score("zcq", ZCQ_BEFORE, after_treatment=False)
    assert s.subscales == {"symptom-severity": pytest.approx(23 / 7), "physical-function": pytest.approx(2.0), "satisfaction": None}
    assert s.as_dict()["subscales"] == {"symptom-severity": 3.29, "physical-function": 2.0, "satisfaction": None}
    # One item left out of a subscale: the mean of the rest.
    s = score("zcq", {**ZCQ_BEFORE, "symptom-balance": None, "function-rooms": None})
    assert s.subscales["symptom-severity"] == pytest.approx(20 / 6) and s.subscales["physical-function"] == pytest.approx(9 / 4)


def test_zcq_missing_items_balance_values_and_satisfaction_after_treatment_only():
    with pytest.raises(InvalidEvent, match=r"answer at least 6 of the 7 symptom-severity questions \(unanswered: symptom-back, symptom-leg\)"):
        score("zcq", {**ZCQ_BEFORE, "symptom-back": None, "symptom-leg": None})
    with pytest.raises(InvalidEvent, match=r"symptom-balance: 2 is not an answer \(answers: 1, 3, 5\)"):
        score("zcq", {**ZCQ_BEFORE, "symptom-balance": 2})
    with pytest.raises(InvalidEvent, match="satisfaction-overall: satisfaction questions are asked after treatment only"):
        score("zcq", {**ZCQ_BEFORE, "satisfaction-overall": 1}, after_treatment=False)
    with pytest.raises(InvalidEvent, match="answer at least 5 of the 6 satisfaction questions"):
        score("zcq", ZCQ_BEFORE, after_treatment=True)
    sat = {i.id: 2 for i in ZCQ.sections[2].items}
    assert score("zcq", {**ZCQ_BEFORE, **sat}, after_treatment=True).subscales["satisfaction"] == 2.0


def test_nrs_and_tolerance_are_single_required_questions():
    assert score("nrs-back", {"back-pain": 7}).as_dict() == {"instrument": "nrs-back", "score": 7, "subscales": {}, "band": "severe", "answered": 1}
    assert score("nrs-leg", [0]).band == "none"
    with pytest.raises(InvalidEvent, match=r"data.answers.leg-pain: 11 is out of range \(0 to 10\)"):
        score("nrs-leg", {"leg-pain": 11})
    with pytest.raises(InvalidEvent, match=r"data.answers.walk-minutes: is required"):
        score("walking-tolerance", {"walk-minutes": None})
    assert score("standing-tolerance", {"stand-minutes": 45}).score == 45


def test_the_plan_vocabulary_matches_the_instruments():
    assert set(MEASURES) == set(INSTRUMENTS)
    for ins in INSTRUMENTS.values():
        assert tuple(MEASURES[ins.id]) == ins.measures


@pytest.mark.parametrize("rule,lower,ref,value,expected", [
    (ResponderRule(instrument="odi", points=10), True, 46, 36, True),
    (ResponderRule(instrument="odi", points=10), True, 46, 36.1, False),
    (ResponderRule(instrument="nrs-back", points=2, percent=30), True, 8, 6, True),       # 2 points
    (ResponderRule(instrument="nrs-back", points=2, percent=30), True, 3, 2, True),       # 33 %
    (ResponderRule(instrument="nrs-back", points=2, percent=30), True, 8, 7, False),
    (ResponderRule(instrument="zcq", measure="symptom-severity", points=0.5), True, 22 / 7, 18.5 / 7, True),
    (ResponderRule(instrument="zcq", measure="satisfaction", at_most=2.5), True, None, 2.5, True),
    (ResponderRule(instrument="zcq", measure="satisfaction", at_most=2.5), True, None, 2.6, False),
    (ResponderRule(instrument="odi", points=10), True, None, 20, None),
    (None, True, 40, 10, None),
])
def test_responder_status(rule, lower, ref, value, expected):
    assert responded(rule, lower, ref, value) is expected


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 5), min_size=10, max_size=10), st.sets(st.integers(0, 9), max_size=2))
def test_odi_property_score_is_sum_over_five_times_answered(values, skipped):
    answers = [None if i in skipped else v for i, v in enumerate(values)]
    s = score("odi", answers)
    given_ = [a for a in answers if a is not None]
    assert s.score == pytest.approx(sum(given_) / (5 * len(given_)) * 100)
    assert 0 <= s.score <= 100 and s.answered == len(given_)


@settings(max_examples=100, deadline=None)
@given(st.data())
def test_zcq_property_subscales_stay_on_their_scales(data):
    answers = {i.id: data.draw(st.sampled_from(i.values)) for s in ZCQ.sections for i in s.items}
    s = score("zcq", answers, after_treatment=True)
    assert 1 <= s.subscales["symptom-severity"] <= 5
    assert 1 <= s.subscales["physical-function"] <= 4 and 1 <= s.subscales["satisfaction"] <= 4
