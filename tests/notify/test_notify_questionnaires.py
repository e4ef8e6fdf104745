"""Questionnaires-due reminders end to end: outbox rows written with the events, sent by the worker
through a real SMTP server on loopback, and dropped once the answers are in."""

import datetime as dt
import json
from zoneinfo import ZoneInfo

from carejourney.cli import main
from carejourney.notify.models import OutboxMessage
from carejourney.pathways.events import Actor
from conftest import DOCTOR, answers, enrol, record, schedule, to_candidate

PATIENT = Actor("patient", None, "patient")
UTC = dt.timezone.utc
NY = ZoneInfo("America/New_York")


def worker_once(capsys, now):
    assert main(["worker", "--once", "--now", now, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_the_three_month_questionnaire_email_arrives_once_and_stops_after_the_answers(smtp, clinic, settings, capsys, mild):
    settings.SITE_URL = "https://care.north.test"
    patient, journey = enrol(clinic)
    to_candidate(journey)
    schedule(journey)
    performed = "2026-08-03T09:00"
    record(journey, "procedure-performed", {"at": performed, "duration_min": 70, "levels": ["L4-L5"]}, DOCTOR,
           at=dt.datetime(2026, 8, 3, 9, tzinfo=NY), now=dt.datetime(2026, 8, 3, 17, tzinfo=UTC))
    record(journey, "discharged", {"at": "2026-08-03T13:00"}, at=dt.datetime(2026, 8, 3, 13, tzinfo=NY), now=dt.datetime(2026, 8, 3, 18, tzinfo=UTC))

    # The 3-month window opens on 2026-10-18: 09:00 in New York is 13:00 UTC. Nothing goes out the minute before.
    assert worker_once(capsys, "2026-10-18T12:59:00Z")["sent"] == 0
    assert worker_once(capsys, "2026-10-18T13:00:00Z")["sent"] == 1
    [got] = smtp.received
    msg = got.message
    assert got.rcpt_tos == ["ada@example.com"] and msg["Subject"] == "A questionnaire is ready for you"
    text = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    assert "A new questionnaire is ready for you: 3 months after your procedure." in text
    assert "Your answers show how your pain and walking change over time." in text
    assert "Please fill it in by Sunday, November 22, 2026. To fill it in, sign in to your patient page: https://care.north.test/portal/" in text
    assert "https://care.north.test/portal/" in html and "Call us at +1 555 0100" in text
    # Running again sends nothing twice.
    assert worker_once(capsys, "2026-10-18T13:05:00Z")["sent"] == 0 and len(smtp.received) == 1
    nudge = OutboxMessage.objects.get(key=f"j{journey.pk}:questionnaire:3-months:nudge:5d:2026-11-22")
    assert nudge.status == "pending"

    # The patient answers every part the same morning: the nudge is cancelled, and nothing else arrives.
    for instrument in mild.outcomes.timepoint("3-months").instruments:
        record(journey, "questionnaire-submitted", {"instrument": instrument, "timepoint": "3-months", "answers": answers(instrument)},
               PATIENT, at=dt.datetime(2026, 10, 18, 10, tzinfo=NY), now=dt.datetime(2026, 10, 18, 14, 30, tzinfo=UTC))
    nudge.refresh_from_db()
    assert nudge.status == "cancelled"
    assert worker_once(capsys, "2026-11-17T14:00:00Z")["sent"] == 0  # the nudge's moment (09:00 EST)
    assert len(smtp.received) == 1
    # The patient page shows the reminder as sent and the nudge as no longer needed.
    assert main(["notify", "status", str(patient.pk), "--json"]) == 0
    rows = {r["subject"]: r["status_text"] for r in json.loads(capsys.readouterr().out)
            if r["kind"] == "questionnaire" and r["send_after"] >= "2026-10-18"}
    assert rows == {"A questionnaire is ready for you": "sent",
                    "Please fill in your questionnaire by Sunday, November 22, 2026": "not needed any more"}
