"""A patient's trajectory, plain-words summary, progress chart and FHIR export (pure core)."""

import copy
import datetime as dt
import xml.etree.ElementTree as ET

import pytest
from fhir.resources.R4B.bundle import Bundle

from carejourney.outcomes import fhir
from carejourney.outcomes.chart import progress_chart
from carejourney.outcomes.due import submitted
from carejourney.outcomes.instruments import INSTRUMENTS, questionnaire
from carejourney.outcomes.stats import mean_ci, t_quantile, wilson
from carejourney.outcomes.summary import plain_summary
from carejourney.outcomes.trajectory import measurements
from carejourney.pathways import engine
from helpers import at, clock, ev, history_to_completion

SECTIONS = ["pain-intensity", "personal-care", "lifting", "walking", "sitting", "standing", "sleeping", "sex-life",
            "social-life", "travelling"]


def odi(*values):
    return dict(zip(SECTIONS, values))


def sub(instrument, timepoint, day, answers):
    return ev("questionnaire-submitted", at(day), {"instrument": instrument, "timepoint": timepoint, "answers": answers}, role="patient")


@pytest.fixture
def journey(mild):
    events = history_to_completion()  # enrolled 2026-01-05, procedure 2026-08-03
    events = events[:1] + [
        sub("odi", "baseline", "2026-01-05", odi(3, 2, 3, 3, 2, 3, 2, None, 2, 3)),      # 23/45 = 51.1 %
        sub("nrs-leg", "baseline", "2026-01-05", {"leg-pain": 8}),
    ] + events[1:12] + [
        sub("odi", "pre-procedure", "2026-07-28", odi(3, 2, 3, 3, 2, 3, 2, 2, 2, 3)),     # 25/50 = 50 %, corrected below
    ] + events[12:] + [
        sub("odi", "3-months", "2026-11-01", odi(1, 1, 1, 1, 1, 1, 1, 1, 1, 2)),          # 11/50 = 22 %
        sub("nrs-leg", "3-months", "2026-11-01", {"leg-pain": 3}),
        sub("odi", "pre-procedure", "2026-08-02", odi(3, 2, 3, 3, 2, 3, 2, 1, 2, 2)),     # correction: 23/50 = 46 %
    ]
    return engine.fold(mild, events, clock("2026-11-05"))


def test_change_from_the_reference_and_responder_status(mild, journey):
    measured = {(m.timepoint, m.key): m for m in measurements(mild.outcomes, journey, clock("2026-11-05"))}
    assert measured[("baseline", "odi")].value == pytest.approx(23 / 45 * 100)
    pre = measured[("pre-procedure", "odi")]
    assert pre.value == pytest.approx(46) and pre.reference_timepoint == "baseline" and pre.responder is None
    three = measured[("3-months", "odi")]
    # Compared with pre-procedure (the latest answer, a correction), not baseline: 46 -> 22, 24 points better.
    assert (three.reference_timepoint, three.change, three.responder, three.band) == ("pre-procedure", pytest.approx(-24), True, "moderate")
    leg = measured[("3-months", "nrs-leg")]
    assert (leg.reference_timepoint, leg.change, leg.responder) == ("baseline", -5, True)


def test_plain_words_summary(mild, journey):
    lines = plain_summary(mild.outcomes, measurements(mild.outcomes, journey, clock("2026-11-05")))
    assert lines == [
        "Your disability score went from 46 to 22: a large improvement.",
        "Your leg pain went from 8 to 3 out of 10: a large improvement.",
    ]


def test_progress_chart_is_an_accessible_svg(mild, journey):
    measured = measurements(mild.outcomes, journey, clock("2026-11-05"))
    chart = progress_chart(mild.outcomes, measured, "odi")
    assert chart.text == ("Your disability score over time. Your first visit: 51; The week before your procedure: 46; "
                          "3 months after your procedure: 22. Lower is better.")
    root = ET.fromstring(chart.svg)
    assert root.get("role") == "img" and root.get("width") == "100%"
    ns = {"s": "http://www.w3.org/2000/svg"}
    assert root.find("s:title", ns).text == "Your disability score over time"
    assert root.find("s:desc", ns).text == chart.text
    assert progress_chart(mild.outcomes, measured, "zcq.satisfaction") is None


