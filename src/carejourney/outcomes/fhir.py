"""FHIR R4 for outcomes: checking a clinic's licensed Questionnaire wording against an instrument, and
exporting a patient's answers (QuestionnaireResponse) and scores (Observation) as a Bundle.

Validated with fhir.resources' R4B models (R4B changes nothing in these resources from R4; the
installed fhir.resources 8 ships R4B, not R4).
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from pydantic import ValidationError

from carejourney.outcomes.instruments import INSTRUMENTS, MAX_EXT, MIN_EXT, URL, Instrument, instrument
from carejourney.outcomes.report import LABELS
from carejourney.outcomes.trajectory import Measurement
from carejourney.pathways.events import Event

MEASURE_SYSTEM = "urn:carejourney:measure"
UCUM = "http://unitsofmeasure.org"
NS = uuid.UUID("6f1c2a1e-9d1b-4c47-9a63-3f2b8d0c0a11")


class WordingMismatch(ValueError):
    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


def _fhir_errors(exc: ValidationError) -> list[str]:
    out = []
    for err in exc.errors()[:10]:
        loc = ".".join(str(p) for p in err["loc"]) or "(top)"
        out.append(f"{loc}: {err['msg']}")
    return out


def validate(resource: dict[str, Any]) -> None:
    """Raise WordingMismatch if `resource` is not a valid FHIR R4 resource of its resourceType."""
    from fhir.resources.R4B import get_fhir_model_class

    kind = resource.get("resourceType") if isinstance(resource, dict) else None
    if not isinstance(kind, str):
        raise WordingMismatch(["resourceType: missing (this is not a FHIR resource)"])
    try:
        model = get_fhir_model_class(kind)
    except (KeyError, ValueError):
        raise WordingMismatch([f"resourceType: '{kind}' is not a FHIR R4 resource type"]) from None
    try:
        model.model_validate(resource)
    except ValidationError as exc:
        raise WordingMismatch(_fhir_errors(exc)) from None


def guess_instrument(questionnaire: dict[str, Any]) -> str | None:
    """The instrument a Questionnaire is for, from its url, id or name (e.g. urn:carejourney:questionnaire:odi)."""
    for value in (questionnaire.get("url"), questionnaire.get("id"), questionnaire.get("name")):
        if isinstance(value, str):
            last = value.rstrip("/").rsplit("/", 1)[-1].rsplit(":", 1)[-1].lower().replace("_", "-")
            if last in INSTRUMENTS:
                return last
    return None


def _leaves(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for item in items or []:
        if item.get("type") == "group" or (item.get("item") and item.get("type") in (None, "display")):
            out += _leaves(item.get("item", []))
        elif item.get("type") != "display":
            out.append(item)
    return out


def _option_value(option: dict[str, Any]) -> int | None:
    if "valueInteger" in option:
        return option["valueInteger"]
    raw = option.get("valueCoding", {}).get("code") if "valueCoding" in option else option.get("valueString")
    try:
        return int(raw)
    except (TypeError, ValueError):
        return None


def check_questionnaire(instrument_id: str, questionnaire: dict[str, Any]) -> Instrument:
    """Refuse (WordingMismatch, every problem listed) wording that is not valid FHIR R4 or does not have the
    instrument's structure: the same item linkIds, answer types and answer values."""
    if not isinstance(questionnaire, dict) or questionnaire.get("resourceType") != "Questionnaire":
        kind = questionnaire.get("resourceType") if isinstance(questionnaire, dict) else type(questionnaire).__name__
        raise WordingMismatch([f"resourceType: expected Questionnaire, found {kind}"])
    validate(questionnaire)
    ins = instrument(instrument_id)
    leaves = _leaves(questionnaire.get("item", []))
    found = {i["linkId"]: i for i in leaves}
    expected = [i.id for i in ins.items]
    problems = []
    missing = [x for x in expected if x not in found]
    extra = [x for x in found if x not in expected]
    if missing:
        problems.append(f"items missing for {ins.id}: {', '.join(missing)} (expected linkIds: {', '.join(expected)})")
    if extra:
        problems.append(f"items that {ins.id} does not have: {', '.join(extra)}")
    if len(leaves) != len(found):
        problems.append("item: a linkId is used twice")
    for item in ins.items:
        theirs = found.get(item.id)
        if theirs is None:
            continue
        where = f"item {item.id}"
        if not str(theirs.get("text", "")).strip():
            problems.append(f"{where}: has no text")
        if item.kind == "choice":
            if theirs.get("type") != "choice":
                problems.append(f"{where}: type must be choice, not {theirs.get('type')}")
                continue
            options = theirs.get("answerOption", [])
            values = [_option_value(o) for o in options]
            if None in values or sorted(values) != sorted(item.values):
                shown = ", ".join("?" if v is None else str(v) for v in values)
                problems.append(f"{where}: answer values must be {', '.join(map(str, item.values))} (found {shown or 'none'})")
            for o in options:
                words = o.get("valueCoding", {}).get("display") if "valueCoding" in o else o.get("valueString", "x")
                if not str(words or "").strip():
                    problems.append(f"{where}: an answer has no words (valueCoding.display)")
                    break
        else:
            if theirs.get("type") not in ("integer", "decimal"):
                problems.append(f"{where}: type must be integer, not {theirs.get('type')}")
                continue
            ext = {e.get("url"): e.get("valueInteger", e.get("valueDecimal")) for e in theirs.get("extension", [])}
            for url, want, name in ((MIN_EXT, item.low, "minValue"), (MAX_EXT, item.high, "maxValue")):
                if url in ext and ext[url] != want:
                    problems.append(f"{where}: {name} must be {want}, not {ext[url]}")
    if problems:
        raise WordingMismatch(problems)
    return ins


