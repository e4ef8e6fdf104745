"""Outcomes on a real database: the score projection written with each event, the clinic report, the
commands, licensed wording and the demo answers."""

import copy
import csv
import datetime as dt
import io
import json

import pytest
from fhir.resources.R4B.bundle import Bundle

from carejourney.cli import main
from carejourney.clinic import pathway_store, records
from carejourney.clinic.models import Clinic, JourneyEvent
from carejourney.outcomes.instruments import questionnaire
from carejourney.pathways.engine import Refused
from carejourney.pathways.events import Actor, InvalidEvent
from carejourney.results.models import InstrumentWording, Score
from helpers import EVALUATION, IMAGING

pytestmark = pytest.mark.django_db
STAFF = Actor("coordinator", None, "test")
DOCTOR = Actor("clinician", None, "test doctor")
PATIENT = Actor("patient", None, "patient")
NOW = dt.datetime(2026, 11, 20, 15, 0, tzinfo=dt.timezone.utc)
SECTIONS = ["pain-intensity", "personal-care", "lifting", "walking", "sitting", "standing", "sleeping", "sex-life",
            "social-life", "travelling"]


@pytest.fixture
def clinic():
    return Clinic.objects.create(slug="north", name="North Clinic", timezone="America/New_York")


def _journey(clinic, name="Test Patient"):
    _, journey, _ = records.enrol(clinic, full_name=name, birth_date=dt.date(1950, 1, 1), email="",
                                  pathway_version=pathway_store.current(), actor=STAFF,
                                  enrolled_at=dt.datetime(2026, 1, 5, 9, 0), now=NOW)
    return journey


def _rec(journey, kind, data, actor=STAFF, at=None):
    return records.record(journey, kind, data, actor=actor, at=at, now=NOW)


def _to_after_procedure(journey):
    _rec(journey, "evaluation-completed", EVALUATION, at=dt.datetime(2026, 1, 5, 10))
    _rec(journey, "imaging-reviewed", IMAGING, DOCTOR, at=dt.datetime(2026, 1, 6, 10))
    _rec(journey, "conservative-care-recorded", {"kind": "physical-therapy", "started": "2026-01-07", "relief": "little"},
         at=dt.datetime(2026, 1, 7, 10))
    _rec(journey, "conservative-care-recorded",
         {"kind": "physical-therapy", "started": "2026-01-07", "ended": "2026-07-08", "relief": "little"}, at=dt.datetime(2026, 7, 10, 10))
    _rec(journey, "candidacy-assessed", {"decision": "candidate"}, DOCTOR, at=dt.datetime(2026, 7, 15, 10))
    _rec(journey, "procedure-scheduled", {"at": "2026-08-03T08:30"}, at=dt.datetime(2026, 7, 15, 11))
    _rec(journey, "procedure-performed", {"at": "2026-08-03T09:00", "duration_min": 70, "levels": ["L4-L5"]}, DOCTOR)


def _odi(journey, timepoint, total, at):
    values = [min(5, max(0, total - 5 * i)) for i in range(10)]
    return _rec(journey, "questionnaire-submitted", {"instrument": "odi", "timepoint": timepoint,
                                                     "answers": dict(zip(SECTIONS, values))}, PATIENT, at=at)


def test_a_submission_writes_its_scores_in_the_same_transaction(clinic):
    journey = _journey(clinic)
    _odi(journey, "baseline", 23, dt.datetime(2026, 1, 5, 12))
    row = Score.objects.get(journey=journey)
    assert (row.timepoint, row.instrument, row.measure, round(row.value, 1), row.band, row.change) == (
        "baseline", "odi", "score", 46.0, "severe", None)
    _to_after_procedure(journey)
    _odi(journey, "3-months", 11, dt.datetime(2026, 11, 2, 12))
    row = Score.objects.get(journey=journey, timepoint="3-months")
    assert (round(row.value, 1), row.reference_timepoint, round(row.change, 1), row.responder) == (22.0, "baseline", -24.0, True)


