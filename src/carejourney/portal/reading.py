"""Reading a patient's current journey for a page: the same replay as `records.load`, with two savings.

- A pathway version's text never changes, so it is parsed once per process and kept by version id instead
  of being fetched with every journey.
- The composed view is kept per process for (journey, number of events and projection time, day in the
  clinic's zone): a new event (or a rebuild) or a new day gives a new key, so a kept view is never stale.
  CAREJOURNEY_VIEW_CACHE=0 turns it off.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

from django.conf import settings

from carejourney import journey as journey_core
from carejourney.clinic import pathway_store, records
from carejourney.clinic.models import Patient, PathwayVersion
from carejourney.pathways import engine
from carejourney.pathways.schema import Pathway

_PATHWAYS: dict[int, Pathway] = {}
_VIEWS: OrderedDict[tuple, tuple] = OrderedDict()
_VIEWS_MAX = 4096
_LOCK = threading.Lock()
CACHE_VIEWS = settings.VIEW_CACHE


def pathway(version_id: int) -> Pathway:
    found = _PATHWAYS.get(version_id)
    if found is None:
        found = _PATHWAYS[version_id] = pathway_store.pathway_of(PathwayVersion.objects.get(pk=version_id))
    return found


def read(patient: Patient) -> tuple[records.Loaded, journey_core.JourneyView, dict[str, Any]] | None:
    """(loaded, view, view_dict) for the patient's current journey, or None without one."""
    journey = (patient.journeys.select_related("projection").defer("pathway__content")
               .order_by("-started_at", "-pk").first())
    if journey is None:
        return None
    journey.patient = patient
    clinic = patient.clinic
    clock = records.clock_for(clinic)
    projection = getattr(journey, "projection", None)
    key = (journey.pk, projection.event_count, projection.updated_at, clinic.timezone, clock.today,
           patient.birth_date) if projection else None
    if CACHE_VIEWS and projection is not None:
        with _LOCK:
            found = _VIEWS.get(key)
            if found is not None:
                _VIEWS.move_to_end(key)
        if found is not None:
            path, state, view, data = found
            return records.Loaded(journey, path, state, clock), view, data
    path = pathway(journey.pathway_id)
    rows = journey.events.order_by("seq").only("seq", "type", "at", "actor_user_id", "actor_role", "actor_label", "data")
    state = engine.fold(path, [records.core_event(r, clinic) for r in rows], clock)
    view = journey_core.compose(path, state, clock, patient.birth_date)
    data = journey_core.view_dict(path, view, clock)
    if CACHE_VIEWS and projection is not None and projection.event_count == len(state.events):
        with _LOCK:
            _VIEWS[key] = (path, state, view, data)
            while len(_VIEWS) > _VIEWS_MAX:
                _VIEWS.popitem(last=False)
    return records.Loaded(journey, path, state, clock), view, data