def _uuid(*parts: Any) -> str:
    return "urn:uuid:" + str(uuid.uuid5(NS, ":".join(map(str, parts))))


def questionnaire_response(patient_id: int, journey_id: int, event: Event) -> tuple[str, dict[str, Any]]:
    data = event.data
    ins = instrument(data.instrument)
    answers = dict(data.answers)
    sections = []
    for section in ins.sections:
        items = []
        for item in section.items:
            value = answers.get(item.id)
            if value is None:
                continue
            if item.kind == "choice":
                words = dict(item.options)[int(value)]
                answer = {"valueCoding": {"system": URL + ins.id, "code": str(int(value)), "display": words}}
            else:
                answer = {"valueInteger": int(value)}
            items.append({"linkId": item.id, "text": item.text, "answer": [answer]})
        if items:
            sections.append({"linkId": section.id, "text": section.title, "item": items})
    full_url = _uuid("qr", journey_id, event.seq)
    return full_url, {
        "resourceType": "QuestionnaireResponse",
        "identifier": {"system": "urn:carejourney:journey-event", "value": f"{journey_id}-{event.seq}"},
        "questionnaire": URL + ins.id,
        "status": "completed",
        "subject": {"reference": f"Patient/{patient_id}"},
        "authored": event.at.isoformat(),
        "item": sections,
    }


def _unit(instrument_id: str) -> dict[str, str]:
    if instrument_id == "odi":
        return {"unit": "%", "system": UCUM, "code": "%"}
    if instrument_id.endswith("-tolerance"):
        return {"unit": "min", "system": UCUM, "code": "min"}
    return {"unit": "score", "system": UCUM, "code": "{score}"}


def observation(patient_id: int, m: Measurement, at: dt.datetime, response_url: str) -> dict[str, Any]:
    label = LABELS.get(m.key, m.key)
    obs: dict[str, Any] = {
        "resourceType": "Observation",
        "status": "final",
        "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/observation-category", "code": "survey",
                                  "display": "Survey"}]}],
        "code": {"coding": [{"system": MEASURE_SYSTEM, "code": m.key, "display": label}], "text": label},
        "subject": {"reference": f"Patient/{patient_id}"},
        "effectiveDateTime": at.isoformat(),
        "valueQuantity": {"value": round(m.value, 4), **_unit(m.instrument)},
        "derivedFrom": [{"reference": response_url}],
        "note": [{"text": f"timepoint: {m.timepoint}"}],
    }
    if m.band:
        obs["interpretation"] = [{"text": m.band}]
    components = []
    if m.change is not None:
        components.append({"code": {"text": f"change from {m.reference_timepoint}"},
                           "valueQuantity": {"value": round(m.change, 4), **_unit(m.instrument)}})
    if m.responder is not None:
        components.append({"code": {"text": "responder"}, "valueBoolean": m.responder})
    if components:
        obs["component"] = components
    return obs


def bundle(patient_id: int, journey_id: int, submissions: list[Event], measured: list[Measurement],
           now: dt.datetime) -> dict[str, Any]:
    """A collection Bundle: one QuestionnaireResponse per submission, one Observation per scored measure."""
    entries = []
    by_seq = {}
    for event in submissions:
        url, resource = questionnaire_response(patient_id, journey_id, event)
        by_seq[event.seq] = (url, event.at)
        entries.append({"fullUrl": url, "resource": resource})
    for m in measured:
        url, at = by_seq[m.seq]
        entries.append({"fullUrl": _uuid("obs", journey_id, m.seq, m.measure), "resource": observation(patient_id, m, at, url)})
    out = {"resourceType": "Bundle", "type": "collection", "timestamp": now.isoformat(), "entry": entries}
    validate(out)
    return out


def form(instrument_id: str, questionnaire: dict[str, Any], after_treatment: bool) -> list[dict[str, Any]]:
    """The screens of a questionnaire form, one section each, in the instrument's structure with the words of
    `questionnaire` (built-in or a clinic's checked licensed wording, matched by linkId and answer code).

    Each section: {id, title, items: [{id, text, kind: choice|number, options: [(value, words)], low, high, unit,
    anchors}]}; after-treatment-only sections are left out before treatment."""
    ins = instrument(instrument_id)
    theirs = {i["linkId"]: i for i in _leaves(questionnaire.get("item", []))}
    groups = {i["linkId"]: i for i in questionnaire.get("item", []) if i.get("type") == "group"}
    out = []
    for section in ins.sections:
        if section.after_treatment_only and not after_treatment:
            continue
        items = []
        for item in section.items:
            q = theirs.get(item.id, {})
            words = {_option_value(o): (o.get("valueCoding", {}).get("display") or o.get("valueString")) for o in q.get("answerOption", [])}
            items.append({
                "id": item.id, "text": q.get("text") or item.text, "kind": item.kind,
                "options": [(v, words.get(v) or default) for v, default in item.options],
                "low": item.low, "high": item.high, "unit": item.unit, "anchors": item.anchors,
            })
        out.append({"id": section.id, "title": groups.get(section.id, {}).get("text") or section.title, "items": items})
    return out
