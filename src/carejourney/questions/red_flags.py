"""Red-flag detection: does a message describe a symptom that needs care now?

Pure: built from a pathway's `question_box` section, no model and no I/O. A sign (see
`pathways/question_box.py`) matches when all its parts occur in one sentence, none of them is negated
("no fever") or over ("a fever last month", "the numbness wore off"), and at least one is said outright
rather than as a hypothetical ("what if I get a fever"). Clauses are the words between commas,
sentence ends and scope breaks ("but", "and"). The rules, all words from the pathway:

- a negation or hypothetical cue reaches forward a few words, through lists ("no redness, swelling or
  pus"), and stops at a comma, a sentence end or a scope break ("no fever, just sore"); a question cue does not
  hide a particular symptom a lasting word takes as there ("will the numbness in my groin wear off?"), nor a
  condition cue one an ongoing phrase says is going on now ("do you need to see me if I'm having chills since
  yesterday");
- a list opener ("the form lists", "risks:") reaches over every short item of its list, "or" or not
  ("infection, bleeding, nerve damage"), but not over an item that says a clause ("my wound is red");
- a checklist's "none" after a colon denies its item ("Fever: none.");
- a hypothetical_after word reaches back over a clause that starts a question ("is leg weakness a risk?");
- a past marker ("last year", "years ago"), another cause ("from the menopause") or another person ("my
  neighbour"; "my husband has" when the patient writes, not a carer) puts the symptoms of its clause in the
  past; a past marker not when they return ("... and again today") or the clause says now ("today"); another
  person's symptoms stay theirs, also in the next clause when it opens with "it" or "he" ("my husband cut
  his hand and it won't stop");
- a resolved marker ("went away", "cleared up") closes the symptoms before it in its clause; after a
  back-reference, or opening its clause, also those of the nearest clause before that names a symptom
  ("numb, but that wore off"), and after "all" everything before; not when it is negated ("hasn't gone
  away"), undone ("went away but came back"), or the sign names an event ("passed out, fine now": a faint
  that is over still counts);
- a body part in a past clause counts again when "it" (or "mine", for another person's) takes it up after a
  contrast ("my leg was fine before the op, but now it's weak");
- a checklist label joins its value ("Bladder: not emptying"); a spaced dash sets off a clause; the writer
  claiming what was listed ("I have all three") reports it;
- the words of a `not_symptoms` phrase ("gave me the chills") are never part of a sign.
- pain scores out of 10 all under `pain_score.severe_from` ("sore, about 3/10") keep the meaning check from
  reading severe pain; the signs still apply ("5/10 but the tablets do nothing").
- a temperature reading under a hedge ("I think I might have a temperature, the thermometer says 38.6") is read
  from its nearest temperature word too, unless the sentence sets a condition ("if", "once") or the reading's
  clause asks or names another person.

Past and resolved symptoms block a sign like negated ones, but only negated ones are cut from the text
used for answer matching. Typos are corrected against the words the rules use.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, replace

from carejourney.pathways.question_box import Negation, QuestionBox, RedFlag, sign_parts
from carejourney.questions.text import COMMA, SENTENCE_END, Lexicon, Word, normalise, stem

# An element of a compiled phrase: ("w", stem) a word, ("p", prefix) a word starting so ("" any word),
# ("t", name) a term, ("f", stem) a filler that must come right before the next word ("could the").
Element = tuple[str, str]
Phrase = tuple[Element, ...]
Span = tuple[int, int]
#: What a mention of a symptom says, weakest first; a sign needs every part above PAST and one ASSERTED.
NEGATED, PAST, HYPOTHETICAL, ASSERTED = 0, 1, 2, 3
UNITS_C = {"c", "celsius", "centigrade"}
UNITS_F = {"f", "fahrenheit"}
#: A number followed by one of these is a dose, a time or a weight, not a temperature.
NOT_TEMPERATURE = {"mg", "mgs", "ml", "mcg", "g", "gram", "grams", "tablet", "tablets", "pill", "pills", "capsules",
                   "min", "mins", "minute", "minutes", "hour", "hours", "hr", "hrs", "day", "days", "week", "weeks",
                   "year", "years", "kg", "lb", "lbs", "pounds", "stone", "am", "pm", "percent", "x", "times"}


@dataclass(frozen=True)
class Flag:
    category: str
    #: What raised it, for the care team: the sign or the temperature reading.
    evidence: str


def _compile(phrase: str, fillers: frozenset[str], strict: bool = False) -> Phrase:
    """A phrase as elements; fillers are dropped, except (when strict) before its first word and after its last.

    Strict phrases are markers, where the filler makes the meaning: "this week" is not "last week",
    "my friend" is not "friend", "could the" is not "could".
    """
    out: list[Element] = []
    for word in phrase.lower().replace("'", "").split():
        if word.startswith("{"):
            out.append(("t", word[1:-1]))
        elif word.endswith("*"):
            out.append(("p", word[:-1]))
        elif stem(word) not in fillers:
            out.append(("w", stem(word)))
        elif strict:
            out.append(("f", stem(word)))
    # a filler between words stays optional
    words = [k for k, (kind, _) in enumerate(out) if kind != "f"]
    if not words:
        return ()
    return tuple(e for k, e in enumerate(out) if e[0] != "f" or k < words[0] or k > words[-1])


class _Sentence:
    __slots__ = ("words", "before", "memo")

    def __init__(self, words: list[Word], before: list[tuple[str, ...]]):
        self.words = words
        #: The fillers dropped right before each word (stems): "could the procedure" -> ("the",) at "procedure".
        self.before = before
        self.memo: dict = {}


def _sentences(words: list[Word], fillers: frozenset[str], denied_after: frozenset[str] = frozenset(),
               clause_words: frozenset[str] = frozenset(), cue_words: frozenset[str] = frozenset()) -> list[_Sentence]:
    """The message as sentences of non-filler words. A colon that opens a list ("risks: infection, bleeding")
    joins it to its sentence as a comma. A colon before a denial that ends its item ("Fever: none.", not
    "none?") denies a short label before it (`Negation.denied_after`; up to three words since the last comma,
    no number, no `clause_words`): its words are noted in the sentence's memo as "denied". Any other colon
    after such a label joins the label to what follows ("Wound: red and hot"), unless the label holds a
    `cue_words` word: "No better: still can't pass urine" says the urine, not "no". Commas round fillers only
    (", um,") are dropped with them."""
    out: list[tuple[list[Word], list[tuple[str, ...]]]] = [([], [])]
    denied: list[set[int]] = [set()]
    pending: list[str] = []
    skip = -1
    for k, w in enumerate(words):
        if k == skip:
            continue
        if w.raw == ":" and _denies_item(words, k, denied_after):
            item = out[-1][0]
            start = max((i + 1 for i, x in enumerate(item) if x.raw == COMMA), default=0)
            if _short_label(item[start:], clause_words):
                denied[-1].update(range(start, len(item)))
                skip = k + 1
                continue
        if w.raw == ":" and _opens_list(words, k):
            w = replace(w, raw=COMMA)
        elif w.raw == ":" and _labels(out[-1][0], words, k, clause_words | cue_words):
            continue  # "Wound: oozing" is one sentence
        if w.raw in SENTENCE_END:
            out.append(([], []))
            denied.append(set())
            pending = []
        elif w.stem in fillers:
            pending.append(w.stem)
        elif w.raw == COMMA and pending and out[-1][0] and out[-1][0][-1].raw == COMMA:
            out[-1][0].pop()  # ", um," is read through: "he can't, um, perform"
            pending = [*out[-1][1].pop(), *pending]
        else:
            out[-1][0].append(w)
            out[-1][1].append(tuple(pending))
            pending = []
    sentences = []
    for (ws, before), no in zip(out, denied):
        if ws:
            sentences.append(_Sentence(ws, before))
            sentences[-1].memo["denied"] = no
    return sentences


def _labels(item: list[Word], words: list[Word], k: int, clause_words: frozenset[str]) -> bool:
    """Is the colon at k a checklist's, after a short label of its own ("Bladder: not emptying")?"""
    return k + 1 < len(words) and words[k + 1].raw not in SENTENCE_END and _short_label(item, clause_words)


