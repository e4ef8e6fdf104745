"""Red flags: each category in lay words and with typos, negation, soreness, and urgency beating an answer."""

import pytest

from carejourney.questions.box import triage

URGENT = {
    "cauda-equina": [
        "i cant pee since lunchtime",
        "I wet myself in the chair and didn't feel it coming",
        "my groin and bottom have gone numb",
        "can't feel it when I wipe",
        "I lost controll of my bladdr this morning",  # typos
        "both my legs are weak",
    ],
    "leg-weakness": [
        "my foot is floppy",
        "my foot's gone flopy and slaps the ground",  # typo
        "I can't lift my toes up",
        "my leg keeps buckling and I fell over",
        "right leg went weak overnight",
    ],
    "infection": [
        "I've got a fever",
        "temp 38.4",
        "my temperature is 101 F",
        "feaver and chills",  # typo
        "the incision is red, hot and oozing",
        "there is pus coming from the cut",
    ],
    "bleeding": [
        "the wound won't stop bleeding even when I press on it",
        "my dressing is soaked with blood",
        "bleeding heavily from my back",
    ],
    "severe-pain": [
        "the pain is unbearable",
        "my pain meds aren't working at all",
        "sudden excruciating pain in my lower back",
    ],
    "chest-breathing-fainting": [
        "I have chest pain",
        "I can't catch my breath",
        "I passed out in the bathroom",
        "i fainted this morning",
    ],
    "headache-standing": [
        "my headache is terrible whenever I stand up",
        "headache goes away when I lie flat",
    ],
}


@pytest.mark.parametrize("category,text", [(c, t) for c, texts in URGENT.items() for t in texts])
def test_each_red_flag_category_in_lay_words(engine, category, text):
    result = engine.triage(text)
    assert result.urgent and result.red_flag == category, (text, result)
    assert result.faq_id is None and result.answer is None
    assert result.confidence == 1.0
    # the patient sees the clinic's instruction for that category
    assert result.instruction == engine.flags[category].instruction["en"]
    assert "911" in result.instruction


@pytest.mark.parametrize("text", [
    "no fever, just sore",
    "I don't have a fever or chills",
    "no redness or swelling at the incision",
    "the wound isn't bleeding and there's no pus",
    "temperature 37.4, is that ok?",
    "no numbness, no weakness, just tired",
    "I have no trouble peeing",
])
def test_negated_symptoms_are_not_red_flags(engine, text):
    assert not engine.triage(text).urgent, text


@pytest.mark.parametrize("text", [
    "my incision is a little sore",
    "a bit tender where they made the cut",
    "it's sore around the incision when I bend",
    "the cut aches a little today",
])
def test_expected_soreness_at_the_incision_is_not_a_red_flag(engine, text):
    assert not engine.triage(text).urgent, text


@pytest.mark.parametrize("text", [
    "What should I do if I get a fever?",
    "is there a risk of infection?",
    "what are the signs of bleeding I should watch for",
    "Can I get an infection from the procedure?",
])
def test_questions_about_a_symptom_are_not_reports_of_it(engine, text):
    assert not engine.triage(text).urgent, text


def test_a_negation_does_not_reach_past_but(engine):
    result = engine.triage("no fever but the wound is oozing pus")
    assert result.urgent and result.red_flag == "infection"


def test_urgency_wins_over_an_answer(engine):
    question = "How long is the recovery after mild?"
    assert engine.triage(question).faq_id == "recovery-time"
    result = engine.triage(question + " Also my foot has gone floppy since yesterday.")
    assert result.urgent and result.red_flag == "leg-weakness"
    assert result.faq_id is None and result.answer is None


def test_a_measured_temperature_decides(engine):
    assert engine.triage("fever of 38.0").urgent  # at the threshold
    assert engine.triage("fever of 100.4 F").urgent
    assert not engine.triage("slight fever, 37.6").urgent  # the reading says otherwise
    assert not engine.triage("my temperature was 99.5").urgent


def test_no_faq_question_or_phrasing_raises_a_red_flag(engine, mild):
    sentences = [s for f in mild.faq for s in [f.question["en"], *f.phrasings["en"]]]
    assert len(sentences) > 400
    assert [s for s in sentences if engine.detector.check(s, "en")] == []


def test_the_module_level_triage_uses_the_cached_engine(mild):
    result = triage(mild, "I can't stop the bleeding")
    assert result.as_dict() == {"faq_id": None, "urgent": True, "red_flag": "bleeding", "confidence": 1.0, "answer": None}
