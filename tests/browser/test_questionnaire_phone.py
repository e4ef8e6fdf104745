"""On a phone-sized screen a demo patient whose 3-month questionnaire is due fills it in, one section per
screen (leaving half-way and coming back), and then sees the change since their first answers; the care
team's outcomes pages pass axe-core too."""

from __future__ import annotations

import re

from carejourney.clinic.models import JourneyEvent
from test_journeys import assert_accessible, sign_in, sign_in_staff
from test_questionnaires import earlier_answers


def _send(page):
    assert page.get_by_role("heading", name="Check your answers").is_visible()
    page.get_by_role("button", name="Send my answers").click()


def _answer_every_fieldset(page, pick: int = 0):
    for fieldset in page.locator("form.questionnaire fieldset").all():
        fieldset.get_by_role("radio").nth(pick).check()


def test_a_patient_fills_the_3_month_questionnaire_on_a_phone(world, new_page):
    journey = earlier_answers(world)
    patient = journey.patient
    page = new_page()
    assert page.viewport_size == {"width": 390, "height": 844}
    sign_in(page, patient.user.username)
    page.wait_for_url(re.compile(r"/portal/$"))
    assert page.get_by_text("Questionnaire to fill in: 3 months after your procedure").is_visible()
    page.get_by_role("link", name="Fill in my questionnaire").click()
    assert_accessible(page)

    # Pain scores: a 0-10 scale of radio buttons, one screen each; a review before sending.
    page.get_by_role("link", name="Back pain (0 to 10)").click()
    assert page.get_by_text("Part 1 of 1").is_visible()
    assert_accessible(page)
    page.get_by_role("radio", name="2", exact=True).check()
    page.get_by_role("button", name="Review my answers").click()
    assert_accessible(page)
    _send(page)
    page.get_by_role("radio", name="1", exact=True).check()  # straight on to leg pain
    page.get_by_role("button", name="Review my answers").click()
    _send(page)

    # The disability index: ten screens; leave after three and come back where it stopped.
    assert page.get_by_text("Part 1 of 10").is_visible()
    for _ in range(3):
        _answer_every_fieldset(page)
        page.get_by_role("button", name="Next").click()
    page.get_by_role("link", name="My journey").click()
    page.get_by_role("link", name="My questionnaires").first.click()
    page.get_by_role("link", name="Back pain and daily life (disability index)").click()
    assert page.get_by_text("Part 4 of 10").is_visible()
    for n in range(4, 11):
        _answer_every_fieldset(page)
        page.get_by_role("button", name="Review my answers" if n == 10 else "Next").click()
    assert page.get_by_text("I have no pain right now.").is_visible()
    _send(page)

    # Claudication questionnaire: three sections (satisfaction is asked after treatment).
    for n in range(1, 4):
        assert page.get_by_text(f"Part {n} of 3").is_visible()
        _answer_every_fieldset(page)
        page.get_by_role("button", name="Review my answers" if n == 3 else "Next").click()
    _send(page)
    for _minutes in ("walking", "standing"):
        page.locator("input[type=number]").fill("30")
        page.get_by_role("button", name="Review my answers").click()
        _send(page)

    page.wait_for_url(re.compile(r"/portal/progress/$"))
    assert page.get_by_text("Thank you. Your answers were sent to your care team.").is_visible()
    assert page.get_by_text(re.compile(r"Your disability score went from \d+ to 0: a (large|real) improvement")).is_visible()
    assert page.get_by_role("img", name="Your disability score over time").is_visible()
    assert_accessible(page)
    assert JourneyEvent.objects.filter(journey=journey, type="questionnaire-submitted", data__timepoint="3-months").count() == 6

    staff = new_page()
    sign_in_staff(staff, world.staff("clinician").user.email)
    staff.get_by_role("link", name="Outcomes").click()
    assert staff.get_by_text(re.compile("^Different populations:")).is_visible()
    assert_accessible(staff)
    staff.goto(f"/console/patients/{patient.pk}/")
    assert staff.get_by_role("heading", name="Outcomes").is_visible()
    assert staff.locator("#outcomes").get_by_text("3 months after your procedure").first.is_visible()
    assert_accessible(staff)
