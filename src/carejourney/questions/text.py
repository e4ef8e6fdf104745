"""Words of a patient message: normalising, a light stemmer, and typo correction against a lexicon.

Shared by red-flag detection and BM25 so both see "bleding", "Bleeding" and "bleeds" as the same word.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

_TOKEN = re.compile(r"[a-z0-9]+(?:\.[0-9]+)?|[.,;:!?\n]")
#: Punctuation that always ends a sentence (a line break too: "Fever: none" on one line, "Legs: weak" on the
#: next); commas end a negation's reach but not a sentence.
SENTENCE_END = frozenset(".;:!?\n")
COMMA = ","


def normalise(text: str) -> str:
    """Lower case, curly quotes and accents folded, apostrophes dropped ("can't" -> "cant")."""
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"[\u2018\u2019\u02bc`´']", "", text)
    text = text.replace("°", " degrees ").replace("&", " and ")
    text = _SHORT_ASIDE.sub(lambda m: f" {m.group(1)} ", text)
    text = _SPACED_DASH.sub(",", text)
    # "38,5" is a European decimal; elsewhere a comma stays a comma.
    text = re.sub(r"(\d),(\d)(?!\d)", r"\1.\2", text)
    return text


#: A dash with spaces round it sets off a clause, as a comma does ("No pain - can't pass urine though - is that
#: ok?"); but a pair round at most three words is an aside the sentence reads through ("No - touch wood -
#: bleeding so far", "If - god forbid - I get a fever").
_SPACED_DASH = re.compile(r"(?<=[ \t])[-\u2013\u2014]+(?=[ \t])")
_SHORT_ASIDE = re.compile(r"(?<=[ \t])[-\u2013\u2014]+[ \t]+((?:[^\s.!?;:\u2013\u2014-]+[ \t]+){1,3})[-\u2013\u2014]+(?=[ \t])")


def tokens(text: str) -> list[str]:
    """Words, numbers and the punctuation that matters for clauses."""
    return _TOKEN.findall(normalise(text))


#: Words whose final double letter stays: without it they would be a common word ("butt" is not "but").
_KEEP_DOUBLE = frozenset({"butt", "putt"})


@lru_cache(maxsize=50_000)
def stem(word: str) -> str:
    """A deliberately small English suffix stripper: bleeding/bleeds -> bleed, numbness -> numb, tripping -> trip."""
    if len(word) <= 3 or not word.isalpha():
        return word
    w = word
    for suffix, keep in (("ness", 3), ("fully", 3), ("ful", 3), ("ings", 3), ("ing", 3), ("edly", 3), ("ed", 3), ("ly", 3)):
        if w.endswith(suffix) and len(w) - len(suffix) >= keep:
            w = w[: -len(suffix)]
            if suffix in ("ing", "ings", "ed", "edly") and len(w) >= 4 and w[-1] == w[-2] and w[-1] not in "lsz":
                w = w[:-1]  # tripping -> trip, stopped -> stop
            break
    else:
        if w.endswith("ies") and len(w) > 4:
            w = w[:-3] + "i"
        elif w.endswith("es") and len(w) > 4 and w[-3] in "sxz" or w.endswith(("ches", "shes")):
            w = w[:-2]
        elif w.endswith("s") and not w.endswith(("ss", "us", "is")):
            w = w[:-1]
    if w.endswith("y") and len(w) > 3:
        w = w[:-1] + "i"
    if len(w) >= 4 and w[-1] == w[-2] and w not in _KEEP_DOUBLE:
        w = w[:-1]  # controlled/control, puss/pus: one form for a final double letter
    return w


def _edits_allowed(word: str) -> int:
    return 0 if len(word) < 4 else (1 if len(word) < 8 else 2)


def _distance(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance (a swap of neighbours counts once); limit+1 when over."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = ca != cb
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > limit:
            return limit + 1
        prev2, prev = prev, cur
    return prev[-1]


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1:] for i in range(len(word))} | {word}


@dataclass(frozen=True)
class Word:
    raw: str  # as typed, normalised
    stem: str  # after typo correction and stemming
    #: Where the word is in normalise(text).
    start: int = 0
    end: int = 0


class Lexicon:
    """Corrects a misspelt word to the nearest word the pathway uses ("feaver" -> "fever").

    A word that is itself a known word (in the pathway's own vocabulary or a general dictionary,
    such as the embedding model's) is never corrected: "never" must not become "fever".
    """

    def __init__(self, vocabulary: set[str], known_words: frozenset[str] = frozenset()):
        self.vocabulary = {w for w in vocabulary if w.isalpha()}
        self.known = known_words | self.vocabulary
        self._index: dict[str, set[str]] = {}
        for w in self.vocabulary:
            if len(w) >= 4:
                for d in _deletes(w):
                    self._index.setdefault(d, set()).add(w)
        self._cache: dict[str, str] = {}

    def correct(self, word: str) -> str:
        if word in self._cache:
            return self._cache[word]
        best = word
        if word.isalpha() and word not in self.known and len(word) >= 4:
            limit = _edits_allowed(word)
            candidates: set[str] = set()
            for d in _deletes(word):
                candidates |= self._index.get(d, set())
            scored = sorted((_distance(word, c, limit), c) for c in candidates)
            scored = [(d, c) for d, c in scored if d <= min(limit, _edits_allowed(c))]
            # one nearest word, or nothing: an ambiguous typo is left alone, unless just one of the nearest
            # is the word with a letter left out, the commonest slip ("weakr" is "weaker", not "weak")
            nearest = [c for d, c in scored if d == scored[0][0]] if scored else []
            missed = [c for c in nearest if len(c) == len(word) + 1]
            if len(nearest) == 1 or len(missed) == 1:
                best = nearest[0] if len(nearest) == 1 else missed[0]
        if len(self._cache) < 100_000:
            self._cache[word] = best
        return best

    def words(self, text: str) -> list[Word]:
        return [Word(m.group(), stem(self.correct(m.group())), m.start(), m.end()) for m in _TOKEN.finditer(normalise(text))]
