"""Deterministic synthetic demo data: fictional patients at every step and every exit.

Histories are dated back from today, so the worklist always has something to show. The same
seed and the same day give the same patients. Rows are written in bulk (the core still replays
and checks every history), so 100k journeys stay quick.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
from dataclasses import dataclass
from typing import Any, Callable

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from carejourney import journey as journey_core
from carejourney.clinic import pathway_store, records
from carejourney.clinic.models import (
    Appointment,
    Clinic,
    Journey,
    JourneyEvent,
    JourneyProjection,
    Patient,
    StaffMember,
    WorklistItem,
)
from carejourney.pathways import engine
from carejourney.pathways.engine import Clock
from carejourney.pathways.events import Actor, Event, parse_data

DEMO_PASSWORD = "demo-journey-2026"
#: Demo patients with a portal login: the first patient of each scenario at each clinic.
PATIENT_LOGIN = "patient-{scenario}@{clinic}.demo.carejourney.test"
CLINICS = [
    ("riverside", "Riverside Spine & Pain", "America/New_York", "+1 555 0100"),
    ("lakeview", "Lakeview Pain Clinic", "America/Chicago", "+1 555 0140"),
]
STAFF = [
    ("coordinator", "Casey", "Morgan"),
    ("clinician", "Dana", "Rivera"),
    ("admin", "Alex", "Chen"),
]
FIRST = "Ada Bill Carol Dale Edna Frank Gloria Hank Iris Jack Kay Lou Mabel Ned Olive Pat Rosa Sam Tess Vern Wanda Walt Yvonne Hal".split()
LAST = "Abbott Baker Carver Dunn Ellis Foster Garner Hale Irwin Judd Keller Lowe Mercer Nash Oakes Pryor Quinn Reyes Sutter Tate Underwood Vance Wells Young".split()
ANTICOAGULANTS = ["apixaban", "warfarin", "clopidogrel"]

# Where each demo journey stands today: (scenario, days since the procedure or enrolment anchor).
SCENARIOS = [
    "evaluation", "conservative-care", "candidacy-review-due", "candidacy", "preparation", "prep-incomplete",
    "procedure", "recovery-2w-due", "recovery-2w-overdue", "follow-up-3m-upcoming", "follow-up-3m-due",
    "follow-up-3m-overdue", "completed", "not-a-candidate", "referred-out", "withdrawn",
]


@dataclass(frozen=True)
class Planned:
    type: str
    at: dt.datetime
    data: dict[str, Any]
    role: str


def _history(scenario: str, rng: random.Random, now: dt.datetime, tz) -> list[Planned]:
    """A plausible event history for one patient, ending where `scenario` says they are today."""
    today = now.astimezone(tz).date()

    def moment(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=tz)

    # The procedure day anchors late scenarios; the enrolment day anchors early ones.
    procedure_ago = {
        "procedure": 0, "recovery-2w-due": 13, "recovery-2w-overdue": 25, "follow-up-3m-upcoming": 40,
        "follow-up-3m-due": 88, "follow-up-3m-overdue": 120, "completed": 150, "preparation": -6, "prep-incomplete": -1,
    }
    enrol_ago = {"evaluation": 3, "conservative-care": 60, "candidacy-review-due": 170, "candidacy": 192,
                 "not-a-candidate": 200, "referred-out": 30, "withdrawn": 90}
    # "Procedure day" patients had theirs an hour ago, whatever the hour is now.
    performed_now = (now - dt.timedelta(hours=1)).astimezone(tz)
    if scenario == "procedure":
        proc_day = performed_now.date()
        enrol_day = proc_day - dt.timedelta(days=230 + rng.randint(0, 20))
    elif scenario in procedure_ago:
        proc_day = today - dt.timedelta(days=procedure_ago[scenario])
        enrol_day = proc_day - dt.timedelta(days=230 + rng.randint(0, 20))
    else:
        enrol_day = today - dt.timedelta(days=enrol_ago[scenario] + rng.randint(0, 2))
        proc_day = None
    e = enrol_day
    anticoag = [rng.choice(ANTICOAGULANTS)] if rng.random() < 0.3 else []
    level = rng.choice(["L3-L4", "L4-L5", "L4-L5", "L2-L3"])
    plan = [Planned("enrolled", moment(e, 9), {"referral_source": rng.choice(["primary care", "self", "orthopedics"])}, "coordinator")]
    if scenario == "evaluation":
        plan.append(Planned("evaluation-completed", moment(e, 10), _evaluation(rng, anticoag), "clinician"))
        return plan
    plan.append(Planned("evaluation-completed", moment(e, 10), _evaluation(rng, anticoag), "clinician"))
    severe = scenario == "referred-out"
    plan.append(Planned("imaging-reviewed", moment(e + dt.timedelta(days=2), 11), _imaging(rng, e, level, severe), "clinician"))
    if severe:
        plan.append(Planned("candidacy-assessed", moment(e + dt.timedelta(days=7), 15),
                            {"decision": "refer", "reason": "severe instability on MRI: spine surgery opinion"}, "clinician"))
        return plan
    started = e - dt.timedelta(days=30)
    kind = rng.choice(["physical-therapy", "medication", "injection"])
    plan.append(Planned("conservative-care-recorded", moment(e + dt.timedelta(days=3), 12),
                        {"kind": kind, "started": started.isoformat(), "ended": None, "relief": "little"}, "coordinator"))
    if scenario in ("conservative-care", "candidacy-review-due"):
        return plan
    if scenario == "withdrawn":
        plan.append(Planned("withdrawn", moment(e + dt.timedelta(days=80), 16),
                            {"reason": "moving out of the area"}, "coordinator"))
        return plan
    review = e + dt.timedelta(days=190)
    relief = "good" if scenario == "not-a-candidate" else rng.choice(["none", "little"])
    plan.append(Planned("conservative-care-recorded", moment(review, 10),
                        {"kind": kind, "started": started.isoformat(), "ended": (review - dt.timedelta(days=2)).isoformat(), "relief": relief},
                        "coordinator"))
    if scenario == "candidacy":
        return plan
    if scenario == "not-a-candidate":
        plan.append(Planned("candidacy-assessed", moment(review + dt.timedelta(days=5), 14),
                            {"decision": "not-a-candidate", "reason": "conservative care is working well"}, "clinician"))
        return plan
    assert proc_day is not None
    decided = proc_day - dt.timedelta(days=28)
    plan.append(Planned("candidacy-assessed", moment(decided, 14), {"decision": "candidate", "reason": ""}, "clinician"))
    plan.append(Planned("procedure-scheduled", moment(decided, 15),
                        {"at": (performed_now if scenario == "procedure" else moment(proc_day, 8, 30)).isoformat(),
                         "levels": [level], "location": "Procedure room 2"}, "coordinator"))
    items = [("fasting-understood", "patient"), ("ride-home", "patient"), ("loose-clothes", "patient"), ("blood-thinners-reviewed", "clinician")]
    done = 2 if scenario == "prep-incomplete" else (3 if scenario == "preparation" else 4)
    for n, (item, role) in enumerate(items[:done]):
        when = moment(decided + dt.timedelta(days=3 + n), 18)
        plan.append(Planned("prep-confirmed", when, {"item": item}, role))
    if scenario in ("preparation", "prep-incomplete"):
        return plan
    performed = performed_now if scenario == "procedure" else moment(proc_day, 9, 5)
    plan.append(Planned("procedure-performed", performed,
                        {"at": performed.isoformat(), "duration_min": rng.randint(60, 90), "levels": [level]}, "clinician"))
    if scenario == "procedure":
        return plan
    plan.append(Planned("discharged", performed + dt.timedelta(hours=4), {"at": (performed + dt.timedelta(hours=4)).isoformat()}, "coordinator"))
    if scenario in ("recovery-2w-due", "recovery-2w-overdue"):
        return plan
    plan.append(Planned("follow-up-completed", moment(proc_day + dt.timedelta(days=14), 10), {"visit": "follow-up-2w"}, "clinician"))
    if scenario == "completed":
        plan.append(Planned("follow-up-completed", moment(proc_day + dt.timedelta(days=91), 10), {"visit": "follow-up-3m"}, "clinician"))
    return plan


def _evaluation(rng: random.Random, anticoag: list[str]) -> dict[str, Any]:
    return {
        "pain_worse_standing_walking": True, "relief_sitting_bending": rng.random() < 0.9, "prior_surgery_levels": [],
        "bleeding_disorder": False, "anticoagulants": anticoag, "active_infection": False,
        "severe_neurological_deficit": False, "symptom_months": rng.randint(8, 60),
    }


def _imaging(rng: random.Random, enrol: dt.date, level: str, severe: bool) -> dict[str, Any]:
    return {
        "modality": rng.choice(["MRI", "MRI", "CT"]), "date": (enrol - dt.timedelta(days=rng.randint(5, 60))).isoformat(),
        "stenosis_confirmed": True, "lf_thickness_mm": round(rng.uniform(3.0, 6.5), 1), "levels": [level],
        "instability": "severe" if severe else rng.choice(["none", "none", "mild"]),
        "spondylolisthesis_grade": rng.choice([0, 0, 1]), "other_compressive_cause": False,
    }


def ensure_clinics_and_staff() -> tuple[list[Clinic], dict[tuple[str, str], StaffMember]]:
    User = get_user_model()
    clinics, staff = [], {}
    hashed = None  # one hash for every demo account: argon2 is slow on purpose
    for slug, name, tz, phone in CLINICS:
        clinic, _ = Clinic.objects.get_or_create(slug=slug, defaults={"name": name, "timezone": tz, "phone": phone})
        clinics.append(clinic)
        for role, first, last in STAFF:
            email = f"{role}@{slug}.demo.carejourney.test"
            user = User.objects.filter(username=email).first()
            if user is None:
                # Demo admins also manage clinics, staff and their authenticator devices in Django's admin.
                admin = role == "admin"
                user = User(username=email, email=email, first_name=first, last_name=last, is_staff=admin, is_superuser=admin)
                hashed = hashed or make_password(DEMO_PASSWORD)
                user.password = hashed
                user.save()
            member, _ = StaffMember.objects.get_or_create(user=user, defaults={"role": role})
            member.clinics.add(clinic)
            _ensure_totp(user)
            staff[(slug, role)] = member
    return clinics, staff


def totp_key(email: str) -> bytes:
    """The demo staff member's fixed TOTP secret (demo only: anyone can work it out from the email)."""
    return hashlib.sha1(f"carejourney-demo:{email}".encode()).digest()


