"""Red-flag detection: does a message describe a symptom that needs care now?

Pure: built from a pathway's `question_box` section, no model and no I/O. A sign (see
`pathways/question_box.py`) matches when all its parts occur in one sentence and none of them is
negated ("no fever") or hypothetical ("what if I get a fever"); a negation reaches forward a few
words, through lists ("no redness or swelling"), and stops at a comma, a sentence end or a scope
break ("no fever, just sore"). Typos are corrected against the words the signs use.
"""

from __future__ import annotations

from dataclasses import dataclass
from carejourney.pathways.question_box import QuestionBox, RedFlag, sign_parts
from carejourney.questions.text import COMMA, SENTENCE_END, Lexicon, Word, normalise, stem

# An element of a compiled phrase: ("w", stem) a word, ("p", prefix) a word starting so, ("t", name) a term.
Element = tuple[str, str]
Phrase = tuple[Element, ...]
NEGATED, HYPOTHETICAL, ASSERTED = 0, 1, 2
UNITS_C = {"c", "celsius", "centigrade"}
UNITS_F = {"f", "fahrenheit"}


@dataclass(frozen=True)
class Flag:
    category: str
    #: What raised it, for the care team: the sign or the temperature reading.
    evidence: str


def _compile(phrase: str, fillers: frozenset[str]) -> Phrase:
    out: list[Element] = []
    for word in phrase.lower().replace("'", "").split():
        if word.startswith("{"):
            out.append(("t", word[1:-1]))
        elif word.endswith("*"):
            out.append(("p", word[:-1]))
        elif stem(word) not in fillers:
            out.append(("w", stem(word)))
    return tuple(out)