def _short_label(label: list[Word], clause_words: frozenset[str]) -> bool:
    """Are these one to three words a checklist label: no number, none of `clause_words` ("Fever", "Wound")?"""
    return 0 < len(label) <= 3 and not any(x.stem in clause_words or not x.stem.isalpha() for x in label)


def _denies_item(words: list[Word], k: int, denied_after: frozenset[str]) -> bool:
    """Is the colon at k followed by a denial that ends its item: "Fever: none." / "Fever: nil, ..."?"""
    return (k + 1 < len(words) and words[k + 1].stem in denied_after
            and (k + 2 == len(words) or words[k + 2].raw in SENTENCE_END and words[k + 2].raw != "?"
                 or words[k + 2].raw == COMMA))


def _opens_list(words: list[Word], k: int) -> bool:
    """Does a comma come after word k before the sentence ends?"""
    for w in words[k + 1:]:
        if w.raw == COMMA:
            return True
        if w.raw in SENTENCE_END:
            return False
    return False


class _Language:
    """One language's rules, compiled."""

    def __init__(self, box: QuestionBox, lang: str):
        rules = box.languages[lang]
        self.fillers = frozenset(stem(w) for w in rules.fillers if " " not in w)
        self.terms = {name: self._plain(phrases) for name, phrases in rules.terms.items()}
        self._index_terms()
        self._read_negation(rules.negation)
        self.not_symptoms = self._strict(rules.not_symptoms)
        self._read_flags(box, lang)
        self.vocabulary = self._vocabulary()

    def _plain(self, phrases: list[str]) -> list[Phrase]:
        return [p for p in (_compile(x, self.fillers) for x in phrases) if p]

    def _strict(self, phrases: list[str]) -> list[Phrase]:
        return [p for p in (_compile(x, self.fillers, strict=True) for x in phrases) if p]

    def _words(self, words: list[str]) -> frozenset[str]:
        return frozenset(stem(w) for w in words if " " not in w)

    def _index_terms(self) -> None:
        """A term's phrases by their first word, so matching at a word only tries the phrases that can start there."""
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
        #: the first words of each term whose phrases all start with a plain word
        self.term_firsts = {name: frozenset(by_stem) for name, (by_stem, others) in self.term_index.items() if not others}

    def _read_negation(self, neg: Negation) -> None:
        self.cues, self.pseudo = self._strict(neg.cues), self._strict(neg.pseudo)
        self.hypothetical, self.conditions = self._strict(neg.hypothetical), self._strict(neg.conditions)
        self.hedges, self.ongoing = self._strict(neg.hedges), self._strict(neg.ongoing)
        self.hypothetical_after, self.questions = self._strict(neg.hypothetical_after), self._strict(neg.questions)
        self.lasting, self.definite = self._strict(neg.lasting), self._words(neg.definite)
        self.past, self.recent = self._strict([*neg.past, *neg.other_causes]), self._strict(neg.recent)
        self.other_people = self._strict(neg.other_people)
        self.resolved, self.unresolved = self._strict(neg.resolved), self._strict(neg.unresolved)
        self.family, self.patient_writes, self.carer_writes = (self._strict(x) for x in (neg.family, neg.patient_writes, neg.carer_writes))
        self.relatives = self._strict(neg.relatives)
        self.returned, self.events = self._strict(neg.returned), self._plain(neg.events)
        self.back_references, self.all_references = self._words(neg.back_references), self._words(neg.all_references)
        self.own_references = self._words(neg.own_references)
        self.claims = self._strict(neg.claims)
        self.linking_words = self._words(neg.linking_words)
        self.contrasts, self.breaks = self._strict(neg.contrasts), self._strict(neg.scope_breaks)
        self.joins, self.clause_starts = self._strict(neg.joins), self._words(neg.clause_starts)
        self.join_words = self._words(neg.joins)
        self.writer = self._words(neg.writer)
        self.writer_subjects = self.writer & self.clause_starts
        self.stories, self.third_person = self._strict(neg.stories), self._words(neg.third_person)
        #: words a sentence may open with before a back-reference that joins it to the one before ("but this one")
        self.links = self._words(neg.contrasts) | self.join_words
        self.list_words = self._words(neg.list_words)
        self.denied_after = self._words(neg.denied_after)
        self.list_openers, self.list_item_words = self._strict(neg.list_openers), neg.list_item_words
        self.window = neg.window
        #: the first words of cues and of other people's markers ("no", "might", "friend")
        firsts = ([w for w in (stem(t) for t in p.split() if "*" not in t and "{" not in t) if w not in self.fillers][:1]
                  for p in [*neg.cues, *neg.hypothetical, *neg.other_people, *neg.stories])
        self.cue_words = frozenset(w for first in firsts for w in first)

    def _read_flags(self, box: QuestionBox, lang: str) -> None:
        self.signs: list[tuple[RedFlag, str, list[Phrase]]] = []
        self.temperature: list[tuple[RedFlag, list[Phrase], list[Phrase]]] = []
        self.pain_scores: list[tuple[RedFlag, re.Pattern[str], frozenset[str], frozenset[str]]] = []
        for flag in box.red_flags:
            for sign in flag.signs.get(lang, []):
                parts = [_compile(p, self.fillers) for p in sign_parts(sign)]
                if all(parts):
                    self.signs.append((flag, sign, parts))
            t = flag.temperature
            if t and lang in t.fever_words:
                readings, fevers = t.reading_words.get(lang, []), t.fever_words[lang]
                self.temperature.append((flag, self._plain(readings), self._plain(fevers)))
            if flag.pain_score and lang in flag.pain_score.out_of:
                ps = flag.pain_score
                said_of, not_now = (frozenset(stem(w) for w in words.get(lang, [])) for words in (ps.said_of, ps.not_now))
                self.pain_scores.append((flag, pain_score_pattern(ps.out_of[lang]), said_of, not_now))
        self.sign_parts = list(dict.fromkeys(p for _, _, parts in self.signs for p in parts))

    def _vocabulary(self) -> set[str]:
        """Every word the rules use: typos are corrected towards these."""
        vocab: set[str] = set(self.back_references | self.all_references | self.clause_starts | self.list_words)
        lists = [*self.terms.values(), self.cues, self.pseudo, self.hypothetical, self.hypothetical_after,
                 self.questions, self.lasting, self.past, self.other_people, self.recent, self.ongoing, self.resolved, self.unresolved, self.returned,
                 self.family, self.patient_writes, self.carer_writes,
                 self.events, self.contrasts, self.breaks, self.joins, self.not_symptoms, *[parts for _, _, parts in self.signs],
                 *[r + f for _, r, f in self.temperature]]
        for phrase_list in lists:
            for phrase in phrase_list:
                vocab.update(v for kind, v in phrase if kind in "wp" and v)
        return vocab

    def g_dropped(self, w: Word) -> Word:
        """Read "bleedin" as "bleeding" when only the spelling with a g is a word the rules use."""
        if w.stem in self.vocabulary or not w.raw.endswith("in") or len(w.raw) < 5:
            return w
        full = stem(w.raw + "g")
        return Word(w.raw, full, w.start, w.end) if full in self.vocabulary else w

    # --- matching ---------------------------------------------------------------------------

    def ends(self, phrase: Phrase, sentence: _Sentence, i: int, k: int = 0, depth: int = 0) -> tuple[int, ...]:
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
            elif kind == "f":
                if value in sentence.before[i]:
                    found.extend(self.ends(phrase, sentence, i, k + 1, depth))
            elif (w.stem == value) if kind == "w" else (w.raw.startswith(value) or w.stem.startswith(value)):
                found.extend(self.ends(phrase, sentence, i + 1, k + 1, depth))
            out = tuple(found) if len(found) < 2 else tuple(sorted(set(found)))
        sentence.memo[key] = out
        return out

    def spans(self, phrase: Phrase, sentence: _Sentence) -> list[Span]:
        """Where the phrase matches (memoised per sentence)."""
        key = ("spans", phrase)
        hit = sentence.memo.get(key)
        if hit is None:
            first = next(e for e in phrase if e[0] != "f")  # "this week" starts where "week" is
            hit = sentence.memo[key] = [(i, j) for i in self._starts(first, sentence)
                                        for j in self.ends(phrase, sentence, i) if j > i]
        return hit

    def _starts(self, first: Element, sentence: _Sentence) -> list[int] | range:
        """Where a phrase that begins with this element can start: only where its first word is."""
        kind, value = first
        words = sentence.words
        if kind == "w":
            return [i for i, w in enumerate(words) if w.stem == value]
        if kind == "t" and value in self.term_firsts:
            firsts = self.term_firsts[value]
            return [i for i, w in enumerate(words) if w.stem in firsts]
        if kind == "p" and value:
            return [i for i, w in enumerate(words) if w.raw.startswith(value) or w.stem.startswith(value)]
        return range(len(words))

    def all_spans(self, phrases: list[Phrase], sentence: _Sentence) -> list[Span]:
        return [s for p in phrases for s in self.spans(p, sentence)]

    def _phrase_starts_at(self, phrases: list[Phrase], sentence: _Sentence, j: int) -> bool:
        """Does a phrase of the list start at word j?"""
        return any(a == j for a, _ in self.all_spans(phrases, sentence))

    def _start_of_phrase_ending_at(self, phrases: list[Phrase], sentence: _Sentence, j: int) -> int | None:
        """Where a phrase of the list that ends at word j starts, or None."""
        key = ("ending", id(phrases))
        hit = sentence.memo.get(key)
        if hit is None:
            hit = sentence.memo[key] = {}
            for a, b in self.all_spans(phrases, sentence):
                hit.setdefault(b - 1, a)
        return hit.get(j)

    def _inside_pseudo(self, sentence: _Sentence, j: int) -> bool:
        hit = sentence.memo.get("pseudo")
        if hit is None:
            hit = sentence.memo["pseudo"] = {k for a, b in self.all_spans(self.pseudo, sentence) for k in range(a, b)}
        return j in hit

    def cue_before(self, span: Span, sentence: _Sentence, covered: set[int]) -> tuple[int, int]:
        """(NEGATED, HYPOTHETICAL or ASSERTED, where the cue starts): does a cue reach the span from before it?

        Over the commas (and "and") of a list of short items, only a list opener reaches; the walk over a list
        is bounded too (`list_item_words` per item, four items), so a long message costs no more per mention.
        """
        words = sentence.words
        j, counted = span[0] - 1, 0
        in_list, item, items = False, 0, 0  # past a separator of a list without "or": only a list opener reaches
        while j >= 0 and counted < self.window:
            comma = words[j].raw == COMMA
            if comma and self._list_comma(j, span, sentence):  # a comma of a list that ends in "or": not a word
                j -= 1
                continue
            if comma or self._separates(j, sentence):  # a comma, or an "and" that only separates inside a list
                if (in_list or self.list_openers and self._in_list_item(span, sentence)) and items < 4:
                    in_list, item, items = True, 0, items + 1
                    j -= 1
                    continue
                if comma or in_list:
                    break
            if j in covered:
                j -= 1
                continue
            breaks = self._start_of_phrase_ending_at(self.breaks, sentence, j) is not None
            if not in_list and (self._goes_on_after_and(j, span, sentence) if breaks else self._or_item(j, span, sentence)):
                # the item or clause goes on from the word before: "what if it starts bleeding and won't stop?", "if I
                # had numbness in my groin or trouble passing water"; a question only, never a negation, which
                # reaches only as far as its window ("didn't sleep or eat for the chest pain")
                status, start = self.cue_before((j - 1, j), sentence, covered)
                if status == HYPOTHETICAL:
                    return status, start
            if breaks:
                break
            if in_list:
                start = self._start_of_phrase_ending_at(self.list_openers, sentence, j)
                if start is not None:
                    return HYPOTHETICAL, start
                item += 1
                if item > self.list_item_words or self._says_clause(j, sentence):
                    break
                j -= 1
                continue
            start = self._start_of_phrase_ending_at(self.cues, sentence, j)
            if start is not None and not self._inside_pseudo(sentence, j):
                return NEGATED, start
            start = self._start_of_phrase_ending_at(self.hypothetical, sentence, j)
            if start is None:
                start = self._start_of_phrase_ending_at(self.list_openers, sentence, j)
                if start is not None and not self._first_of_list(span, sentence):
                    start = None
            if start is not None and not self._inside_pseudo(sentence, j):
                return HYPOTHETICAL, start
            counted += 1
            j -= 1
        return ASSERTED, span[0]

    def _or_item(self, j: int, span: Span, sentence: _Sentence) -> bool:
        """Is word j an "or" that the span's item follows (the span's first word too, not "my leg"), after a word
        that is no comma: the item before it then says how the span is meant ("could the sedation give me chest
        pains or breathing problems?"); not "could it be a trapped nerve or sciatica making my leg give way?"."""
        words = sentence.words
        return (words[j].stem in self.list_words and j > 0 and words[j - 1].raw != COMMA
                and self._list_item(j + 1, span[0] + 1, sentence))

    def _goes_on_after_and(self, j: int, span: Span, sentence: _Sentence) -> bool:
        """Is word j a join ("and") whose clause, up to the span, has no subject of its own ("and won't stop",
        "and is worse"), after a word that is no comma?"""
        words = sentence.words
        if words[j].stem not in self.join_words or j == 0 or words[j - 1].raw == COMMA or j + 1 > span[0]:
            return False
        first = words[j + 1].stem
        return first in self.linking_words or any(a == j + 1 for a, _ in self.all_spans(self.unresolved, sentence))

    def taken_on(self, sentences: list[_Sentence]) -> list[_Sentence]:
        """Join a sentence that opens with a back-reference, after a link word or not ("but this one"), to the one
        before, as a clause after a comma: "This headache is new. It's terrible when I stand up." says the
        headache is worse standing. Not a reading after a sentence with a hypothetical cue ("... if my temp goes
        over 38. It's 38.9 now.": the reading would take the cue's temperature), nor before a time ("This
        morning ...")."""
        out: list[_Sentence] = []
        for sentence in sentences:
            first = 1 if sentence.words[0].stem in self.links and len(sentence.words) > 1 else 0
            if out and not self.back_references.isdisjoint(self._words_at(first, sentence)) \
                    and self._joinable(out[-1], sentence, first):
                last = out[-1]
                comma = Word(COMMA, COMMA, last.words[-1].end, last.words[-1].end)
                offset = len(last.words) + 1
                joined = _Sentence([*last.words, comma, *sentence.words], [*last.before, (), *sentence.before])
                joined.memo["denied"] = last.memo["denied"] | {k + offset for k in sentence.memo["denied"]}
                out[-1] = joined
            else:
                out.append(sentence)
        return out

    def _joinable(self, last: _Sentence, sentence: _Sentence, first: int) -> bool:
        if self._phrase_starts_at(self.recent, sentence, first):
            return False
        reading = any(not w.stem.isalpha() for w in sentence.words)
        return not (reading and any(not self._inside_pseudo(last, a) for a, _ in self.all_spans(self.hypothetical, last)))

    def _first_of_list(self, span: Span, sentence: _Sentence) -> bool:
        """Is the span the first item of a list, a comma ending it?"""
        end = self._item_end(span[1], sentence)
        return end < len(sentence.words) and self._list_item(span[0], end, sentence)

    def _separates(self, k: int, sentence: _Sentence) -> bool:
        """Does word k separate list items: a comma, or a join ("and") when the pathway has list openers?"""
        return sentence.words[k].raw == COMMA or bool(self.list_openers) and sentence.words[k].stem in self.join_words

    def _in_list_item(self, span: Span, sentence: _Sentence) -> bool:
        """Is the span in a list item, between separators?"""
        start = span[0]
        while start > 0 and not self._separates(start - 1, sentence):
            start -= 1
        return self._list_item(start, self._item_end(span[1], sentence), sentence)

    def _item_end(self, k: int, sentence: _Sentence) -> int:
        """Where the separator after word k is (the sentence's length when none)."""
        while k < len(sentence.words) and not self._separates(k, sentence):
            k += 1
        return k

    def _list_item(self, a: int, b: int, sentence: _Sentence) -> bool:
        """Are words a..b a list item: at most `list_item_words` words, none of which starts a clause ("infection",
        "nerve damage"; not "my wound is red")?"""
        return b - a <= self.list_item_words and not any(self._says_clause(k, sentence) for k in range(a, b))

    def _says_clause(self, k: int, sentence: _Sentence) -> bool:
        """Does word k start a clause, or follow a `definite` filler ("my wound"; "the legs" may be a list item)?"""
        return sentence.words[k].stem in self.clause_starts or not self.definite.isdisjoint(sentence.before[k])

    def _list_comma(self, j: int, span: Span, sentence: _Sentence) -> bool:
        """Is the comma at j one of a list that ends in "or" after it: "no bleeding, fever or numbness", "denies
        headache, chest pain or shortness of breath" (an item before the "or", not a clause: "my leg is weak or")?"""
        words = sentence.words
        for k in range(j + 1, min(len(words), j + 2 + self.list_item_words)):
            if words[k].raw == COMMA:
                return False
            if words[k].stem in self.list_words:
                return k > j + 1 and self._list_item(j + 1, k, sentence)
        return False

    # --- clauses: past, resolved and questions ----------------------------------------------

    def clauses(self, sentence: _Sentence) -> list[int]:
        """Each word's clause number; -1 for the commas and scope breaks between clauses."""
        hit = sentence.memo.get("clauses")
        if hit is None:
            joins = set(self.all_spans(self.joins, sentence))
            between = {k for a, b in self.all_spans(self.breaks, sentence)
                       if (a, b) not in joins or self._starts_clause(b, sentence) for k in range(a, b)}
            between.update(k for k, w in enumerate(sentence.words) if w.raw == COMMA)
            hit, n = [], 0
            for k in range(len(sentence.words)):
                if k in between:
                    hit.append(-1)
                else:
                    n += k > 0 and hit[-1] == -1
                    hit.append(n)
            sentence.memo["clauses"] = hit
        return hit

    def _starts_clause(self, k: int, sentence: _Sentence) -> bool:
        """After a join: does word k start a clause of its own ("and my leg ...", not "and bled a lot")?"""
        if k >= len(sentence.words) or sentence.words[k].raw == COMMA:
            return True
        return sentence.words[k].stem in self.clause_starts or not self.clause_starts.isdisjoint(sentence.before[k])

    def _clause_start(self, clauses: list[int], k: int) -> int:
        while k > 0 and clauses[k - 1] >= 0:
            k -= 1
        return k

    def not_symptom_words(self, sentence: _Sentence) -> set[int]:
        hit = sentence.memo.get("not_symptoms")
        if hit is None:
            hit = {k for a, b in self.all_spans(self.not_symptoms, sentence) for k in range(a, b)}
            sentence.memo["not_symptoms"] = hit
        return hit

    def _past_clauses(self, sentence: _Sentence) -> set[int]:
        """The clauses a past marker or another person puts in the past: its own, and all before when it
        stands for them. A clause that says now ("today") undoes a past marker, not a person."""
        hit = sentence.memo.get("past")
        if hit is None:
            clauses = self.clauses(sentence)
            others = self.all_spans(self.other_people, sentence)
            others += [m for m in self.all_spans(self.stories, sentence) if self._names_a_third_person(m, sentence)]
            family = self.all_spans(self.family, sentence) if sentence.memo.get("family_are_others") else []
            hit = self._marked_clauses(self.all_spans(self.past, sentence), sentence)
            hit -= {clauses[a] for a, _ in self.all_spans(self.recent, sentence)}  # "... months ago and can't pee today"
            theirs = self._marked_clauses(others + family, sentence, people=True, family=family)
            hit |= self._carried_on(theirs, others + family, sentence)  # someone else's, however recent
            sentence.memo["past"] = hit
        return hit

    def _carried_on(self, marked: set[int], markers: list[Span], sentence: _Sentence) -> set[int]:
        """The marked clauses and each clause after one that opens with a back-reference, when the marked one names
        a third person: "my husband cut his hand and it won't stop bleeding" is his, all of it; not "my friend
        changed the dressing and it's full of pus", nor when either clause speaks of the writer ("my friend drove
        me home and it started bleeding", "... she says my leg is dragging"). A clause with no subject of its own
        after "and" goes on with the one before: "my husband's got a cough and is short of breath"; not after a
        comma ("my husband has a cold, been coughing, have had chest pain since lunch"), nor when a subject of
        its own follows ("my friend came and is worried that the wound is weeping")."""
        clauses = self.clauses(sentence)
        firsts = {c: k for k, c in enumerate(clauses) if c >= 0 and (k == 0 or clauses[k - 1] < 0)}
        starts = {c: self._words_at(k, sentence) for c, k in firsts.items()}
        after_join = {c for k, c in enumerate(clauses) if c > 0 and clauses[k - 1] < 0
                      and sentence.words[k - 1].stem in self.join_words and clauses[k - 2:k - 1] != [-1]}
        in_markers = {k for a, b in markers for k in range(a, b)}
        writer = self._clauses_naming(self.writer, in_markers, sentence)
        third = self._clauses_naming(self.third_person, in_markers, sentence)
        out = set(marked)
        for c in sorted(starts):
            said = starts[c]
            refers = c - 1 in third and not self.back_references.isdisjoint(said)
            goes_on = c in after_join and not said.isdisjoint(self.linking_words) and not any(
                self._starts_clause(k, sentence) for k in range(len(clauses)) if clauses[k] == c and k > firsts[c])
            if c - 1 in out and (refers or goes_on) and writer.isdisjoint({c - 1, c}):
                out.add(c)
        return out

    def _names_a_third_person(self, marker: Span, sentence: _Sentence) -> bool:
        return self.clauses(sentence)[marker[0]] in self._clauses_naming(self.third_person, range(*marker), sentence)

    def _the_patient(self, marker: Span, sentence: _Sentence) -> bool:
        """Is the other person the patient: "the gentleman next door, who had his back done yesterday" (a relative
        word within two words of the marker, then `carer_writes` right after it), in a message whose writer never
        speaks of themself (not "my neighbour, who had his back done, keeps falling; could that happen to me?")?"""
        if sentence.memo.get("writer_speaks"):
            return False
        carer = {a for a, _ in self.all_spans(self.carer_writes, sentence)}
        return any(a in range(marker[1], marker[1] + 3) and b in carer for a, b in self.all_spans(self.relatives, sentence))

    def _writer_as_subject(self, marker: Span, sentence: _Sentence) -> bool:
        """Does the marker's clause, outside it, speak of the writer as one who starts a clause ("I", "my")?"""
        return self.clauses(sentence)[marker[0]] in self._clauses_naming(self.writer_subjects, range(*marker), sentence)

    def _clauses_naming(self, words: frozenset[str], outside: Collection[int], sentence: _Sentence) -> set[int]:
        """The clauses with one of `words` (or a filler right before a word), not counting the words at `outside`."""
        clauses = self.clauses(sentence)
        return {clauses[k] for k in range(len(clauses))
                if k not in outside and not words.isdisjoint(self._words_at(k, sentence))}

    def _words_at(self, k: int, sentence: _Sentence) -> set[str]:
        """Word k's stem and the fillers right before it."""
        return {sentence.words[k].stem, *sentence.before[k]}

    def _marked_clauses(self, markers: list[Span], sentence: _Sentence, people: bool = False,
                        family: list[Span] = ()) -> set[int]:
        """The clauses the markers put in the past (see `_past_clauses`). Markers of other `people` also mark
        every clause they reach into ("my husband just cut his hand": "just" is a scope break), and a return
        ("again") does not undo them: it is still theirs. Not a clause where the writer is a subject ("I was
        watching TV and collapsed"), unless the marker is the writer's `family` falling ill (`family_are_others`
        has already found that the writer is the patient)."""
        clauses = self.clauses(sentence)
        hit: set[int] = set()
        for marker in markers:
            if self._inside_pseudo(sentence, marker[0]) or self._denied(marker, sentence) \
                    or not people and self._undone(marker, sentence):
                continue  # "since last year", "never used to", "last year and again today"
            if people and marker not in family and self._writer_as_subject(marker, sentence):
                continue  # "I was watching something on TV and collapsed": the writer's own
            if people and self._the_patient(marker, sentence):
                continue  # "the gentleman next door who had his back done yesterday is breathless"
            if clauses[marker[0]] < 0:  # it opens with a scope break: "weak ankles since I was a child"
                before = [c for c in clauses[:marker[0]] if c >= 0]
                hit.update(before[-1:])
                continue
            if self._stands_for_clauses_before(marker, sentence):
                hit.update(range(clauses[marker[0]]))
            hit.add(clauses[marker[0]])
            if people:
                hit.update(c for c in clauses[marker[0]:marker[1]] if c >= 0)
        return hit

    def family_are_others(self, sentences: list[_Sentence]) -> bool:
        """Does the message name a family member falling ill, say its writer is the patient, and nowhere that a
        carer writes? Then the family member is someone else (see `Negation.family`)."""
        def said(phrases: list[Phrase]) -> bool:
            return any(self.all_spans(phrases, s) for s in sentences)
        return said(self.family) and said(self.patient_writes) and not said(self.carer_writes)

    def note_claims(self, sentences: list[_Sentence]) -> None:
        """Note a sentence with a `claims` phrase that ends its clause or meets a time, and the sentence before,
        as reporting what they ask about or list: "the leaflet says ring if: fever, chills, pus. I have all
        three"; not "I have both my daughters helping", "well I can't complain"."""
        for i, sentence in enumerate(sentences):
            if any(self._ends_claim(b, sentence) for _, b in self.all_spans(self.claims, sentence)):
                for claimed in sentences[max(0, i - 1):i + 1]:
                    claimed.memo["claimed"] = True

    def _ends_claim(self, b: int, sentence: _Sentence) -> bool:
        """Does a claim end its clause at word b, or meet a time there ("I've had them all evening")?"""
        words = sentence.words
        return (b == len(words) or words[b].raw == COMMA or self.clauses(sentence)[b] < 0
                or self._phrase_starts_at(self.recent, sentence, b)
                or self._phrase_starts_at(self.past, sentence, b))

    def writer_speaks(self, sentences: list[_Sentence]) -> bool:
        """Does the writer speak of themself anywhere ("I", "my")?"""
        return any(not self.writer.isdisjoint(self._words_at(k, s)) for s in sentences for k in range(len(s.words)))

    def _stands_for_clauses_before(self, marker: Span, sentence: _Sentence) -> bool:
        """Is a past marker a clause of its own about what came before ("..., but that was years ago", ", as always")?"""
        clauses = self.clauses(sentence)
        a, b = marker
        start = self._clause_start(clauses, a)
        if start == a:  # ", same as always", not ", last year I had the same op"
            return b == len(clauses) or clauses[b] != clauses[a]
        if a - start > 2:
            return False
        # the first word after the last back-reference: "(oh) that was years ago", "is that why", "that's partly
        # why"; not "it's the leg the pain used to be in"
        after = None
        for k in range(start, a + 1):
            if not self.back_references.isdisjoint(sentence.before[k]):
                after = k
            if k < a and sentence.words[k].stem in self.back_references:
                after = k + 1
        if after is None:
            return False
        w = sentence.words[after]
        return after == a or w.stem in self.linking_words or w.raw.endswith("ly")

    def _denied(self, marker: Span, sentence: _Sentence) -> bool:
        """Is a marker negated ("hasn't gone away", "won't clear up")?"""
        if self.cue_before(marker, sentence, set())[0] == NEGATED:
            return True
        return any(self._start_of_phrase_ending_at(self.unresolved, sentence, j) is not None
                   for j in range(max(0, marker[0] - 2), marker[0]))

    def _undone(self, marker: Span, sentence: _Sentence) -> bool:
        """Does the symptom come back after the marker ("went away but came back", "last year and again now")?"""
        return any(a >= marker[1] and self.cue_before((a, b), sentence, set())[0] == ASSERTED
                   and not self._denied((a, b), sentence) for a, b in self.all_spans(self.returned, sentence))

    def _refers_back(self, marker: Span, sentence: _Sentence) -> set[str]:
        """The words at and right before a marker ("but that wore off": {"but", "that", "wore"}), for back-references."""
        said = set(sentence.before[marker[0]]) | {sentence.words[marker[0]].stem}
        for j in range(marker[0] - 1, max(-1, marker[0] - 3), -1):
            if sentence.words[j].raw == COMMA:
                break
            said.add(sentence.words[j].stem)
            said.update(sentence.before[j])
        return said

    def resolutions(self, sentence: _Sentence) -> list[tuple[int, int, int]]:
        """(first word reached, marker start, marker end) of each resolved marker that holds."""
        hit = sentence.memo.get("resolved")
        if hit is None:
            clauses = self.clauses(sentence)
            hit = []
            for marker in self.all_spans(self.resolved, sentence):
                if any(self._inside_pseudo(sentence, k) for k in range(*marker)) or self._denied(marker, sentence) \
                        or self._undone(marker, sentence):
                    continue  # "went away when I lie down", "hasn't gone away", "went away but came back"
                reach = self._clause_start(clauses, marker[0])
                said = self._refers_back(marker, sentence)
                subject = {w.stem for w in sentence.words[reach:marker[0]]} - self.back_references \
                    - self.all_references - self.linking_words
                if not said.isdisjoint(self.all_references) and not subject:  # "a fever and chills, but it all cleared up"
                    reach = 0  # (not "my leg went weak and the numbness is all gone now": that is the numbness)
                elif reach == marker[0] or not said.isdisjoint(self.back_references):  # "..., but that wore off"
                    # back to the nearest clause that names a symptom: "numb for an hour, the nurse said it was
                    # the local, and it was back to normal before I left"
                    named = self.sign_words(sentence)
                    end = reach
                    reach = self._clause_before(clauses, reach)
                    while reach > 0 and named.isdisjoint(range(reach, end)) and self._aside(reach, end, sentence):
                        end, reach = reach, self._clause_before(clauses, reach)
                hit.append((reach, *marker))
            sentence.memo["resolved"] = hit
        return hit

    def _aside(self, a: int, b: int, sentence: _Sentence) -> bool:
        """Are words a..b a short aside a resolved marker may reach past ("probably the sedation"): at most three
        words, none of them the writer or a particular thing ("my appointment got moved")?"""
        words = [k for k in range(a, b) if sentence.words[k].raw != COMMA]
        return len(words) <= 3 and all(self.writer.isdisjoint(self._words_at(k, sentence))
                                       and self.definite.isdisjoint(sentence.before[k]) for k in words)

    def _clause_before(self, clauses: list[int], k: int) -> int:
        """Where the clause before the one starting at k starts (0 when there is none)."""
        while k > 0 and clauses[k - 1] < 0:
            k -= 1
        return self._clause_start(clauses, k)

    def sign_words(self, sentence: _Sentence) -> set[int]:
        """The words that are part of some sign."""
        hit = sentence.memo.get("sign_words")
        if hit is None:
            hit = sentence.memo["sign_words"] = {k for a, b in self.all_spans(self.sign_parts, sentence) for k in range(a, b)}
        return hit

    def _asked_clauses(self, sentence: _Sentence) -> dict[int, int]:
        """Clause -> where its last hypothetical_after word starts, for clauses that start a question."""
        hit = sentence.memo.get("asked")
        if hit is None:
            clauses = self.clauses(sentence)
            openers = {a for a, _ in self.all_spans(self.questions, sentence) if a == self._clause_start(clauses, a)}
            hit = {}
            for a, _ in self.all_spans(self.hypothetical_after, sentence):
                c = clauses[a]
                if c >= 0 and self._clause_start(clauses, a) in openers:
                    hit[c] = max(hit.get(c, a), a)
            sentence.memo["asked"] = hit
        return hit

    def event_words(self, sentence: _Sentence) -> set[int]:
        hit = sentence.memo.get("events")
        if hit is None:
            hit = sentence.memo["events"] = {k for a, b in self.all_spans(self.events, sentence) for k in range(a, b)}
        return hit

    def status(self, span: Span, sentence: _Sentence, covered: set[int], event: bool = False) -> int:
        """NEGATED, PAST, HYPOTHETICAL or ASSERTED: what the message says about this mention (of an event or not)."""
        before, cue = self.cue_before(span, sentence, covered)
        if before == NEGATED or not sentence.memo["denied"].isdisjoint(range(*span)):
            return NEGATED
        clauses = self.clauses(sentence)
        a, b = span
        if not self._past_clauses(sentence).isdisjoint(clauses[a:b]):
            return PAST
        if not event and any(reach < b <= m0 and covered.isdisjoint(range(m0, m1))
                             for reach, m0, m1 in self.resolutions(sentence)):
            return PAST
        if sentence.memo.get("claimed"):
            return ASSERTED
        asked = self._asked_clauses(sentence).get(clauses[b - 1])
        if asked is not None and asked >= b and not self._definite(span, sentence):
            return HYPOTHETICAL  # "is leg weakness a risk?", not "is my leg weakness a side effect?"
        asking = self._opens_question(cue, sentence) or self._opens_question(self._clause_start(clauses, a), sentence)
        if before == HYPOTHETICAL and not (asking and self._lasts(span, sentence, covered)) \
                and not self._ongoing_since(span, cue, sentence):
            return HYPOTHETICAL  # "will I get a fever?", not "will the numbness wear off?"
        return ASSERTED

    def _ongoing_since(self, span: Span, cue: int, sentence: _Sentence) -> bool:
        """Is the symptom only under a condition word, and said to be going on until now, within a few words after it
        ("if I'm having chills on and off since yesterday"; not "if I get a fever since the day before")?"""
        if not self._phrase_starts_at(self.conditions, sentence, cue):
            return False
        end = span[1]
        return any(end <= a <= end + self.window + 3 for a, _ in self.all_spans(self.ongoing, sentence))

    def hedged(self, first: int, i: int, sentence: _Sentence) -> bool:
        """Is the reading at word i (said from the cue at `first`) only hedged ("I might have a temperature"), and
        otherwise stated plainly: no condition before it in the sentence ("in case", "once"), and its clause
        neither opens a question nor names another person ("is 38 the cut-off?", "38.4 for her")?"""
        before, cue = self.cue_before((first, i + 1), sentence, set())
        if before != HYPOTHETICAL or not self._phrase_starts_at(self.hedges, sentence, cue):
            return False
        clauses = self.clauses(sentence)
        start = self._clause_start(clauses, i)
        own = {w.stem for w, c in zip(sentence.words, clauses) if c == clauses[i]}
        return (not any(a < i for a, _ in self.all_spans(self.conditions, sentence))
                and not self._opens_question(start, sentence) and own.isdisjoint(self.third_person))

    def _definite(self, span: Span, sentence: _Sentence) -> bool:
        """Is it a particular symptom, already there: "this numbness", "my leg", "between my legs"?"""
        first, end = span
        said = set().union(*sentence.before[first:end])
        if first > 0:
            said.add(sentence.words[first - 1].stem)
        return not said.isdisjoint(self.definite)

    def _opens_question(self, at: int, sentence: _Sentence) -> bool:
        return self._phrase_starts_at(self.questions, sentence, at)

    def _lasts(self, span: Span, sentence: _Sentence, covered: set[int]) -> bool:
        """Is the symptom taken as already there ("will the numbness wear off?")?"""
        if not self._definite(span, sentence):
            return False
        end = span[1]
        clauses = self.clauses(sentence)
        return any(a >= end and clauses[a] == clauses[end - 1] and covered.isdisjoint(range(a, b))
                   and not self._inside_pseudo(sentence, a) and self.cue_before((a, b), sentence, covered)[0] != NEGATED
                   for a, b in self.all_spans(self.lasting, sentence))

    def sign_holds(self, spans: list[list[Span]], sentence: _Sentence) -> bool:
        """Every part is present and neither negated nor over, and at least one is asserted outright.

        "Could my wound be infected, it's red": the wound is inside the question but the redness is
        said plainly, so the sign holds. "No redness at the wound": the redness is negated, so not.
        """
        covered = {k for part in spans for a, b in part for k in range(a, b)}
        event = not covered.isdisjoint(self.event_words(sentence))
        said = [[self.status(s, sentence, covered - set(range(*s)), event) for s in part] for part in spans]
        best = [max(part) for part in said]
        if min(best) == PAST and max(best) == ASSERTED:  # "my leg was fine before the op, but now it's weak"
            now = [s for part, st in zip(spans, said) for s, x in zip(part, st) if x == ASSERTED]
            best = [ASSERTED if b == PAST and self._taken_up(part, now, sentence) else b
                    for part, b in zip(spans, best)]
        return min(best) > PAST and max(best) == ASSERTED

    def _taken_up(self, part: list[Span], now: list[Span], sentence: _Sentence) -> bool:
        """Is a mention in a past clause (or another person's) taken up by "it" or "mine" in the next clause, after a
        contrast, saying a symptom now ("my friend says headaches are normal, but mine is worse standing")?"""
        clauses = self.clauses(sentence)
        contrasts = {a for a, _ in self.all_spans(self.contrasts, sentence)}
        for a, _ in now:
            start = self._clause_start(clauses, a)
            gap = start
            while gap > 0 and clauses[gap - 1] < 0:
                gap -= 1
            refs = {w.stem for w in sentence.words[start:a]}.union(*sentence.before[start:a + 1])
            if contrasts.isdisjoint(range(gap, start)) or refs.isdisjoint(self.back_references | self.own_references):
                continue
            if any(clauses[b - 1] == clauses[a] - 1 for _, b in part):
                return True
        return False

    def symptom_spans(self, phrase: Phrase, sentence: _Sentence) -> list[Span]:
        """Where a sign's part matches, leaving out the words of not_symptoms phrases."""
        blocked = self.not_symptom_words(sentence)
        return [s for s in self.spans(phrase, sentence) if blocked.isdisjoint(range(*s))]