def _ensure_totp(user) -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    if not TOTPDevice.objects.filter(user=user).exists():
        TOTPDevice.objects.create(user=user, name="demo authenticator", key=totp_key(user.email).hex(), confirmed=True)


def _ensure_patient_logins(patients: list[tuple[str, Patient]]) -> list[dict[str, str]]:
    """Give the listed demo patients a portal login (skipped where the login exists already)."""
    User = get_user_model()
    wanted = {PATIENT_LOGIN.format(scenario=sc, clinic=p.clinic.slug): (sc, p) for sc, p in patients}
    taken = set(User.objects.filter(username__in=list(wanted)).values_list("username", flat=True))
    hashed = make_password(DEMO_PASSWORD)  # one hash for all: argon2 is slow on purpose
    new = {name: User(username=name, email=name, password=hashed) for name in wanted if name not in taken}
    User.objects.bulk_create(list(new.values()))
    for user in User.objects.filter(username__in=list(new)):
        Patient.objects.filter(pk=wanted[user.username][1].pk).update(user=user)
    return [{"username": name, "scenario": sc, "clinic": p.clinic.slug, "patient_id": p.pk}
            for name, (sc, p) in wanted.items() if name in new]


def generate(patients: int, seed: int = 1, now: dt.datetime | None = None, progress: Callable[[int], None] | None = None,
             batch: int = 1000) -> dict[str, Any]:
    now = now or timezone.now()
    version = pathway_store.current("mild")
    pathway = pathway_store.pathway_of(version)
    with transaction.atomic():
        clinics, staff = ensure_clinics_and_staff()
    counts: dict[str, int] = {}
    made = 0
    first: list[tuple[str, Patient]] = []
    while made < patients:
        size = min(batch, patients - made)
        with transaction.atomic():
            written = _write_batch(range(made, made + size), seed, now, pathway, version, clinics, staff, counts)
        first += [(SCENARIOS[(i // len(clinics)) % len(SCENARIOS)], p) for i, p in written
                  if i < len(clinics) * len(SCENARIOS)]
        made += size
        if progress:
            progress(made)
    with transaction.atomic():
        logins = _ensure_patient_logins(first)
    return {
        "patients": patients, "seed": seed, "by_status_and_step": dict(sorted(counts.items())),
        "clinics": [c.slug for c in clinics],
        "staff": [{"email": m.user.email, "role": m.role, "clinic": slug} for (slug, _), m in staff.items()],
        "password": DEMO_PASSWORD,
        "patient_logins": logins,
    }


def _write_batch(indexes, seed, now, pathway, version, clinics, staff, counts) -> None:
    planned = []
    for i in indexes:
        rng = random.Random(seed * 1_000_003 + i)
        clinic = clinics[i % len(clinics)]
        scenario = SCENARIOS[(i // len(clinics)) % len(SCENARIOS)]
        first, last = rng.choice(FIRST), rng.choice(LAST)
        birth = dt.date(now.year - rng.randint(55, 86), rng.randint(1, 12), rng.randint(1, 28))
        clock = Clock(now, clinic.tz)
        state = None
        for p in _history(scenario, rng, now, clinic.tz):
            member = staff[(clinic.slug, p.role)] if p.role != "patient" else None
            actor = Actor(p.role, member.user_id if member else None, member.user.get_full_name() if member else "patient")
            event = Event(p.type, p.at, parse_data(p.type, p.data, clinic.tz), actor)
            state = journey_core.record(pathway, state, event, clock, birth)
        assert state is not None
        patient = Patient(clinic=clinic, full_name=f"{first} {last}", birth_date=birth,
                          email=f"{first.lower()}.{last.lower()}.{i}@example.com")
        planned.append((patient, clinic, clock, state))
        key = f"{state.status}/{state.step}"
        counts[key] = counts.get(key, 0) + 1
    Patient.objects.bulk_create([p for p, *_ in planned])
    journeys = Journey.objects.bulk_create(
        [Journey(patient=p, pathway=version, started_at=s.started_at) for p, _, _, s in planned]
    )
    events, projections, appts, work = [], [], [], []
    for journey, (patient, clinic, clock, state) in zip(journeys, planned):
        journey.patient = patient
        for e in state.events:
            events.append({"journey_id": journey.pk, "seq": e.seq, "type": e.type, "at": e.at, "recorded_at": e.at,
                           "actor_user": e.actor.id, "actor_role": e.actor.role, "actor_label": e.actor.label,
                           "data": e.data_dict()})
        view = journey_core.compose(pathway, state, clock, patient.birth_date)
        projections.append(records.projection_row(journey.pk, clinic.pk, state, view, now))
        appts += records.appointment_rows(journey.pk, view)
        work += records.work_rows(journey.pk, clinic.pk, view)
    _insert(JourneyEvent, events)
    _insert(JourneyProjection, projections)
    _insert(Appointment, appts)
    _insert(WorklistItem, work)
    return [(i, p) for i, (p, *_) in zip(indexes, planned)]


def _insert(model, rows: list[dict[str, Any]]) -> None:
    """INSERT many rows straight through the cursor: model instances cost more than the data here."""
    if not rows:
        return
    names = list(rows[0])
    fields = [model._meta.get_field(n.removesuffix("_id")) for n in names]
    ops, qn = connection.ops, connection.ops.quote_name

    def converter(field):
        kind = field.get_internal_type()
        if kind == "DateTimeField":
            return ops.adapt_datetimefield_value
        if kind == "DateField":
            return ops.adapt_datefield_value
        if kind == "JSONField":
            return json.dumps
        return None

    convert = [converter(f) for f in fields]
    sql = (f"INSERT INTO {qn(model._meta.db_table)} ({', '.join(qn(f.column) for f in fields)}) "
           f"VALUES ({', '.join(['%s'] * len(fields))})")
    values = [
        [v if c is None or v is None else c(v) for c, v in zip(convert, (row[n] for n in names))]
        for row in rows
    ]
    with connection.cursor() as cursor:
        for start in range(0, len(values), 5000):
            cursor.executemany(sql, values[start:start + 5000])


def summary_text(summary: dict[str, Any]) -> str:
    lines = [f"Added {summary['patients']} demo patients (seed {summary['seed']}) at {', '.join(summary['clinics'])}:"]
    lines += [f"  {n:>6}  {key}" for key, n in summary["by_status_and_step"].items()]
    lines.append(f"Demo staff (password {summary['password']}):")
    lines += [f"  {s['role']:<12} {s['email']}" for s in summary["staff"]]
    if summary.get("patient_logins"):
        lines.append("Demo patient logins (same password):")
        lines += [f"  {p['scenario']:<22} {p['username']}" for p in summary["patient_logins"]]
    return "\n".join(lines)
