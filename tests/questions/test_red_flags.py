"""Red flags: each category in lay words and with typos, negation, soreness, past and resolved symptoms, idioms,
questions about risks, and urgency beating an answer."""

import pytest
from conftest import labelled

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


# --- context: past, resolved, idioms, questions about risk (see questions/red_flags.py) ---------------

@pytest.mark.parametrize("text", [
    "I had a fever a couple of years ago with the flu, does that matter?",
    "last year I had a fall in the garden and broke my wrist",
    "I passed out once as a teenager when I gave blood",
    "my legs used to give way before the op, now I'm walking to the shops",
    "I had chills and a temperature last month but it all cleared up",
    "back pain was unbearable for years, that's why I'm having it done",
])
def test_past_symptoms_are_not_red_flags(engine, text):
    assert not engine.triage(text).urgent, text


@pytest.mark.parametrize("text", [
    "there was some oozing from the cut on day two but it stopped as soon as I pressed on it",
    "my feet were tingly after the op, but that wore off by teatime",
    "the redness around the dressing has gone away completely",
    "a spot of blood the first night, nothing since",
    "had a headache on the day, it went after a nap and hasn't come back",
])
def test_resolved_symptoms_are_not_red_flags(engine, text):
    assert not engine.triage(text).urgent, text


@pytest.mark.parametrize("text,category", [
    ("the numbness in my bottom still hasn't gone away", "cauda-equina"),  # the marker is negated
    ("the redness round the wound won't clear up and it's hot", "infection"),
    ("the bleeding stopped but now I can't pee at all", "cauda-equina"),  # said after the marker
    ("the bleeding stopped for a while but it's pouring again now", "bleeding"),  # undone
    ("the tingling in my groin wore off but came back this morning", "cauda-equina"),
    ("I blacked out in the kitchen, all fine now though", "chest-breathing-fainting"),  # an event stays a red flag
    ("my leg gave way on the stairs, it's ok now", "leg-weakness"),
    ("my leg was fine before the op but now it's weak and floppy", "leg-weakness"),  # taken up by "it"
    ("since my op two months ago my left leg keeps giving way", "leg-weakness"),  # "since ... ago" is not past
    ("in the past two days my groin has gone numb", "cauda-equina"),
    ("I'm used to back pain but this is unbearable", "severe-pain"),
])
def test_current_symptoms_beside_past_or_resolved_words_still_raise_a_flag(engine, text, category):
    result = engine.triage(text)
    assert result.urgent and result.red_flag == category, (text, result)


def test_past_and_resolved_symptoms_stay_in_the_text_for_matching(engine):
    """Only denied symptoms are cut: a past fever is still what the question is about."""
    analysis = engine.detector.analyse("I had a fever last year, can I still have it done?", "en")
    assert analysis.flag is None and "fever" in analysis.text_for_matching
    assert "fever" not in engine.detector.analyse("no fever, can I still have it done?", "en").text_for_matching


@pytest.mark.parametrize("text", [
    "that documentary about spines gave me the chills, is it really that big a needle?",
    "I'm weak at spelling, sorry for any typos",
    "my son is a pain in the neck about my diet",
    "dying to know when I can go dancing again",
    "my hay fever is terrible this week, can I take my antihistamine?",
    "walking to the post office is agony, will the procedure fix that?",
    "not the faintest idea where the day unit is",
])
def test_idioms_and_everyday_stenosis_limits_are_not_red_flags(engine, text):
    assert not engine.triage(text).urgent, text


@pytest.mark.parametrize("text", [
    "is numbness in the groin a possible side effect?",
    "can leg weakness be a complication of this?",
    "are chills a sign of infection?",
    "could the procedure make me lose control of my bowels?",
    "will the sedation make me feel faint?",
    "will my legs go weak afterwards?",
    "am I going to have bad headaches after?",
    "should I be worried about fainting on the day?",
    "nervous about bleeding afterwards because I take aspirin",
    "what temperature counts as a fever after the op?",
    "will she be in agony afterwards?",
    # "might", "would" asking
    "might I have a fever afterwards?",
    "i would have a fever if I got an infection right?",
])
def test_questions_about_a_risk_are_not_reports(engine, text):
    assert not engine.triage(text).urgent, text