@dataclass(frozen=True)
class Analysis:
    #: The first red flag raised, in the pathway's order, or None.
    flag: Flag | None
    #: The message without the symptoms it denies ("no fever, when can I drive?" -> ", when can i drive?"),
    #: for answer matching: denied symptoms should not pull a question towards the side-effects entry.
    text_for_matching: str
    #: Red flags the message speaks of only in ways that do not raise them: their words are denied, asked
    #: about, over or part of an idiom ("could it make me lose control of my bladder?", "the bleeding stopped
    #: straight away"), or a temperature is given that is normal, or every pain score is below severe ("3/10").
    #: The meaning check (by_meaning.py) defers to the rules on these.
    settled: frozenset[str] = frozenset()


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
        sentences = L.taken_on(_sentences([L.g_dropped(w) for w in lexicon.words(text)], L.fillers, L.denied_after,
                                          L.clause_starts, L.cue_words))
        for key, holds in (("family_are_others", L.family_are_others), ("writer_speaks", L.writer_speaks)):
            if holds(sentences):  # said of the whole message, read in each sentence
                for sentence in sentences:
                    sentence.memo[key] = True
        L.note_claims(sentences)
        found: dict[str, Flag] = {}
        otherwise: set[str] = set()  # red flags with a word denied, asked about, over or in an idiom
        cuts: list[tuple[int, int]] = []
        for sentence in sentences:
            negated_seen: set[Span] = set()
            for flag, sign, parts in L.signs:
                spans = [L.symptom_spans(p, sentence) for p in parts]
                for part in spans:  # note what the message denies, for matching
                    for span in part:
                        if span not in negated_seen:
                            negated_seen.add(span)
                            status, start = L.cue_before(span, sentence, set())
                            if status == NEGATED:
                                cuts.append((sentence.words[start].start, sentence.words[span[1] - 1].end))
                if flag.id not in found and all(spans) and L.sign_holds(spans, sentence):
                    found[flag.id] = Flag(flag.id, sign)
                if flag.id not in found:
                    self._note_unsaid(L, flag.id, parts, spans, sentence, otherwise)
        for flag, reading_words, fever_words in L.temperature:
            hit, considered = self._temperature(L, flag, sentences, reading_words, fever_words, cuts)
            if hit and flag.id not in found:
                found[flag.id] = hit
            elif considered:
                otherwise.add(flag.id)
        for flag, pattern, said_of, not_now in L.pain_scores:
            scores = pain_scores(text, pattern, said_of, not_now)
            if scores and max(scores) < flag.pain_score.severe_from:
                otherwise.add(flag.id)  # "about 3/10, the tablets help": the patient's own score says not severe
        first = next((found[c] for c in self.order if c in found), None)
        return Analysis(first, _cut(text, cuts), frozenset(otherwise - set(found)))

    @staticmethod
    def _note_unsaid(L: _Language, category: str, parts: list[Phrase], spans: list[list[Span]],
                     sentence: _Sentence, otherwise: set[str]) -> None:
        """Note the red flag when any of its sign's words in this sentence is denied, asked about, over or
        part of an idiom, for `Analysis.settled`."""
        if category in otherwise:
            return
        blocked = L.not_symptom_words(sentence)
        raw = [L.spans(p, sentence) for p in parts]
        if blocked and all(raw) and any(not blocked.isdisjoint(range(*s)) for part in raw for s in part):
            otherwise.add(category)  # the whole sign is there but inside an idiom: "on pins and needles about Friday"
        elif any(L.status(span, sentence, set()) != ASSERTED for part in spans for span in part):
            otherwise.add(category)

    @staticmethod
    def _temperature(L: _Language, flag: RedFlag, sentences: list[_Sentence], reading_words, fever_words,
                     cuts: list[tuple[int, int]]) -> tuple[Flag | None, bool]:
        """A reading at or over the threshold raises the flag; fever words do when no reading is given.

        A reading that is denied, past or hypothetical ("a temp of 39 last year", "what if it's over 38?")
        counts for nothing. Also returns whether the message spoke of its temperature at all.
        """
        t = flag.temperature
        assert t is not None
        readings: list[float] = []
        fever_said = considered = False
        hit = None
        for sentence in sentences:
            words = sentence.words
            cue_at = {i for a, b in L.all_spans(reading_words, sentence) for i in range(a, b)}
            for i in range(len(words)):
                reading = _reading(words, i, any(abs(i - k) <= 8 for k in cue_at))
                if reading is None:
                    continue
                considered = True
                cues = [k for k in sorted(cue_at) if i - 8 <= k <= i] or [i]
                status = L.status((cues[0], i + 1), sentence, set())  # from the first cue: "temperature over 38"
                if status == HYPOTHETICAL and L.hedged(cues[0], i, sentence):
                    # a hedge, not a condition, before the reading's own cue: "I might have a temperature, the
                    # thermometer says 38.6", "I might have a temperature, 38.5 on the ear thermometer"
                    after = [k for k in sorted(cue_at) if i < k <= i + 4]
                    spans = [(cues[-1], i + 1), *((i, k + 1) for k in after[:1])]
                    status = max(L.status(span, sentence, set()) for span in spans)
                if status != ASSERTED:
                    continue  # "a temp of 39 last year", "should I call if my temperature is over 38?"
                celsius, said = reading
                readings.append(celsius)
                if hit is None and (celsius >= t.celsius - 1e-9 or celsius * 1.8 + 32 >= t.fahrenheit - 1e-9):
                    hit = Flag(flag.id, f"temperature {said}")
            spans = [s for p in fever_words for s in L.symptom_spans(p, sentence)]
            considered = considered or bool(spans)
            for span in spans:
                status, start = L.cue_before(span, sentence, set())
                if status == NEGATED:
                    cuts.append((words[start].start, words[span[1] - 1].end))
            if spans and L.sign_holds([spans], sentence):
                fever_said = True
        if hit:
            return hit, True
        if fever_said and not readings:
            return Flag(flag.id, "fever"), True
        return None, considered