def test_bad_answers_or_timing_are_refused_and_nothing_is_written(clinic):
    journey = _journey(clinic)
    before = (JourneyEvent.objects.count(), Score.objects.count())
    with pytest.raises(InvalidEvent, match=r"data.answers.pain-intensity: 7 is not an answer"):
        _rec(journey, "questionnaire-submitted", {"instrument": "odi", "timepoint": "baseline", "answers": {"pain-intensity": 7}}, PATIENT)
    with pytest.raises(Refused, match="the 3-months questionnaires open once procedure-performed is recorded"):
        _rec(journey, "questionnaire-submitted", {"instrument": "nrs-back", "timepoint": "3-months", "answers": {"back-pain": 3}}, PATIENT)
    assert (JourneyEvent.objects.count(), Score.objects.count()) == before


def test_rebuild_gives_the_same_scores(clinic):
    journey = _journey(clinic)
    _odi(journey, "baseline", 30, dt.datetime(2026, 1, 6, 12))
    _to_after_procedure(journey)
    _odi(journey, "2-weeks", 20, dt.datetime(2026, 8, 17, 12))
    fields = ("timepoint", "instrument", "measure", "value", "change", "responder", "event_seq")
    snapshot = sorted(Score.objects.values_list(*fields))
    Score.objects.all().delete()
    assert records.rebuild([journey], now=NOW) == {"rebuilt": 1, "failed": 0}
    assert sorted(Score.objects.values_list(*fields)) == snapshot


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_outcomes_report_cli_json_and_csv(clinic, capsys):
    # Three patients: ODI 60 -> 30, 50 -> 30, 40 -> 36 at 3 months (changes -30, -20, -4).
    for n, (before, after) in enumerate([(30, 15), (25, 15), (20, 18)]):
        journey = _journey(clinic, f"Patient {n}")
        _odi(journey, "baseline", before, dt.datetime(2026, 1, 6, 12))
        _to_after_procedure(journey)
        _odi(journey, "3-months", after, dt.datetime(2026, 11, 1, 12))
    code, out, err = run(capsys, "outcomes", "report", "--clinic", "north", "--json")
    assert code == 0, err
    data = json.loads(out)
    row = next(r for r in data["rows"] if r["timepoint"] == "3-months" and r["key"] == "odi")
    # mean -18, sd 13.11, t(0.975, 2) = 4.303: CI -18 +/- 32.6
    assert (row["n"], row["n_paired"], row["mean_change"], row["ci95_low"], row["ci95_high"]) == (3, 3, -18.0, -50.6, 14.6)
    assert (row["responders"], row["n_judged"], row["responder_pct"]) == (2, 3, 66.7)
    assert {t["study"]: t["mean_change"] for t in row["trials"]} == {"MiDAS ENCORE": -22.7, "MOTION": -16.9}
    assert "Different populations" in data["population_note"]
    code, out, _ = run(capsys, "outcomes", "report", "--csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    three = next(r for r in rows if r["timepoint"] == "3-months")
    assert three["mean_change"] == "-18.0" and three["MiDAS ENCORE (2 years, different population) mean change"] == "-22.7"
    code, _, err = run(capsys, "outcomes", "report", "--clinic", "nowhere")
    assert code == 2 and "--clinic: no clinic 'nowhere'" in err


def test_patient_export_and_show(clinic, capsys):
    journey = _journey(clinic)
    _odi(journey, "baseline", 23, dt.datetime(2026, 1, 5, 12))
    _rec(journey, "questionnaire-submitted", {"instrument": "nrs-leg", "timepoint": "baseline", "answers": {"leg-pain": 8}}, PATIENT,
         at=dt.datetime(2026, 1, 5, 12))
    code, out, err = run(capsys, "outcomes", "export", str(journey.patient_id), "--json")
    assert code == 0, err
    bundle = json.loads(out)
    Bundle.model_validate(bundle)
    assert [e["resource"]["resourceType"] for e in bundle["entry"]] == ["QuestionnaireResponse"] * 2 + ["Observation"] * 2
    code, out, _ = run(capsys, "outcomes", "show", str(journey.patient_id), "--json")
    shown = json.loads(out)
    assert shown["summary"] == ["Your disability score is 46. We will show how it changes over time.",
                                "Your leg pain is 8 out of 10. We will show how it changes over time."]
    assert shown["questionnaires"][0]["remaining"] == ["nrs-back", "zcq", "walking-tolerance", "standing-tolerance"]
    code, _, err = run(capsys, "outcomes", "export", "99999")
    assert code == 2 and "there is no patient 99999" in err


def test_score_command(capsys):
    code, out, _ = run(capsys, "score", "odi", "--answers", "[2, 2, 2, 2, 2, 2, 2, 1, 1, null]", "--json")
    assert code == 0 and json.loads(out) == {"instrument": "odi", "score": 35.6, "subscales": {}, "band": "moderate", "answered": 9}
    code, _, err = run(capsys, "score", "odi", "--answers", "[9, 2, 2, 2, 2, 2, 2, 1, 1, null]")
    assert code == 2 and "--answers.pain-intensity: 9 is not an answer (answers: 0, 1, 2, 3, 4, 5)" in err
    code, _, err = run(capsys, "score", "koos", "--answers", "{}")
    assert code == 2 and "INSTRUMENT: 'koos' is not an instrument" in err


def test_import_licensed_wording(clinic, capsys, tmp_path):
    licensed = copy.deepcopy(questionnaire("odi"))
    licensed["url"] = "http://clinic.example/fhir/Questionnaire/odi"
    licensed["title"] = "ODI 2.1a (licensed)"
    licensed["item"][0]["item"][0]["text"] = "Licensed wording for pain intensity"
    good = tmp_path / "odi.json"
    good.write_text(json.dumps(licensed))
    code, out, err = run(capsys, "instruments", "import", str(good), "--clinic", "north", "--json")
    assert code == 0, err
    assert json.loads(out)["label"] == "ODI 2.1a (licensed)"
    from carejourney.results.wording import questionnaire_for

    shown, label = questionnaire_for("odi", clinic)
    assert label == "ODI 2.1a (licensed)" and shown["item"][0]["item"][0]["text"] == "Licensed wording for pain intensity"
    assert questionnaire_for("odi", None)[1] == "carejourney"

    licensed["item"][0]["item"][0]["answerOption"] = licensed["item"][0]["item"][0]["answerOption"][:4]
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(licensed))
    code, _, err = run(capsys, "instruments", "import", str(bad))
    assert code == 2 and "refused, it does not match the instrument" in err
    assert "item pain-intensity: answer values must be 0, 1, 2, 3, 4, 5 (found 0, 1, 2, 3)" in err
    (tmp_path / "x.json").write_text(json.dumps({**licensed, "url": "urn:x", "id": "x", "name": "x"}))
    code, _, err = run(capsys, "instruments", "import", str(tmp_path / "x.json"))
    assert code == 2 and "cannot tell which instrument" in err
    assert InstrumentWording.objects.count() == 1


def test_demo_answers_follow_the_journeys(capsys):
    from carejourney.clinic import demo
    from carejourney.results.demo import add_demo_submissions
    from carejourney.results.queries import clinic_report

    demo.generate(32, seed=3, now=NOW)
    summary = add_demo_submissions(seed=3, now=NOW)
    assert summary["journeys"] == 32 and summary["submissions"] > 50
    assert set(summary["submissions_by_timepoint"]) <= {"baseline", "pre-procedure", "2-weeks", "3-months"}
    rows = {(r["timepoint"], r["key"]): r for r in clinic_report()["rows"]}
    assert rows[("3-months", "odi")]["mean_change"] < -5  # improvement after the procedure, as in the trials
    assert rows[("baseline", "odi")]["n"] > 0
    # Demo patients with a login keep their open questionnaires to fill in themselves.
    from carejourney.clinic.models import Journey
    from carejourney.outcomes.due import DUE
    from carejourney.results.queries import patient_outcomes

    login = Journey.objects.filter(patient__user__isnull=False)
    assert login.exists()
    for journey in login:
        assert all(not q.completed for q in patient_outcomes(journey, now=NOW).due if q.status == DUE)