@pytest.mark.parametrize("text,category", [
    ("I could barely walk this morning, my right leg gave way", "leg-weakness"),  # "could" alone is no cue
    ("is my leg weakness a side effect? it started yesterday", "leg-weakness"),  # a particular one, already there
    ("will the numbness between my legs wear off? it came on today", "cauda-equina"),
    ("could the numbness in my bottom be from the procedure?", "cauda-equina"),
    ("should I be worried about the numbness in my groin?", "cauda-equina"),
    ("is bladder leakage common after this? I wet myself twice today", "cauda-equina"),
])
def test_questions_that_report_a_symptom_still_raise_a_flag(engine, text, category):
    result = engine.triage(text)
    assert result.urgent and result.red_flag == category, (text, result)


@pytest.mark.parametrize("text,category", [
    ("I've taken the tablets exactly as prescribed and the pain in my back is still so bad", "severe-pain"),
    ("I feel like I need to go all the time but only a trickle comes out", "cauda-equina"),
    ("my last pee was at breakfast and it's nearly midnight", "cauda-equina"),
    ("bladder feels full but nothing happens when I try", "cauda-equina"),
    ("struggling to get my wee started since the op", "cauda-equina"),
    ("I've lost all feeling in my privates", "cauda-equina"),
    ("I can't go up on my tiptoes on the left side anymore", "leg-weakness"),
    ("my left leg has gone floppy and I can hardly lift it", "leg-weakness"),
    ("my foot just dangles when I lift my leg", "leg-weakness"),
    ("bleedin again from the wound and it wont stop", "bleeding"),
    ("can't get the bleeding to stop no matter what", "bleeding"),
    ("held a towel on it for twenty minutes and it's still soaking through", "bleeding"),
    ("my pain jumped from a 2 to a 9 in an hour", "severe-pain"),
    ("my pain is an 8 out of 10 today", "severe-pain"),
    ("the pain is more than the oxycodone can handle", "severe-pain"),
    ("in so much pain she can't get out of bed", "severe-pain"),
    ("my back hurts so much the tablets don't even touch it", "severe-pain"),
    ("I can't get a full breath in", "chest-breathing-fainting"),
    ("breathing feels like sucking through a straw", "chest-breathing-fainting"),
    ("when I stand my head feels like it will explode, fine lying down", "headache-standing"),
    ("102 last night, took some advil", "infection"),
    ("temp was thirty eight point six this morning", "infection"),
])
def test_lay_phrasings_of_red_flags(engine, text, category):
    result = engine.triage(text)
    assert result.urgent and result.red_flag == category, (text, result)


@pytest.mark.parametrize("text", [
    "I took pain pills and did physio for 6 months and they didn't help, can I have MILD?",
    "the painkillers did nothing for my back before the procedure",
    "ibuprofen for a year, it did nothing, that's why I was referred",
    "took 2 paracetamol at 10, is that ok before I come in?",
    "my pain was a 9 before the op, now it's a 3",
])
def test_history_of_treatment_and_doses_are_not_red_flags(engine, text):
    assert not engine.triage(text).urgent, text


def test_labelled_context_messages(engine):
    """Our own messages (redflags_context.jsonl, past, resolved, idioms, questions, lay words): every urgent one
    flagged by the word rules alone, and hardly a false alarm."""
    rows = labelled("redflags_context.jsonl")
    assert len(rows) > 300
    wrong = [r["text"] for r in rows if (engine.detector.check(r["text"], "en") is not None) != r["urgent"]]
    assert [t for t in wrong if next(r for r in rows if r["text"] == t)["urgent"]] == []  # every urgent one
    assert len(wrong) <= 0.005 * len(rows), wrong


def test_phrases_with_terms_must_name_existing_terms():
    from pydantic import ValidationError

    from carejourney.pathways.question_box import LanguageRules

    with pytest.raises(ValidationError, match=r"not_symptoms\[0\] '\{walking\} is agony': \{walking\} is not one of the terms"):
        LanguageRules(negation={"cues": ["no"]}, not_symptoms=["{walking} is agony"])
    with pytest.raises(ValidationError, match=r"negation.family\[1\] 'my \{kin\} has': \{kin\} is not one of the terms"):
        LanguageRules(negation={"cues": ["no"], "family": ["my husband has", "my {kin} has"]})