#: Spoken numbers, as dictated messages give them: "thirty eight point four", "a hundred and one".
DIGITS = {w: n for n, w in enumerate("zero one two three four five six seven eight nine".split())}
TENS = {"thirty": 30, "forty": 40, "ninety": 90}


def _number(raw: list[str], i: int) -> tuple[float, int] | None:
    """The number that starts at word i, and the word after it: "38.4" or "thirty eight point four"."""
    try:
        return float(raw[i]), i + 1
    except ValueError:
        pass
    k, value = i, 0.0
    if raw[k] == "one" and k + 1 < len(raw) and raw[k + 1] == "hundred":
        k += 1
    if raw[k] == "hundred":
        value, k = 100, k + 1
        if k + 1 < len(raw) and raw[k] == "and" and raw[k + 1] in DIGITS:
            k += 1
    if k < len(raw) and raw[k] in TENS and not value:
        value, k = TENS[raw[k]], k + 1
    if not value:
        return None
    if k < len(raw) and raw[k] in DIGITS:
        value, k = value + DIGITS[raw[k]], k + 1
    if k + 1 < len(raw) and raw[k] == "point" and (raw[k + 1] in DIGITS or raw[k + 1].isdigit()):
        value, k = value + float("0." + str(DIGITS.get(raw[k + 1], raw[k + 1]))), k + 2
    return value, k


