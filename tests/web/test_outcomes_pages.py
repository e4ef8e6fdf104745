"""The patient's progress page, the care team's trajectory panel and the clinic outcomes page with its CSV."""

from __future__ import annotations

import csv
import html as htmllib
import io

import pytest

from carejourney.audit.models import AuditEntry
from carejourney.results.demo import add_demo_submissions
from test_questionnaires import earlier_answers
from world import text


@pytest.fixture
def answered(world):
    add_demo_submissions(seed=5)
    earlier_answers(world)
    return world


def test_progress_shows_each_measure_as_a_chart_with_words_and_a_summary(answered):
    patient = answered.patient("follow-up-3m-due")
    page = answered.patient_client("follow-up-3m-due").get("/portal/progress/")
    assert page.status_code == 200
    html, body = page.content.decode(), text(page)
    assert "In short" in body
    assert "Your disability score went from" in body or "Your disability score is about the same" in body
    assert html.count('role="img"') >= 3 and "<title" in html and "<desc" in html
    assert "Your disability score over time" in body and "The same in words" in body
    assert "Your first visit:" in body  # the text alternative names the timepoints
    # The site's Content-Security-Policy ignores inline styles: the charts' colours are attributes instead.
    assert "style-src 'self'" in page["Content-Security-Policy"]
    assert " style=" not in html and "<style" not in html
    assert 'stroke="#1f5f8b"' in html
    assert "You have a questionnaire to fill in." in body
    assert AuditEntry.objects.filter(patient_id=patient.pk, action="portal:view-progress").exists()
    # Before any answer there is nothing to chart, and the page says so.
    empty = answered.patient_client("evaluation").get("/portal/progress/")
    assert empty.status_code == 200 and 'role="img"' not in empty.content.decode()
    assert "after you fill in your first questionnaire" in text(empty)


def test_the_patient_page_shows_the_trajectory_with_responder_status(answered):
    patient = answered.patient("follow-up-3m-due")
    page = answered.staff_client("clinician").get(f"/console/patients/{patient.pk}/")
    assert page.status_code == 200
    body = text(page)
    assert "Outcomes" in body and "ODI (disability, %)" in body
    assert "2 weeks after your procedure" in body and "3 months after your procedure: due" in body
    assert "responder" in body and "change" in body


def _report(client, query=""):
    return client.get(f"/console/outcomes/{query}")


def test_the_clinic_outcomes_page_is_scoped_to_the_staff_members_clinics(answered):
    riverside = answered.staff_client("coordinator", "riverside")
    page = _report(riverside)
    assert page.status_code == 200
    body = text(page)
    assert "Clinic outcomes: Riverside" in body
    assert "Different populations: the trials enrolled selected patients" in body and "MiDAS ENCORE" in body and "MOTION" in body
    assert "Mean change (95 % CI)" in body and "Responders" in body
    assert "2 weeks after your procedure" in body
    # Another clinic's figures are refused with a clear message; nothing of theirs is shown.
    other = _report(riverside, "?clinic=lakeview")
    assert other.status_code == 400
    assert "clinic: 'lakeview' is not one of your clinics (yours: riverside)" in htmllib.unescape(text(other))
    assert "2 weeks after your procedure" not in text(other)
    assert riverside.get("/console/outcomes.csv?clinic=lakeview").status_code == 400
    # Patients and anonymous users are kept out.
    assert answered.patient_client("completed").get("/console/outcomes/").status_code in (302, 403)


def test_the_csv_matches_the_clinic_report(answered):
    from carejourney.clinic.models import Clinic
    from carejourney.results.queries import clinic_report

    client = answered.staff_client("clinician", "lakeview")
    r = client.get("/console/outcomes.csv")
    assert r.status_code == 200 and r["Content-Type"].startswith("text/csv")
    assert 'filename="outcomes-lakeview.csv"' in r["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(r.content.decode())))
    header = rows[0]
    assert header[:5] == ["timepoint", "label", "instrument", "measure", "n"]
    assert any("different population" in h for h in header)
    data = clinic_report(Clinic.objects.get(slug="lakeview"))
    assert len(rows) - 1 == len(data["rows"]) > 0
    first = dict(zip(header, rows[1]))
    assert int(first["n"]) == data["rows"][0]["n"]