@pytest.mark.parametrize("text,urgent", [
    ("had my appendix out in 2012 and bled a lot afterwards", False),  # "and" goes on: the bleeding is in 2012
    ("had it done two months ago and can't pee since this morning", True),  # a present verb starts a new clause
    ("I had the procedure months ago and my leg went weak today", True),
    ("I passed out after an operation once, but that was 30 years ago", False),  # the marker stands for it all
    ("my legs go weak after a long walk but recover when I sit, same as always", False),
    ("I keep getting breathless on the stairs, which never used to happen", True),  # a negated past marker
    ("I get hot sweats and shivers from the menopause", False),  # another long-standing cause
    ("numb toes from my diabetes, nothing new", False),
    ("same old numbness on the side of my foot that I've had since 2021", False),
    ("before my diagnosis I fainted once when they took blood, nothing since", False),
    ("had a spinal headache years ago and this feels the same, worse when I stand up", True),  # it is back
    ("My leg is not strong since the procedure and my foot does not respond", True),
])
def test_clauses_joined_by_and_and_markers_that_stand_for_a_clause(engine, text, urgent):
    assert engine.triage(text).urgent == urgent, text


@pytest.mark.parametrize("text,urgent", [
    # the writer is the patient: the family's illness is theirs
    ("my husband has a fever of 39 with the flu, can I still come in for my procedure tomorrow?", False),
    ("my wife gets migraines that are worse when she stands, she's driving me home after my op", False),
    # a carer writes, or nothing says who the patient is: the family member is the patient
    ("my husband has a fever of 39 since his procedure", True),
    ("my husband had the procedure on Monday and has a fever of 39 now", True),
    ("my mum has been unable to pee since her surgery yesterday", True),
    # the family member only reports the patient's symptom
    ("my wife says my incision is red and oozing pus, should I still come to my appointment?", True),
    ("my neighbour had chest pain last week and went to hospital", False),
    ("my wife fainted yesterday, she's fine now but can someone else drive me home after my procedure?", False),
    ("the lady in the bed next to me fainted, is that the sedation?", False),
    # what is theirs goes on into a clause that refers back to it
    ("My husband just cut his hand and it won't stop bleeding, can my son drive me to my appointment?", False),
    ("My husband cut his hand and I can't pee since this morning, can my son drive me to my appointment?", True),
    # pets, and stories on television or online
    ("my dog is dragging his back leg, anyway when is my follow up", False),
    ("On a TV show a woman lost control of her bowels after back surgery, can that happen?", False),
    # but not the writer's own clause, nor a story without another person in it
    ("I was watching something on TV and collapsed", True),
    ("Listening to something on the radio and couldn't breathe", True),
    ("My friend changed the dressing and it's full of pus", True),
    ("My friend is here with me. She says my leg is dragging.", True),
])
def test_whose_symptom_it_is(engine, text, urgent):
    assert engine.triage(text).urgent == urgent, text


@pytest.mark.parametrize("text,urgent", [
    ("my butt has gone numb since this morning", True),
    ("I've had chest pain since this morning", True),
    ("is 37.9 counted as a fever?", False),
    ("the consent form mentions infection and nerve damage, how often does that happen?", False),
    ("I nearly wet myself laughing at the video", False),
    ("pills aint workin pain is bad bad", True),
    ("I don't think I have a fever", False),  # a hedged denial
    ("i dont think i can pee", True),  # a hedged inability
    ("I keep trying to go but nothing comes out and my belly feels so full", True),
    ("I nearly fainted when I saw the bill, is there a payment plan?", False),
    ("a bit weak in the knees about Friday, just nerves", False),
    ("small ooze from the site on day 0, resolved with pressure, dry since", False),
    ("is numbness in both legs something that can happen after the procedure?", False),
    # clinical shorthand from patients who worked in health care
    ("bilat LE numbness since last night, no void x 14h", True),
    ("sudden onset severe LBP this AM, not responding to prescribed analgesia", True),
    ("new pleuritic CP, HR 118", True),
    ("orthostatic HA since POD1, relieved supine", True),
])
def test_words_that_only_look_like_a_sign_and_signs_in_few_words(engine, text, urgent):
    assert engine.triage(text).urgent == urgent, text


