"""The "message my care team" box: triage by the question box when it is installed, then store the message."""

from __future__ import annotations

import importlib
import importlib.util
import logging
from dataclasses import dataclass
from typing import Any

from carejourney.clinic import records
from carejourney.clinic.models import Journey
from carejourney.pathways.events import MESSAGE_MAX_LENGTH, RED_FLAG_EVIDENCE_MAX_LENGTH, Actor
from carejourney.pathways.schema import Pathway

log = logging.getLogger(__name__)
MAX_LENGTH = MESSAGE_MAX_LENGTH


@dataclass(frozen=True)
class Triage:
    faq_id: str | None = None
    urgent: bool = False
    red_flag: str | None = None
    confidence: float | None = None
    #: What raised the red flag, for the care team.
    evidence: str | None = None


def triage(pathway: Pathway, text: str) -> Triage:
    """The question box's reading of a message; without it, every message waits for the care team."""
    if importlib.util.find_spec("carejourney.questions.box") is None:
        return Triage()
    box = importlib.import_module("carejourney.questions.box")
    try:
        found = box.triage(pathway, text)
    except Exception:  # the message must still reach the care team
        log.exception("question box failed; the message goes to the care team unanswered")
        return Triage()
    known = {f.id for f in pathway.faq}
    faq_id = found.faq_id if found.faq_id in known else None
    confidence = found.confidence
    if confidence is not None:
        confidence = min(1.0, max(0.0, float(confidence)))
    evidence = ((found.evidence or "")[:RED_FLAG_EVIDENCE_MAX_LENGTH] or None) if found.urgent else None
    return Triage(faq_id, bool(found.urgent), found.red_flag or None, confidence, evidence)


def send(journey: Journey, pathway: Pathway, text: str, actor: Actor, channel: str = "portal") -> tuple[int, Triage]:
    t = triage(pathway, text)
    view = records.record(journey, "message-received", {
        "text": text, "channel": channel, "faq_id": t.faq_id, "urgent": t.urgent, "red_flag": t.red_flag,
        "red_flag_evidence": t.evidence, "confidence": t.confidence,
    }, actor=actor)
    return view.state.events[-1].seq, t


def threads(state) -> list[dict[str, Any]]:
    """Each message with its acknowledgement and replies, newest first."""
    out: dict[int, dict[str, Any]] = {}
    for e in state.events:
        if e.type == "message-received":
            d = e.data
            out[e.seq] = {"seq": e.seq, "at": e.at, "text": d.text, "channel": d.channel, "faq_id": d.faq_id,
                          "urgent": d.urgent, "red_flag": d.red_flag, "evidence": d.red_flag_evidence,
                          "confidence": d.confidence,
                          "acknowledged": None, "replies": [], "by_role": e.actor.role}
        elif e.type == "message-acknowledged" and e.data.message_seq in out:
            out[e.data.message_seq]["acknowledged"] = e.at
        elif e.type == "message-replied" and e.data.message_seq in out:
            out[e.data.message_seq]["replies"].append({"at": e.at, "text": e.data.text, "by": e.actor.label})
    return sorted(out.values(), key=lambda m: m["seq"], reverse=True)