class _Language:
    """One language's rules, compiled."""

    def __init__(self, box: QuestionBox, lang: str):
        rules = box.languages[lang]
        self.fillers = frozenset(stem(w) for w in rules.fillers if " " not in w)
        c = lambda phrases: [p for p in (_compile(x, self.fillers) for x in phrases) if p]  # noqa: E731
        self.terms = {name: c(phrases) for name, phrases in rules.terms.items()}
        # a term's phrases by their first word, so matching at a word only tries the phrases that can start there
        self.term_index: dict[str, tuple[dict[str, list[Phrase]], list[Phrase]]] = {}
        for name, phrases in self.terms.items():
            by_stem: dict[str, list[Phrase]] = {}
            others: list[Phrase] = []
            for phrase in phrases:
                if phrase[0][0] == "w":
                    by_stem.setdefault(phrase[0][1], []).append(phrase)
                else:
                    others.append(phrase)
            self.term_index[name] = (by_stem, others)
        self.cues = c(rules.negation.cues)
        self.pseudo = c(rules.negation.pseudo)
        self.hypothetical = c(rules.negation.hypothetical)
        self.breaks = c(rules.negation.scope_breaks)
        self.window = rules.negation.window
        self.signs: list[tuple[RedFlag, str, list[Phrase]]] = []
        self.temperature: list[tuple[RedFlag, list[Phrase], list[Phrase]]] = []
        for flag in box.red_flags:
            for sign in flag.signs.get(lang, []):
                parts = [_compile(p, self.fillers) for p in sign_parts(sign)]
                if all(parts):
                    self.signs.append((flag, sign, parts))
            t = flag.temperature
            if t and lang in t.fever_words:
                self.temperature.append((flag, c(t.reading_words.get(lang, [])), c(t.fever_words[lang])))
        vocab: set[str] = set()
        for phrase_list in [*self.terms.values(), self.cues, self.pseudo, self.hypothetical, self.breaks,
                            *[parts for _, _, parts in self.signs], *[r + f for _, r, f in self.temperature]]:
            for phrase in phrase_list:
                vocab.update(v for kind, v in phrase if kind != "t")
        self.vocabulary = vocab

    # --- matching ---------------------------------------------------------------------------

    def ends(self, phrase: Phrase, sentence: "_Sentence", i: int, k: int = 0, depth: int = 0) -> tuple[int, ...]:
        """Every end position of phrase[k:] matched from word i (memoised per sentence)."""
        key = (phrase, k, i)
        hit = sentence.memo.get(key)
        if hit is not None:
            return hit
        words = sentence.words
        if k == len(phrase):
            out: tuple[int, ...] = (i,)
        elif i >= len(words):
            out = ()
        else:
            kind, value = phrase[k]
            w = words[i]
            found: list[int] = []
            if kind == "t":
                if depth <= 3:
                    by_stem, others = self.term_index.get(value, ({}, []))
                    for sub in (*by_stem.get(w.stem, ()), *others):
                        for j in self.ends(sub, sentence, i, 0, depth + 1):
                            found.extend(self.ends(phrase, sentence, j, k + 1, depth))
            elif (w.stem == value) if kind == "w" else (w.raw.startswith(value) or w.stem.startswith(value)):
                found.extend(self.ends(phrase, sentence, i + 1, k + 1, depth))
            out = tuple(found) if len(found) < 2 else tuple(sorted(set(found)))
        sentence.memo[key] = out
        return out

    def spans(self, phrase: Phrase, sentence: "_Sentence") -> list[tuple[int, int]]:
        words = sentence.words
        if phrase[0][0] == "w":  # only where the first word is
            starts = [i for i, w in enumerate(words) if w.stem == phrase[0][1]]
        else:
            starts = range(len(words))
        return [(i, j) for i in starts for j in self.ends(phrase, sentence, i) if j > i]

    def _start_of_phrase_ending_at(self, phrases: list[Phrase], sentence: "_Sentence", j: int) -> int | None:
        for p in phrases:
            for i in range(max(0, j + 1 - len(p) - 3), j + 1):
                if j + 1 in self.ends(p, sentence, i):
                    return i
        return None

    def _inside_pseudo(self, sentence: "_Sentence", j: int) -> bool:
        return any(i <= j < e for p in self.pseudo for i in range(max(0, j - 4), j + 1) for e in self.ends(p, sentence, i))

    def cue_before(self, span: tuple[int, int], sentence: "_Sentence", covered: set[int]) -> tuple[int, int]:
        """(ASSERTED, NEGATED or HYPOTHETICAL, where the cue starts): does a cue reach the span from before it?"""
        words = sentence.words
        j, counted = span[0] - 1, 0
        while j >= 0 and counted < self.window:
            if words[j].raw == COMMA:
                break
            if j in covered:
                j -= 1
                continue
            if self._start_of_phrase_ending_at(self.breaks, sentence, j) is not None:
                break
            start = self._start_of_phrase_ending_at(self.cues, sentence, j)
            if start is not None and not self._inside_pseudo(sentence, j):
                return NEGATED, start
            if self._start_of_phrase_ending_at(self.hypothetical, sentence, j) is not None:
                return HYPOTHETICAL, span[0]
            counted += 1
            j -= 1
        return ASSERTED, span[0]

    def sign_holds(self, spans: list[list[tuple[int, int]]], sentence: "_Sentence") -> bool:
        """Every part is present and none is negated, and at least one is asserted outright.

        "Not sure if my wound is infected, it's red": the wound is inside the "if" but the redness
        is said plainly, so the sign holds. "No redness at the wound": the redness is negated, so not.
        """
        covered = {k for part in spans for a, b in part for k in range(a, b)}
        best = [max(self.cue_before(s, sentence, covered - set(range(*s)))[0] for s in part) for part in spans]
        return min(best) > NEGATED and max(best) == ASSERTED


class _Sentence:
    __slots__ = ("words", "memo")

    def __init__(self, words: list[Word]):
        self.words = words
        self.memo: dict = {}


def _sentences(words: list[Word]) -> list[_Sentence]:
    out: list[list[Word]] = [[]]
    for w in words:
        if w.raw in SENTENCE_END:
            out.append([])
        else:
            out[-1].append(w)
    return [_Sentence(s) for s in out if s]


@dataclass(frozen=True)
class Analysis:
    #: The first red flag raised, in the pathway's order, or None.
    flag: Flag | None
    #: The message without the symptoms it denies ("no fever, when can I drive?" -> ", when can i drive?"),
    #: for answer matching: denied symptoms should not pull a question towards the side-effects entry.
    text_for_matching: str