def test_but_is_not_butt(engine):
    assert engine.detector.check("my toes are numb but otherwise I'm fine", "en") is None
    assert engine.detector.check("my butt is numb", "en").category == "cauda-equina"


@pytest.mark.parametrize("text,urgent", [
    ("I've had no bleeding, fever or numbness", False),  # a negation reaches through a list's commas
    ("no fever, my leg is weak or numb", True),  # but not into the next clause
    ("should I ring if my temperature goes over 38?", False),  # a hypothetical reading
    ("my temperature is 38.4, what do I do if it goes higher?", True),
    ("had a temp of 38.6 on the first night but it came down by itself", False),
    ("temp was 38.6 earlier but it came down with paracetamol", True),  # brought down is not over
])
def test_lists_and_readings(engine, text, urgent):
    assert engine.triage(text).urgent == urgent, text


@pytest.mark.parametrize("text,urgent", [
    # a list opener reaches every short item of its list, "or" or not, also after a colon
    ("the leaflet lists risks: infection, bleeding, nerve damage. how common are they?", False),
    ("what's the complication profile like - dural tear, haematoma, infection", False),
    ("consent form: 'I may experience increased pain, leg weakness, or foot drop.' do I sign it before?", False),
    ("potential complications: bleeding, infection, numbness, bladder or bowel problems, paralysis", False),
    # the writer's own list is no document's
    ("Listed below are my symptoms: leg weakness, numb groin, fever 38.5", True),
    ("My side effects include fever, chills and pus from the wound", True),
    ("I was warned about this, leg weak and foot dragging", True),
    ("In case it helps, temp 38.9, chills, wound oozing pus", True),
    ("the sheet lists severe pain and uncontrolled bleeding as rare risks", False),  # "and" separates items too
    ("risks include infection, bleeding and weakness in the legs", False),
    ("the leaflet mentions infection and my wound is red", True),
    # an item that says a clause is not part of the list
    ("the form mentions infection, my wound is red and hot", True),
    ("risks: i have a fever now and my wound is red", True),
    # only openers reach over a list without "or": negations and reports do not
    ("no fever, chills, sweats since this morning", True),
    ("i have side effects like fever, chills", True),
])
def test_lists_after_a_list_opener(engine, text, urgent):
    assert engine.triage(text).urgent == urgent, text


@pytest.mark.parametrize("text,urgent", [
    # a double negative says the symptom is there
    ("I can't say I haven't noticed my foot dragging, it catches on every step today", True),
    ("Not saying it isn't infected, the cut has gone angry red and hot", True),
    # "wouldn't call", "nothing I'd call" deny it
    ("I wouldn't call my leg weak at all, if anything it's stronger", False),
    ("Nothing I'd call redness round the cut, it looks clean and dry", False),
    ("no fever, nothing leaking, just a bit of a bruise round the plaster", False),
    # asking what to take does not hide the symptom it is for
    ("The pain tablets aren't working, can I take ibuprofen as well?", True),
    ("Can I take paracetamol for my fever of 39? It started this morning", True),
    # an "it" that says the symptom is over reaches back past clauses that name none
    ("Had trouble getting the wee started the first evening, probably the sedation, but it was normal by bedtime", False),
])
def test_double_negatives_and_hedges(engine, text, urgent):
    assert engine.triage(text).urgent == urgent, text


@pytest.mark.parametrize("text,urgent", [
    # a checklist: "none" after a colon denies its item
    ("Wound: clean. Fever: none. Bleeding: nil. Legs: normal. Can I go swimming yet?", False),
    ("fever: none, chills: yes", True),
    ("Bleeding: yes, it won't stop", True),
    # a pet is someone else only as the one who is ill
    ("my dog's got an infected paw with pus everywhere, can I move my follow-up?", False),
    ("I tripped over my dog and now my leg is weak", True),
    # not passing water, with a swollen belly or for hours
    ("We noticed he hasn't passed any water since last night and his lower tummy is swollen and hard", True),
    # a hypothetical does not reach over "and"
    ("The nurse said I might get a headache and fainted on the stairs", True),
    ("what to do if it gets worse and my foot is dragging", True),
    # a checklist's "none" denies a short label, not a question or a clause
    ("My temp is 38.8: normal?", True),
    ("Left leg gone weak since lunch and bladder: none", True),
    ("Fever: none\nLeg weakness: yes, since this morning", True),
    # in the clinic, dealt with there
    ("During the procedure I felt faint and my blood pressure dropped, should I mention it at my follow-up?", False),
])
def test_checklists_pets_and_what_happened_in_the_clinic(engine, text, urgent):
    assert engine.triage(text).urgent == urgent, text


