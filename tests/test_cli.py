import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from carejourney.cli import main
from carejourney.clinic.models import Clinic, JourneyEvent, Patient, StaffMember
from helpers import EVALUATION, IMAGING

DATA = Path(__file__).parent / "data"


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, (json.loads(out) if "--json" in argv and out.strip() and code == 0 else out), err


@pytest.fixture
def setup(db, capsys):
    from carejourney.clinic.demo import ensure_clinics_and_staff

    ensure_clinics_and_staff()
    code, out, _ = run(capsys, "patient", "add", "--name", "Test Walker", "--birth-date", "1948-03-02", "--clinic", "riverside",
                       "--enrolled-at", "2025-09-01T09:00", "--json")
    assert code == 0
    return out["patient_id"]


DOCTOR = "clinician@riverside.demo.carejourney.test"
COORD = "coordinator@riverside.demo.carejourney.test"
WALK = [
    ("evaluation-completed", "2025-09-01T10:00", EVALUATION, None),
    ("imaging-reviewed", "2025-09-02T10:00", IMAGING, DOCTOR),
    ("conservative-care-recorded", "2025-09-03T10:00", {"kind": "physical-therapy", "started": "2025-09-03", "relief": "none"}, None),
    ("conservative-care-recorded", "2026-03-10T10:00",
     {"kind": "physical-therapy", "started": "2025-09-03", "ended": "2026-03-09", "relief": "little"}, None),
    ("candidacy-assessed", "2026-03-12T10:00", {"decision": "candidate"}, DOCTOR),
    ("procedure-scheduled", "2026-03-12T11:00", {"at": "2026-04-06T08:30", "levels": ["L4-L5"]}, None),
    ("prep-confirmed", "2026-03-20T10:00", {"item": "fasting-understood"}, COORD),
    ("prep-confirmed", "2026-03-20T10:00", {"item": "ride-home"}, COORD),
    ("prep-confirmed", "2026-03-20T10:00", {"item": "loose-clothes"}, COORD),
    ("prep-confirmed", "2026-03-21T10:00", {"item": "blood-thinners-reviewed"}, DOCTOR),
    ("procedure-performed", None, {"at": "2026-04-06T09:10", "duration_min": 80, "levels": ["L4-L5"]}, DOCTOR),
    ("discharged", None, {"at": "2026-04-06T14:00"}, None),
    ("follow-up-completed", "2026-04-20T10:00", {"visit": "follow-up-2w"}, DOCTOR),
    ("follow-up-completed", "2026-07-05T10:00", {"visit": "follow-up-3m"}, DOCTOR),
]


def _record(capsys, pid, kind, when, data, by):
    argv = ["journey", "record", str(pid), kind, "--data", json.dumps(data), "--json"]
    argv += ["--at", when] if when else []
    argv += ["--by", by] if by else []
    return run(capsys, *argv)


def test_a_patient_walked_through_all_seven_steps_ends_completed(setup, capsys):
    steps = []
    for kind, when, data, by in WALK:
        code, state, err = _record(capsys, setup, kind, when, data, by)
        assert code == 0, err
        steps.append(state["step"])
    assert state["status"] == "completed"
    assert [s["state"] for s in state["steps"]] == ["done"] * 7
    assert list(dict.fromkeys(steps)) == ["evaluation", "conservative-care", "candidacy", "preparation", "procedure", "recovery", "follow-up"]
    dues = {a["visit"]: a["due"] for a in state["appointments"]}
    assert dues["follow-up-2w"] == "2026-04-20" and dues["follow-up-3m"] == "2026-07-05"
    code, shown, _ = run(capsys, "journey", "show", str(setup), "--json")
    assert shown["status"] == "completed" and shown["candidacy"]["decision"] == "candidate"
    assert {c["id"] for c in shown["candidacy"]["criteria"]} >= {"stenosis-confirmed", "conservative-care-failed"}
    assert [a for a in shown["next_actions"] if a["kind"] != "questionnaire"] == []  # the journey itself is done


