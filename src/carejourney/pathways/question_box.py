"""The question box's section of a pathway: red flags and answer matching.

Everything the question box knows lives here, so a clinic can edit it without touching code:

- `languages.<lang>`: the words of one language. `terms` are named word lists that red-flag signs use
  as `{name}`; `negation` says which words cancel a symptom ("no fever"), which only look like a
  negation ("not sure"), which make it hypothetical ("what if I get a fever", "is weakness a risk?"),
  which put it in the past ("a fever last month") or say it is over ("the numbness wore off"), and
  which end their reach ("no fever, just sore"); `not_symptoms` are phrases whose words are never a
  symptom ("gave me the chills"); `fillers` are words skipped when matching ("my", "the").
- `red_flags`: one entry per category with the instruction patients see and the signs, per language,
  that raise it. A sign is one or more parts joined by `&` that must all appear in one sentence, in
  any order; a part is consecutive words, where `word*` matches any word starting with `word`, `*`
  any one word and `{term}` any phrase of that term.
- `off_topic`: examples of questions the FAQ does not answer, so similar ones get no answer either.
- `labelled_messages`: real patients' messages, per language, under the FAQ entry that answers each (or
  `no-answer` when none does): more examples for the ranking, beside the hand-written phrasings and
  off-topic examples. Ours are written by `scripts/labelled_messages.py` from half of our labelled sets; the
  other half stays out, to measure the box on messages it has not seen.
- `matching`: how answers are ranked and when the box abstains (weights and threshold calibrated on
  data by `scripts/eval_questions.py --calibrate`).
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, Field, ValidationInfo, field_validator, model_validator

from carejourney.pathways.schema_base import DEFAULT_LANGUAGE, LANGUAGE, Model, Slug, Text

#: The `labelled_messages` key for messages no FAQ entry answers (the care team replies).
NO_ANSWER = "no-answer"
TERM_REF = re.compile(r"\{([^{}]*)\}")
TERM_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
WORD = re.compile(r"^(?:[a-z0-9']+\*?|\*)$")


def _check_languages(value: dict) -> dict:
    for lang in value:
        if not LANGUAGE.match(lang):
            raise ValueError(f"'{lang}' is not a language code (like en or es)")
    return value


def _check_phrases(value: list[str]) -> list[str]:
    for i, phrase in enumerate(value):
        problem = phrase_problem(phrase, allow_terms=False)
        if problem:
            raise ValueError(f"[{i}] '{phrase}': {problem}")
    return value


def phrase_problem(phrase: str, allow_terms: bool) -> str | None:
    """Why a phrase (words, `word*`, and `{term}` when allowed) cannot be used, or None."""
    words = phrase.lower().split()
    if not words:
        return "is empty"
    for word in words:
        if allow_terms and word.startswith("{"):
            if not (word.endswith("}") and TERM_NAME.match(word[1:-1])):
                return f"'{word}' is not a term reference (like {{numb}})"
        elif not WORD.match(word):
            return f"'{word}' is not a plain word (letters and digits, optionally ending in *, or * for any word)"
    if all(word == "*" for word in words):
        return "'*' alone would match any word: name at least one word or term"
    return None


def sign_parts(sign: str) -> list[str]:
    """A sign's parts: 'numb* & {saddle}' -> ['numb*', '{saddle}']."""
    return [p.strip() for p in sign.split("&")]


Phrases = Annotated[list[str], AfterValidator(_check_phrases)]


