"""Ranking FAQ entries for a message: MiniLM sentence embeddings combined with BM25.

Each FAQ entry is one BM25 document (its question, answer, patient phrasings and the patients' messages labelled
with it) and a set of embedded sentences (all of those but the answer). The off-topic examples and the messages
labelled no-answer make one more such topic, whose winning means abstain.
Per entry: cosine = the mean of the `top_sentences` best cosines between the message and the
entry's sentences (2 by default: one lucky phrasing counts less than two close ones); bm25 = the entry's
BM25 score, squashed to 0-1 as s / (s + bm25_half). Score = w * cosine + (1 - w) * bm25.
The box answers with the best entry when its score, plus a weighted lead over the runner-up, is high
enough (`chosen`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Callable, Sequence

import bm25s
import numpy as np

from carejourney.pathways.question_box import NO_ANSWER, Matching
from carejourney.pathways.schema import FaqEntry, Pathway
from carejourney.questions.text import Lexicon, tokens

Encode = Callable[[list[str]], np.ndarray]
logging.getLogger("bm25s").setLevel(logging.WARNING)  # bm25s sets DEBUG on import and announces every index


@dataclass(frozen=True)
class Ranked:
    faq_id: str
    score: float
    cosine: float
    bm25: float


#: The id of the pseudo-topic made of the question box's `off_topic` examples: its winning means abstain.
OFF_TOPIC = ""


@dataclass(frozen=True)
class Topic:
    id: str
    #: Embedded one by one.
    sentences: tuple[str, ...]
    #: One BM25 document.
    document: str
    #: How many of the sentences, at the end, are patients' labelled messages rather than written by the clinic.
    labelled: int = 0

    @property
    def written(self) -> tuple[str, ...]:
        return self.sentences[: len(self.sentences) - self.labelled]


def entry_sentences(entry: FaqEntry, language: str) -> list[str]:
    """The sentences written for an entry: its question and patient phrasings in that language."""
    question = entry.question.get(language) or entry.question["en"]
    return [question, *entry.phrasings.get(language, [])]


def topics(pathway: Pathway, language: str) -> list[Topic]:
    """The FAQ entries as topics, plus the off-topic examples (questions the box must not answer) when given.

    A topic's sentences are its entry's, then the patients' messages labelled with it; the off-topic
    examples are followed by the messages labelled `no-answer`.
    """
    box = pathway.question_box
    labelled = box.labelled_messages.get(language, {}) if box else {}
    out = []
    for e in pathway.faq:
        learnt = labelled.get(e.id, [])
        sentences = [*entry_sentences(e, language), *learnt]
        answer = e.answer.get(language) or e.answer["en"]
        out.append(Topic(e.id, tuple(sentences), " ".join([*sentences, answer]), len(learnt)))
    learnt = labelled.get(NO_ANSWER, [])
    examples = [*(box.off_topic.get(language, []) if box else []), *learnt]
    if examples:
        out.append(Topic(OFF_TOPIC, tuple(examples), " ".join(examples), len(learnt)))
    return out


class FaqRanker:
    """Scores every topic of one language against a message."""

    def __init__(self, topics: Sequence[Topic], sentence_vectors: np.ndarray,
                 matching: Matching, stopwords: frozenset[str], known_words: frozenset[str] = frozenset()):
        self.ids = [t.id for t in topics]
        self.matching = matching
        self.stopwords = stopwords
        owners: list[int] = []
        for i, t in enumerate(topics):
            owners += [i] * len(t.sentences)
        if len(owners) != len(sentence_vectors):
            raise ValueError(f"{len(sentence_vectors)} sentence vectors for {len(owners)} FAQ sentences")
        self.owner = np.array(owners)
        # (topics, most sentences) table of sentence indices, padded with an index past the end
        # (whose cosine is -inf, see cosines())
        self.sizes = np.bincount(self.owner, minlength=len(topics))
        width = max(self.sizes)
        table = np.full((len(topics), width), len(owners), dtype=np.int64)
        for i in range(len(topics)):
            members = np.flatnonzero(self.owner == i)
            table[i, : len(members)] = members
        self.table = table
        self.vectors = np.ascontiguousarray(sentence_vectors, dtype=np.float32)
        documents = [t.document for t in topics]
        self.lexicon = Lexicon({t for d in documents for t in tokens(d)}, known_words)
        self.bm25 = bm25s.BM25()
        self.bm25.index([self._terms(d) or ["_"] for d in documents], show_progress=False)

    def _terms(self, text: str) -> list[str]:
        return [w.stem for w in self.lexicon.words(text) if w.raw.isalnum() and w.stem not in self.stopwords]

    def bm25_scores(self, text: str) -> np.ndarray:
        terms = [t for t in self._terms(text) if t in self.bm25.vocab_dict]
        if not terms:
            return np.zeros(len(self.ids), dtype=np.float32)
        return np.asarray(self.bm25.get_scores(terms), dtype=np.float32)

    def cosines(self, message_vector: np.ndarray, top: int | None = None) -> np.ndarray:
        """Per entry, the mean of its `top` best sentence cosines (of all of them when it has fewer)."""
        top = min(top or self.matching.top_sentences, self.table.shape[1])
        sims = np.append(self.vectors @ message_vector, np.float32(-np.inf))[self.table]
        best = np.partition(sims, sims.shape[1] - top, axis=1)[:, -top:]
        counted = np.minimum(self.sizes, top)
        return np.where(np.isfinite(best), best, 0.0).sum(axis=1) / counted

    def rank(self, text: str, message_vector: np.ndarray, weights: Matching | None = None) -> list[Ranked]:
        """Every entry, best first."""
        return combine(self.ids, self.cosines(message_vector), self.bm25_scores(text), weights or self.matching)


def chosen(ranked: list[Ranked], m: Matching) -> Ranked | None:
    """The entry to answer with, or None to abstain (see `Matching`): the off-topic examples winning abstains too."""
    best = ranked[0]
    if best.faq_id == OFF_TOPIC:
        return None
    return best if answer_strength(ranked, m) >= m.abstain_below else None


def answer_strength(ranked: list[Ranked], m: Matching) -> float:
    """The best entry's score plus its weighted lead over the runner-up."""
    lead = ranked[0].score - ranked[1].score if len(ranked) > 1 else ranked[0].score
    return ranked[0].score + m.margin_weight * lead


def combine(ids: list[str], cosines: np.ndarray, bm25: np.ndarray, m: Matching) -> list[Ranked]:
    squashed = bm25 / (bm25 + m.bm25_half)
    scores = m.embedding_weight * np.clip(cosines, 0, 1) + (1 - m.embedding_weight) * squashed
    order = np.argsort(-scores, kind="stable")
    return [Ranked(ids[i], float(scores[i]), float(cosines[i]), float(bm25[i])) for i in order]
