"""Reminders and invitations sent through a real SMTP server on loopback, read back as a mail client would."""

import datetime as dt
import json
import logging
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from carejourney.cli import main
from carejourney.notify.models import ContactPreference, OutboxMessage
from carejourney.notify.status import delivery_status, failures
from carejourney.notify.worker import Worker
from helpers import EVALUATION, IMAGING
from conftest import DOCTOR, add_coordinator, enrol, record, schedule, to_candidate

NY = ZoneInfo("America/New_York")
UTC = dt.timezone.utc


def local(*args):
    return dt.datetime(*args, tzinfo=NY)


def send(now):
    worker = Worker(batch=10)
    try:
        return worker.run_once(now)
    finally:
        worker.close()


def parts(msg):
    text = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    ics = [p for p in msg.walk() if p.get_content_type() == "text/calendar"]
    cal = Calendar.from_ical(ics[0].get_payload(decode=True)) if ics else None
    return text, html, cal


def event_of(cal):
    return next(c for c in cal.walk("VEVENT"))


@pytest.fixture
def scheduled(clinic):
    patient, journey = enrol(clinic)
    to_candidate(journey)
    schedule(journey)
    return patient, journey


def test_the_invitation_arrives_with_its_calendar_entry(smtp, scheduled):
    patient, journey = scheduled
    now = local(2026, 7, 15, 11, 5)
    assert send(now).sent == 1
    [got] = smtp.received
    msg = got.message
    assert got.rcpt_tos == ["ada@example.com"]
    assert msg["Subject"] == "Your MILD procedure is booked for Monday, August 3, 2026"
    assert msg["Date"].datetime == now
    row = OutboxMessage.objects.get(kind="invitation")
    assert msg["Message-ID"] == row.message_id and row.status == "sent"
    text, html, cal = parts(msg)
    assert "Monday, August 3, 2026 at 8:30 AM" in text and "Call us at +1 555 0100" in text
    assert "<p>Your MILD procedure is booked for Monday, August 3, 2026 at 8:30 AM.</p>" in html
    assert cal["METHOD"] == "REQUEST"
    vevent = event_of(cal)
    assert str(vevent["UID"]) == f"journey-{journey.pk}-procedure@carejourney" and vevent["SEQUENCE"] == 1
    assert vevent.decoded("DTSTART") == local(2026, 8, 3, 8, 30)
    assert vevent.decoded("DTEND") == local(2026, 8, 3, 11, 30)
    assert not list(cal.walk("VALARM"))
    # Nothing else is due yet, and running again sends nothing twice.
    assert send(now).sent == 0 and len(smtp.received) == 1
    assert next(r for r in delivery_status(patient) if r["kind"] == "invitation")["status_text"] == "sent"


def test_a_reschedule_updates_the_calendar_event_and_an_exit_cancels_it(smtp, scheduled):
    patient, journey = scheduled
    send(local(2026, 7, 15, 11, 5))
    schedule(journey, "2026-08-10T13:00", at=dt.datetime(2026, 7, 20, 10), now=local(2026, 7, 20, 10))
    keys = dict(OutboxMessage.objects.values_list("key", "status"))
    assert keys[f"j{journey.pk}:prep:prep-7-days:2026-08-03"] == "cancelled"
    assert keys[f"j{journey.pk}:prep:prep-7-days:2026-08-10"] == "pending"
    assert send(local(2026, 7, 20, 10, 1)).sent == 1
    first, second = (parts(r.message)[2] for r in smtp.received)
    assert event_of(second)["UID"] == event_of(first)["UID"]
    assert event_of(second)["SEQUENCE"] == 2 > event_of(first)["SEQUENCE"]
    assert event_of(second).decoded("DTSTART") == local(2026, 8, 10, 13, 0)
    assert "August 10, 2026 at 1:00 PM" in smtp.received[1].message["Subject"] + parts(smtp.received[1].message)[0]
    # The 7-day reminder follows the new date.
    assert send(local(2026, 8, 3, 9, 0)).sent == 1
    assert smtp.received[2].message["Subject"] == "Your MILD procedure is in one week"
    record(journey, "withdrawn", {"reason": "moving away"}, at=dt.datetime(2026, 8, 4, 10), now=local(2026, 8, 4, 10))
    assert not OutboxMessage.objects.filter(status="pending").exclude(kind="cancellation").exists()
    assert send(local(2026, 8, 4, 10, 1)).sent == 1
    cancel = smtp.received[3].message
    cal = parts(cancel)[2]
    assert cal["METHOD"] == "CANCEL" and event_of(cal)["STATUS"] == "CANCELLED"
    assert event_of(cal)["UID"] == event_of(first)["UID"] and event_of(cal)["SEQUENCE"] == 3
    assert cancel["Subject"] == "Your MILD procedure on Monday, August 10, 2026 will not take place"