class Negation(Model):
    """What changes a symptom's meaning: denied, hypothetical, past or over.

    A phrase that ends in a filler ("could the") needs that filler: "could the" is not "could".
    """

    #: Words that cancel a symptom that follows them: "no", "not", "without", "don't have".
    cues: Phrases = Field(min_length=1)
    #: Phrases that contain a cue or marker but do not act as one: "not sure", "than before", "went away when".
    pseudo: Phrases = []
    #: Words that make what follows hypothetical: "if", "what if", "risk of".
    hypothetical: Phrases = []
    #: Hypothetical words that hedge a report of now ("I might have", "may be getting"): a temperature reading
    #: hedged so, in a sentence with no `conditions` word before it, is also read from the temperature word
    #: nearest to it ("I think I might have a temperature, the thermometer says 38.6").
    hedges: Phrases = []
    #: Words that set a condition ("if", "in case", "when", "once").
    conditions: Phrases = []
    #: Phrases after a symptom that say it has been going on until now ("since yesterday", "since this morning"):
    #: a `conditions` word before the symptom then asks about it rather than imagines it ("do you need to see me if
    #: I'm having chills on and off since yesterday"). A denial still counts ("if I'm having no fever since ...").
    ongoing: Phrases = []
    #: Words that make what comes before them hypothetical, in a clause that starts with a `questions`
    #: word: "is leg weakness a risk?", "can fainting be a side effect?" (not "is my leg weakness a side effect?").
    hypothetical_after: Phrases = []
    #: Words that start a question: "is", "can", "will", "why".
    questions: Phrases = []
    #: Words after a symptom, in its clause, that take it as already there when a `definite` word comes right
    #: before it: then a hypothetical cue that starts a question does not count ("will the numbness wear off?",
    #: but "will I get a fever?" and "what if the bleeding won't stop?" stay hypothetical).
    lasting: Phrases = []
    #: Words that make a symptom a particular one, already there: "my", "this" (not "the": "the groin").
    definite: Phrases = []
    #: Words that put the symptoms of their clause in the past: "last year", "years ago", "as a child"; when one
    #: opens its clause or follows a back-reference, everything before it ("..., but that was years ago").
    past: Phrases = []
    #: Words that place their clause now, so a past marker in it does not count: "today", "since yesterday".
    recent: Phrases = []
    #: Long-standing causes other than the procedure, which make the symptoms of their clause not new, like
    #: `past`: "night sweats from the menopause", "numb toes from my diabetes".
    other_causes: Phrases = []
    #: People other than the patient (or the one a carer writes for), who make the symptoms of their clause not
    #: the patient's, like `past`: "my neighbour had an infection after his", "a friend at the club".
    other_people: Phrases = []
    #: Stories someone tells (television, a book, online): like `other_people`, but only in a clause that also
    #: names a `third_person` ("on a TV show a woman collapsed", not "listening to the radio and couldn't breathe").
    stories: Phrases = []
    #: Words for a third person ("she", "his", "a woman"). Another person's clause goes on into the next one that
    #: opens with "it" only when it names one ("my husband cut his hand and it won't stop bleeding").
    third_person: Phrases = []
    #: The writer's family as the one a symptom happens to: "my husband has", "his knee". They are the patient
    #: when a carer writes, so they count as `other_people` only when the message says the writer is the patient
    #: (`patient_writes`) and not that a carer writes (`carer_writes`): "my husband has a fever, can I still
    #: come in for my procedure?" is not urgent; "my husband has a fever since his procedure" is. May use `{term}`.
    family: list[str] = []
    #: The writer speaking of themself ("I", "my", "me"): a clause with one of these, besides another person's
    #: marker, is the writer's own ("my friend drove me home and it started bleeding"), not that person's.
    writer: Phrases = []
    #: The writer is the one having the procedure: "my procedure", "can I still come in", "driving me home".
    patient_writes: Phrases = []
    #: The writer cares for the one having it: "his procedure", "her follow up".
    carer_writes: Phrases = []
    #: Words that open a clause about the person just named: another person followed by one of these and then
    #: `carer_writes` is the patient ("the gentleman next door, who had his back done yesterday, is breathless").
    relatives: Phrases = []
    #: Words that say the symptoms before them in their clause are over: "went away", "cleared up".
    resolved: Phrases = []
    #: Words that point back to a symptom ("it", "that"): right before a resolved marker they let it reach the
    #: clause before too ("numb for an hour, but that wore off"); in a clause after a `contrasts` word that says
    #: a symptom now, they take up a body part named in the past clause before ("my leg was fine before the op,
    #: but now it's weak").
    back_references: Phrases = []
    #: Words for the writer's own one of what was just named ("mine"): at the start of the next clause they take
    #: up a symptom the clause before gives to someone else or to the past ("my friend's headaches are normal,
    #: but mine is worse standing").
    own_references: Phrases = []
    #: The writer saying they have what was just listed or asked about ("I've got both", "I have all three",
    #: "well I can't"): what that sentence and the one before ask about or list is reported, not asked.
    claims: Phrases = []
    #: Words that set what follows against what came before: "but", "now", "however".
    contrasts: Phrases = []
    #: Words that point back to everything said before ("all", "both", "everything"): right before a resolved
    #: marker they let it reach the start of the sentence ("a fever and chills, but it all cleared up").
    all_references: Phrases = []
    #: Words that, between a back-reference and an all-reference, still name no symptom ("it is all gone"): with
    #: any other word there ("the numbness is all gone") the marker closes only its own clause.
    linking_words: Phrases = []
    #: Words that, right before a resolved marker, say it has not happened ("won't clear up"); cues count too.
    unresolved: Phrases = []
    #: Words after a resolved marker that undo it: "came back", "again".
    returned: Phrases = []
    #: One-off events that need care even once over ("fainted", "fell", "wet myself"): a resolved marker does
    #: not undo a sign that mentions one ("passed out, all fine now"); a past marker does ("fainted years ago").
    events: Phrases = []
    #: Words that end a cue's reach and a clause: "but", "just". Sentence ends and commas always do, except
    #: the commas of a list ("no bleeding, fever or numbness").
    scope_breaks: Phrases = []
    #: Words that end a list: "or", "nor".
    list_words: Phrases = []
    #: Words that, after a colon and ending their item, deny what comes before the colon: "Fever: none.",
    #: "Bleeding: nil, legs: normal".
    denied_after: Phrases = []
    #: Words that make every item of the list after them hypothetical, "or" or not: "the form lists infection,
    #: bleeding, nerve damage", "risks like: dural tear, infection". The items must be short (`list_item_words`):
    #: "the risks, I have a fever now" is not a list.
    list_openers: Phrases = []
    list_item_words: int = Field(default=3, ge=1, le=10)
    #: Scope breaks that may only join words ("and"): when the next word is not one of `clause_starts`, the
    #: clause goes on ("had my op in 2015 and bled a lot afterwards", "chills and a fever last month").
    joins: Phrases = []
    #: Words that start a new clause after a join: a subject ("I", "my", "the"), "then", or a present-tense verb
    #: ("and can't pee", unlike the past "and bled a lot").
    clause_starts: Phrases = []
    #: How many words (fillers not counted) a cue reaches.
    window: int = Field(default=5, ge=1, le=20)


