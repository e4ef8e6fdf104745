"""The pure planner: what is sent when, for the MILD pathway's reminder rules."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import yaml

from carejourney import journey as journey_core
from carejourney.notify import plan
from carejourney.pathways import engine
from carejourney.pathways.loader import BUILTIN_DIR, parse_pathway
from conftest import answers
from helpers import at, clock, ev, history_to_candidacy

NY = ZoneInfo("America/New_York")
UTC = dt.timezone.utc
CLINIC = plan.ClinicInfo("North Spine", "+1 555 0100", NY)
EMAIL = plan.Contact("email", "en", True)


def _view(pathway, events, now):
    c = clock(now.astimezone(NY).date().isoformat(), now.astimezone(NY).strftime("%H:%M"))
    state = engine.fold(pathway, events, c)
    return journey_core.compose(pathway, state, c, dt.date(1950, 1, 1)), c.now


def _scheduled(procedure="2026-08-03T08:30", booked=at("2026-07-15", "11:00")):
    return history_to_candidacy() + [
        ev("candidacy-assessed", at("2026-07-15"), {"decision": "candidate"}),
        ev("procedure-scheduled", booked, {"at": procedure, "levels": ["L4-L5"]}),
    ]


def _plan(pathway, events, now, contact=EMAIL, invited=None):
    view, now = _view(pathway, events, now)
    return {p.key: p for p in plan.plan(pathway, view, now, journey_id=7, contact=contact, clinic=CLINIC, invited=invited)}


def test_preparation_and_appointment_reminders_go_out_at_nine_clinic_time(mild):
    planned = _plan(mild, _scheduled(), at("2026-07-15", "12:00"))
    local = {k: (p.send_at.astimezone(NY), p.kind) for k, p in planned.items()}
    assert local["j7:prep:prep-7-days:2026-08-03"] == (dt.datetime(2026, 7, 27, 9, 0, tzinfo=NY), "preparation")
    assert local["j7:prep:prep-2-days:2026-08-03"][0] == dt.datetime(2026, 8, 1, 9, 0, tzinfo=NY)
    assert local["j7:prep:prep-1-day:2026-08-03"][0] == dt.datetime(2026, 8, 2, 9, 0, tzinfo=NY)
    assert local["j7:remind:procedure:1d:2026-08-03"][0] == dt.datetime(2026, 8, 2, 9, 0, tzinfo=NY)
    invite = planned["j7:invite:procedure:1"]
    assert invite.send_at == at("2026-07-15", "11:00") and invite.calendar.method == "REQUEST"
    assert invite.calendar.uid == "journey-7-procedure@carejourney" and invite.calendar.sequence == 1
    assert "Monday, August 3, 2026 at 8:30 AM" in invite.paragraphs[0]
    # Stale after 12 hours: the 7-day reminder is not sent the next morning as if fresh.
    assert planned["j7:prep:prep-7-days:2026-08-03"].expires_at == dt.datetime(2026, 7, 27, 21, 0, tzinfo=NY)


def test_a_reschedule_moves_the_reminders_and_raises_the_calendar_sequence(mild):
    events = _scheduled() + [ev("procedure-scheduled", at("2026-07-20"), {"at": "2026-08-10T13:00"})]
    planned = _plan(mild, events, at("2026-07-20", "12:00"), invited={"procedure": 1})
    assert "j7:prep:prep-7-days:2026-08-10" in planned and "j7:prep:prep-7-days:2026-08-03" not in planned
    invite = planned["j7:invite:procedure:2"]
    assert (invite.calendar.uid, invite.calendar.sequence) == ("journey-7-procedure@carejourney", 2)
    assert invite.calendar.start == dt.datetime(2026, 8, 10, 13, 0, tzinfo=NY)


def test_an_exit_cancels_the_reminders_and_the_calendar_entry(mild):
    events = _scheduled() + [ev("withdrawn", at("2026-07-20"), {"reason": "moving away"})]
    planned = _plan(mild, events, at("2026-07-20", "12:00"), invited={"procedure": 1})
    assert list(planned) == ["j7:cancel:procedure:2"]
    cancel = planned["j7:cancel:procedure:2"]
    assert cancel.calendar.method == "CANCEL" and cancel.calendar.sequence == 2
    # Never invited: nothing to take off the calendar.
    assert _plan(mild, events, at("2026-07-20", "12:00")) == {}


def test_quiet_hours_hold_a_late_evening_invitation_until_morning(mild):
    planned = _plan(mild, _scheduled(booked=at("2026-07-15", "22:30")), at("2026-07-15", "22:31"))
    assert planned["j7:invite:procedure:1"].send_at.astimezone(NY) == dt.datetime(2026, 7, 16, 8, 0, tzinfo=NY)
    assert plan.in_quiet_hours(at("2026-07-15", "07:59"), NY, (20 * 60, 8 * 60))
    assert not plan.in_quiet_hours(at("2026-07-15", "08:00"), NY, (20 * 60, 8 * 60))


def test_ticked_preparation_items_are_not_repeated(mild):
    events = _scheduled() + [ev("prep-confirmed", at("2026-07-16"), {"item": "ride-home"}, role="patient")]
    before = _plan(mild, _scheduled(), at("2026-07-16", "12:00"))["j7:prep:prep-7-days:2026-08-03"]
    after = _plan(mild, events, at("2026-07-16", "12:00"))["j7:prep:prep-7-days:2026-08-03"]
    assert any("drive you home" in p for p in before.paragraphs)
    assert not any("drive you home" in p for p in after.paragraphs)


def test_channel_and_language_preferences(mild):
    assert _plan(mild, _scheduled(), at("2026-07-15", "12:00"), contact=plan.Contact("none")) == {}
    assert _plan(mild, _scheduled(), at("2026-07-15", "12:00"), contact=plan.Contact("email", "en", False)) == {}
    sms = _plan(mild, _scheduled(), at("2026-07-15", "12:00"), contact=plan.Contact("sms", "en", True))
    assert {p.channel for p in sms.values()} == {"sms"}
    # A pathway with Spanish text: a patient who prefers Spanish gets it; missing text falls back to English.
    data = yaml.safe_load((BUILTIN_DIR / "mild.yaml").read_text())
    data["reminders"]["preparation"][0]["subject"]["es"] = "Su procedimiento MILD es en una semana"
    spanish = parse_pathway(yaml.safe_dump(data), "mild-es.yaml")
    planned = _plan(spanish, _scheduled(), at("2026-07-15", "12:00"), contact=plan.Contact("email", "es", True))
    assert planned["j7:prep:prep-7-days:2026-08-03"].subject == "Su procedimiento MILD es en una semana"
    assert planned["j7:prep:prep-2-days:2026-08-03"].subject == "Two days until your MILD procedure"


def test_staff_alerts_for_the_review_date_and_a_missed_follow_up(mild):
    # Conservative care began 2026-01-07 and is still going: reviewable six months on.
    events = history_to_candidacy()[:4]
    planned = _plan(mild, events, at("2026-03-01", "12:00"))
    alert = planned["j7:alert:candidacy-review-due:2026-07-07"]
    assert alert.audience == "staff" and alert.roles == ("coordinator", "clinician")
    assert alert.send_at.astimezone(NY) == dt.datetime(2026, 7, 7, 9, 0, tzinfo=NY)
    performed = at("2026-08-03", "09:00")
    after = _scheduled() + [
        ev("procedure-performed", performed, {"at": performed.isoformat(), "duration_min": 70, "levels": ["L4-L5"]}),
        ev("discharged", performed + dt.timedelta(hours=4), {"at": (performed + dt.timedelta(hours=4)).isoformat()}),
    ]
    planned = _plan(mild, after, at("2026-08-04", "12:00"))
    # The 2-week window closes on 2026-08-24: the alert is for the morning after.
    missed = planned["j7:alert:follow-up-missed:follow-up-2w:2026-08-25"]
    assert missed.send_at.astimezone(NY) == dt.datetime(2026, 8, 25, 9, 0, tzinfo=NY)
    done = after + [ev("follow-up-completed", at("2026-08-17"), {"visit": "follow-up-2w"})]
    assert not any("follow-up-2w" in k for k in _plan(mild, done, at("2026-08-17", "12:00")))


def test_retry_delay_doubles_up_to_a_cap():
    assert [plan.retry_delay(n, 60, 600).total_seconds() for n in (1, 2, 3, 4, 5)] == [60, 120, 240, 480, 600]


# Questionnaires due -------------------------------------------------------------------------------

PERFORMED = at("2026-08-03", "09:00")


def _performed():
    return _scheduled() + [
        ev("procedure-performed", PERFORMED, {"at": PERFORMED.isoformat(), "duration_min": 70, "levels": ["L4-L5"]}),
        ev("discharged", PERFORMED + dt.timedelta(hours=4), {"at": (PERFORMED + dt.timedelta(hours=4)).isoformat()}),
    ]


def _questionnaires(planned):
    return {k: p for k, p in planned.items() if p.kind == "questionnaire"}


def test_a_questionnaire_reminder_goes_out_when_its_window_opens_and_once_before_it_closes(mild):
    planned = _questionnaires(_plan(mild, _performed(), at("2026-08-04", "12:00")))
    # Done the day after the procedure: the 3-month questionnaire is due 2026-11-01, open 2026-10-18 to 2026-11-22.
    opened = planned["j7:questionnaire:3-months:open:2026-10-18"]
    assert (opened.send_at.astimezone(NY), opened.audience, opened.channel) == (dt.datetime(2026, 10, 18, 9, 0, tzinfo=NY), "patient", "email")
    assert opened.expires_at.astimezone(NY) == dt.datetime(2026, 10, 18, 21, 0, tzinfo=NY)
    assert opened.subject == "A questionnaire is ready for you"
    text = " ".join(opened.paragraphs)
    assert "A new questionnaire is ready for you: 3 months after your procedure." in text
    assert "Your answers show how your pain and walking change" in text
    assert "Please fill it in by Sunday, November 22, 2026." in text and "patient page: /portal/" in text
    nudge = planned["j7:questionnaire:3-months:nudge:5d:2026-11-22"]
    assert nudge.send_at.astimezone(NY) == dt.datetime(2026, 11, 17, 9, 0, tzinfo=NY)
    assert nudge.subject == "Please fill in your questionnaire by Sunday, November 22, 2026"
    # The 2-week one too; the baseline and pre-procedure ones closed when the procedure was done.
    assert set(planned) == {
        "j7:questionnaire:2-weeks:open:2026-08-14", "j7:questionnaire:2-weeks:nudge:5d:2026-08-24",
        "j7:questionnaire:3-months:open:2026-10-18", "j7:questionnaire:3-months:nudge:5d:2026-11-22",
    }


def test_a_window_already_open_when_booked_is_announced_at_the_next_send_time(mild):
    # Booked 19 days out at 11:00: the pre-procedure window opened two days earlier.
    planned = _questionnaires(_plan(mild, _scheduled(), at("2026-07-15", "12:00")))
    opened = planned["j7:questionnaire:pre-procedure:open:2026-07-13"]
    assert opened.send_at.astimezone(NY) == dt.datetime(2026, 7, 16, 9, 0, tzinfo=NY)
    assert "The week before your procedure" in opened.paragraphs[0]
    assert planned["j7:questionnaire:pre-procedure:nudge:5d:2026-08-03"].send_at.astimezone(NY) == dt.datetime(2026, 7, 29, 9, 0, tzinfo=NY)


def submissions(pathway, timepoint, when, only=None):
    instruments = pathway.outcomes.timepoint(timepoint).instruments
    return [ev("questionnaire-submitted", when, {"instrument": i, "timepoint": timepoint, "answers": answers(i)}, role="patient")
            for i in (only or instruments)]


def test_questionnaire_reminders_stop_once_it_is_completed_but_not_while_answers_are_missing(mild):
    partly = _performed() + submissions(mild, "3-months", at("2026-10-18", "10:00"), only=["nrs-back", "odi"])
    keys = set(_questionnaires(_plan(mild, partly, at("2026-10-18", "10:05"))))
    assert "j7:questionnaire:3-months:nudge:5d:2026-11-22" in keys
    done = _performed() + submissions(mild, "3-months", at("2026-10-18", "10:00"))
    keys = set(_questionnaires(_plan(mild, done, at("2026-10-18", "10:05"))))
    assert not any(":3-months:" in k for k in keys)
    assert "j7:questionnaire:2-weeks:open:2026-08-14" in keys  # each timepoint on its own


def test_questionnaire_reminders_stop_when_missed_or_when_the_journey_ends(mild):
    before = _questionnaires(_plan(mild, _scheduled(), at("2026-07-20", "12:00")))
    assert any(":pre-procedure:" in k for k in before)
    # The procedure closes the pre-procedure window: missed, so no nudge.
    after = _questionnaires(_plan(mild, _performed(), at("2026-08-04", "12:00")))
    assert not any(":pre-procedure:" in k or ":baseline:" in k for k in after)
    withdrawn = _performed() + [ev("withdrawn", at("2026-08-10"), {"reason": "moving away"})]
    assert _questionnaires(_plan(mild, withdrawn, at("2026-08-10", "12:00"))) == {}
    # No channel or no address: nothing planned for the patient.
    assert _questionnaires(_plan(mild, _performed(), at("2026-08-04", "12:00"), contact=plan.Contact("none"))) == {}


def test_questionnaire_reminders_follow_language_channel_and_quiet_hours(mild):
    data = yaml.safe_load((BUILTIN_DIR / "mild.yaml").read_text())
    rules = data["reminders"]
    rules["send_time"] = "21:30"  # inside quiet hours (20:00 to 08:00): held until 08:00 the next day
    rules["questionnaires"]["opened"]["subject"]["es"] = "Tiene un cuestionario listo"
    pathway = parse_pathway(yaml.safe_dump(data), "mild-es.yaml")
    planned = _questionnaires(_plan(pathway, _performed(), at("2026-08-04", "12:00"), contact=plan.Contact("sms", "es", True)))
    opened = planned["j7:questionnaire:3-months:open:2026-10-18"]
    assert (opened.channel, opened.language, opened.subject) == ("sms", "es", "Tiene un cuestionario listo")
    assert opened.send_at.astimezone(NY) == dt.datetime(2026, 10, 19, 8, 0, tzinfo=NY)
    assert opened.paragraphs[0] == "A new questionnaire is ready for you: 3 months after your procedure."  # falls back to English
    # {days} counts from the day the message goes out to the last day to answer.
    rules["questionnaires"]["opened"]["subject"]["es"] = "Quedan {days} días"
    rules["questionnaires"]["nudge"]["subject"]["es"] = "Quedan {days} días"
    pathway = parse_pathway(yaml.safe_dump(data), "mild-es.yaml")
    planned = _questionnaires(_plan(pathway, _performed(), at("2026-08-04", "12:00"), contact=plan.Contact("email", "es", True)))
    assert planned["j7:questionnaire:3-months:open:2026-10-18"].subject == "Quedan 34 días"  # Oct 19 to Nov 22
    nudge = planned["j7:questionnaire:3-months:nudge:5d:2026-11-22"]
    assert nudge.subject == "Quedan 4 días" and nudge.send_at.astimezone(NY) == dt.datetime(2026, 11, 18, 8, 0, tzinfo=NY)


def test_bad_questionnaire_reminder_fields_are_refused_with_their_place(mild):
    from carejourney.pathways.loader import PathwayError

    text = (BUILTIN_DIR / "mild.yaml").read_text()
    for bad, expected in [
        (text.replace("days_before_close: 5", "days_before_close: 0"),
         r"reminders.questionnaires.nudge.days_before_close: input should be greater than or equal to 1"),
        (text.replace("ready for you: {questionnaire}", "ready for you: {questionaire}"),
         r"reminders.questionnaires.opened.body\[0\].text: en: '\{questionaire\}' is not a placeholder here"),
        (text.replace("    opened:\n", "    openned:\n"), r"reminders.questionnaires.opened: is required"),
    ]:
        with pytest.raises(PathwayError, match=expected):
            parse_pathway(bad, "mild.yaml")
