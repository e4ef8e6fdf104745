"""The care team's view of one journey: everything the patient page and the API show."""

from __future__ import annotations

from typing import Any

from carejourney.clinic.models import Patient
from carejourney.portal import messaging, reading


def journey_data(patient: Patient) -> tuple[Any, Any, dict[str, Any]] | None:
    """(loaded, view, view_dict) for the patient's current journey, or None."""
    return reading.read(patient)


def events(state) -> list[dict[str, Any]]:
    return [
        {"seq": e.seq, "type": e.type, "at": e.at, "actor_role": e.actor.role, "actor_label": e.actor.label,
         "data": e.data_dict()}
        for e in reversed(state.events)
    ]


def threads(state) -> list[dict[str, Any]]:
    return messaging.threads(state)