class LanguageRules(Model):
    negation: Negation
    fillers: Phrases = []
    #: Words too common to help BM25 tell FAQ entries apart.
    stopwords: Phrases = []
    terms: dict[str, Phrases] = {}
    #: Phrases that look like a symptom but are not one, whose words never count towards a sign: idioms
    #: ("gave me the chills", "weak at maths") and the everyday limits of stenosis ("{walking} is agony").
    not_symptoms: list[str] = []

    @model_validator(mode="after")
    def _term_names(self):
        for name, phrases in self.terms.items():
            if not TERM_NAME.match(name):
                raise ValueError(f"terms: '{name}' is not a term name (lower-case letters, digits and _)")
            if not phrases:
                raise ValueError(f"terms.{name}: needs at least one phrase")
        for where, phrases in (("not_symptoms", self.not_symptoms), ("negation.family", self.negation.family)):
            for i, phrase in enumerate(phrases):
                problem = phrase_problem(phrase, allow_terms=True)
                missing = [n for n in TERM_REF.findall(phrase) if n not in self.terms]
                if problem or missing:
                    raise ValueError(f"{where}[{i}] '{phrase}': {problem or f'{{{missing[0]}}} is not one of the terms'}")
        return self


class Temperature(Model):
    """A measured temperature at or above these raises the flag; below, fever words alone do not."""

    celsius: float = Field(ge=36, le=42)
    fahrenheit: float = Field(ge=96.8, le=107.6)
    #: Words that say a number nearby is a temperature ("temp", "fever", "degrees", "took tylenol").
    reading_words: Annotated[dict[str, Phrases], AfterValidator(_check_languages)]
    #: Words that raise the flag on their own unless a reading says otherwise ("fever", "burning up").
    fever_words: Annotated[dict[str, Phrases], AfterValidator(_check_languages)]


class PainScore(Model):
    """Pain scores the patient gives out of 10 ("3/10", "a 4 out of 10"): when every score in a message is below
    `severe_from`, the message itself says the pain is not severe, and the meaning check does not raise this flag
    (the word rules still do: "pain 5/10 but the tablets do nothing")."""

    severe_from: float = Field(gt=0, le=10)
    #: Words between a score and the 10 ("out of", "outta"); "3/10" needs none.
    out_of: Annotated[dict[str, Phrases], AfterValidator(_check_languages)]
    #: A score counts only in a sentence with one of these words ("pain", "sore", "back"): "parking 2/10" is no score.
    said_of: Annotated[dict[str, Phrases], AfterValidator(_check_languages)]
    #: A score in a clause with one of these says nothing of the pain now: "it was 2/10 before", "3/10 when I lie
    #: still", "3 out of 10 people".
    not_now: Annotated[dict[str, Phrases], AfterValidator(_check_languages)] = {}