def test_quiet_hours_are_honoured(smtp, clinic):
    patient, journey = enrol(clinic)
    to_candidate(journey)
    # Booked at 22:30 clinic time: the invitation waits for the morning.
    schedule(journey, at=dt.datetime(2026, 7, 15, 22, 30), now=local(2026, 7, 15, 22, 31))
    assert send(local(2026, 7, 15, 23, 0)).sent == 0
    assert send(local(2026, 7, 16, 7, 59)).sent == 0 and not smtp.received
    assert send(local(2026, 7, 16, 8, 0)).sent == 1
    assert smtp.received[0].message["Date"].datetime == local(2026, 7, 16, 8, 0)
    # A message that comes due inside quiet hours (e.g. after retries) is held at send time too.
    row = OutboxMessage.objects.get(key=f"j{journey.pk}:prep:prep-7-days:2026-08-03")
    OutboxMessage.objects.filter(pk=row.pk).update(send_after=local(2026, 7, 27, 21, 0), expires_at=local(2026, 7, 28, 12))
    assert send(local(2026, 7, 27, 21, 5)).deferred == 1
    row.refresh_from_db()
    assert row.status == "pending" and row.send_after == local(2026, 7, 28, 8, 0) and len(smtp.received) == 1


def test_a_reminder_whose_moment_passed_long_ago_is_not_sent(smtp, scheduled):
    patient, journey = scheduled
    # The worker was down for two weeks: the invitation (useful for 72 hours) and the 7-day reminder
    # (for 2026-07-27 09:00, useful for 12 hours) are not sent late, nor are the pre-procedure questionnaire's
    # two reminders (opened and nudge); the baseline questionnaire, unanswered long after its window, counts
    # as missed and is not chased at all; the 2-day reminder is on time.
    tally = send(local(2026, 8, 1, 9, 0))
    assert (tally.expired, tally.sent) == (4, 1)
    status = {r["subject"]: r["status_text"] for r in delivery_status(patient)}
    assert status["Your MILD procedure is in one week"] == "not sent: too late to be useful"
    assert status["Your MILD procedure is booked for Monday, August 3, 2026"] == "not sent: too late to be useful"
    assert [r.message["Subject"] for r in smtp.received] == ["Two days until your MILD procedure"]


def test_temporary_failures_retry_with_backoff_and_permanent_ones_show(smtp, scheduled, settings):
    patient, journey = scheduled
    settings.NOTIFY_RETRY_BASE_SECONDS, settings.NOTIFY_MAX_ATTEMPTS = 60, 3
    smtp.refuse_rcpt = "451 4.3.0 try again later"
    now = local(2026, 7, 15, 11, 5)
    assert send(now).retried == 1
    row = OutboxMessage.objects.get(kind="invitation")
    assert (row.status, row.attempts, row.send_after) == ("pending", 1, now + dt.timedelta(seconds=60))
    assert send(now + dt.timedelta(seconds=30)).claimed == 0
    assert send(now + dt.timedelta(seconds=60)).retried == 1
    row.refresh_from_db()
    assert row.send_after == now + dt.timedelta(seconds=60 + 120)
    assert send(now + dt.timedelta(seconds=180)).failed == 1
    [failed] = failures()
    assert failed["id"] == row.pk and "gave up after 3 attempts" in failed["last_error"] and "ada@" not in failed["last_error"]
    # A mailbox that does not exist fails at once, with no retry.
    schedule(journey, "2026-08-10T13:00", at=dt.datetime(2026, 7, 20, 10), now=local(2026, 7, 20, 10))
    smtp.refuse_rcpt = "550 5.1.1 no such mailbox"
    assert send(local(2026, 7, 20, 10, 1)).failed == 1
    assert len(failures()) == 2 and not smtp.received


def test_an_unreachable_mail_server_is_retried(settings, scheduled):
    from smtp_sink import free_port

    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nobody listens
    tally = send(local(2026, 7, 15, 11, 5))
    row = OutboxMessage.objects.get(kind="invitation")
    assert tally.retried == 1 and row.status == "pending" and "cannot reach the mail server" in row.last_error


def test_sms_uses_the_logging_backend_and_never_claims_a_send(smtp, clinic, caplog):
    patient, journey = enrol(clinic)
    to_candidate(journey)
    ContactPreference.objects.create(patient=patient, channel="sms", phone="+1 555 0199")
    schedule(journey)
    # Everything still to go goes by text; messages cancelled before the change keep the channel they had.
    assert set(OutboxMessage.objects.exclude(status="cancelled").values_list("channel", flat=True)) == {"sms"}
    with caplog.at_level(logging.INFO, logger="carejourney.notify"):
        tally = send(local(2026, 7, 15, 11, 5))
    assert tally.logged == 1 and tally.sent == 0 and not smtp.received
    row = OutboxMessage.objects.get(kind="invitation")
    assert row.status == "logged" and row.sent_at is None
    assert "555" not in caplog.text and "MILD" not in caplog.text and row.message_id in caplog.text
    assert next(r for r in delivery_status(patient) if r["kind"] == "invitation")["status_text"] == \
        "not sent: no text-message provider is set up"


