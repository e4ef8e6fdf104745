"""The `carejourney` command line.

Every command takes --json. Bad input prints one clear message on stderr, exits 2 and writes nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import importlib.util
import json
import os
import sys
import time
from typing import Any, Callable

EXIT_BAD_INPUT = 2


class CliError(Exception):
    """Bad input: the message tells the user what is wrong and where."""


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carejourney.settings")
    import django

    django.setup()  # a no-op when Django is already set up (e.g. under the test runner)


def _out(args: argparse.Namespace, payload: Any, text: str | Callable[[], str]) -> None:
    if args.json:
        print(json.dumps(payload, indent=2, default=str))
    else:
        print(text() if callable(text) else text)


def _parse_moment(value: str, what: str) -> dt.datetime:
    try:
        return dt.datetime.fromisoformat(value)
    except ValueError:
        raise CliError(f"{what}: '{value}' is not an ISO-8601 date-time (e.g. 2026-03-01T09:30-05:00)") from None


def _parse_day(value: str, what: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CliError(f"{what}: '{value}' is not a date in the form YYYY-MM-DD") from None


# --- commands that need no database -------------------------------------------------------------


def cmd_pathway_check(args: argparse.Namespace) -> int:
    from carejourney.pathways.loader import PathwayError, load_pathway

    try:
        p = load_pathway(args.file)
    except PathwayError as exc:
        if args.json:
            print(json.dumps({"file": args.file, "valid": False, "errors": exc.problems}, indent=2))
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return EXIT_BAD_INPUT
    summary = {
        "file": args.file, "valid": True, "id": p.id, "version": p.version, "steps": [s.id for s in p.steps],
        "visits": [v.id for v in p.visits], "faq": len(p.faq), "education": len(p.education),
        "criteria": len(p.candidacy.criteria) if p.candidacy else 0,
    }
    _out(args, summary, f"{args.file}: ok — {p.key}, {len(p.steps)} steps, {len(p.visits)} visits, {len(p.faq)} FAQ entries")
    return 0


# --- database commands --------------------------------------------------------------------------


def cmd_init(args: argparse.Namespace) -> int:
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    from carejourney.clinic import pathway_store

    executor = MigrationExecutor(connection)
    pending = len(executor.migration_plan(executor.loader.graph.leaf_nodes()))
    call_command("migrate", verbosity=0, interactive=False)
    version = pathway_store.current("mild")
    db = connection.settings_dict["NAME"]
    warmed = _warm_question_box(pathway_store.pathway_by_id(version.pk))
    _out(
        args,
        {"database": str(db), "vendor": connection.vendor, "migrations_applied": pending, "pathway": str(version),
         "question_box_ready_s": warmed},
        f"Database ready: {connection.vendor} {db} ({pending} migrations applied); pathway {version}."
        + (f" Question box ready ({warmed:.1f} s; its sentence vectors are cached for the next start)." if warmed is not None else ""),
    )
    return 0


def _warm_question_box(pathway) -> float | None:
    """Build the question box once so its sentence vectors are on disk and a server starts answering at once.
    None when the box is not installed or the pathway has none."""
    if pathway.question_box is None or importlib.util.find_spec("carejourney.questions.box") is None:
        return None
    from carejourney.questions.box import engine_for

    started = time.perf_counter()
    engine_for(pathway)
    return round(time.perf_counter() - started, 2)


def _clinic(slug: str | None):
    from carejourney.clinic.models import Clinic

    if slug:
        clinic = Clinic.objects.filter(slug=slug).first()
        if clinic is None:
            known = ", ".join(Clinic.objects.values_list("slug", flat=True)) or "none yet"
            raise CliError(f"--clinic: no clinic '{slug}' (clinics: {known})")
        return clinic
    clinics = list(Clinic.objects.all()[:2])
    if not clinics:
        raise CliError("there is no clinic yet: add one with `carejourney clinic add SLUG --name NAME`, or run `carejourney demo`")
    if len(clinics) > 1:
        raise CliError("there are several clinics: choose one with --clinic SLUG (see `carejourney clinic list`)")
    return clinics[0]


def cmd_clinic_add(args: argparse.Namespace) -> int:
    from django.core.exceptions import ValidationError

    from carejourney.clinic.models import Clinic

    clinic = Clinic(slug=args.slug, name=args.name, timezone=args.timezone, phone=args.phone or "")
    try:
        clinic.full_clean()
    except ValidationError as exc:
        raise CliError("; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())) from None
    clinic.save()
    _out(args, {"clinic": clinic.slug, "id": clinic.pk}, f"Clinic {clinic.slug} added.")
    return 0


def cmd_clinic_list(args: argparse.Namespace) -> int:
    from carejourney.clinic.models import Clinic

    rows = [{"slug": c.slug, "name": c.name, "timezone": c.timezone, "phone": c.phone} for c in Clinic.objects.order_by("slug")]
    _out(args, rows, lambda: "\n".join(f"{r['slug']:<20} {r['name']} ({r['timezone']})" for r in rows) or "No clinics.")
    return 0


def cmd_staff_list(args: argparse.Namespace) -> int:
    from carejourney.clinic.models import StaffMember

    qs = StaffMember.objects.select_related("user").prefetch_related("clinics").order_by("role", "user__email")
    if args.clinic:
        qs = qs.filter(clinics=_clinic(args.clinic))
    rows = [{"email": s.user.email, "name": s.user.get_full_name(), "role": s.role, "clinics": [c.slug for c in s.clinics.all()]} for s in qs]
    _out(args, rows, lambda: "\n".join(f"{r['role']:<12} {r['email']:<40} {', '.join(r['clinics'])}" for r in rows) or "No staff.")
    return 0


def _actor(by: str | None, clinic):
    from carejourney.clinic.models import StaffMember
    from carejourney.pathways.events import Actor

    if not by:
        return Actor("admin", None, "command line")
    staff = StaffMember.objects.select_related("user").filter(user__email__iexact=by).first()
    if staff is None:
        raise CliError(f"--by: no staff member with the email {by} (see `carejourney staff list`)")
    if not staff.clinics.filter(pk=clinic.pk).exists():
        raise CliError(f"--by: {by} does not work at the clinic {clinic.slug}")
    return Actor(staff.role, staff.user_id, staff.user.get_full_name() or staff.user.email)


def _pathway_version(pathway_id: str):
    from carejourney.clinic import pathway_store
    from carejourney.pathways.loader import PathwayError

    try:
        return pathway_store.current(pathway_id)
    except PathwayError as exc:
        raise CliError(str(exc)) from None


def cmd_patient_add(args: argparse.Namespace) -> int:
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    from carejourney.clinic import records
    from carejourney.pathways.engine import Refused
    from carejourney.pathways.events import InvalidEvent

    name = args.name.strip()
    if not name or len(name) > 200:
        raise CliError("--name: give the patient's name (1 to 200 characters)")
    birth = _parse_day(args.birth_date, "--birth-date")
    if not dt.date(1900, 1, 1) <= birth <= dt.date.today():
        raise CliError(f"--birth-date: {birth} is not a plausible birth date")
    email = (args.email or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise CliError(f"--email: '{email}' is not an email address") from None
    clinic = _clinic(args.clinic)
    enrolled_at = _parse_moment(args.enrolled_at, "--enrolled-at") if args.enrolled_at else None
    try:
        patient, journey, view = records.enrol(
            clinic, full_name=name, birth_date=birth, email=email, pathway_version=_pathway_version(args.pathway),
            actor=_actor(args.by, clinic), enrolled_at=enrolled_at,
        )
    except (Refused, InvalidEvent) as exc:
        raise CliError(f"--enrolled-at: {exc}") from None
    _out(
        args,
        {"patient_id": patient.pk, "journey_id": journey.pk, "clinic": clinic.slug, "pathway": str(journey.pathway), "step": view.state.step},
        f"Patient {patient.pk} enrolled at {clinic.slug} on {journey.pathway}; first step: {view.state.step}.",
    )
    return 0


def cmd_patient_list(args: argparse.Namespace) -> int:
    from carejourney.clinic.models import JourneyProjection

    qs = JourneyProjection.objects.select_related("journey__patient", "clinic").order_by("journey__patient_id")
    if args.clinic:
        qs = qs.filter(clinic=_clinic(args.clinic))
    if args.step:
        qs = qs.filter(step=args.step)
    if args.status:
        qs = qs.filter(status=args.status)
    total = qs.count()
    rows = [
        {"patient_id": p.journey.patient_id, "name": p.journey.patient.full_name, "clinic": p.clinic.slug, "step": p.step,
         "status": p.status, "next_due": p.next_due_on, "next_due_kind": p.next_due_kind}
        for p in qs[: args.limit]
    ]
    _out(args, {"total": total, "patients": rows},
         lambda: "\n".join(f"{r['patient_id']:>7}  {r['name']:<28} {r['step']:<18} {r['status']:<16} {r['next_due'] or ''}" for r in rows)
         + f"\n{len(rows)} of {total} shown")
    return 0


def patient_by_id(patient_id: str):
    """The patient a PATIENT_ID argument names, or CliError."""
    from carejourney.clinic.models import Patient

    if not patient_id.isdigit():
        raise CliError(f"PATIENT_ID: '{patient_id}' is not a patient id (a number, see `carejourney patient list`)")
    patient = Patient.objects.select_related("clinic").filter(pk=int(patient_id)).first()
    if patient is None:
        raise CliError(f"PATIENT_ID: there is no patient {patient_id}")
    return patient


def _patient(patient_id: str):
    from carejourney.clinic import records

    patient = patient_by_id(patient_id)
    journey = records.current_journey(patient)
    if journey is None:
        raise CliError(f"patient {patient_id} has no journey")
    return patient, journey


def _show_text(d: dict) -> str:
    lines = [f"Pathway {d['pathway']['id']}@{d['pathway']['version']} — status {d['status']}, step {d['step']}"]
    marks = {"done": "[x]", "current": "[>]", "upcoming": "[ ]", "stopped": "[!]", "not-reached": "[-]"}
    for s in d["steps"]:
        when = f" (since {s['entered_on']})" if s["state"] == "current" else (f" ({s['left_on']})" if s["left_on"] else "")
        lines.append(f"  {marks[s['state']]} {s['id']}{when}")
    if d["appointments"]:
        lines.append("Appointments:")
        for a in d["appointments"]:
            lines.append(f"  {a['visit']:<14} due {a['due']} (window {a['window_start']} to {a['window_end']}) {a['status']}")
    if d["candidacy"]:
        c = d["candidacy"]
        lines.append(f"Candidacy (decision support): {c['result']}" + (f"; clinician decided: {c['decision']}" if c["decision"] else ""))
        for cr in c["criteria"]:
            mark = {True: "met", False: "NOT met", None: "unknown"}[cr["met"]]
            lines.append(f"  {cr['id']:<32} {mark:<8} {cr['reason']}")
    if d["next_actions"]:
        lines.append("Next:")
        lines += [f"  {a['who']}: {a['text']}" + (f" (by {a['due']})" if a["due"] else "") for a in d["next_actions"]]
    return "\n".join(lines)


def _journey_view(journey) -> dict:
    from carejourney.clinic import records
    from carejourney.journey import compose, view_dict

    loaded = records.load(journey)
    view = compose(loaded.pathway, loaded.state, loaded.clock, journey.patient.birth_date)
    return view_dict(loaded.pathway, view, loaded.clock)


def cmd_journey_show(args: argparse.Namespace) -> int:
    patient, journey = _patient(args.patient_id)
    d = {"patient_id": patient.pk, "journey_id": journey.pk, **_journey_view(journey)}
    _out(args, d, lambda: _show_text(d))
    return 0


def cmd_journey_record(args: argparse.Namespace) -> int:
    from carejourney.clinic import records
    from carejourney.pathways.engine import Refused
    from carejourney.pathways.events import InvalidEvent

    patient, journey = _patient(args.patient_id)
    try:
        raw = json.loads(args.data) if args.data else {}
    except json.JSONDecodeError as exc:
        raise CliError(f"--data: not valid JSON ({exc.msg} at character {exc.pos})") from None
    at = _parse_moment(args.at, "--at") if args.at else None
    actor = _actor(args.by, patient.clinic)
    try:
        records.record(journey, args.event, raw, actor=actor, at=at)
    except InvalidEvent as exc:
        raise CliError(f"{args.event}: " + "; ".join(exc.problems)) from None
    except Refused as exc:
        hint = "" if args.by else " (without --by the command line records as an administrator; pass --by STAFF_EMAIL)"
        raise CliError(f"refused: {exc.reason}" + (hint if "must be recorded by" in exc.reason else "")) from None
    d = {"patient_id": patient.pk, "journey_id": journey.pk, **_journey_view(journey)}
    _out(args, d, lambda: f"Recorded {args.event}.\n" + _show_text(d))
    return 0


def cmd_journey_rebuild(args: argparse.Namespace) -> int:
    from carejourney.clinic import records
    from carejourney.clinic.models import Journey

    qs = Journey.objects.select_related("patient__clinic", "pathway").order_by("pk")
    if args.patient_id:
        qs = qs.filter(patient_id=_patient(args.patient_id)[0].pk)
    total = qs.count()
    progress = _progress("rebuilding", total, quiet=args.json)
    counts = records.rebuild(qs.iterator(chunk_size=500), progress=progress)
    _out(args, {"journeys": total, **counts}, f"Rebuilt {counts['rebuilt']} of {total} journeys; {counts['failed']} could not be replayed.")
    return 0 if not counts["failed"] else 1


def _progress(label: str, total: int, quiet: bool) -> Callable[[int], None]:
    step = max(1, total // 20)

    def report(done: int) -> None:
        if not quiet and (done % step == 0 or done == total):
            print(f"\r{label}: {done}/{total}", end="\n" if done == total else "", file=sys.stderr, flush=True)

    return report


def cmd_worklist(args: argparse.Namespace) -> int:
    from carejourney.clinic.worklist import worklist

    clinic = _clinic(args.clinic) if args.clinic else None
    day = _parse_day(args.date, "--date") if args.date else None
    if args.limit < 0:
        raise CliError("--limit: give a number of items, 0 or more")
    result = worklist(day=day, clinic=clinic, kind=args.kind, limit=args.limit)
    _out(args, result, lambda: "\n".join(
        f"{i['due']}  {i['kind']:<22} patient {i['patient_id']:>6}  {i['patient']:<28} {i['clinic']}" for i in result["items"]
    ) + f"\n{len(result['items'])} of {result['total']}{'+' if result['total_capped'] else ''} items for {result['date']}")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from carejourney.clinic import demo

    if args.patients < 1 or args.patients > 1_000_000:
        raise CliError("--patients: give a number from 1 to 1000000")
    summary = demo.generate(args.patients, seed=args.seed, progress=_progress("demo patients", args.patients, quiet=args.json))
    summary.update(_demo_extras(args))
    _out(args, summary, lambda: demo.summary_text(summary))
    return 0


def _demo_extras(args: argparse.Namespace) -> dict[str, Any]:
    """Questionnaire answers and planned reminders for the demo journeys, when those features are installed."""
    extras: dict[str, Any] = {}
    if importlib.util.find_spec("carejourney.results"):
        from carejourney.results.demo import add_demo_submissions

        done = add_demo_submissions(seed=args.seed)
        extras["questionnaires"] = {k: v for k, v in done.items() if k != "journeys"}
        if not args.json:
            print(f"Demo questionnaires: {done.get('submissions', 0)} submitted.", file=sys.stderr)
    if importlib.util.find_spec("carejourney.notify"):
        from carejourney.notify import outbox

        extras["outbox"] = outbox.rebuild()
        if not args.json:
            print(f"Reminders planned: {extras['outbox']}.", file=sys.stderr)
    return extras


def cmd_pathway_load(args: argparse.Namespace) -> int:
    from carejourney.clinic import pathway_store
    from carejourney.pathways.loader import PathwayError

    try:
        text = open(args.file, encoding="utf-8").read()
    except OSError as exc:
        raise CliError(f"{args.file}: cannot read the file ({exc.strerror})") from None
    try:
        version = pathway_store.register(text, args.file)
    except PathwayError as exc:
        raise CliError("\n".join(exc.problems)) from None
    warmed = _warm_question_box(pathway_store.pathway_by_id(version.pk))
    _out(args, {"pathway": version.pathway_id, "version": version.version, "question_box_ready_s": warmed},
         f"Pathway {version} is loaded." + (f" Question box ready ({warmed:.1f} s)." if warmed is not None else ""))
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from carejourney.serve import serve

    return serve(args.host, args.port, args.workers)


# --- parser --------------------------------------------------------------------------------------


COMMON = argparse.ArgumentParser(add_help=False)
COMMON.add_argument("--json", action="store_true", help="print machine-readable JSON")
#: Feature modules that add their own commands: each has `register(subparsers, add)`.
FEATURE_COMMANDS = ("carejourney.questions.cli", "carejourney.outcomes.cli", "carejourney.notify.cli")


def add(subparsers, name: str, func, help_text: str, needs_db: bool = True) -> argparse.ArgumentParser:
    """A subcommand that takes --json; `func(args) -> exit code`; `needs_db` sets up Django first."""
    p = subparsers.add_parser(name, help=help_text, description=help_text, parents=[COMMON])
    p.set_defaults(func=func, needs_db=needs_db)
    return p


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="carejourney", description="The MILD care journey, for patients and their clinic.", parents=[COMMON])
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    add(sub, "init", cmd_init, "create or migrate the database")
    p = add(sub, "demo", cmd_demo, "add deterministic synthetic patients over every step and exit")
    p.add_argument("--patients", type=int, default=60)
    p.add_argument("--seed", type=int, default=1)

    clinic = sub.add_parser("clinic", help="clinics").add_subparsers(dest="sub", required=True, metavar="ACTION")
    p = add(clinic, "add", cmd_clinic_add, "add a clinic")
    p.add_argument("slug")
    p.add_argument("--name", required=True)
    p.add_argument("--timezone", default="America/New_York")
    p.add_argument("--phone")
    add(clinic, "list", cmd_clinic_list, "list clinics")

    staff = sub.add_parser("staff", help="care-team members").add_subparsers(dest="sub", required=True, metavar="ACTION")
    p = add(staff, "list", cmd_staff_list, "list staff and their roles")
    p.add_argument("--clinic")

    patient = sub.add_parser("patient", help="patients").add_subparsers(dest="sub", required=True, metavar="ACTION")
    p = add(patient, "add", cmd_patient_add, "enrol a patient and start their journey")
    p.add_argument("--name", required=True)
    p.add_argument("--birth-date", required=True, metavar="YYYY-MM-DD")
    p.add_argument("--email")
    p.add_argument("--clinic", metavar="SLUG")
    p.add_argument("--enrolled-at", metavar="ISO-8601", help="when the patient joined (for patients already on the journey)")
    p.add_argument("--pathway", default="mild", metavar="ID")
    p.add_argument("--by", metavar="STAFF_EMAIL")
    p = add(patient, "list", cmd_patient_list, "list patients with their step and status")
    p.add_argument("--clinic", metavar="SLUG")
    p.add_argument("--step")
    p.add_argument("--status")
    p.add_argument("--limit", type=int, default=50)

    journey = sub.add_parser("journey", help="a patient's journey").add_subparsers(dest="sub", required=True, metavar="ACTION")
    p = add(journey, "record", cmd_journey_record, "record an event and print the new state")
    p.add_argument("patient_id", metavar="PATIENT_ID")
    p.add_argument("event", metavar="EVENT")
    p.add_argument("--at", metavar="ISO-8601", help="when it happened (default: now; no offset means the clinic's time zone)")
    p.add_argument("--data", metavar="JSON")
    p.add_argument("--by", metavar="STAFF_EMAIL", help="the staff member recording it (default: administrator)")
    p = add(journey, "show", cmd_journey_show, "show where a patient's journey stands")
    p.add_argument("patient_id", metavar="PATIENT_ID")
    p = add(journey, "rebuild", cmd_journey_rebuild, "recompute projections, appointments and worklist from the events")
    p.add_argument("--patient", dest="patient_id", metavar="PATIENT_ID")

    p = add(sub, "worklist", cmd_worklist, "what the care team should act on")
    p.add_argument("--date", metavar="YYYY-MM-DD")
    p.add_argument("--clinic", metavar="SLUG")
    p.add_argument("--kind")
    p.add_argument("--limit", type=int, default=200)

    pathway = sub.add_parser("pathway", help="pathway files").add_subparsers(dest="sub", required=True, metavar="ACTION")
    p = add(pathway, "check", cmd_pathway_check, "check a pathway YAML file and report every error", needs_db=False)
    p.add_argument("file", metavar="FILE")
    p = add(pathway, "load", cmd_pathway_load, "check a pathway file and make it available for new journeys")
    p.add_argument("file", metavar="FILE")

    p = add(sub, "serve", cmd_serve, "serve the web app")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--workers", type=int, default=2)
    for name in FEATURE_COMMANDS:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if not exc.name or not name.startswith(exc.name):  # a missing feature, not a broken import
                raise
            continue
        module.register(sub, add)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.needs_db:
            _setup_django()
            if args.func is not cmd_init:
                _require_migrated()
        return args.func(args)
    except CliError as exc:
        print(f"carejourney: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("carejourney: interrupted; nothing half-written was kept", file=sys.stderr)
        return 130
    except Exception as exc:  # a failure we did not foresee: a message, not a stack trace
        from django.db import DatabaseError

        if isinstance(exc, DatabaseError):
            print(f"carejourney: database error: {exc}", file=sys.stderr)
            return 1
        raise


def _require_migrated() -> None:
    from django.db import connection
    from django.db.utils import DatabaseError

    try:
        tables = connection.introspection.table_names()
    except DatabaseError as exc:
        raise CliError(f"cannot open the database ({exc})") from None
    if "clinic_journeyevent" not in tables:
        raise CliError("the database is not set up yet: run `carejourney init`")


if __name__ == "__main__":
    sys.exit(main())