class RedFlag(Model):
    id: Slug
    #: For the care team: what the category is.
    label: Text
    #: For the patient: what to do now (plain words).
    instruction: Text
    signs: Annotated[dict[str, list[str]], AfterValidator(_check_languages)]
    temperature: Temperature | None = None
    pain_score: PainScore | None = None
    #: Messages that report this red flag now, in the many ways patients say it: the meaning check
    #: (`QuestionBox.by_meaning`) compares each message with them.
    examples: Annotated[dict[str, list[str]], AfterValidator(_check_languages)] = {}

    @model_validator(mode="after")
    def _signs(self):
        if DEFAULT_LANGUAGE not in self.signs:
            raise ValueError(f"signs: needs an '{DEFAULT_LANGUAGE}' list")
        for lang, signs in self.signs.items():
            if not signs:
                raise ValueError(f"signs.{lang}: needs at least one sign")
            for i, sign in enumerate(signs):
                for part in sign_parts(sign):
                    problem = phrase_problem(part, allow_terms=True)
                    if problem:
                        raise ValueError(f"signs.{lang}[{i}] '{sign}': {problem}")
        return self


class Matching(Model):
    """Answer ranking: score = embedding_weight * cosine + (1 - embedding_weight) * bm25 / (bm25 + bm25_half).

    The best entry is given when score + margin_weight * (its lead over the runner-up) reaches
    abstain_below: a clear winner needs less similarity than one of several close candidates.
    """

    embedding_weight: float = Field(ge=0, le=1)
    #: An entry's cosine is the mean of its this many best-matching sentences.
    top_sentences: int = Field(default=2, ge=1, le=10)
    #: The BM25 score that counts as half of full agreement.
    bm25_half: float = Field(gt=0, le=100)
    #: How much the best entry's lead over the runner-up counts towards answering.
    margin_weight: float = Field(default=0.0, ge=0, le=10)
    #: Below this (score plus weighted lead) the box abstains: the care team replies instead.
    abstain_below: float = Field(ge=0, le=2)


class ByMeaning(Model):
    """Red flags by meaning, for phrasings the word rules miss: a message is urgent when its closest red-flag
    example is at least this similar (cosine) and leads the closest calm sentence by at least this much."""

    similarity_at_least: float = Field(ge=0, le=1)
    lead_at_least: float = Field(ge=-1, le=1)


class QuestionBox(Model):
    languages: Annotated[dict[str, LanguageRules], AfterValidator(_check_languages)]
    red_flags: list[RedFlag] = Field(min_length=1)
    matching: Matching
    #: Questions the box must not answer from the FAQ (costs, scheduling, directions...), per language:
    #: when a message is closer to these than to any FAQ entry, the care team replies.
    off_topic: Annotated[dict[str, list[str]], AfterValidator(_check_languages)] = {}
    #: Messages that sound alarming but are not red flags (denied, asked about, expected soreness, long past),
    #: per language: calm sentences for the meaning check, with the FAQ phrasings and off-topic examples.
    look_alikes: Annotated[dict[str, list[str]], AfterValidator(_check_languages)] = {}
    #: The meaning check's thresholds; without them only the word rules raise red flags.
    by_meaning: ByMeaning | None = None
    #: Patients' messages per language, under the FAQ entry id that answers each or NO_ANSWER (see the module
    #: docstring): examples for the ranking like phrasings and off-topic examples.
    labelled_messages: Annotated[dict[str, dict[str, list[str]]], AfterValidator(_check_languages)] = {}

    @field_validator("languages")
    @classmethod
    def _default_language(cls, value: dict) -> dict:
        if DEFAULT_LANGUAGE not in value:
            raise ValueError(f"needs an '{DEFAULT_LANGUAGE}' entry")
        return value

    @field_validator("red_flags")
    @classmethod
    def _references(cls, flags: list[RedFlag], info: ValidationInfo) -> list[RedFlag]:
        """Ids used once; every {term} a sign names exists in that language (checked even when other fields fail)."""
        languages: dict[str, LanguageRules] | None = info.data.get("languages")
        seen: set[str] = set()
        problems = []
        for i, flag in enumerate(flags):
            if flag.id in seen:
                problems.append(f"[{i}].id: the red flag id '{flag.id}' is used twice")
            seen.add(flag.id)
            if languages is None:
                continue
            for lang, signs in flag.signs.items():
                rules = languages.get(lang)
                if rules is None:
                    problems.append(f"[{i}].signs.{lang}: there is no languages.{lang} entry for its words")
                    continue
                for j, sign in enumerate(signs):
                    for name in TERM_REF.findall(sign):
                        if name not in rules.terms:
                            problems.append(f"[{i}].signs.{lang}[{j}]: '{{{name}}}' is not one of languages.{lang}.terms")
            for section, fields in (("temperature", ("reading_words", "fever_words")), ("pain_score", ("out_of", "said_of", "not_now"))):
                for field in fields if getattr(flag, section) else ():
                    for lang in getattr(getattr(flag, section), field):
                        if lang not in languages:
                            problems.append(f"[{i}].{section}.{field}.{lang}: there is no languages.{lang} entry")
        if problems:
            raise ValueError("; ".join(problems))
        return flags