@pytest.mark.parametrize("text,urgent", [
    ("In the novel the main character loses control of his bladder after a fall. Can that happen?", False),
    ("his hamster's back legs are weak, anyway when can I lift my grandson up again?", False),
    ("a mild headache from skipping coffee, the same whether I'm sitting, standing or lying down", False),
    ("I've got a stiff neck from sleeping at a funny angle, no fever", False),
    ("Also, blood keeps running from my cut even though my wife has been pressing on it since dinner", True),
    ("the spot on my back has gotten really red and puffy and warm since Sunday, probably nothing", True),
])
def test_stories_animals_and_plain_descriptions(engine, text, urgent):
    assert engine.triage(text).urgent == urgent, text


@pytest.mark.parametrize("text,urgent", [
    # a sentence that opens with "it" goes on from the one before
    ("This headache is nothing like my usual migraines. It's terrible when I stand up.", True),
    ("The numbness is different from my usual. It's in my bottom and between my legs since today.", True),
    ("There is a small bruise beside the plaster. It is turning yellow now.", False),
    ("I get tension headaches now and then. But this one is terrible when I stand, eases when I lie down.", True),
    # asking whether to wait is no hypothetical
    ("Is it OK to wait until Monday to mention that my foot has been dragging since Saturday?", True),
    # a list that ends in "or" after a denial, items of more than one word
    ("Resident is 1 week post MILD. Denies headache, chest pain or shortness of breath.", False),
    ("Fever of 39.1 and shivering, the dog was sick earlier but it's fine now", True),
    ("Can't pee since this morning, my appointment got moved but it's fine now", True),
    ("Persistent haemorrhage at the wound since this morning, not controlled with direct pressure.", True),
    ("since yesterday I don't really feel it when my bladder is full and I've had two accidents", True),
    ("can numbness in the groin happen after this?", False),
    # a month, exercise or "mention" does not make a symptom past or hypothetical
    ("Since my op in March the wound has been hot and red and oozing pus", True),
    ("I fainted after exercise", True),
    ("I should mention I have numbness around my bottom", True),
    ("The pain went away but it's back now and it's unbearable", True),
    ("I have lost bladder control today", True),
    ("Suppose I can't pee after the sedation, should I go to the ER?", False),
    ("The wound has been bleeding since lunch and pressing on it isn't stopping it", True),
])
def test_sentences_that_go_on_and_longer_lists(engine, text, urgent):
    assert engine.triage(text).urgent == urgent, text


def test_a_star_alone_stands_for_any_one_word():
    from carejourney.pathways.question_box import phrase_problem

    assert phrase_problem("for * months", allow_terms=False) is None
    assert phrase_problem("for ** months", allow_terms=False) is not None


@pytest.mark.parametrize("text,category", [
    ("new onset urinary retention since this morning", "cauda-equina"),
    ("reduced sensation in the perineal area since yesterday", "cauda-equina"),
    ("purulent discharge from the wound today", "infection"),
    ("febrile overnight and shivering", "infection"),
    ("had a syncopal episode an hour ago", "chest-breathing-fainting"),
    ("she is dyspneic just walking to the bathroom", "chest-breathing-fainting"),
])
def test_clinical_words_patients_and_carers_pick_up(engine, text, category):
    result = engine.triage(text)
    assert result.urgent and result.red_flag == category, (text, result)


@pytest.mark.parametrize("text", [
    "I can't shake the feeling it will go wrong like my sister's op. What are the risks?",
    "the wound pain is fine but the itching is still so bad",
    "afebrile, wound clean and dry, just a bit tender",
    "my neighbour got an infection after his back op, could that happen to me?",
    "a friend at the club fainted after his surgery and it worries me",
    "its fever pitch at work, can I move my appointment",
])
def test_other_people_idioms_and_normal_findings_are_not_red_flags(engine, text):
    assert not engine.triage(text).urgent, text


