"""A clinic's licensed instrument wording: imported from FHIR R4 Questionnaire JSON, checked against the
instrument's structure, and chosen over carejourney's own wording when a form is shown."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.utils import timezone

from carejourney.clinic.models import Clinic
from carejourney.outcomes.fhir import WordingMismatch, check_questionnaire, guess_instrument
from carejourney.outcomes.instruments import INSTRUMENTS, questionnaire
from carejourney.results.models import InstrumentWording

BUILTIN_LABEL = "carejourney"


def import_wording(questionnaire_json: Any, *, instrument: str | None = None, clinic: Clinic | None = None,
                   label: str | None = None, source: str = "") -> InstrumentWording:
    """Store checked wording; raises WordingMismatch (every problem listed) and then stores nothing."""
    if instrument is None:
        instrument = guess_instrument(questionnaire_json) if isinstance(questionnaire_json, dict) else None
        if instrument is None:
            raise WordingMismatch([
                "cannot tell which instrument this wording is for from its url, id or name: "
                f"name it (one of {', '.join(INSTRUMENTS)})"
            ])
    elif instrument not in INSTRUMENTS:
        raise WordingMismatch([f"'{instrument}' is not an instrument (instruments: {', '.join(INSTRUMENTS)})"])
    check_questionnaire(instrument, questionnaire_json)
    language = questionnaire_json.get("language") or "en"
    text = json.dumps(questionnaire_json, sort_keys=True)
    sha = hashlib.sha256(text.encode()).hexdigest()
    label = (label or questionnaire_json.get("title") or questionnaire_json.get("name") or f"{instrument} {sha[:8]}").strip()[:200]
    if label == BUILTIN_LABEL:
        raise WordingMismatch([f"the label '{BUILTIN_LABEL}' names the built-in wording: choose another"])
    return InstrumentWording.objects.create(
        instrument=instrument, clinic=clinic, language=language, label=label, questionnaire=questionnaire_json,
        sha256=sha, source=source[:300], imported_at=timezone.now(),
    )


def questionnaire_for(instrument: str, clinic: Clinic | None = None, language: str = "en") -> tuple[dict[str, Any], str]:
    """(FHIR Questionnaire, wording label) to show: the clinic's newest import, then one for every clinic,
    then carejourney's own. Record the label in the submission's `wording`."""
    qs = InstrumentWording.objects.filter(instrument=instrument, language=language).order_by("-imported_at", "-pk")
    found = (qs.filter(clinic=clinic).first() if clinic else None) or qs.filter(clinic__isnull=True).first()
    if found is not None:
        return found.questionnaire, found.label
    return questionnaire(instrument, language), BUILTIN_LABEL
