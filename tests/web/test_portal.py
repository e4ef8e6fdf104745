"""The patient portal: journey, checklist, calendar files, education, FAQ, video, plan and messages."""

from __future__ import annotations

import datetime as dt
import re

from icalendar import Calendar

from carejourney.clinic import pathway_store
from carejourney.clinic.models import Appointment, JourneyEvent
from carejourney.portal import messaging
from world import text


def test_home_shows_current_step_next_appointment_and_the_timeline(world):
    p = world.patient("preparation")
    r = world.patient_client("preparation").get("/portal/")
    page = text(r)
    assert "You are at step 4 of 7: Get ready" in page
    appt = Appointment.objects.get(journey__patient=p, visit="procedure")
    local = appt.at.astimezone(p.clinic.tz)
    assert "Your next appointment: Your MILD procedure" in page
    assert local.strftime("%B ") + str(local.day) + local.strftime(", %Y") in page
    # The SVG carries a text alternative naming each step's state.
    assert re.search(r'<svg[^>]*role="img"[^>]*aria-labelledby="svg-title svg-desc"', r.content.decode())
    assert "4. Get ready: you are here." in page and "1. First visit: done." in page


def test_patient_ticks_a_checklist_item_and_the_clinic_sees_it(world):
    p = world.patient("prep-incomplete")
    client = world.patient_client("prep-incomplete")
    page = text(client.get("/portal/checklist/"))
    assert "Mark as done" in page and "I will wear loose, comfy clothes" in page
    r = client.post("/portal/checklist/", {"item": "loose-clothes"}, follow=True)
    assert "Your care team can see it" in text(r)
    event = JourneyEvent.objects.filter(journey__patient=p, type="prep-confirmed").order_by("-seq").first()
    assert event.data["item"] == "loose-clothes" and event.actor_role == "patient" and event.actor_user_id == p.user_id
    staff_page = text(world.staff_client("coordinator").get(f"/console/patients/{p.pk}/"))
    assert re.search(r"✓ done \S+ — I will wear loose, comfy clothes", staff_page)


def test_patient_cannot_tick_what_is_not_theirs_to_tick(world):
    p = world.patient("prep-incomplete")
    client = world.patient_client("prep-incomplete")
    before = JourneyEvent.objects.filter(journey__patient=p).count()
    for item in ["blood-thinners-reviewed", "nonsense", ""]:
        r = client.post("/portal/checklist/", {"item": item}, follow=True)
        assert "That item is not on your list right now." in text(r)
    assert JourneyEvent.objects.filter(journey__patient=p).count() == before


def test_procedure_ics_is_dated_in_the_clinics_time_zone(world):
    p = world.patient("preparation", clinic="lakeview")
    r = world.patient_client("preparation", clinic="lakeview").get("/portal/appointments/procedure.ics")
    assert r["Content-Type"].startswith("text/calendar")
    cal = Calendar.from_ical(r.content)
    event = next(iter(cal.walk("VEVENT")))
    start = event.decoded("dtstart")
    appt = Appointment.objects.get(journey__patient=p, visit="procedure")
    assert start == appt.at
    assert start.astimezone(p.clinic.tz).hour == 8 and start.astimezone(p.clinic.tz).minute == 30
    assert event["dtstart"].params["TZID"] == "America/Chicago"
    assert any(c.name == "VTIMEZONE" for c in cal.walk())


def test_follow_up_ics_is_an_all_day_event_on_the_due_day(world):
    p = world.patient("recovery-2w-due")
    r = world.patient_client("recovery-2w-due").get("/portal/appointments/follow-up-2w.ics")
    event = next(iter(Calendar.from_ical(r.content).walk("VEVENT")))
    appt = Appointment.objects.get(journey__patient=p, visit="follow-up-2w")
    assert event.decoded("dtstart") == appt.due and not isinstance(event.decoded("dtstart"), dt.datetime)
    assert world.patient_client("recovery-2w-due").get("/portal/appointments/nonsense.ics").status_code == 404


def test_education_faq_video_and_plan_come_from_the_pathway(world):
    pathway = pathway_store.pathway_of(pathway_store.current())
    client = world.patient_client("conservative-care")
    learn = text(client.get("/portal/learn/"))
    assert all(s.title["en"] in learn for s in pathway.education)
    section = pathway.education[0]
    assert section.body["en"].split("\n")[0][:60] in text(client.get(f"/portal/learn/{section.id}/"))
    faq = client.get("/portal/faq/").content.decode()
    assert all(f'id="faq-{f.id}"' in faq for f in pathway.faq)
    video = client.get("/portal/video/").content.decode()
    assert pathway.video.url in video and "<svg" in video and 'aria-label="QR code' in video
    plan = text(client.get("/portal/plan/"))
    assert "Try other care first — you are here" in plan