@pytest.mark.parametrize("text", [
    "temperature of 38.5 most days since the op",
    "why im getting chest pain",
    "I dont think I can pee, its been 12 hours",
    "without warning my legs gave way",
    "I didn't realise I had wet the bed",
    "I'm not bleeding much but it hasn't stopped for 2 hours",
])
def test_hedges_and_reasons_do_not_hide_a_red_flag(engine, text):
    assert engine.triage(text).urgent, text


@pytest.mark.parametrize("text,urgent", [
    ("my leg went weak and the numbness is all gone now but it still wont lift", True),
    ("a fever and chills last night, but it all cleared up", False),
])
def test_all_over_closes_everything_before_only_when_it_names_no_one_symptom(engine, text, urgent):
    assert engine.triage(text).urgent is urgent, text


@pytest.mark.parametrize("text,urgent", [
    ("my legs go weak after walking a block and I have to sit down", False),  # stenosis itself
    ("legs get weak and heavy when I stand in line, better sitting", False),
    ("my leg suddenly went weak when I was walking and now I cant lift it", True),
    ("my head feels heavy when I stand up and fine lying down", True),  # the idiom is about legs, not this
])
def test_weakness_that_comes_with_walking_or_standing_is_the_stenosis_not_a_new_weakness(engine, text, urgent):
    assert engine.triage(text).urgent is urgent, text


@pytest.mark.parametrize("text,urgent", [
    ("dad wet himself twice today and didn't notice", True),  # a carer writes in the third person
    ("my leg went all feeble this morning and folded under me", True),
    ("is there any chance it could leave me unable to control my bladder?", False),
    ("my golf partner lost control of his bladder after his op, does that happen with this one?", False),
])
def test_carers_words_and_other_peoples_stories(engine, text, urgent):
    assert engine.triage(text).urgent is urgent, text


@pytest.mark.parametrize("text", [
    "Bladder: not emptying. Legs: weak. Groin: numb.",  # a checklist's label and its value are one sentence
    "Wound: red, hot and oozing",
    "pins & needles in my private parts since this morning",
    "my right foot won't lift properly - the toes catch on the carpet",  # a spaced dash sets off a clause
    "I've been trying to go for hours and nothing comes out",
])
def test_checklists_dashes_and_ampersands_are_read(engine, text):
    assert engine.triage(text).urgent, text


@pytest.mark.parametrize("text", [
    # an item after "or" is meant as the one before it is
    "Could the sedation give me chest pains or breathing problems?",
    "The nurse asked me on the phone if I had any numbness in my groin or trouble passing water",
    # a clause with no subject of its own goes on with the one before
    "My husband's got a chesty cough and is a bit short of breath. Can he still drive me in?",
    # a worry about infection is not a sign of it at a wound that looks well
    "I was worried about infection but the cut looks pink and healing",
])
def test_what_an_item_or_a_clause_goes_on_from(engine, text):
    assert not engine.triage(text).urgent, text


@pytest.mark.parametrize("text", [
    "I don't have a fever or chills but I can't pee",
    "my wife's leg buckled under her and she went down. it's the leg the pain used to be in. it's getting worse",
    "shaking under three blankets and my teeth are chattering",
    "cant get the cut to stop. pressed with a flannel forever",
])
def test_what_goes_on_does_not_silence_a_symptom(engine, text):
    assert engine.triage(text).urgent, text


@pytest.mark.parametrize("text", [
    "No better: still can't pass urine",  # a label with a cue word is no checklist label
    "Might be nerves: chest tight and can't breathe",
    "Didn't sleep a wink or eat anything for the crushing chest pain",  # a negation does not reach over "or"
    "Could it be a trapped nerve or sciatica making my leg give way like this?",
    "My husband has a bad cold, been coughing, have had chest pain since lunch",  # only "and" goes on
    "I have a high pain threshold and this is 10 out of 10",
    "No pain - can't pass urine though - is that ok?",  # every spaced dash sets off a clause, even in pairs
    # the writer saying they have what was listed or asked about
    "As the leaflet says, ring if: fever, chills, pus. I have all three",
    "You said to ring if I can't pee - well I can't, nothing since 6am",
])
def test_what_reads_on_still_lets_a_symptom_through(engine, text):
    assert engine.triage(text).urgent, text