def test_staff_alert_reaches_the_coordinator_without_patient_details(smtp, clinic):
    add_coordinator(clinic)
    patient, journey = enrol(clinic)
    record(journey, "evaluation-completed", EVALUATION, at=dt.datetime(2026, 1, 5, 10), now=local(2026, 1, 5, 11))
    record(journey, "imaging-reviewed", IMAGING, DOCTOR, at=dt.datetime(2026, 1, 6, 10), now=local(2026, 1, 6, 11))
    record(journey, "conservative-care-recorded", {"kind": "physical-therapy", "started": "2026-01-07", "relief": "little"},
           at=dt.datetime(2026, 1, 7, 10), now=local(2026, 1, 7, 11))
    assert send(local(2026, 7, 7, 9, 0)).sent == 1
    [got] = smtp.received
    assert got.rcpt_tos == ["coordinator@north.test"] and got.message["Subject"] == "Candidacy review due"
    body = got.message.get_body(("plain",)).get_content()
    assert f"Journey {journey.pk}." in body and "Ada" not in body and "Baker" not in body


def test_the_command_line(smtp, scheduled, capsys):
    patient, journey = scheduled
    assert main(["worker", "--once", "--now", "2026-07-15T15:05:00Z", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["sent"] == 1
    assert main(["notify", "status", str(patient.pk), "--json"]) == 0
    statuses = {r["kind"]: r["status"] for r in json.loads(capsys.readouterr().out)}
    assert statuses["invitation"] == "sent" and statuses["preparation"] == "pending"
    for argv, message in [
        (["worker", "--once", "--now", "tomorrow"], "--now: 'tomorrow' is not an ISO-8601 date-time"),
        (["worker", "--once", "--now", "2026-07-15T15:05"], "has no time zone offset"),
        (["worker", "--once", "--batch", "0"], "--batch: give a number from 1 to 10000"),
        (["notify", "status", "abc"], "PATIENT_ID: 'abc' is not a patient id"),
        (["notify", "prefs", str(patient.pk), "--channel", "sms"], "--channel sms needs a phone number"),
    ]:
        before = list(OutboxMessage.objects.values_list("pk", "status"))
        assert main(argv) == 2
        assert message in capsys.readouterr().err
        assert list(OutboxMessage.objects.values_list("pk", "status")) == before
    assert main(["notify", "failures"]) == 0 and "No failed messages." in capsys.readouterr().out
    # Switching to text messages re-plans what is still waiting; what was sent stays sent.
    assert main(["notify", "prefs", str(patient.pk), "--channel", "sms", "--phone", "+1 555 0199", "--json"]) == 0
    capsys.readouterr()
    assert set(OutboxMessage.objects.filter(status="pending").values_list("channel", flat=True)) == {"sms"}
    assert OutboxMessage.objects.get(kind="invitation").channel == "email"


def test_rebuild_writes_rows_for_journeys_stored_without_hooks(smtp, scheduled, capsys):
    patient, journey = scheduled
    OutboxMessage.objects.all().delete()
    assert main(["notify", "rebuild", "--now", "2026-07-15T15:10:00Z", "--json"]) == 0
    totals = json.loads(capsys.readouterr().out)
    # Invitation, three preparation reminders, the day-before reminder, and the pre-procedure
    # questionnaire (opened, nudge); the baseline questionnaire's moments are long gone.
    assert totals["journeys"] == 1 and totals["created"] == 7
    assert main(["notify", "rebuild", "--now", "2026-07-15T15:10:00Z", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["created"] == 0


def test_outbox_rows_are_written_and_rolled_back_with_the_event(clinic):
    from django.db import transaction

    from carejourney.clinic.models import JourneyEvent

    patient, journey = enrol(clinic)
    to_candidate(journey)
    events = JourneyEvent.objects.filter(journey=journey).count()
    before = set(OutboxMessage.objects.filter(journey=journey).values_list("key", flat=True))
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            schedule(journey)
            assert OutboxMessage.objects.filter(journey=journey).exclude(kind="questionnaire").count() == 5
            raise RuntimeError("the request failed after the event was recorded")
    assert set(OutboxMessage.objects.filter(journey=journey).values_list("key", flat=True)) == before
    assert not OutboxMessage.objects.filter(journey=journey, kind__in=("invitation", "preparation", "reminder")).exists()
    assert JourneyEvent.objects.filter(journey=journey).count() == events


def test_a_pipelining_mail_server_gets_the_same_messages_and_refusals(smtp, scheduled):
    patient, journey = scheduled
    smtp.pipelining = True
    assert send(local(2026, 7, 15, 11, 5)).sent == 1
    assert smtp.received[0].message["Subject"] == "Your MILD procedure is booked for Monday, August 3, 2026"
    assert parts(smtp.received[0].message)[2]["METHOD"] == "REQUEST"
    smtp.refuse_rcpt = "550 5.1.1 no such mailbox"
    schedule(journey, "2026-08-10T13:00", at=dt.datetime(2026, 7, 20, 10), now=local(2026, 7, 20, 10))
    assert send(local(2026, 7, 20, 10, 1)).failed == 1
    assert "recipient refused: 550" in failures()[0]["last_error"] and len(smtp.received) == 1
    smtp.refuse_rcpt = None
    assert send(local(2026, 8, 3, 9, 0)).sent == 1  # the connection is still in a good state