def test_a_message_is_stored_and_answered_as_the_question_box_says(world):
    p = world.patient("preparation")
    client = world.patient_client("preparation")
    question = "Can I take my usual pills the morning of the procedure?"
    r = client.post("/portal/messages/", {"text": question}, follow=True)
    page = text(r)
    event = JourneyEvent.objects.filter(journey__patient=p, type="message-received").get()
    assert event.data["text"] == question and event.data["channel"] == "portal" and event.actor_role == "patient"
    assert set(event.data) >= {"faq_id", "urgent", "red_flag", "confidence"}
    expected = messaging.triage(pathway_store.pathway_of(pathway_store.current()), question)
    assert event.data["faq_id"] == expected.faq_id and event.data["urgent"] == expected.urgent
    if expected.urgent:
        assert "Call 911" in page and p.clinic.phone in page
    elif expected.faq_id:
        assert f'href="/portal/faq/#faq-{expected.faq_id}"' in r.content.decode()
    else:
        assert "Your care team will reply." in page


def test_empty_or_overlong_messages_are_refused_and_nothing_is_stored(world):
    p = world.patient("preparation")
    client = world.patient_client("preparation")
    assert "Please write your message first." in text(client.post("/portal/messages/", {"text": "   "}))
    assert "too long" in text(client.post("/portal/messages/", {"text": "x" * 4001}))
    assert not JourneyEvent.objects.filter(journey__patient=p, type="message-received").exists()


def test_staff_reply_reaches_the_patient(world):
    p = world.patient("recovery-2w-due")
    client = world.patient_client("recovery-2w-due")
    client.post("/portal/messages/", {"text": "When can I drive again?"})
    seq = JourneyEvent.objects.get(journey__patient=p, type="message-received").seq
    staff = world.staff_client("coordinator")
    waiting = text(staff.get("/console/")).split("Journeys to act on")[0]
    assert "Messages waiting for a reply" in waiting and p.full_name in waiting
    staff.post(f"/console/patients/{p.pk}/messages/{seq}/acknowledge/")
    assert "Your care team has seen this." in text(client.get("/portal/messages/"))
    staff.post(f"/console/patients/{p.pk}/messages/{seq}/reply/", {"text": "Usually after a day or two; ask us at your check-up."})
    page = text(client.get("/portal/messages/"))
    assert "Reply from your care team" in page and "Usually after a day or two" in page
    assert "Messages waiting for a reply" not in text(staff.get("/console/"))  # answered: off the worklist


def test_an_urgent_message_tells_the_patient_to_call_now(world):
    """Whatever flagged it (the question box, or staff logging a phone call), an urgent message gets the warning."""
    from carejourney.clinic import records
    from carejourney.pathways.events import Actor

    p = world.patient("recovery-2w-due")
    view = records.record(records.current_journey(p), "message-received",
                          {"text": "fever and pus at the cut", "urgent": True, "red_flag": "wound-infection"},
                          actor=Actor("patient", p.user_id, "patient"))
    seq = view.state.events[-1].seq
    r = world.patient_client("recovery-2w-due").get(f"/portal/messages/?sent={seq}")
    html = r.content.decode()
    assert 'role="alert"' in html and "Do not wait for a reply." in html
    assert "Call 911 (emergency services) now" in text(r) and p.clinic.phone in text(r)


def test_the_care_team_sees_what_raised_a_red_flag(world):
    p = world.patient("recovery-2w-due")
    client = world.patient_client("recovery-2w-due")
    message = "my skull throbs the second I'm upright and calms down when I lie back"
    page = text(client.post("/portal/messages/", {"text": message}, follow=True))
    assert "Call 911" in page and p.clinic.phone in page
    event = JourneyEvent.objects.filter(journey__patient=p, type="message-received").get()
    assert event.data["urgent"] and event.data["red_flag"] == "headache-standing"
    assert event.data["red_flag_evidence"].startswith("close in meaning to: ")
    assert "close in meaning to" not in page  # for the care team, not the patient
    staff = text(world.staff_client("clinician").get(f"/console/patients/{p.pk}/"))
    assert f"Flagged by: {event.data['red_flag_evidence']}" in staff