def test_an_out_of_order_event_is_refused_with_a_reason_and_changes_nothing(setup, capsys):
    for kind, when, data, by in WALK[:3]:
        assert _record(capsys, setup, kind, when, data, by)[0] == 0
    _, before, _ = run(capsys, "journey", "show", str(setup), "--json")
    events = JourneyEvent.objects.count()
    code, out, err = _record(capsys, setup, *WALK[10][:3], DOCTOR)
    assert code == 2 and out == ""
    assert "refused: procedure-performed needs candidacy-assessed (decision: candidate) and procedure-scheduled recorded first" in err
    _, after, _ = run(capsys, "journey", "show", str(setup), "--json")
    assert after == before and JourneyEvent.objects.count() == events


def test_show_has_the_promised_fields(setup, capsys):
    for kind, when, data, by in WALK[:12]:
        assert _record(capsys, setup, kind, when, data, by)[0] == 0
    code, shown, _ = run(capsys, "journey", "show", str(setup), "--json")
    assert shown["step"] == "recovery" and shown["status"] == "active"
    for appt in shown["appointments"]:
        assert set(appt) >= {"visit", "due", "window_start", "window_end", "status"}
    assert set(shown["candidacy"]) >= {"result", "criteria"}
    assert all(set(c) >= {"id", "met", "reason"} for c in shown["candidacy"]["criteria"])
    assert any(a["id"] == "follow-up-2w" for a in shown["next_actions"])


def test_only_a_clinician_records_candidacy(setup, capsys):
    code, _, err = _record(capsys, setup, "candidacy-assessed", "2025-09-05T10:00", {"decision": "refer", "reason": "x"}, None)
    assert code == 2
    assert "must be recorded by a clinician, not by an admin" in err and "--by" in err


@pytest.mark.parametrize(
    "argv, message",
    [
        (["journey", "record", "{pid}", "imaging-reviewed", "--data", "{not json"], "--data: not valid JSON"),
        (["journey", "record", "{pid}", "imaging-reviewed", "--data", '{"modality": "PET"}', "--by", DOCTOR], "data.modality: must be one of MRI, CT"),
        (["journey", "record", "{pid}", "teleported", "--data", "{}"], "'teleported' is not an event type"),
        (["journey", "record", "{pid}", "withdrawn", "--at", "yesterday", "--data", '{"reason": "x"}'], "--at: 'yesterday' is not an ISO-8601"),
        (["journey", "record", "{pid}", "withdrawn", "--at", "2031-01-01T00:00", "--data", '{"reason": "x"}'], "in the future"),
        (["journey", "record", "99999", "withdrawn"], "there is no patient 99999"),
        (["journey", "record", "{pid}", "withdrawn", "--data", '{"reason": "x"}', "--by", "nobody@example.com"], "--by: no staff member"),
        (["patient", "add", "--name", "X", "--birth-date", "1950-02-30", "--clinic", "riverside"], "--birth-date: '1950-02-30' is not a date"),
        (["patient", "add", "--name", "X", "--birth-date", "1950-02-03", "--clinic", "nowhere"], "--clinic: no clinic 'nowhere'"),
        (["patient", "add", "--name", "X", "--birth-date", "1950-02-03", "--clinic", "riverside", "--email", "not-an-email"], "--email"),
        (["patient", "add", "--name", "X", "--birth-date", "1950-02-03", "--clinic", "riverside", "--enrolled-at", "2040-01-01"], "in the future"),
        (["worklist", "--date", "2026-13-01"], "--date: '2026-13-01' is not a date"),
    ],
)
def test_bad_input_exits_2_with_a_clear_message_and_writes_nothing(setup, capsys, argv, message):
    counts = (Patient.objects.count(), JourneyEvent.objects.count())
    code, out, err = run(capsys, *[a.replace("{pid}", str(setup)) for a in argv], "--json")
    assert code == 2
    assert message in err and err.startswith("carejourney: error: ")
    assert "Traceback" not in err
    assert (Patient.objects.count(), JourneyEvent.objects.count()) == counts