@pytest.mark.parametrize("text", [
    "Had a fever of 39 and rigors with a kidney infection, oh that was years ago",
    "Chest pain and breathless with a blood clot, mind that was years ago",
    "No - touch wood - bleeding or pus so far",  # a pair of dashes round three words or fewer is an aside
    "Could I get a fever or chills? I have both my daughters helping me",  # a claim must end its clause
    "What if I get a fever? Well I can't complain so far, I feel great",
])
def test_asides_and_afterthoughts_keep_their_reading(engine, text):
    assert not engine.triage(text).urgent, text


@pytest.mark.parametrize("text,urgent", [
    # "mine", after a contrast, takes up another person's symptom
    ("My friend says headaches are normal after it, but mine is pounding every time I stand up", True),
    ("My neighbour lost all feeling in the groin after the spinal, mine is tingling in the toes like before", False),
    # what a leaflet lists "but not" is not denied by the writer
    ("the leaflet lists side effects but not headaches - mine pounds whenever I sit up and eases off lying down", True),
    # a symptom said in an "if" clause is still said ("If I stand up I get a pounding headache")
    ("If I stand up I get a pounding headache and it only goes when I lie flat again", True),
    ("Is a fever of 38.5 common on day 2? Just took it", True),
])
def test_what_mine_and_questions_take_up(engine, text, urgent):
    assert engine.triage(text).urgent == urgent, text


@pytest.mark.parametrize("text,urgent", [
    # commas round a hesitation are read through
    ("I'm his wife - since the procedure he can't, um, perform in the bedroom at all", True),
    ("my leg, erm, is weak since lunch", True),
    ("no fever, um, just sore", False),
    # discharge that sounds infected, not a nose's or a discharge sheet's
    ("The discharge leaflet says watch for wound discharge. Mine has thick green discharge now", True),
    ("I have a cold with green discharge from my nose", False),
    ("My discharge instructions say keep the dressing dry for two days, is a shower ok?", False),
])
def test_hesitations_and_discharge(engine, text, urgent):
    assert engine.triage(text).urgent == urgent, text


@pytest.mark.parametrize("text,urgent", [
    # bleeding that pressure does not stop, in second-language and everyday words
    ("Blood is coming from the place of operation, I press 30 minute and still it is coming.", True),
    ("I've gone through the whole pack of dressings since this morning, it keeps leaking red", True),
    # night sweats, feeling hot then cold
    ("Woke up sweating and had soaked the sheets, feel rough", True),
    ("I keep going hot then cold since last night", True),
    ("Should I use a hot then cold pack on my back?", False),
    ("I was drenched in sweat after my walk on the treadmill, fine otherwise", False),
    # breathless, pre-fainting
    ("Can't finish a sentence without stopping for air since this morning", True),
    ("I can't finish the sentence on page 3 of the consent form, the print is cut off", False),
    ("I passed wind and then felt really lightheaded and went grey and clammy", True),
    # "winded" is breathless, passing wind is not
    ("Is passing wind a lot normal after the sedation?", False),
    ("Lots of trapped wind since the procedure, is that normal?", False),
    # a leg without strength, uncontrolled pain, a headache that comes on sitting up
    ("my right foot hasn't got the strength to push the brake down, it was fine last week", True),
    ("I don't have the strength in my left foot to push the pedal, started yesterday", True),
    ("Back is 10/10 and the tablets they gave me have done nothing", True),
    ("I've done nothing but rest, still taking my painkillers", False),
    ("I can't sit up to eat because my head starts pounding after a minute, so I eat lying down", True),
    ("3am pain in lower back thru the roof meds not doing nothin", True),
])
def test_pressure_night_sweats_air_strength_and_wind(engine, text, urgent):
    assert engine.triage(text).urgent == urgent, text


