"""The care-team console: worklist, patient list, recording events, candidacy, enrolment and invitations."""

from __future__ import annotations

import datetime as dt
import re

from django.test import Client
from django.utils import timezone

from carejourney.accounts.models import Invitation
from carejourney.clinic import records
from carejourney.clinic.models import JourneyEvent, JourneyProjection, Patient
from carejourney.pathways.events import Actor

from world import text


def _patient_ids(html: str) -> set[int]:
    return {int(i) for i in re.findall(r'href="/console/patients/(\d+)/', html)}


def test_worklist_shows_only_my_clinics_and_filters_by_kind(world):
    client = world.staff_client("coordinator")
    riverside = set(Patient.objects.filter(clinic__slug="riverside").values_list("pk", flat=True))
    ids = _patient_ids(client.get("/console/").content.decode())
    assert ids and ids <= riverside
    r = client.get("/console/?kind=prep-incomplete")
    rows = re.findall(r"<tr><td><a href=\"/console/patients/(\d+)/\">[^<]*</a></td>\s*<td>([a-z-]+)", r.content.decode())
    assert rows and {kind for _, kind in rows} == {"prep-incomplete"}
    assert world.patient("prep-incomplete").pk in {int(i) for i, _ in rows}
    r = client.get("/console/?clinic=lakeview")
    assert "&#x27;lakeview&#x27; is not one of your clinics" in r.content.decode()


def test_urgent_messages_come_first_on_the_worklist(world):
    calm, scared = world.patient("recovery-2w-due"), world.patient("procedure")
    for p, urgent in [(calm, False), (scared, True)]:
        records.record(records.current_journey(p), "message-received",
                       {"text": "msg", "urgent": urgent, "red_flag": "fever" if urgent else None},
                       actor=Actor("patient", p.user_id, "patient"))
    html = world.staff_client("coordinator").get("/console/").content.decode()
    waiting = html.split("Journeys to act on")[0]
    order = [int(i) for i in re.findall(r'href="/console/patients/(\d+)/#messages"', waiting)]
    assert order == [scared.pk, calm.pk]
    assert "URGENT" in waiting


def test_patient_list_searches_and_filters(world):
    client = world.staff_client("clinician")
    target = world.patient("candidacy")
    ids = _patient_ids(client.get("/console/patients/", {"q": target.full_name.split()[1]}).content.decode())
    assert target.pk in ids
    ids = _patient_ids(client.get("/console/patients/", {"step": "preparation", "status": "active"}).content.decode())
    expected = set(JourneyProjection.objects.filter(clinic__slug="riverside", step="preparation", status="active")
                   .values_list("journey__patient_id", flat=True))
    assert ids == expected and ids
    assert _patient_ids(client.get("/console/patients/", {"q": str(target.pk)}).content.decode()) == {target.pk}


def test_bad_event_data_shows_the_validators_messages_and_writes_nothing(world):
    p = world.patient("prep-incomplete")
    before = JourneyEvent.objects.filter(journey__patient=p).count()
    r = world.staff_client("clinician").post(f"/console/patients/{p.pk}/record/", {
        "event_type": "procedure-performed", "procedure-performed--duration_min": "ninety",
    })
    assert r.status_code == 400
    page = text(r)
    assert "data.at: is required" in page and "data.duration_min: input should be a valid integer" in page
    assert "data.levels: list should have at least 1 item" in page
    assert JourneyEvent.objects.filter(journey__patient=p).count() == before


def test_clinician_records_the_procedure_and_both_follow_ups_appear_for_the_patient(world):
    p = world.patient("prep-incomplete")
    at = (timezone.now() - dt.timedelta(hours=1)).astimezone(p.clinic.tz).strftime("%Y-%m-%dT%H:%M")
    form = {"event_type": "procedure-performed", "procedure-performed--at": at,
            "procedure-performed--duration_min": "70", "procedure-performed--levels": ["L4-L5"]}
    r = world.staff_client("coordinator").post(f"/console/patients/{p.pk}/record/", form)
    assert r.status_code == 400
    assert "procedure-performed must be recorded by a clinician, not by a coordinator" in text(r)
    # The procedure was booked for tomorrow; it happened today: the coordinator moves the booking first.
    earlier = (timezone.now() - dt.timedelta(hours=2)).astimezone(p.clinic.tz).strftime("%Y-%m-%dT%H:%M")
    r = world.staff_client("coordinator", windows_ahead=1).post(f"/console/patients/{p.pk}/record/", {
        "event_type": "procedure-scheduled", "procedure-scheduled--at": earlier, "procedure-scheduled--levels": ["L4-L5"]})
    assert r.status_code == 302, text(r)[:2000]
    r = world.staff_client("clinician").post(f"/console/patients/{p.pk}/record/", form)
    assert r.status_code == 302, text(r)[:2000]
    page = text(world.patient_client("prep-incomplete").get("/portal/appointments/"))
    assert "2-week check-up" in page and "3-month check-up" in page


