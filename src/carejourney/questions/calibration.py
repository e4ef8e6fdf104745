"""Choosing the ranking weights and the abstention threshold from labelled messages.

Pure: takes, per message, the per-entry cosines and BM25 scores the engine computed, and the
expected topics (empty: the box should abstain). Grid search over the embedding weight and the BM25
squashing; for each, the threshold that gets most messages right, placed in the middle of the widest
gap between the scores it separates so it is not balanced on one example.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from carejourney.pathways.question_box import Matching
from carejourney.questions.ranking import OFF_TOPIC, combine

WEIGHTS = [round(w, 2) for w in np.arange(0.0, 1.0001, 0.05)]
HALVES = [0.5, 1.0, 2.0, 3.0, 4.0, 6.0, 8.0, 12.0]


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


def score(ids: list[str], rows: list[Labelled], m: Matching) -> int:
    """How many rows come out right: an expected topic above the threshold, or abstention when none is expected."""
    right = 0
    for r in rows:
        best = combine(ids, r.cosines, r.bm25, m)[0]
        answered = best.score >= m.abstain_below and best.faq_id != OFF_TOPIC
        right += (answered and best.faq_id in r.expect) if r.expect else not answered
    return right


def _best_threshold(tops: list[tuple[float, bool, bool]]) -> tuple[float, int, float]:
    """tops: (score, top is an expected topic, abstention expected). Returns threshold, right, margin."""
    scores = sorted({s for s, _, _ in tops})
    cuts = [0.0] + [(a + b) / 2 for a, b in zip(scores, scores[1:])] + [1.0]
    best = (0.5, -1, 0.0)
    for t in cuts:
        right = sum((s >= t and ok) if not abstain else s < t for s, ok, abstain in tops)
        margin = min(abs(s - t) for s, _, _ in tops)
        if (right, margin) > (best[1], best[2]):
            best = (t, right, margin)
    return best


def calibrate(ids: list[str], rows: list[Labelled]) -> Choice:
    """The weights whose neighbourhood on the grid does best (a lone lucky grid point is not chosen),
    with the best threshold for them."""
    grid: dict[tuple[int, int], Choice] = {}
    for i, w in enumerate(WEIGHTS):
        for j, half in enumerate(HALVES):
            probe = Matching(embedding_weight=w, bm25_half=half, abstain_below=0.0)
            tops = []
            for r in rows:
                top = combine(ids, r.cosines, r.bm25, probe)[0]
                if top.faq_id == OFF_TOPIC:  # abstains whatever the threshold
                    tops.append((0.0, False, not r.expect))
                else:
                    tops.append((top.score, top.faq_id in r.expect, not r.expect))
            t, right, margin = _best_threshold(tops)
            grid[i, j] = Choice(Matching(embedding_weight=w, bm25_half=half, abstain_below=round(t, 3)), right, len(rows), margin)

    def smoothed(key: tuple[int, int]) -> tuple[float, float]:
        near = [grid[k] for k in ((key[0] + di, key[1] + dj) for di in (-1, 0, 1) for dj in (-1, 0, 1)) if k in grid]
        return sum(c.correct for c in near) / len(near), grid[key].margin

    return grid[max(grid, key=smoothed)]
