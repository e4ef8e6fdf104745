"""The question box's section of a pathway: red flags and answer matching.

Everything the question box knows lives here, so a clinic can edit it without touching code:

- `languages.<lang>`: the words of one language. `terms` are named word lists that red-flag signs use
  as `{name}`; `negation` says which words cancel a symptom ("no fever"), which only look like a
  negation ("not sure"), which make it hypothetical ("what if I get a fever") and which end their reach
  ("no fever, just sore"); `fillers` are words skipped when matching ("my", "the").
- `red_flags`: one entry per category with the instruction patients see and the signs, per language,
  that raise it. A sign is one or more parts joined by `&` that must all appear in one sentence, in
  any order; a part is consecutive words, where `word*` matches any word starting with `word` and
  `{term}` any phrase of that term.
- `off_topic`: examples of questions the FAQ does not answer, so similar ones get no answer either.
- `matching`: how answers are ranked and when the box abstains (weights and threshold calibrated on
  data by `scripts/eval_questions.py --calibrate`).
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, Field, ValidationInfo, field_validator, model_validator

from carejourney.pathways.schema_base import DEFAULT_LANGUAGE, LANGUAGE, Model, Slug, Text

TERM_REF = re.compile(r"\{([^{}]*)\}")
TERM_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
WORD = re.compile(r"^[a-z0-9']+\*?$")


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
            return f"'{word}' is not a plain word (letters and digits, optionally ending in *)"
    return None


def sign_parts(sign: str) -> list[str]:
    """A sign's parts: 'numb* & {saddle}' -> ['numb*', '{saddle}']."""
    return [p.strip() for p in sign.split("&")]


Phrases = Annotated[list[str], AfterValidator(_check_phrases)]


class Negation(Model):
    #: Words that cancel a symptom that follows them: "no", "not", "without", "don't have".
    cues: Phrases = Field(min_length=1)
    #: Phrases that contain a cue but do not negate: "not sure", "don't know".
    pseudo: Phrases = []
    #: Words that make what follows hypothetical: "if", "what if", "risk of".
    hypothetical: Phrases = []
    #: Words that end a cue's reach: "but", "just". Sentence ends and commas always do.
    scope_breaks: Phrases = []
    #: How many words (fillers not counted) a cue reaches.
    window: int = Field(default=5, ge=1, le=20)


class LanguageRules(Model):
    negation: Negation
    fillers: Phrases = []
    #: Words too common to help BM25 tell FAQ entries apart.
    stopwords: Phrases = []
    terms: dict[str, Phrases] = {}

    @model_validator(mode="after")
    def _term_names(self):
        for name, phrases in self.terms.items():
            if not TERM_NAME.match(name):
                raise ValueError(f"terms: '{name}' is not a term name (lower-case letters, digits and _)")
            if not phrases:
                raise ValueError(f"terms.{name}: needs at least one phrase")
        return self


class Temperature(Model):
    """A measured temperature at or above these raises the flag; below, fever words alone do not."""

    celsius: float = Field(ge=36, le=42)
    fahrenheit: float = Field(ge=96.8, le=107.6)
    #: Words that say a number nearby is a temperature ("temp", "fever", "degrees").
    reading_words: Annotated[dict[str, Phrases], AfterValidator(_check_languages)]
    #: Words that raise the flag on their own unless a reading says otherwise ("fever", "burning up").
    fever_words: Annotated[dict[str, Phrases], AfterValidator(_check_languages)]


class RedFlag(Model):
    id: Slug
    #: For the care team: what the category is.
    label: Text
    #: For the patient: what to do now (plain words).
    instruction: Text
    signs: Annotated[dict[str, list[str]], AfterValidator(_check_languages)]
    temperature: Temperature | None = None

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
    """Answer ranking: score = embedding_weight * cosine + (1 - embedding_weight) * bm25 / (bm25 + bm25_half)."""

    embedding_weight: float = Field(ge=0, le=1)
    #: An entry's cosine is the mean of its this many best-matching sentences.
    top_sentences: int = Field(default=2, ge=1, le=10)
    #: The BM25 score that counts as half of full agreement.
    bm25_half: float = Field(gt=0, le=100)
    #: Below this score the box abstains: the care team replies instead.
    abstain_below: float = Field(ge=0, le=1)


class QuestionBox(Model):
    languages: Annotated[dict[str, LanguageRules], AfterValidator(_check_languages)]
    red_flags: list[RedFlag] = Field(min_length=1)
    matching: Matching
    #: Questions the box must not answer from the FAQ (costs, scheduling, directions...), per language:
    #: when a message is closer to these than to any FAQ entry, the care team replies.
    off_topic: Annotated[dict[str, list[str]], AfterValidator(_check_languages)] = {}

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
            if flag.temperature:
                for field in ("reading_words", "fever_words"):
                    for lang in getattr(flag.temperature, field):
                        if lang not in languages:
                            problems.append(f"[{i}].temperature.{field}.{lang}: there is no languages.{lang} entry")
        if problems:
            raise ValueError("; ".join(problems))
        return flags
