"""When the box answers and when it abstains, and how the settings for that are chosen from labelled messages."""

import numpy as np

from carejourney.pathways.question_box import Matching
from carejourney.questions.calibration import Labelled, _best_threshold, calibrate, score
from carejourney.questions.ranking import OFF_TOPIC, Ranked, chosen

IDS = ["prepare", "pain", OFF_TOPIC]


def _ranked(*scores: tuple[str, float]) -> list[Ranked]:
    return [Ranked(i, s, s, 0.0) for i, s in scores]


def test_a_clear_winner_needs_less_similarity_than_one_of_several_close_candidates():
    m = Matching(embedding_weight=1.0, bm25_half=1.0, margin_weight=1.0, abstain_below=0.5)
    clear = _ranked(("prepare", 0.40), ("pain", 0.20))  # 0.40 + 1.0 * 0.20 = 0.60
    close = _ranked(("prepare", 0.45), ("pain", 0.44))  # 0.45 + 0.01 = 0.46
    assert chosen(clear, m).faq_id == "prepare"
    assert chosen(close, m) is None
    without_margin = m.model_copy(update={"margin_weight": 0.0})
    assert chosen(clear, without_margin) is None


def test_the_off_topic_examples_winning_means_no_answer_however_high_the_score():
    m = Matching(embedding_weight=1.0, bm25_half=1.0, abstain_below=0.1)
    assert chosen(_ranked((OFF_TOPIC, 0.9), ("prepare", 0.8)), m) is None


def test_the_threshold_sits_in_the_middle_of_the_widest_gap():
    # (value, top topic right, abstention expected): two to abstain on low, two to answer high
    tops = [(0.20, False, True), (0.30, False, True), (0.60, True, False), (0.70, True, False)]
    threshold, right, margin = _best_threshold(tops)
    assert (round(threshold, 3), right, round(margin, 3)) == (0.45, 4, 0.15)


def test_calibration_separates_answerable_messages_from_ones_to_abstain_on():
    rng = np.random.default_rng(7)
    rows = []
    for _ in range(30):  # answerable: the expected topic is clearly closest
        rows.append(Labelled(np.array([0.75, 0.30, 0.20]) + rng.normal(0, 0.03, 3), np.zeros(3), frozenset({"prepare"})))
    for _ in range(30):  # to abstain on: nothing is close
        rows.append(Labelled(np.array([0.35, 0.33, 0.10]) + rng.normal(0, 0.03, 3), np.zeros(3), frozenset()))
    choice = calibrate(IDS, rows)
    assert choice.correct == 60 == score(IDS, rows, choice.matching)
    # the chosen settings generalise to fresh messages of the same kinds
    fresh_answerable = Labelled(np.array([0.72, 0.31, 0.2]), np.zeros(3), frozenset({"prepare"}))
    fresh_vague = Labelled(np.array([0.36, 0.34, 0.1]), np.zeros(3), frozenset())
    assert score(IDS, [fresh_answerable, fresh_vague], choice.matching) == 2
