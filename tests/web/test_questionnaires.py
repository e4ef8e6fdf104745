"""A patient fills in an outcome questionnaire on the portal: one section per screen, save and resume,
review, submit; bad answers and refusals write nothing; nobody else reaches it."""

from __future__ import annotations

import pytest
from django.test import Client

from carejourney.audit.models import AuditEntry
from carejourney.clinic.models import JourneyEvent
from carejourney.outcomes.instruments import instrument
from carejourney.results.demo import add_demo_submissions
from world import text

ODI_SECTIONS = [s.id for s in instrument("odi").sections]
BASE = "/portal/questionnaires/3-months"


def earlier_answers(world, scenario="follow-up-3m-due", clinic="riverside"):
    """Synthetic answers for the patient's earlier timepoints (three seeds, so none is left empty by chance)."""
    journey = world.patient(scenario, clinic).journeys.get()
    for seed in (1, 2, 3):
        add_demo_submissions([journey], seed=seed)
    return journey


@pytest.fixture
def patient_3m(world):
    journey = earlier_answers(world)
    return world, journey, world.patient_client("follow-up-3m-due")


def _submitted(journey):
    return JourneyEvent.objects.filter(journey=journey, type="questionnaire-submitted")


def test_the_due_questionnaire_is_on_the_home_page_and_the_list(patient_3m):
    world, journey, client = patient_3m
    home = text(client.get("/portal/"))
    assert "Questionnaire to fill in: 3 months after your procedure" in home
    page = client.get("/portal/questionnaires/")
    assert page.status_code == 200
    body = text(page)
    assert "To fill in now 3 months after your procedure" in body
    assert 'href="/portal/questionnaires/3-months/odi/"' in page.content.decode()
    assert "Your first visit ✓ Done on" in body
    assert AuditEntry.objects.filter(patient_id=journey.patient_id, action="portal:view-questionnaires").exists()
    # Someone with nothing due sees that.
    other = text(world.patient_client("withdrawn").get("/portal/questionnaires/"))
    assert "Nothing to fill in right now." in other


def test_one_section_per_screen_saved_and_resumed_then_reviewed_and_submitted(patient_3m):
    world, journey, client = patient_3m
    before = _submitted(journey).count()
    r = client.get(f"{BASE}/odi/")
    assert r.status_code == 302 and r["Location"] == f"{BASE}/odi/1/"
    first = client.get(f"{BASE}/odi/1/")
    html = first.content.decode()
    assert "Part 1 of 10" in text(first) and "How strong is your pain right now?" in html
    assert '<legend>How strong is your pain right now?</legend>' in html
    assert html.count('type="radio"') == 6 and "Washing and dressing" not in html
    assert "<script" not in html

    answers = dict(zip(ODI_SECTIONS, [2, 1, 2, 1, 1, 2, 0, None, 1, 1]))
    for n, section in enumerate(ODI_SECTIONS[:3], start=1):
        r = client.post(f"{BASE}/odi/{n}/", {section: answers[section], "go": "next"})
        assert r.status_code == 302 and r["Location"] == f"{BASE}/odi/{n + 1}/"
    # Leaving (the home page) and coming back (a new visit) resumes at the first unanswered screen.
    client.get("/portal/")
    r = client.get(f"{BASE}/odi/")
    assert r["Location"] == f"{BASE}/odi/4/"
    assert 'value="2" checked' in client.get(f"{BASE}/odi/1/").content.decode().replace("\n", " ").replace("  ", " ")
    # "Save and finish later" keeps the screen's answer and goes to the list.
    r = client.post(f"{BASE}/odi/4/", {"walking": answers["walking"], "go": "later"})
    assert r["Location"] == "/portal/questionnaires/"
    assert "Your answers are saved." in text(client.get("/portal/questionnaires/"))
    assert client.get(f"{BASE}/odi/")["Location"] == f"{BASE}/odi/5/"

    # A value that is not an answer is refused on the screen, names the question, and keeps nothing.
    bad = client.post(f"{BASE}/odi/5/", {"sitting": "9", "go": "next"})
    assert bad.status_code == 400
    assert "Please pick one of the answers." in text(bad) and 'aria-invalid="true"' in bad.content.decode()
    assert client.get(f"{BASE}/odi/")["Location"] == f"{BASE}/odi/5/"

    for n, section in enumerate(ODI_SECTIONS[4:], start=5):
        value = answers[section]
        r = client.post(f"{BASE}/odi/{n}/", {section: "" if value is None else value, "go": "next"})
        assert r.status_code == 302
    assert r["Location"] == f"{BASE}/odi/review/"
    # A question left blank on purpose (sex-life) does not stop resuming at the review.
    assert client.get(f"{BASE}/odi/")["Location"] == f"{BASE}/odi/review/"
    review = client.get(r["Location"])
    body = text(review)
    assert "Check your answers" in body and "My pain is moderate." in body and "Not answered" in body
    assert _submitted(journey).count() == before  # nothing is sent before the patient says so

    r = client.post(f"{BASE}/odi/review/")
    assert r.status_code == 302 and r["Location"] == f"{BASE}/nrs-back/"  # on to the next questionnaire
    event = _submitted(journey).order_by("-seq").first()
    assert event.data["instrument"] == "odi" and event.data["timepoint"] == "3-months"
    assert event.data["answers"] == {k: v for k, v in answers.items() if v is not None}
    assert event.data["wording"] == "carejourney"
    assert (event.actor_role, event.actor_user_id) == ("patient", journey.patient.user_id)
    actions = set(AuditEntry.objects.filter(patient_id=journey.patient_id).values_list("action", flat=True))
    assert {"portal:view-questionnaire", "portal:save-questionnaire", "portal:submit-questionnaire"} <= actions
    # Done: sending again (a second click) writes nothing and goes back to the list, which says so.
    count = _submitted(journey).count()
    again = client.post(f"{BASE}/odi/review/")
    assert again.status_code == 302 and again["Location"] == "/portal/questionnaires/"
    listed = text(client.get("/portal/questionnaires/"))
    assert "You already sent these answers." in listed
    assert "✓ Back pain and daily life (disability index) — done" in listed
    assert client.get(f"{BASE}/odi/1/").status_code == 302
    assert _submitted(journey).count() == count


