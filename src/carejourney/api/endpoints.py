"""The JSON API: the console's operations for integrations, with the same scoping and audit as the pages."""

from __future__ import annotations

from django.urls import reverse
from ninja import NinjaAPI, Query
from ninja.responses import Status
from ninja.errors import AuthenticationError

from carejourney.accounts.access import staff_patient
from carejourney.accounts.roles import clinics_of, staff_of
from carejourney.api import schemas as s
from carejourney.api.auth import BearerToken, StaffSession
from carejourney.audit.log import audit
from carejourney.audit.models import AuditEntry
from carejourney.clinic.models import JourneyProjection
from carejourney.console import operations
from carejourney.console.patient_page import events, journey_data
from carejourney.pathways.engine import Refused
from carejourney.pathways.events import InvalidEvent

api = NinjaAPI(
    title="carejourney API",
    version="1",
    description="The care team's operations. Authenticate with `Authorization: Bearer <token>` (an API token of a "
                "staff member) or a console session. Every patient read and write is audited.",
    auth=[BearerToken(), StaffSession()],
    urls_namespace="api",
)
ERRORS = {400: s.Problem, 401: s.Problem, 403: s.Problem, 404: s.Problem}


@api.exception_handler(operations.BadInput)
def _bad_input(request, exc):
    return api.create_response(request, {"detail": "bad input", "problems": exc.problems}, status=400)


@api.exception_handler(InvalidEvent)
def _invalid(request, exc):
    return api.create_response(request, {"detail": "invalid event data", "problems": exc.problems}, status=400)


@api.exception_handler(Refused)
def _refused(request, exc):
    return api.create_response(request, {"detail": "refused", "problems": [exc.reason]}, status=400)


@api.exception_handler(AuthenticationError)
def _unauthorized(request, exc):
    return api.create_response(request, {"detail": "sign in or send a bearer token", "problems": []}, status=401)


@api.get("/worklist", response={200: s.Worklist, **ERRORS}, summary="The worklist of your clinics")
def get_worklist(request, clinic: str | None = None, kind: str | None = None, limit: int = Query(200, ge=1, le=500)):
    return operations.work(request.user, clinic, kind, limit)


@api.get("/patients", response={200: s.PatientPage, **ERRORS}, summary="Search patients")
def list_patients(request, q: str = Query("", max_length=200), step: str = Query("", max_length=64),
                  status: str = Query("", max_length=64), clinic: str | None = None,
                  offset: int = Query(0, ge=0, le=1_000_000), limit: int = Query(50, ge=1, le=200)):
    return operations.patients(request.user, q, step, status, clinic, offset, limit)


@api.post("/patients", response={201: s.PatientSummary, **ERRORS}, summary="Enrol a patient")
def enrol_patient(request, body: s.EnrolIn):
    patient = operations.enrol(request.user, body.clinic, body.full_name, body.birth_date, body.email, body.enrolled_at)
    audit(request, patient, "api:enrol")
    return Status(201, operations.summary(patient, JourneyProjection.objects.filter(journey__patient=patient).first()))


def _detail(patient):
    found = journey_data(patient)
    projection = JourneyProjection.objects.filter(journey__patient=patient).first()
    return {"patient": operations.summary(patient, projection), "journey": found[2] if found else None}


@api.get("/patients/{int:patient_id}", response={200: s.PatientDetail, **ERRORS}, summary="A patient and their journey")
def get_patient(request, patient_id: int):
    patient = staff_patient(request.user, patient_id)
    audit(request, patient, "api:view-patient")
    return _detail(patient)


@api.get("/patients/{int:patient_id}/events", response={200: list[s.EventOut], **ERRORS}, summary="The journey's events")
def list_events(request, patient_id: int):
    patient = staff_patient(request.user, patient_id)
    audit(request, patient, "api:view-events")
    found = journey_data(patient)
    return events(found[1].state) if found else []


@api.post("/patients/{int:patient_id}/events", response={201: s.PatientDetail, **ERRORS}, summary="Record an event")
def record_event(request, patient_id: int, body: s.RecordIn):
    patient = staff_patient(request.user, patient_id)
    operations.record(request.user, patient, body.type, body.data, body.at)
    audit(request, patient, f"api:record:{body.type}"[:80])
    return Status(201, _detail(patient))


@api.post("/patients/{int:patient_id}/invitation", response={201: s.InvitationOut, **ERRORS},
          summary="Invite the patient to the portal (single use, expires)")
def invite(request, patient_id: int):
    patient = staff_patient(request.user, patient_id)
    inv, token = operations.invite(request.user, patient)
    audit(request, patient, "api:invite")
    return Status(201, {"url": request.build_absolute_uri(reverse("accounts:invitation", args=[token])),
                       "expires_at": inv.expires_at})


@api.get("/audit", response={200: list[s.AuditRow], **ERRORS}, summary="Audit trail of your clinics (clinic admins)")
def audit_rows(request, patient_id: int | None = Query(None, ge=1, le=2**31 - 1), limit: int = Query(200, ge=1, le=1000)):
    member = staff_of(request.user)
    if member is None or member.role != "admin":
        return Status(403, {"detail": "only clinic administrators can read the audit trail"})
    qs = AuditEntry.objects.filter(clinic_id__in=[c.pk for c in clinics_of(request.user)])
    if patient_id:
        qs = qs.filter(patient_id=patient_id)
    return list(qs.order_by("-at", "-id")[:limit])
