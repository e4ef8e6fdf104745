"""The JSON API: token auth, scoping and audit like the pages, and schemathesis against its OpenAPI."""

from __future__ import annotations

import json

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error, response_schema_conformance

from django.core import signals
from django.db import close_old_connections

from carejourney.accounts.models import ApiToken
from carejourney.audit.models import AuditEntry
from carejourney.clinic.models import JourneyEvent


@pytest.fixture
def token(world):
    _, key = ApiToken.issue(world.staff("clinician").user, "test integration")
    return key


def bearer(key):
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_openapi_and_docs_are_published(client):
    spec = client.get("/api/openapi.json").json()
    assert {"/api/worklist", "/api/patients", "/api/patients/{patient_id}", "/api/patients/{patient_id}/events"} <= set(spec["paths"])
    docs = client.get("/api/docs")
    assert docs.status_code == 200 and b"swagger-ui" in docs.content


def test_a_token_reads_and_records_within_its_clinic_and_is_audited(world, client, token):
    p = world.patient("prep-incomplete")
    r = client.get(f"/api/patients/{p.pk}", **bearer(token))
    assert r.status_code == 200 and r.json()["journey"]["step"] == "preparation"
    entry = AuditEntry.objects.filter(patient_id=p.pk).latest("id")
    assert (entry.action, entry.role, entry.username) == ("api:view-patient", "clinician", "clinician@riverside.demo.carejourney.test")
    r = client.post(f"/api/patients/{p.pk}/events", json.dumps({"type": "prep-confirmed", "data": {"item": "blood-thinners-reviewed"}}),
                    content_type="application/json", **bearer(token))
    assert r.status_code == 201
    assert any(c["id"] == "blood-thinners-reviewed" and c["done"] for c in r.json()["journey"]["checklist"])
    assert AuditEntry.objects.filter(patient_id=p.pk, action="api:record:prep-confirmed").exists()


def test_api_errors_name_the_problem_and_change_nothing(world, client, token):
    p = world.patient("prep-incomplete")
    before = JourneyEvent.objects.filter(journey__patient=p).count()
    r = client.post(f"/api/patients/{p.pk}/events", json.dumps({"type": "procedure-performed", "data": {"duration_min": 0}}),
                    content_type="application/json", **bearer(token))
    assert r.status_code == 400
    assert "data.at: is required" in r.json()["problems"]
    r = client.post(f"/api/patients/{p.pk}/events", json.dumps({"type": "follow-up-completed", "data": {"visit": "follow-up-2w"}}),
                    content_type="application/json", **bearer(token))
    assert r.status_code == 400 and "follow-up-completed needs procedure-performed recorded first" in r.json()["problems"]
    assert JourneyEvent.objects.filter(journey__patient=p).count() == before


def test_other_clinics_patients_are_not_found_and_bad_tokens_are_refused(world, client, token):
    other = world.patient("preparation", clinic="lakeview")
    assert client.get(f"/api/patients/{other.pk}", **bearer(token)).status_code == 404
    assert client.get("/api/worklist", **bearer("cj_not-a-token")).status_code == 401
    ids = {i["id"] for i in client.get("/api/patients?limit=200", **bearer(token)).json()["items"]}
    assert other.pk not in ids and world.patient("preparation").pk in ids
    ApiToken.objects.update(revoked=True)
    assert client.get("/api/worklist", **bearer(token)).status_code == 401


def test_only_admins_read_the_audit_trail(world, client, token):
    assert client.get("/api/audit", **bearer(token)).status_code == 403
    _, admin_key = ApiToken.issue(world.staff("admin").user, "audit export")
    assert client.get("/api/audit", **bearer(admin_key)).status_code == 200


def test_api_never_fails_and_matches_its_schema(world):
    """schemathesis generates requests from the OpenAPI for every operation: no 5xx, responses match the schema."""
    from carejourney.wsgi import application

    _, key = ApiToken.issue(world.staff("admin").user, "schemathesis")
    # Like Django's test client: keep the test's database connection open across the app's requests.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        _run_schemathesis(schemathesis.openapi.from_wsgi("/api/openapi.json", application), key)
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def _run_schemathesis(schema, key: str) -> None:
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 8
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=15, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        def check(case):
            case.call_and_validate(headers={"Authorization": f"Bearer {key}"},
                                   checks=[not_a_server_error, response_schema_conformance])

        check()