def test_candidacy_sign_off_needs_a_reason_against_the_computed_result(world):
    p = world.patient("candidacy")
    client = world.staff_client("clinician")
    page = text(client.get(f"/console/patients/{p.pk}/"))
    assert "Computed result: eligible" in page and "Lumbar spinal stenosis confirmed by MRI or CT" in page
    r = client.post(f"/console/patients/{p.pk}/record/", {"event_type": "candidacy-assessed",
                                                         "candidacy-assessed--decision": "not-a-candidate"})
    assert r.status_code == 400
    assert "the decision &#x27;not-a-candidate&#x27; goes against the computed result &#x27;eligible&#x27;" in r.content.decode()
    r = client.post(f"/console/patients/{p.pk}/record/", {"event_type": "candidacy-assessed",
                                                         "candidacy-assessed--decision": "candidate"})
    assert r.status_code == 302
    assert JourneyProjection.objects.get(journey__patient=p).step == "preparation"


def test_only_a_clinician_decides_candidacy(world):
    p = world.patient("candidacy")
    r = world.staff_client("coordinator").post(f"/console/patients/{p.pk}/record/", {
        "event_type": "candidacy-assessed", "candidacy-assessed--decision": "candidate"})
    assert r.status_code == 400 and "must be recorded by a clinician" in text(r)
    assert "Only a clinician can decide candidacy." in text(world.staff_client("coordinator", windows_ahead=1)
                                                             .get(f"/console/patients/{p.pk}/"))


def test_enrol_then_invite_with_a_single_use_link(world):
    client = world.staff_client("coordinator")
    r = client.post("/console/patients/new/", {"full_name": "Nora Test", "birth_date": "1951-03-04",
                                               "email": "nora@example.com", "clinic": "riverside"})
    assert r.status_code == 302
    patient = Patient.objects.get(full_name="Nora Test")
    assert JourneyProjection.objects.get(journey__patient=patient).step == "evaluation"
    r = client.post(f"/console/patients/{patient.pk}/invite/")
    link = re.search(r'value="(http://testserver/accounts/invitation/[^"]+)"', r.content.decode()).group(1)
    path = link.removeprefix("http://testserver")
    guest = Client()
    assert guest.get(path).status_code == 200
    r = guest.post(path, {"username": "nora", "password1": "a-long-pass-2026", "password2": "a-long-pass-2026"})
    assert r["Location"] == "/portal/"
    assert "You are at step 1 of 7" in text(guest.get("/portal/"))
    r = Client().get(path)
    assert r.status_code == 410 and "already used" in text(r)


def test_expired_invitation_is_refused(world):
    client = world.staff_client("coordinator")
    p = Patient.objects.filter(clinic__slug="riverside", user__isnull=True).first()
    r = client.post(f"/console/patients/{p.pk}/invite/")
    path = re.search(r'value="http://testserver(/accounts/invitation/[^"]+)"', r.content.decode()).group(1)
    Invitation.objects.filter(patient=p).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    r = Client().get(path)
    assert r.status_code == 410 and "expired" in text(r)


def test_enrol_form_names_bad_fields(world):
    r = world.staff_client("coordinator").post("/console/patients/new/", {"full_name": "", "birth_date": "2999-01-01",
                                                                          "clinic": "lakeview"})
    page = text(r)
    assert r.status_code == 400
    assert "This field is required." in page and "The date of birth is in the future." in page
    assert "Select a valid choice" in page


def test_admins_search_and_export_the_audit_trail(world):
    p = world.patient("candidacy")
    world.staff_client("clinician").get(f"/console/patients/{p.pk}/")
    admin = world.staff_client("admin")
    page = text(admin.get("/console/audit/", {"patient": p.pk}))
    assert "clinician@riverside.demo.carejourney.test clinician" in page and "console:view-patient" in page
    r = admin.get("/console/audit.csv", {"patient": p.pk, "action": "view-patient"})
    lines = b"".join(r.streaming_content).decode().splitlines()
    assert lines[0] == "at,username,role,patient_id,clinic_id,action,path,client_address"
    assert any(f"clinician@riverside.demo.carejourney.test,clinician,{p.pk}," in ln and "127.0.0.1" in ln for ln in lines[1:])
    assert world.staff_client("coordinator").get("/console/audit/").status_code == 403
    lakeview_admin = world.staff_client("admin", clinic="lakeview", windows_ahead=1)
    assert str(p.pk) not in [row.split(",")[3] for row in
                             b"".join(lakeview_admin.get("/console/audit.csv").streaming_content).decode().splitlines()[1:]]
