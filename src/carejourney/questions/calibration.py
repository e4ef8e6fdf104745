"""Choosing the ranking weights and the abstention threshold from labelled messages.

Pure: takes, per message, the per-entry cosines and BM25 scores the engine computed, and the
expected topics (empty: the box should abstain). Grid search over the embedding weight, the BM25
squashing and the weight of the best entry's lead over the runner-up; for each, the threshold that gets
most messages right, placed in the middle of the widest gap between the values it separates so it is
not balanced on one example.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from carejourney.pathways.question_box import ByMeaning, Matching
from carejourney.questions.ranking import OFF_TOPIC, answer_strength, chosen, combine

WEIGHTS = [round(w, 2) for w in np.arange(0.0, 1.0001, 0.05)]
HALVES = [0.5, 1.0, 2.0, 3.0, 4.0, 6.0, 8.0, 12.0, 16.0, 24.0]
MARGINS = [0.0, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0]


@dataclass(frozen=True)
class Labelled:
    cosines: np.ndarray
    bm25: np.ndarray
    expect: frozenset[str]


@dataclass(frozen=True)
class Choice:
    matching: Matching
    correct: int
    total: int
    margin: float

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 0.0


def halves(rows: list[dict]) -> tuple[list[dict], list[dict]]:
    """Rows with an `expect` list split in two: every other row with the same expected topics (or none) goes to the
    second half, and a text seen before goes where it went then. The first half is what the pathway learns from
    (`labelled_messages`), the second what it is measured on, so no text is in both."""
    seen: dict[tuple, int] = {}
    placed: dict[str, bool] = {}
    first, second = [], []
    for r in rows:
        text = " ".join(r["text"].lower().split())
        if text not in placed:
            key = tuple(r["expect"])
            seen[key] = seen.get(key, 0) + 1
            placed[text] = seen[key] % 2 == 1
        (first if placed[text] else second).append(r)
    return first, second


def score(ids: list[str], rows: list[Labelled], m: Matching) -> int:
    """How many rows come out right: an expected topic above the threshold, or abstention when none is expected."""
    right = 0
    for r in rows:
        best = chosen(combine(ids, r.cosines, r.bm25, m), m)
        right += (best is not None and best.faq_id in r.expect) if r.expect else best is None
    return right


def _best_threshold(tops: list[tuple[float, bool, bool]]) -> tuple[float, int, float]:
    """tops: (value, top is an expected topic, abstention expected). Returns threshold, right, margin.

    Candidate thresholds are 0 and the midpoints between neighbouring values; margin is the distance
    from the threshold to the nearest value.
    """
    values = np.array([v for v, _, _ in tops])
    answer_ok = np.array([ok and not abstain for _, ok, abstain in tops])
    abstain_ok = np.array([abstain for _, _, abstain in tops])
    distinct = np.unique(values)
    mids = (distinct[:-1] + distinct[1:]) / 2
    cuts = np.concatenate([[0.0], mids[mids <= 2.0]])
    order = np.argsort(values)
    v_sorted = values[order]
    # messages below each cut: abstaining is right for them; at or above: answering is
    below = np.searchsorted(v_sorted, cuts, side="left")
    abstain_right_below = np.concatenate([[0], np.cumsum(abstain_ok[order])])[below]
    answer_right_above = answer_ok.sum() - np.concatenate([[0], np.cumsum(answer_ok[order])])[below]
    right = abstain_right_below + answer_right_above
    nearest = np.minimum(np.abs(cuts - v_sorted[np.clip(below, 0, len(v_sorted) - 1)]),
                         np.abs(cuts - v_sorted[np.clip(below - 1, 0, len(v_sorted) - 1)]))
    best = max(range(len(cuts)), key=lambda i: (right[i], nearest[i]))
    return float(cuts[best]), int(right[best]), float(nearest[best])


def calibrate(ids: list[str], rows: list[Labelled], weights: list[float] = WEIGHTS) -> Choice:
    """The settings whose neighbourhood on the grid does best (a lone lucky grid point is not chosen),
    with the best threshold for them."""
    grid: dict[tuple[int, int, int], Choice] = {}
    for i, w in enumerate(weights):
        for j, half in enumerate(HALVES):
            ranked = [combine(ids, r.cosines, r.bm25, Matching(embedding_weight=w, bm25_half=half, abstain_below=0.0))
                      for r in rows]
            for k, lead in enumerate(MARGINS):
                probe = Matching(embedding_weight=w, bm25_half=half, margin_weight=lead, abstain_below=0.0)
                tops = []
                for r, ranks in zip(rows, ranked):
                    top = ranks[0]
                    if top.faq_id == OFF_TOPIC:  # abstains whatever the threshold
                        tops.append((0.0, False, not r.expect))
                    else:
                        tops.append((answer_strength(ranks, probe), top.faq_id in r.expect, not r.expect))
                t, right, margin = _best_threshold(tops)
                chosen_m = Matching(embedding_weight=w, bm25_half=half, margin_weight=lead, abstain_below=round(t, 3))
                grid[i, j, k] = Choice(chosen_m, right, len(rows), margin)

    def smoothed(key: tuple[int, int, int]) -> tuple[float, float]:
        near = [grid[n] for n in ((key[0] + a, key[1] + b, key[2] + c)
                                  for a in (-1, 0, 1) for b in (-1, 0, 1) for c in (-1, 0, 1)) if n in grid]
        return sum(c.correct for c in near) / len(near), grid[key].margin

    return grid[max(grid, key=smoothed)]


@dataclass(frozen=True)
class MeaningChoice:
    rule: ByMeaning
    recall: float
    false_rate: float


def calibrate_by_meaning(similarity: np.ndarray, lead: np.ndarray, urgent: np.ndarray,
                         max_false_rate: float = 0.01) -> MeaningChoice:
    """Thresholds for the red-flag meaning check (see questions/by_meaning.py) from labelled messages.

    similarity, lead: each message's likeness to the closest red-flag example; urgent: its label.
    Of the grid points whose false-alarm rate on the calm messages stays within max_false_rate, those
    flagging the most urgent messages; of those, the middle one (away from the edges of what worked).
    """
    pos, neg = urgent.astype(bool), ~urgent.astype(bool)
    points = []
    for s in np.round(np.arange(0.40, 0.951, 0.01), 2):
        for t in np.round(np.arange(-0.10, 0.301, 0.01), 2):
            flagged = (similarity >= s) & (lead >= t)
            recall = flagged[pos].mean() if pos.any() else 0.0
            false = flagged[neg].mean() if neg.any() else 0.0
            if false <= max_false_rate:
                points.append((round(float(recall), 6), -round(float(false), 6), float(s), float(t)))
    best = max((p[:2] for p in points), default=(0.0, 0.0))
    if best[0] == 0.0:  # nothing can be flagged safely: the check stays off
        return MeaningChoice(ByMeaning(similarity_at_least=1.0, lead_at_least=1.0), 0.0, 0.0)
    tied = sorted((p for p in points if p[:2] == best), key=lambda p: (p[2], p[3]))
    _, _, s, t = tied[len(tied) // 2]
    return MeaningChoice(ByMeaning(similarity_at_least=s + 0.0, lead_at_least=t + 0.0), best[0], -best[1])  # no -0.0
