"""Every URL that takes a patient or journey id, found by walking the URL configuration (new routes are
covered without touching this file): another patient and another clinic's staff get 403 or 404 (or, for
the API, 401 for anyone who is not signed-in staff), anonymous users are sent to sign in, and nothing is written."""

from __future__ import annotations

import re

from django.test import Client
from django.urls import URLResolver, get_resolver

from carejourney.audit.models import AuditEntry
from carejourney.clinic.models import JourneyEvent

ID_NAMES = {"patient_id", "journey_id"}


def _walk(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _walk(p.url_patterns, prefix + str(p.pattern))
        else:
            yield prefix + str(p.pattern), p


def id_routes() -> list[str]:
    routes = []
    for route, pattern in _walk(get_resolver().url_patterns):
        names = set(getattr(pattern.pattern, "converters", {})) | set(re.findall(r"\(\?P<(\w+)>", route))
        if names & ID_NAMES:
            routes.append(route)
    return sorted(set(routes))


def fill(route: str, patient_id: int, journey_id: int) -> str:
    values = {"patient_id": patient_id, "journey_id": journey_id}

    def one(m):
        return str(values.get(m.group(1), 1))

    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", one, route)


def test_the_walk_finds_the_patient_routes():
    routes = id_routes()
    assert "console/patients/<int:patient_id>/" in routes
    assert "api/patients/<int:patient_id>/events" in routes
    assert len(routes) >= 8


def test_other_patients_other_clinics_and_anonymous_users_are_kept_out(world):
    victim = world.patient("recovery-2w-due", clinic="riverside")
    journey = victim.journeys.get()
    own_staff = world.staff_client("coordinator", "riverside")
    outsiders = {
        "another patient": world.patient_client("preparation", "riverside"),
        "another clinic's coordinator": world.staff_client("coordinator", "lakeview"),
        "another clinic's clinician": world.staff_client("clinician", "lakeview"),
        "another clinic's admin": world.staff_client("admin", "lakeview"),
    }
    events_before = JourneyEvent.objects.filter(journey=journey).count()
    checked = 0
    for route in id_routes():
        url = fill(route, victim.pk, journey.pk)
        api = url.startswith("/api/")
        for method in ("get", "post"):
            kwargs = {"content_type": "application/json", "data": "{}"} if api and method == "post" else {}
            own = getattr(own_staff, method)(url, **kwargs)
            if own.status_code == 405:
                continue
            assert own.status_code not in (403, 404), f"{method} {url}: the patient's own clinic gets {own.status_code}"
            checked += 1
            audit_before = AuditEntry.objects.filter(patient_id=victim.pk).count()
            # Outsiders send a body the API would accept, so the refusal is about who they are.
            attempt = ({"content_type": "application/json", "data": '{"type": "withdrawn", "data": {"reason": "x"}}'}
                       if api and method == "post" else {})
            for who, client in outsiders.items():
                r = getattr(client, method)(url, **attempt)
                allowed = {403, 404} | ({401} if api else set())
                assert r.status_code in allowed, f"{who}: {method} {url} -> {r.status_code}"
            anon = getattr(Client(), method)(url, **attempt)
            if api:
                assert anon.status_code == 401, f"anonymous: {method} {url} -> {anon.status_code}"
            else:
                assert anon.status_code == 302 and anon["Location"].startswith("/accounts/login/"), f"anonymous: {method} {url}"
            assert AuditEntry.objects.filter(patient_id=victim.pk).count() == audit_before, f"{method} {url} audited an outsider"
    assert checked >= 8
    # The own clinic's posts were empty forms (refused); outsiders changed nothing.
    assert JourneyEvent.objects.filter(journey=journey).count() == events_before