def test_export_is_a_valid_fhir_r4_bundle(mild, journey):
    c = clock("2026-11-05")
    measured = measurements(mild.outcomes, journey, c)
    latest = sorted(submitted(journey).values(), key=lambda e: e.seq)  # the correction replaces the first pre-procedure ODI
    bundle = fhir.bundle(42, 7, latest, measured, c.now)
    Bundle.model_validate(bundle)
    kinds = [e["resource"]["resourceType"] for e in bundle["entry"]]
    assert kinds.count("QuestionnaireResponse") == 5 and kinds.count("Observation") == 5
    obs = next(e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Observation"
               and e["resource"]["note"][0]["text"] == "timepoint: 3-months" and e["resource"]["code"]["text"].startswith("ODI"))
    assert obs["valueQuantity"]["value"] == 22 and obs["subject"] == {"reference": "Patient/42"}
    assert obs["component"][1] == {"code": {"text": "responder"}, "valueBoolean": True}
    qr = bundle["entry"][0]["resource"]
    assert qr["questionnaire"] == "urn:carejourney:questionnaire:odi" and qr["status"] == "completed"
    assert "sex-life" not in [i["linkId"] for s in qr["item"] for i in s["item"]]  # unanswered: left out


def test_licensed_wording_must_match_the_structure():
    for instrument_id in INSTRUMENTS:
        fhir.check_questionnaire(instrument_id, questionnaire(instrument_id))
    licensed = copy.deepcopy(questionnaire("odi"))
    for section in licensed["item"]:
        for item in section["item"]:
            item["text"] = "Licensed: " + item["text"]
            for o in item["answerOption"]:
                o["valueCoding"]["display"] = "Licensed option " + o["valueCoding"]["code"]
    fhir.check_questionnaire("odi", licensed)

    wrong = copy.deepcopy(licensed)
    wrong["item"][0]["item"][0]["answerOption"].pop()
    wrong["item"][1]["item"][0]["linkId"] = "self-care"
    with pytest.raises(fhir.WordingMismatch) as err:
        fhir.check_questionnaire("odi", wrong)
    assert err.value.problems == [
        "items missing for odi: personal-care (expected linkIds: " + ", ".join(SECTIONS) + ")",
        "items that odi does not have: self-care",
        "item pain-intensity: answer values must be 0, 1, 2, 3, 4, 5 (found 0, 1, 2, 3, 4)",
    ]
    with pytest.raises(fhir.WordingMismatch, match="resourceType: expected Questionnaire, found Patient"):
        fhir.check_questionnaire("odi", {"resourceType": "Patient"})
    with pytest.raises(fhir.WordingMismatch, match=r"item.0.type"):
        fhir.check_questionnaire("odi", {"resourceType": "Questionnaire", "status": "active", "item": [{"linkId": "x"}]})
    assert fhir.guess_instrument({"url": "http://clinic.example/Questionnaire/ODI"}) == "odi"


def test_confidence_intervals():
    assert t_quantile(0.975, 1) == pytest.approx(12.7062, abs=1e-3)
    assert t_quantile(0.975, 10) == pytest.approx(2.2281, abs=1e-3)
    assert t_quantile(0.975, 1000) == pytest.approx(1.9623, abs=1e-3)
    ci = mean_ci(4, -40, 408)  # changes -8, -12, -10, -10: mean -10, sd 1.633
    assert ci.mean == -10 and ci.low == pytest.approx(-10 - 3.1824 * 1.63299 / 2, abs=1e-3)
    assert mean_ci(1, 5, 25).low is None and mean_ci(0, 0, 0).mean is None
    low, high = wilson(8, 10)
    assert low == pytest.approx(0.4902, abs=1e-3) and high == pytest.approx(0.9433, abs=1e-3)


def test_form_uses_the_wording_it_is_given():
    licensed = copy.deepcopy(questionnaire("zcq"))
    licensed["item"][0]["item"][0]["text"] = "Licensed: overall pain"
    licensed["item"][0]["item"][0]["answerOption"][0]["valueCoding"]["display"] = "Licensed: none"
    before = fhir.form("zcq", licensed, after_treatment=False)
    assert [s["id"] for s in before] == ["symptom-severity", "physical-function"]
    first = before[0]["items"][0]
    assert first["text"] == "Licensed: overall pain" and first["options"][0] == (1, "Licensed: none")
    assert [s["id"] for s in fhir.form("zcq", questionnaire("zcq"), after_treatment=True)][-1] == "satisfaction"
    nrs = fhir.form("nrs-leg", questionnaire("nrs-leg"), after_treatment=False)[0]["items"][0]
    assert (nrs["kind"], nrs["low"], nrs["high"], nrs["anchors"]) == ("number", 0, 10, ("No pain", "Worst pain you can imagine"))