def test_number_answers_and_a_submission_the_core_refuses_write_nothing(patient_3m):
    world, journey, client = patient_3m
    before = _submitted(journey).count()
    # Minutes are typed; words are refused with a clear message.
    r = client.post(f"{BASE}/walking-tolerance/1/", {"walk-minutes": "ten", "go": "next"})
    assert r.status_code == 400 and "Please write a whole number from 0 to 600." in text(r)
    assert r.content.decode().count('aria-invalid="true"') == 1
    r = client.post(f"{BASE}/walking-tolerance/1/", {"walk-minutes": "700", "go": "next"})
    assert r.status_code == 400
    # Sending with the answer left blank: the core's reason is shown, nothing is written.
    r = client.post(f"{BASE}/walking-tolerance/1/", {"walk-minutes": "", "go": "next"})
    assert r["Location"] == f"{BASE}/walking-tolerance/review/"
    refused = client.post(f"{BASE}/walking-tolerance/review/")
    assert refused.status_code == 400
    assert "Your answers were not sent yet" in text(refused) and "walk-minutes: is required" in text(refused)
    # Too few ODI sections answered is refused too.
    client.post(f"{BASE}/odi/1/", {"pain-intensity": "3", "go": "next"})
    refused = client.post(f"{BASE}/odi/review/")
    assert refused.status_code == 400 and "answer at least 8 of the 10 odi sections" in text(refused)
    assert _submitted(journey).count() == before
    # Then a good answer goes through, shown in words on the review.
    client.post(f"{BASE}/walking-tolerance/1/", {"walk-minutes": "25", "go": "next"})
    assert "25 minutes" in text(client.get(f"{BASE}/walking-tolerance/review/"))
    assert client.post(f"{BASE}/walking-tolerance/review/").status_code == 302
    assert _submitted(journey).count() == before + 1


def test_nobody_else_reaches_the_form(patient_3m):
    world, journey, client = patient_3m
    client.post(f"{BASE}/odi/1/", {"pain-intensity": "3", "go": "next"})
    before = JourneyEvent.objects.filter(journey=journey).count()
    other = world.patient_client("preparation")  # the URL names no patient: the other patient's own journey has nothing due
    staff = world.staff_client("coordinator")
    for url in (f"{BASE}/odi/", f"{BASE}/odi/1/", f"{BASE}/odi/review/"):
        assert other.get(url).status_code == 404
        assert other.post(url, {"pain-intensity": "3"}).status_code == 404
        assert staff.get(url)["Location"] == "/console/"
        anon = Client().get(url)
        assert anon.status_code == 302 and anon["Location"].startswith("/accounts/login/")
    assert client.get(f"{BASE}/odi/11/").status_code == 404
    assert client.get(f"{BASE}/no-such-thing/1/").status_code == 404
    assert client.get("/portal/questionnaires/6-months/odi/").status_code == 404  # switched off in the pathway
    assert JourneyEvent.objects.filter(journey=journey).count() == before
