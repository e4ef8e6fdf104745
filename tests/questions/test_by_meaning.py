"""Red flags by meaning: the second check, for phrasings the word rules have no pattern for."""

import numpy as np
import pytest

from carejourney.pathways.question_box import ByMeaning
from carejourney.questions.by_meaning import ExampleNet
from carejourney.questions.calibration import calibrate_by_meaning


def _unit(*xs: float) -> np.ndarray:
    v = np.array(xs, dtype=np.float32)
    return v / np.linalg.norm(v)


NET = ExampleNet(
    [("bleeding", "the dressing is soaked and it keeps coming"), ("infection", "the cut is hot and oozing")],
    np.stack([_unit(1, 0, 0), _unit(0, 1, 0)]),
    np.stack([_unit(0, 0, 1), _unit(0.6, 0, 0.8)]),  # calm: one far away, one halfway to "bleeding"
)
RULE = ByMeaning(similarity_at_least=0.8, lead_at_least=0.1)


def test_a_message_close_to_a_red_flag_example_and_clearly_closer_than_to_calm_ones_is_urgent():
    like = NET.likeness(_unit(0.05, 1, 0))
    assert (like.category, like.example) == ("infection", "the cut is hot and oozing")
    assert like.is_urgent(RULE)


def test_a_message_as_close_to_a_calm_sentence_is_not():
    like = NET.likeness(_unit(0.8, 0, 0.6))  # near "bleeding" but nearer the calm look-alike
    assert like.category == "bleeding" and like.lead < 0.1
    assert not like.is_urgent(RULE)


def test_a_message_far_from_every_example_is_not():
    assert not NET.likeness(_unit(0.3, 0.3, 0.9)).is_urgent(RULE)


def test_the_check_needs_its_examples_and_calm_sentences():
    with pytest.raises(ValueError):
        ExampleNet([], np.zeros((0, 3)), np.stack([_unit(0, 0, 1)]))


def test_calibration_keeps_false_alarms_within_bounds_and_flags_as_many_urgent_messages_as_it_can():
    rng = np.random.default_rng(3)
    urgent_sim, urgent_lead = rng.uniform(0.6, 0.9, 200), rng.uniform(0.0, 0.3, 200)
    calm_sim, calm_lead = rng.uniform(0.3, 0.7, 400), rng.uniform(-0.3, 0.05, 400)
    choice = calibrate_by_meaning(np.concatenate([urgent_sim, calm_sim]), np.concatenate([urgent_lead, calm_lead]),
                                  np.array([True] * 200 + [False] * 400), max_false_rate=0.01)
    flagged_calm = ((calm_sim >= choice.rule.similarity_at_least) & (calm_lead >= choice.rule.lead_at_least)).mean()
    assert flagged_calm <= 0.01 and choice.false_rate <= 0.01
    assert choice.recall > 0.8


def test_with_nothing_safe_to_choose_the_check_stays_off():
    same = np.full(10, 0.9)
    choice = calibrate_by_meaning(same, same, np.array([True, False] * 5), max_false_rate=0.0)
    assert choice.recall == 0.0 and choice.rule.similarity_at_least == 1.0


def test_the_pathway_flags_a_phrasing_no_word_rule_foresaw_by_its_meaning(engine, mild):
    text = "my skull throbs the second I'm upright and calms down when I lie back"
    assert engine.detector.check(text, "en") is None  # the word rules have no pattern for it
    result = engine.triage(text)
    assert (result.urgent, result.red_flag, result.faq_id, result.answer) == (True, "headache-standing", None, None)
    assert result.evidence.startswith("close in meaning to: ")
    assert "lie down" in result.instruction.lower()


def test_without_thresholds_in_the_pathway_only_the_word_rules_flag(mild):
    from carejourney.questions.box import engine_for

    box = mild.question_box.model_copy(update={"by_meaning": None})
    rules_only = engine_for(mild.model_copy(update={"question_box": box}))
    assert not rules_only.triage("my skull throbs the second I'm upright and calms down when I lie back").urgent


@pytest.mark.parametrize("text,category", [
    ("temp was 37.1 this morning, all good", "infection"),
    ("could the procedure make me lose control of my bladder?", "cauda-equina"),
    ("no fever and no chills here", "infection"),
    # the patient's own pain score below 7 out of 10 says the pain is not severe
    ("Mom's back is sore around the incision, about 3/10, day two. She's taking Tylenol and it helps.", "severe-pain"),
    ("the pain was bad the first evening but the meds sorted it and now its a 2 out of 10", "severe-pain"),
])
def test_where_the_word_rules_read_a_symptom_as_denied_asked_or_normal_the_meaning_check_defers(engine, text, category):
    analysis = engine.detector.analyse(text, "en")
    assert analysis.flag is None and category in analysis.settled
    assert not engine.triage(text).urgent


def test_pain_scores_are_read_out_of_10_and_only_where_the_sentence_speaks_of_pain():
    from carejourney.questions.red_flags import pain_score_pattern, pain_scores
    from carejourney.questions.text import stem

    pattern, said_of = pain_score_pattern(["out of", "outta"]), frozenset(stem(w) for w in ["pain", "sore", "back"])
    not_now = frozenset(stem(w) for w in ["was", "before", "lie", "people"])
    assert pain_scores("pain 3/10 today, 4 out of 10, back two outta ten", pattern, said_of, not_now) == [3, 4, 2]
    assert pain_scores("I'd give the parking 2/10. Sore back is 10/10", pattern, said_of, not_now) == [10]
    assert pain_scores("back appointment on 1/10/2025, pain 12/10", pattern, said_of, not_now) == []
    # not the pain now: a score before, at rest, of other people
    assert pain_scores("my back is killing me, it was only 2/10 before", pattern, said_of, not_now) == []
    assert pain_scores("the pain is 3/10 when I lie still", pattern, said_of, not_now) == []
    assert pain_scores("3 out of 10 people have back pain after it", pattern, said_of, not_now) == []
    assert pain_scores("the pain was bad but now its a 2/10", pattern, said_of, not_now) == [2]


@pytest.mark.parametrize("text", [
    "my pain is 5/10 but the tablets do nothing at all",  # the word rules still see uncontrolled pain
    "pain was 3/10 yesterday, tonight 9 out of 10 and climbing",  # a severe score among the scores
    "Took max dose, still 10/10",
    # a score from before, at rest or of other people does not hide the meaning check's reading
    "My back is killing me, honestly never felt anything like it, it was only 2/10 before",
    "I can't move for the pain, it was 3/10 at lunch",
    "I can't move for the pain, it's 3/10 when I lie completely still though",
])
def test_a_low_score_does_not_hide_pain_the_rules_or_a_high_score_report(engine, text):
    assert engine.triage(text).red_flag == "severe-pain", text
