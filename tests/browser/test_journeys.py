"""End to end in Chromium: a patient's portal, the care team's console, accessibility and the audit trail."""

from __future__ import annotations

import datetime as dt
import re

from django.utils import timezone
from icalendar import Calendar

from carejourney.audit.models import AuditEntry
from carejourney.clinic.models import Appointment, JourneyProjection
from world import PASSWORD, code


def assert_accessible(page) -> None:
    """axe-core on the page once it has loaded: no serious or critical violation.

    A click on a link returns before the next page arrives; axe run mid-navigation finds no document,
    so it runs again once the new page has loaded.
    """
    from playwright.sync_api import Error

    for attempt in range(3):
        page.wait_for_load_state("load")
        try:
            result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
            break
        except Error:
            if attempt == 2:
                raise
    bad = [f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
           for v in result["violations"] if v["impact"] in ("serious", "critical")]
    assert not bad, f"{page.url}: {bad}"


def sign_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def sign_in_staff(page, email: str, windows_ahead: int = 0) -> None:
    sign_in(page, email)
    assert "/accounts/verify/" in page.url  # the second factor is asked for before anything else
    page.get_by_label("6-digit code from your authenticator app").fill(code(email, windows_ahead))
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url(re.compile(r"/console/$"))


def test_patient_portal(world, new_page):
    patient = world.patient("prep-incomplete", clinic="lakeview")
    page = new_page()
    sign_in(page, patient.user.username)
    page.wait_for_url(re.compile(r"/portal/$"))
    assert page.get_by_role("heading", name=re.compile("You are at step 4 of 7: Get ready")).is_visible()
    assert page.get_by_text("Your next appointment:").is_visible()
    assert_accessible(page)

    page.get_by_role("link", name="To do").click()
    assert_accessible(page)
    page.get_by_role("button", name=re.compile("Mark as done: I will wear loose, comfy clothes")).click()
    assert page.get_by_text("Done. Your care team can see it.").is_visible()
    assert page.locator("li", has_text="I will wear loose, comfy clothes").get_by_text("✓ Done").is_visible()

    page.get_by_role("link", name="Appointments").click()
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("Add “Your MILD procedure” to my calendar")).click()
    event = next(iter(Calendar.from_ical(open(download.value.path(), "rb").read()).walk("VEVENT")))
    booked = Appointment.objects.get(journey__patient=patient, visit="procedure").at
    assert event.decoded("dtstart") == booked
    assert event.decoded("dtstart").astimezone(patient.clinic.tz).strftime("%H:%M") == "08:30"

    for link in ["Learn", "Questions", "Video", "Print my plan"]:
        page.get_by_role("navigation").get_by_role("link", name=link, exact=True).click()
        assert_accessible(page)
    page.goto("/portal/learn/")
    page.locator("main li a").first.click()
    assert_accessible(page)

    page.get_by_role("link", name="Message my care team").first.click()
    page.get_by_label("Your message").fill("Is it normal to feel nervous before the procedure?")
    page.get_by_role("button", name="Send").click()
    assert page.locator("#sent").is_visible()
    assert_accessible(page)


def test_care_team_console(world, new_page):
    prep = world.patient("prep-incomplete")
    deciding = world.patient("candidacy")
    coordinator = world.staff("coordinator").user.email
    clinician = world.staff("clinician").user.email
    opened: dict[str, set[int]] = {coordinator: set(), clinician: set()}

    # A coordinator finds the patient on the worklist; the procedure was moved to today, so they record the new time.
    page = new_page()
    sign_in_staff(page, coordinator)
    assert page.get_by_text("Journeys to act on").is_visible()
    assert_accessible(page)
    page.get_by_label("Kind").select_option("prep-incomplete")
    page.get_by_role("button", name="Show").click()
    page.get_by_role("link", name=prep.full_name).first.click()
    opened[coordinator].add(prep.pk)
    assert_accessible(page)
    page.locator("summary", has_text="procedure-scheduled").click()
    earlier = (timezone.now() - dt.timedelta(hours=2)).astimezone(prep.clinic.tz)
    page.locator("#procedure-scheduled--at").fill(earlier.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Record procedure-scheduled").click()
    assert page.get_by_text("Recorded: procedure-scheduled").is_visible()
    opened[coordinator].add(prep.pk)
    page.get_by_role("link", name="Patients").click()
    assert_accessible(page)
    page.get_by_role("link", name="Enrol a patient").click()
    assert_accessible(page)

    # The engine lets only a clinician record the procedure.
    doc = new_page()
    sign_in_staff(doc, clinician)
    doc.goto(f"/console/patients/{prep.pk}/")
    opened[clinician].add(prep.pk)
    doc.locator("summary", has_text="procedure-performed").click()
    performed = (timezone.now() - dt.timedelta(hours=1)).astimezone(prep.clinic.tz)
    doc.locator("#procedure-performed--at").fill(performed.strftime("%Y-%m-%dT%H:%M"))
    doc.locator("#procedure-performed--duration_min").fill("75")
    doc.locator("#procedure-performed--levels-L4-L5").check()
    doc.get_by_role("button", name="Record procedure-performed").click()
    assert doc.get_by_text("Recorded: procedure-performed").is_visible()
    opened[clinician].add(prep.pk)

    # The clinician signs off candidacy for another patient.
    doc.goto(f"/console/patients/{deciding.pk}/")
    opened[clinician].add(deciding.pk)
    assert doc.get_by_text("Computed result: eligible").is_visible()
    assert_accessible(doc)
    doc.get_by_label("candidate", exact=True).check()
    doc.get_by_role("button", name="Sign off").click()
    assert doc.get_by_text("Recorded: candidacy-assessed").is_visible()
    assert JourneyProjection.objects.get(journey__patient=deciding).step == "preparation"

    # Both follow-ups now appear for the patient.
    mine = new_page()
    sign_in(mine, prep.user.username)
    mine.get_by_role("link", name="Appointments").click()
    assert mine.get_by_role("heading", name="2-week check-up").is_visible()
    assert mine.get_by_role("heading", name="3-month check-up").is_visible()

    # Every patient page a staff member opened left an audit row naming them.
    for email, patients in opened.items():
        for pid in patients:
            assert AuditEntry.objects.filter(username=email, patient_id=pid, action="console:view-patient").exists(), (email, pid)


def test_staff_cannot_skip_the_second_factor(world, new_page):
    page = new_page()
    email = world.staff("admin").user.email
    sign_in(page, email)
    page.goto("/console/")
    assert "/accounts/verify/" in page.url
    wrong = "%06d" % ((int(code(email)) + 1) % 1_000_000)
    page.get_by_label("6-digit code from your authenticator app").fill(wrong)
    page.get_by_role("button", name="Confirm").click()
    assert page.get_by_text("That code did not work").is_visible()
    page.goto("/console/patients/")
    assert "/accounts/verify/" in page.url