def _reading(words: list[Word], i: int, near_cue: bool) -> tuple[float, str] | None:
    """The temperature that starts at word i, in Celsius, with the words that gave it; None when it is not one."""
    raw = [w.raw for w in words]
    found = _number(raw, i)
    if found is None:
        return None
    value, k = found
    unit = raw[k] if k < len(raw) else ""
    # "running 38.6 since yesterday": a number with a decimal point in the range of body temperatures is a reading
    body_like = "." in raw[i] and (36.0 <= value <= 43.0 or 96.8 <= value <= 109.4)
    if unit in NOT_TEMPERATURE or not (near_cue or body_like or unit in UNITS_C | UNITS_F | {"degree", "degrees"}):
        return None
    said = " ".join(raw[i:k + (unit in UNITS_C | UNITS_F)])
    if unit in UNITS_C:
        return value, said
    if unit in UNITS_F:
        return ((value - 32) / 1.8, said) if value > 50 else None
    if 34 <= value <= 45:
        return value, said
    return ((value - 32) / 1.8, said) if 91 <= value <= 113 else None


SCORE_WORDS = {**DIGITS, "ten": 10}
_SCORE = rf"(\d{{1,2}}(?:\.\d)?|{'|'.join(SCORE_WORDS)})"


def pain_score_pattern(out_of: list[str]) -> re.Pattern[str]:
    """Scores out of 10 as patients write them: "3/10", "3 / 10", "4 out of 10", "two outta ten"."""
    words = "|".join(r"\s+".join(map(re.escape, w.lower().split())) for w in out_of)
    return re.compile(rf"(?<![\w./]){_SCORE}(?:\s*/\s*|\s+(?:{words})\s+)(?:10|ten)(?![\w/]|\.\d)")


def _stems(text: str) -> set[str]:
    return {stem(w) for w in re.findall(r"[a-z]+", text)}


def pain_scores(text: str, pattern: re.Pattern[str], said_of: frozenset[str],
                not_now: frozenset[str] = frozenset()) -> list[float]:
    """The pain scores out of 10 the message gives for now: in sentences with a word of `said_of` ("pain", "sore",
    "back"), so "I'd give the parking 2/10" is no score; not in a clause (between commas, "and", "but") with a
    word of `not_now` ("it was 2/10 before", "3/10 when I lie still", "3 out of 10 people")."""
    found: list[float] = []
    for sentence in re.split(r"[.!?;\n]+(?!\d)", normalise(text)):
        if said_of.isdisjoint(_stems(sentence)):
            continue
        for clause in re.split(r",|\band\b|\bbut\b|\bthough\b", sentence):
            if not not_now.isdisjoint(_stems(clause)):
                continue
            for m in pattern.finditer(clause):
                value = float(SCORE_WORDS.get(m.group(1), m.group(1)))
                if value <= 10:
                    found.append(value)
    return found


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
