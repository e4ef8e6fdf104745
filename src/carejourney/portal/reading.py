"""Reading a patient's current journey for a page: the same replay as `records.load`, with two savings.

- A pathway version's text never changes, so `records.load` parses it once per process (see
  `pathway_store.pathway_by_id`) instead of fetching it with every journey.
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
from carejourney.clinic import records
from carejourney.clinic.models import Patient

_VIEWS: OrderedDict[tuple, tuple] = OrderedDict()
_VIEWS_MAX = 4096
_LOCK = threading.Lock()
CACHE_VIEWS = settings.VIEW_CACHE


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
    loaded = records.load(journey, clock.now)
    path, state = loaded.pathway, loaded.state
    view = journey_core.compose(path, state, clock, patient.birth_date)
    data = journey_core.view_dict(path, view, clock)
    if CACHE_VIEWS and projection is not None and projection.event_count == len(state.events):
        with _LOCK:
            _VIEWS[key] = (path, state, view, data)
            while len(_VIEWS) > _VIEWS_MAX:
                _VIEWS.popitem(last=False)
    return loaded, view, data