def test_pathway_check_reports_errors_with_lines(capsys, tmp_path):
    code, out, _ = run(capsys, "pathway", "check", str(DATA / "three-step.yaml"), "--json")
    assert code == 0 and out["valid"] and out["steps"] == ["evaluation", "procedure", "follow-up"]
    bad = tmp_path / "bad.yaml"
    bad.write_text((DATA / "three-step.yaml").read_text().replace("who: patient", "who: nurse"))
    code, _, err = run(capsys, "pathway", "check", str(bad))
    assert code == 2
    assert "bad.yaml:19: steps[1].checklist[0].who: must be one of patient, staff" in err


def test_the_second_pathway_runs_through_the_cli(db, capsys):
    Clinic.objects.create(slug="solo", name="Solo", timezone="Europe/London")
    assert run(capsys, "pathway", "load", str(DATA / "three-step.yaml"), "--json")[0] == 0
    code, out, _ = run(capsys, "patient", "add", "--name", "Ann Other", "--birth-date", "1960-01-01", "--pathway", "epidural-injection",
                       "--enrolled-at", "2026-01-01T09:00", "--json")
    assert code == 0 and out["step"] == "evaluation"
    code, state, _ = run(capsys, "journey", "record", str(out["patient_id"]), "imaging-reviewed", "--at", "2026-01-02T09:00",
                         "--data", json.dumps(IMAGING), "--json")
    assert code == 0 and state["step"] == "procedure" and state["pathway"]["id"] == "epidural-injection"


def test_worklist_lists_meaningful_items_after_demo(db, capsys):
    code, summary, _ = run(capsys, "demo", "--patients", "48", "--seed", "7", "--json")
    assert code == 0 and summary["patients"] == 48
    code, wl, _ = run(capsys, "worklist", "--json")
    kinds = {i["kind"] for i in wl["items"]}
    assert {"follow-up-due", "follow-up-overdue", "candidacy-review-due", "sign-off-pending", "prep-incomplete"} <= kinds
    assert wl["total"] == len(wl["items"])
    item = wl["items"][0]
    assert set(item) >= {"patient_id", "patient", "kind", "due"}
    code, only, _ = run(capsys, "worklist", "--clinic", "lakeview", "--kind", "follow-up-overdue", "--json")
    assert only["items"] and all(i["kind"] == "follow-up-overdue" and i["clinic"] == "lakeview" for i in only["items"])
    statuses = {k.split("/")[0] for k in summary["by_status_and_step"]}
    assert statuses == {"active", "completed", "referred-out", "not-a-candidate", "withdrawn"}
    steps = {k.split("/")[1] for k in summary["by_status_and_step"] if k.startswith("active/")}
    assert len(steps) == 7
    assert StaffMember.objects.filter(role="clinician").count() == 2


def test_the_installed_command_on_a_fresh_sqlite_database(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["CAREJOURNEY_DATA_DIR"] = str(tmp_path / "var")
    exe = Path(sys.executable).with_name("carejourney")

    def cj(*argv):
        return subprocess.run([str(exe), *argv], capture_output=True, text=True, env=env, timeout=120)

    missing = cj("worklist")
    assert missing.returncode == 2 and "run `carejourney init`" in missing.stderr
    assert cj("init", "--json").returncode == 0
    assert (tmp_path / "var" / "carejourney.sqlite3").exists()
    demo = cj("demo", "--patients", "32")
    assert demo.returncode == 0 and "demo patients: 32/32" in demo.stderr and "Demo staff" in demo.stdout
    wl = json.loads(cj("worklist", "--json").stdout)
    assert wl["total"] > 0
    import sqlite3

    con = sqlite3.connect(tmp_path / "var" / "carejourney.sqlite3")
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    rebuilt = cj("journey", "rebuild", "--json")
    assert rebuilt.returncode == 0 and json.loads(rebuilt.stdout)["rebuilt"] == 32
    assert json.loads(cj("worklist", "--json").stdout) == wl