@pytest.mark.parametrize("text,urgent", [
    # a hedge before the first temperature word does not hide a reading stated from a later one
    ("I think I might have a temperature, the thermometer says 38.6", True),
    ("I think I might have a temperature, 38.5 on the ear thermometer. Could be nothing.", True),
    # a condition does, and so does a question about a threshold
    ("In case I get a temperature, my thermometer reads 38 as the cutoff?", False),
    ("If I get a fever, what should the thermometer read, 38?", False),
    ("Is a temperature of 38 counted as a fever for you or do you go by 38.5? Want to know before the op", False),
    # brand-name painkillers, bruise colours, how the back is opened
    ("Back's absolutely killing me mate, the Panadeine Forte they gave me is doing bugger all.", True),
    ("Bruise around the incision, yellowish-purple, about 3 cm across. Not bleeding, only tender if I press it.", False),
    ("Do they open up my whole back or is it done through a small hole?", False),
])
def test_hedged_readings_brand_names_bruises_and_how_the_back_is_opened(engine, text, urgent):
    assert engine.triage(text).urgent == urgent, text


@pytest.mark.parametrize("text,urgent", [
    # Jamaican English
    ("Mi cyaan hold mi water no more, it just a run out an mi nuh even feel it", True),
    ("Mi head a bus when mi stand up, but when mi lie down it ease off", True),
    # a carer's "he" after "home from the procedure" is the patient; hours without passing water
    ("My husband has dementia so he can't tell me much, but since coming home from the procedure he hasn't passed "
     "any water at all in 12 hours and keeps holding his lower belly.", True),
    ("No urine leaks or anything for 48 hours now, really pleased", False),
    # "what are the chances of" asks about a risk; "what are the odds my leg is this weak" reports one
    ("What are the chances of severe uncontrolled pain afterwards?", False),
    ("what are the odds of getting a fever or chills after mild", False),
    ("What are the odds my leg is this weak from the sedation? I can't lift it off the bed", True),
    ("His theory can't hold water", False),
])
def test_caribbean_english_carers_hours_and_chances(engine, text, urgent):
    assert engine.triage(text).urgent == urgent, text


@pytest.mark.parametrize("text,urgent", [
    # a symptom under "if" that is going on since a recent time is asked about, not imagined
    ("do you need to see me if im having chills and sweats on and off since yesterday", True),
    ("should I come in if the wound has been bleeding since this morning and won't stop", True),
    ("Would you cancel it if im having a fever since the day before?", False),
    ("Do I need to come in if im having no fever and no chills since yesterday?", False),
    ("Am I still a candidate if im having numbness in both legs since 2018", False),
    ("what should I do if I get a fever tonight", False),
    # "HA" for headache only where it says so; phonetic spellings; "long gone" ends a symptom, not a lost feeling
    ("HA much worse upright, better supine, since MILD yesterday", True),
    ("ha ha my back is worse when I stand but better lying down", False),
    ("I had an HA injection in my knee, it's better when I lie down and worse standing up - can I still have MILD?", False),
    ("my hed hurts real bad wen i get up but its ok laying flat", True),
    ("bleading from the cut wont stop even with presure", True),
    ("cant control my bowls since this morning", True),
    ("Had a fever with a cold last week but it's long gone. What do I need to do to get ready for Friday?", False),
    # a comparison with before is not the past; a risk or a shake of the hand is no symptom
    ("Back pain has suddenly got far worse than it ever was before the procedure.", True),
    ("pt asking re: infection and bleeding risk w/ the procedure", False),
    ("Pins and needles in my right hand this morning from sleeping on it funny, gone after a shake.", False),
    ("I've got a shake I can't stop, whole body, since an hour ago, and my teeth are chattering", True),
    # fearing agony to come, or asking for the signs, is not having it
    ("Honestly terrified it's going to be agony. Is it?", False),
    ("it is agony, is it agony for everyone or just me? tablets do nothing", True),
    ("What are the signs the wound is infected, so I know what to watch for with Dad?", False),
    ("what are the signs of infection? my wound is red hot and oozing pus", True),
    # Jamaican English, "head is banging", and "not one for" (a habit, not a denial)
    ("mi cyaan feel nutten round mi bottom and mi private, it start last night", True),
    ("di tablet dem give mi nah touch di pain at all, mi a bawl whole night", True),
    ("anytime I stand up my head is banging seriously, when I lie flat it reduces", True),
    ("I'm not one for headaches, but since Tuesday my head is pounding every time I'm upright", True),
    ("I'm not one for complaining but no fever here, just sore", False),
])
def test_ongoing_since_ha_phonetic_spellings_and_comparisons(engine, text, urgent):
    assert engine.triage(text).urgent == urgent, text
