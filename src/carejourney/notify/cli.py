"""Commands: `carejourney worker` sends the outbox; `carejourney notify ...` looks after it."""

from __future__ import annotations

import argparse
import datetime as dt
import json

from carejourney.cli import CliError


def _now(value: str | None) -> dt.datetime | None:
    if not value:
        return None
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise CliError(f"--now: '{value}' is not an ISO-8601 date-time (e.g. 2026-08-02T09:00-04:00)") from None
    if moment.tzinfo is None:
        raise CliError(f"--now: '{value}' has no time zone offset; add one (e.g. -04:00 or Z): workers serve clinics in several zones")
    return moment


def cmd_worker(args: argparse.Namespace) -> int:
    from carejourney.notify.worker import Worker

    now = _now(args.now)
    if args.batch < 1 or args.batch > 10_000:
        raise CliError("--batch: give a number from 1 to 10000")
    if not 0.05 <= args.lease <= 3600:
        raise CliError("--lease: give seconds from 0.05 to 3600")
    if args.poll <= 0:
        raise CliError("--poll: give a number of seconds above 0")
    worker = Worker(batch=args.batch, lease_seconds=args.lease)
    if args.in_doubt:
        worker.in_doubt = args.in_doubt
    try:
        tally = worker.run_once(now) if args.once else worker.run_forever(args.poll, now)
    finally:
        worker.close()
    result = tally.as_dict()
    if args.json:
        print(json.dumps(result))
    else:
        print("worker: " + ", ".join(f"{k} {v}" for k, v in result.items() if v) if any(result.values()) else "worker: nothing was due")
    return 0


def _patient(patient_id: str):
    from carejourney.cli import patient_by_id

    return patient_by_id(patient_id)


def cmd_rebuild(args: argparse.Namespace) -> int:
    from carejourney.clinic.models import Journey
    from carejourney.notify.outbox import rebuild

    qs = Journey.objects.select_related("patient__clinic", "pathway").order_by("pk")
    if args.patient_id:
        qs = qs.filter(patient=_patient(args.patient_id))
    totals = rebuild(qs.iterator(chunk_size=500), now=_now(args.now))
    text = (f"Outbox rebuilt for {totals['journeys']} journeys: {totals['created']} new, {totals['updated']} changed, "
            f"{totals['cancelled']} cancelled" + (f"; {totals['failed']} could not be replayed" if totals["failed"] else "") + ".")
    print(json.dumps(totals) if args.json else text)
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    from carejourney.notify.status import delivery_status

    rows = delivery_status(_patient(args.patient_id))
    if args.json:
        print(json.dumps(rows, indent=2, default=str))
    else:
        for r in rows:
            print(f"{r['send_after']:%Y-%m-%d %H:%M}Z  {r['kind']:<13} {r['channel']:<6} {r['status_text']:<28} {r['subject']}")
        print(f"{len(rows)} messages")
    return 0


def cmd_failures(args: argparse.Namespace) -> int:
    from carejourney.cli import _clinic
    from carejourney.notify.status import failures

    rows = failures(_clinic(args.clinic) if args.clinic else None)
    if args.json:
        print(json.dumps(rows, indent=2, default=str))
    else:
        for r in rows:
            print(f"message {r['id']:>7}  patient {r['patient_id']:>6}  {r['kind']:<13} {r['status']:<7} {r['last_error']}")
        print(f"{len(rows)} messages need attention" if rows else "No failed messages.")
    return 0


def cmd_prefs(args: argparse.Namespace) -> int:
    from django.db import transaction

    from carejourney.clinic import records
    from carejourney.notify.models import ContactPreference
    from carejourney.notify.outbox import sync_journey

    patient = _patient(args.patient_id)
    pref = ContactPreference.objects.filter(patient=patient).first() or ContactPreference(patient=patient)
    if args.channel:
        pref.channel = args.channel
    if args.phone is not None:
        phone = args.phone.strip()
        if phone and not all(c.isdigit() or c in "+ -()" for c in phone):
            raise CliError(f"--phone: '{phone}' is not a phone number")
        pref.phone = phone
    if pref.channel == "sms" and not pref.phone:
        raise CliError("--channel sms needs a phone number: add --phone")
    if args.language:
        if not args.language.isalpha() or len(args.language) > 8:
            raise CliError(f"--language: '{args.language}' is not a language code (like en or es)")
        patient.language = args.language
    with transaction.atomic():
        pref.save()
        patient.save(update_fields=["language"])
        journey = records.current_journey(patient)
        counts = sync_journey(journey) if journey else {}
    out = {"patient_id": patient.pk, "channel": pref.channel, "language": patient.language, **counts}
    print(json.dumps(out) if args.json else f"Patient {patient.pk}: reminders by {pref.channel}, in {patient.language}.")
    return 0


def register(subparsers, add) -> None:
    p = add(subparsers, "worker", cmd_worker, "send reminders and alerts from the outbox (keeps running; --once to send what is due and stop)")
    p.add_argument("--once", action="store_true", help="send everything due now, then exit")
    p.add_argument("--now", metavar="ISO-8601", help="simulated present for tests and drills (with an offset)")
    p.add_argument("--batch", type=int, default=50, help="rows claimed at a time")
    p.add_argument("--lease", type=float, default=60.0, help="seconds a claim lasts before another worker may take over")
    p.add_argument("--poll", type=float, default=2.0, help="seconds between looks when nothing is due")
    p.add_argument("--in-doubt", choices=["resend", "hold"],
                   help="a message a stopped worker may have handed over already: resend it (same Message-ID) or hold it "
                        "for a person (default: NOTIFY_IN_DOUBT, else resend)")
    notify = subparsers.add_parser("notify", help="reminders and the outbox").add_subparsers(dest="sub", required=True, metavar="ACTION")
    p = add(notify, "rebuild", cmd_rebuild, "(re)build outbox rows from the journeys, e.g. after `carejourney demo`")
    p.add_argument("--patient", dest="patient_id", metavar="PATIENT_ID")
    p.add_argument("--now", metavar="ISO-8601", help="plan as of this moment (default: now)")
    p = add(notify, "status", cmd_status, "a patient's messages and their delivery status")
    p.add_argument("patient_id", metavar="PATIENT_ID")
    p = add(notify, "failures", cmd_failures, "messages that could not be sent, or may not have been")
    p.add_argument("--clinic", metavar="SLUG")
    p = add(notify, "prefs", cmd_prefs, "set how a patient hears from the clinic")
    p.add_argument("patient_id", metavar="PATIENT_ID")
    p.add_argument("--channel", choices=["email", "sms", "none"])
    p.add_argument("--phone")
    p.add_argument("--language")
