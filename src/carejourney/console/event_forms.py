"""Forms for recording events, built from the event vocabulary so every type (and every new field) has one.

The server turns the posted fields into event data and lets the validator and the engine judge it:
their messages are what the care team sees.
"""

from __future__ import annotations

import datetime as dt
import types
import typing
from dataclasses import dataclass, field
from typing import Any

from carejourney.pathways.events import EVENT_TYPES, HAPPENED_AT_FIELD, LEVELS
from carejourney.pathways.schema import Pathway

#: Recorded elsewhere: enrolment starts a journey; candidacy and messages have their own panels;
#: questionnaires their own forms.
NOT_HERE = {"enrolled", "candidacy-assessed", "message-acknowledged", "message-replied", "questionnaire-submitted"}
LONG_TEXT = {"note", "reason", "text"}


@dataclass
class Field:
    name: str
    kind: str  # bool, choice, levels, list, date, datetime, int, float, text, textarea
    required: bool
    choices: list[str] = field(default_factory=list)
    value: Any = None


def _unwrap(annotation) -> tuple[Any, bool]:
    """(inner type, optional?) for X | None."""
    args = typing.get_args(annotation)
    if typing.get_origin(annotation) in (typing.Union, types.UnionType) and type(None) in args:
        inner = [a for a in args if a is not type(None)]
        return inner[0], True
    return annotation, False


def _base(annotation):
    if typing.get_origin(annotation) is typing.Annotated:
        return typing.get_args(annotation)[0]
    return annotation


def _kind(annotation) -> tuple[str, list[str]]:
    t = _base(annotation)
    origin = typing.get_origin(t)
    if t is bool:
        return "bool", []
    if origin is typing.Literal:
        return "choice", [str(a) for a in typing.get_args(t)]
    if origin is list:
        inner = _base(typing.get_args(t)[0])
        if typing.get_origin(inner) is typing.Literal and set(typing.get_args(inner)) == set(LEVELS):
            return "levels", list(LEVELS)
        return "list", []
    if t is dt.datetime:
        return "datetime", []
    if t is dt.date:
        return "date", []
    if t is int:
        return "int", []
    if t is float:
        return "float", []
    if origin is dict:
        return "unsupported", []
    return "text", []


def fields_for(event_type: str, pathway: Pathway) -> list[Field]:
    model = EVENT_TYPES[event_type]
    out = []
    for name, info in model.model_fields.items():
        inner, optional = _unwrap(info.annotation)
        kind, choices = _kind(inner)
        if kind == "text" and name in LONG_TEXT:
            kind = "textarea"
        if event_type == "prep-confirmed" and name == "item":
            kind, choices = "choice", [i.id for _, i in pathway.checklist_items() if i.done_when.event == event_type]
        if event_type == "follow-up-completed" and name == "visit":
            kind, choices = "choice", [v.id for v in pathway.visits if v.done_when.event == event_type]
        out.append(Field(name, kind, info.is_required(), choices))
    return out


def recordable(pathway: Pathway) -> list[str]:
    used = {r.event for r in pathway.events}
    return [t for t in EVENT_TYPES if t in used and t not in NOT_HERE]


def parse(event_type: str, pathway: Pathway, post) -> tuple[dict[str, Any], str | None]:
    """Posted fields -> (raw event data, raw event time). Empty fields are left out."""
    raw: dict[str, Any] = {}
    for f in fields_for(event_type, pathway):
        key = f"{event_type}--{f.name}"
        if f.kind == "levels":
            values = [v for v in post.getlist(key) if v]
            if values or f.required:
                raw[f.name] = values
            continue
        value = post.get(key, "").strip()
        if value == "":
            continue
        if f.kind == "bool":
            raw[f.name] = {"yes": True, "no": False}.get(value, value)
        elif f.kind == "list":
            raw[f.name] = [v.strip() for v in value.split(",") if v.strip()]
        elif f.kind == "int":
            raw[f.name] = int(value) if value.lstrip("-").isdigit() else value
        elif f.kind == "float":
            try:
                raw[f.name] = float(value)
            except ValueError:
                raw[f.name] = value
        else:
            raw[f.name] = value
    at = post.get(f"{event_type}--_at", "").strip() or None
    if event_type in HAPPENED_AT_FIELD:
        at = None
    return raw, at


def form_fields(event_type: str, pathway: Pathway, post=None) -> list[Field]:
    fields = fields_for(event_type, pathway)
    if post is not None:
        for f in fields:
            key = f"{event_type}--{f.name}"
            f.value = post.getlist(key) if f.kind == "levels" else post.get(key, "")
    return [f for f in fields if f.kind != "unsupported"]
