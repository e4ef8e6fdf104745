"""The question box: for a patient's message, an urgent instruction, an approved FAQ answer, or neither.

    triage(pathway, "my foot has gone floppy")        -> urgent, red_flag "leg-weakness", no answer
    triage(pathway, "can I have coffee before I come in?") -> faq_id "prepare" and its approved answer
    triage(pathway, "can I bring my dog?")            -> no faq_id: the care team replies

Red flags are checked first and always win: an urgent message never gets an FAQ answer. The word
rules (red_flags.py) go first; then the message's meaning is compared with the pathway's red-flag
examples (by_meaning.py), which catches phrasings no rule foresaw. Only text
from the pathway is ever returned; nothing is generated. `QuestionEngine` is the pure core (given an
encoder function and the FAQ's sentence vectors); `triage` builds one per pathway content with the
shared model (see `model.py`) and keeps it, so a web request does not reload anything.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from typing import Callable

import numpy as np

from carejourney.pathways.schema import DEFAULT_LANGUAGE, Pathway
from carejourney.questions.by_meaning import ExampleNet, Likeness
from carejourney.questions.ranking import OFF_TOPIC, FaqRanker, Ranked, answer_strength, chosen, topics
from carejourney.questions.red_flags import Analysis, RedFlagDetector
from carejourney.questions.text import stem

Encode = Callable[[list[str]], np.ndarray]


class NoQuestionBox(ValueError):
    """The pathway has no question_box section."""


@dataclass(frozen=True)
class Triage:
    faq_id: str | None
    urgent: bool
    red_flag: str | None
    #: 0-1. What the answer was decided on: the best entry's score plus its weighted lead, answered when at least
    #: `matching.abstain_below` (the best entry's score when the off-topic examples won). For a red flag: 1.0 from
    #: the word rules, the similarity from the meaning check.
    confidence: float
    #: The approved FAQ answer in the message's language; None when urgent, abstaining or untranslated.
    answer: str | None
    #: For a red flag: what the patient should do now, from the pathway.
    instruction: str | None = None
    #: For the care team: what raised the red flag (a sign, a temperature, or the closest example).
    evidence: str | None = None

    def as_dict(self) -> dict:
        return {"faq_id": self.faq_id, "urgent": self.urgent, "red_flag": self.red_flag,
                "confidence": round(self.confidence, 4), "answer": self.answer}


class QuestionEngine:
    """Red flags and FAQ ranking for one pathway. Build once, then call `triage` from any thread."""

    def __init__(self, pathway: Pathway, encode: Encode, vectors_for: Callable[[list[str]], np.ndarray] | None = None,
                 known_words: frozenset[str] = frozenset()):
        box = pathway.question_box
        if box is None:
            raise NoQuestionBox(f"the pathway {pathway.key} has no question_box section")
        self.pathway = pathway
        self.box = box
        self.encode = encode
        self.flags = {f.id: f for f in box.red_flags}
        self.entries = {e.id: e for e in pathway.faq}
        self.detector = RedFlagDetector(box, known_words)
        # every sentence of every language in one call, so the vector stores are read once
        ranked_topics = {lang: topics(pathway, lang) for lang in box.languages} if pathway.faq else {}
        faq_sentences = {lang: [s for t in ts for s in t.sentences] for lang, ts in ranked_topics.items()}
        examples = {lang: [(f.id, text) for f in box.red_flags for text in f.examples.get(lang, [])]
                    for lang in box.languages}
        net_sentences = {lang: [text for _, text in examples[lang]] + box.look_alikes.get(lang, [])
                         for lang in box.languages if examples[lang]}
        wanted = [s for group in (faq_sentences, net_sentences) for ss in group.values() for s in ss]
        row = {s: i for i, s in enumerate(dict.fromkeys(wanted))}
        vectors = (vectors_for or encode)(list(row)) if row else np.empty((0, 1), np.float32)

        def vectors_of(sentences: list[str]) -> np.ndarray:
            return vectors[[row[s] for s in sentences]] if sentences else np.empty((0, vectors.shape[1]), np.float32)

        self.rankers: dict[str, FaqRanker] = {}
        for lang, lang_topics in ranked_topics.items():
            self.rankers[lang] = FaqRanker(
                lang_topics, vectors_of(faq_sentences[lang]), box.matching,
                frozenset(stem(w) for w in box.languages[lang].stopwords), known_words,
            )
        #: Built whenever the pathway has red-flag examples (calibration needs them); used when `by_meaning` is set.
        #: The red-flag examples against the calm sentences: look-alikes, FAQ questions and phrasings and off-topic
        #: examples, all written by the clinic. Not the labelled patients' messages: among so many everyday
        #: messages some come close to a real red flag, and would talk the meaning check out of it.
        self.nets: dict[str, ExampleNet] = {}
        for lang, sentences in net_sentences.items():
            found = vectors_of(sentences)
            calm = found[len(examples[lang]):]
            if lang in ranked_topics:
                calm = np.concatenate([calm, vectors_of([s for t in ranked_topics[lang] for s in t.written])])
            if len(calm):
                self.nets[lang] = ExampleNet(examples[lang], found[: len(examples[lang])], calm)

    def rank(self, text: str, language: str = DEFAULT_LANGUAGE, vector: np.ndarray | None = None) -> list[Ranked]:
        ranker = self.rankers.get(language) or self.rankers[DEFAULT_LANGUAGE]
        return ranker.rank(text, self.encode([text])[0] if vector is None else vector)

    def likeness(self, analysis: Analysis, vector: np.ndarray, language: str = DEFAULT_LANGUAGE) -> Likeness | None:
        """The meaning check's reading of a message (`vector` embeds `analysis.text_for_matching`), or None when
        there are no red-flag examples or the word rules settled its red flag (denied, asked about, over)."""
        net = self.nets.get(language) or self.nets.get(DEFAULT_LANGUAGE)
        if net is None:
            return None
        found = net.likeness(vector)
        return None if found.category in analysis.settled else found

    def _urgent(self, category: str, why: str, language: str, confidence: float = 1.0) -> Triage:
        rule = self.flags[category]
        instruction = rule.instruction.get(language) or rule.instruction[DEFAULT_LANGUAGE]
        return Triage(None, True, category, min(max(confidence, 0.0), 1.0), None, instruction, why)

    def triage(self, text: str, language: str = DEFAULT_LANGUAGE) -> Triage:
        analysis = self.detector.analyse(text, language)
        if analysis.flag is not None:
            return self._urgent(analysis.flag.category, analysis.flag.evidence, language)
        by_meaning = self.box.by_meaning if self.nets else None
        if not text.strip() or not (self.rankers or by_meaning):
            return Triage(None, False, None, 0.0, None)
        vector = self.encode([analysis.text_for_matching])[0]
        if by_meaning is not None:
            likeness = self.likeness(analysis, vector, language)
            if likeness is not None and likeness.is_urgent(by_meaning):
                return self._urgent(likeness.category, f"close in meaning to: {likeness.example}", language,
                                    likeness.similarity)
        if not self.rankers:
            return Triage(None, False, None, 0.0, None)
        ranked = self.rank(analysis.text_for_matching, language, vector)
        # confidence is what the answer is decided on; when the off-topic examples win, the best entry's score
        if ranked[0].faq_id == OFF_TOPIC:
            confidence = next(r for r in ranked if r.faq_id != OFF_TOPIC).score
        else:
            confidence = answer_strength(ranked, self.box.matching)
        confidence = min(max(confidence, 0.0), 1.0)
        best = chosen(ranked, self.box.matching)
        if best is None:
            return Triage(None, False, None, confidence, None)
        return Triage(best.faq_id, False, None, confidence, self.entries[best.faq_id].answer.get(language))


def embedded_sentences(pathway: Pathway) -> list[str]:
    """Every sentence an engine for this pathway embeds, once each: the vectors worth shipping or caching."""
    asked: list[str] = []

    def record(sentences: list[str]) -> np.ndarray:
        asked.extend(sentences)
        return np.ones((len(sentences), 1), dtype=np.float32)  # stand-ins: this engine never compares them

    QuestionEngine(pathway, record, record)
    return list(dict.fromkeys(asked))


_engines: dict[str, QuestionEngine] = {}
_by_identity: dict[int, tuple[Pathway, QuestionEngine]] = {}
_lock = threading.Lock()


def content_key(pathway: Pathway) -> str:
    """Two pathway objects with the same content share an engine."""
    return hashlib.sha256(pathway.model_dump_json().encode()).hexdigest()


def engine_for(pathway: Pathway) -> QuestionEngine:
    """The engine for this pathway's content, built on first use (about a second) and kept."""
    hit = _by_identity.get(id(pathway))
    if hit is not None and hit[0] is pathway:
        return hit[1]
    from carejourney.questions import model

    key = content_key(pathway)
    with _lock:
        engine = _engines.get(key)
        if engine is None:
            enc = model.encoder()
            engine = QuestionEngine(pathway, enc.encode, model.sentence_vectors, model.known_words())
            if len(_engines) >= 16:  # pathway versions in use; a bound, not an expected size
                _engines.clear()
                _by_identity.clear()
            _engines[key] = engine
        _by_identity[id(pathway)] = (pathway, engine)
    return engine


def triage(pathway: Pathway, text: str, language: str = DEFAULT_LANGUAGE) -> Triage:
    """Triage one patient message against the pathway's question box (see the module docstring).

    A pathway without a question_box section answers nothing and flags nothing: every message waits
    for the care team.
    """
    if pathway.question_box is None:
        return Triage(None, False, None, 0.0, None)
    return engine_for(pathway).triage(text, language)