class RedFlagDetector:
    def __init__(self, box: QuestionBox, known_words: frozenset[str] = frozenset()):
        self.languages = {lang: _Language(box, lang) for lang in box.languages}
        self.lexicons = {lang: Lexicon(L.vocabulary, known_words) for lang, L in self.languages.items()}
        self.order = [f.id for f in box.red_flags]

    def check(self, text: str, language: str) -> Flag | None:
        """The first red flag (in the pathway's order) the message raises, or None."""
        return self.analyse(text, language).flag

    def analyse(self, text: str, language: str) -> Analysis:
        lang = language if language in self.languages else next(iter(self.languages))
        L, lexicon = self.languages[lang], self.lexicons[lang]
        words = [w for w in lexicon.words(text) if w.stem not in L.fillers]
        sentences = _sentences(words)
        found: dict[str, Flag] = {}
        cuts: list[tuple[int, int]] = []
        for sentence in sentences:
            negated_seen: set[tuple[int, int]] = set()
            for flag, sign, parts in L.signs:
                spans = [L.spans(p, sentence) for p in parts]
                for part in spans:  # note what the message denies, for matching
                    for span in part:
                        if span not in negated_seen:
                            negated_seen.add(span)
                            status, start = L.cue_before(span, sentence, set())
                            if status == NEGATED:
                                cuts.append((sentence.words[start].start, sentence.words[span[1] - 1].end))
                if flag.id not in found and all(spans) and L.sign_holds(spans, sentence):
                    found[flag.id] = Flag(flag.id, sign)
        for flag, reading_words, fever_words in L.temperature:
            hit = self._temperature(L, flag, sentences, reading_words, fever_words, cuts)
            if hit and flag.id not in found:
                found[flag.id] = hit
        first = next((found[c] for c in self.order if c in found), None)
        return Analysis(first, _cut(text, cuts))

    @staticmethod
    def _temperature(L: _Language, flag: RedFlag, sentences: list[_Sentence], reading_words, fever_words,
                     cuts: list[tuple[int, int]]) -> Flag | None:
        t = flag.temperature
        assert t is not None
        readings: list[float] = []
        fever_said = False
        hit = None
        for sentence in sentences:
            words = sentence.words
            cue_at = {i for p in reading_words for a, b in L.spans(p, sentence) for i in range(a, b)}
            for i, w in enumerate(words):
                try:
                    value = float(w.raw)
                except ValueError:
                    continue
                unit = words[i + 1].raw if i + 1 < len(words) else ""
                near_cue = any(abs(i - k) <= 5 for k in cue_at)
                if not (near_cue or unit in UNITS_C | UNITS_F | {"degree", "degrees"}):
                    continue
                if unit in UNITS_C:
                    celsius = value
                elif unit in UNITS_F:
                    celsius = (value - 32) / 1.8 if value > 50 else None
                else:
                    celsius = value if 34 <= value <= 45 else ((value - 32) / 1.8 if 91 <= value <= 113 else None)
                if celsius is None:
                    continue
                readings.append(value)
                if hit is None and (celsius >= t.celsius - 1e-9 or celsius * 1.8 + 32 >= t.fahrenheit - 1e-9):
                    hit = Flag(flag.id, f"temperature {w.raw}{' ' + unit if unit else ''}")
            spans = [s for p in fever_words for s in L.spans(p, sentence)]
            for span in spans:
                status, start = L.cue_before(span, sentence, set())
                if status == NEGATED:
                    cuts.append((words[start].start, words[span[1] - 1].end))
            if spans and L.sign_holds([spans], sentence):
                fever_said = True
        if hit:
            return hit
        if fever_said and not readings:
            return Flag(flag.id, "fever")
        return None


def _cut(text: str, cuts: list[tuple[int, int]]) -> str:
    if not cuts:
        return text
    normal = normalise(text)
    keep, pos = [], 0
    for a, b in sorted(cuts):
        if a > pos:
            keep.append(normal[pos:a])
        pos = max(pos, b)
    keep.append(normal[pos:])
    return " ".join(" ".join(keep).split())
