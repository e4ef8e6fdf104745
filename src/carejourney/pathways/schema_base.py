"""Building blocks shared by every part of the pathway schema: language-keyed text, ids, the base model."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from carejourney.pathways.events import EVENT_TYPES

LANGUAGE = re.compile(r"^[a-z]{2}(-[A-Z]{2})?$")
DEFAULT_LANGUAGE = "en"
Slug = Annotated[str, Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=64)]
Role = Literal["patient", "coordinator", "clinician", "admin"]
STAFF_ROLES: tuple[Role, ...] = ("coordinator", "clinician", "admin")


def _check_text(value: dict[str, str]) -> dict[str, str]:
    for lang, text in value.items():
        if not LANGUAGE.match(lang):
            raise ValueError(f"'{lang}' is not a language code (like en or es)")
        if not text.strip():
            raise ValueError(f"the '{lang}' text is empty")
    if DEFAULT_LANGUAGE not in value:
        raise ValueError(f"needs an '{DEFAULT_LANGUAGE}' text")
    return value


#: Patient-facing text keyed by language: {"en": "...", "es": "..."}.
Text = Annotated[dict[str, str], AfterValidator(_check_text)]


def _check_phrasings(value: dict[str, list[str]]) -> dict[str, list[str]]:
    for lang in value:
        if not LANGUAGE.match(lang):
            raise ValueError(f"'{lang}' is not a language code (like en or es)")
    return value


def _known_event(value: str) -> str:
    if value not in EVENT_TYPES:
        raise ValueError(f"'{value}' is not a known event type (known: {', '.join(EVENT_TYPES)})")
    return value


EventType = Annotated[str, AfterValidator(_known_event)]
Scalar = str | int | float | bool


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
