"""Answers from approved FAQ text, and honest abstention."""

import pytest

from carejourney.pathways.loader import parse_pathway, BUILTIN_DIR
from carejourney.questions.box import engine_for

from conftest import labelled
from labelled_sets import GENERAL, RED_FLAGS, REVIEWS


@pytest.mark.parametrize("text,faq_id", [
    ("can I have coffee before I come in?", "prepare"),
    ("is someone allowed to drive me home after?", "prepare"),
    ("do they leave screws in my spine", "implants"),
    ("how long will the whole thing take on the day", "procedure-duration"),
    ("am i going to be awake", "anesthesia"),
    ("when will my leg pain ease off after the procedure", "feel-better"),
    ("how many times do I come back to see the doctor afterwards", "follow-up-count"),
    ("where do i watch the film about my treatment", "video"),
])
def test_a_question_in_the_patients_words_gets_the_approved_answer(engine, mild, text, faq_id):
    result = engine.triage(text)
    assert (result.faq_id, result.urgent) == (faq_id, False), (text, result)
    entry = next(f for f in mild.faq if f.id == faq_id)
    assert result.answer == entry.answer["en"]  # approved text, word for word
    assert 0 < result.confidence <= 1


@pytest.mark.parametrize("text", [
    "how much does parking cost",
    "can I pay my bill by card?",
    "what time does the pharmacy close",
    "Is the clinic open on public holidays?",
])
def test_off_topic_questions_get_no_answer(engine, text):
    result = engine.triage(text)
    assert result.faq_id is None and result.answer is None and not result.urgent, (text, result)




def test_the_projects_labelled_messages(engine):
    """Our own labelled messages: every urgent one flagged, hardly a false alarm, nine in ten topics right."""
    rows = [r for name in GENERAL for r in labelled(f"{name}.jsonl")]
    results = [(r, engine.triage(r["text"])) for r in rows]
    assert [r["text"] for r, res in results if r["urgent"] and not res.urgent] == []
    non_urgent = [(r, res) for r, res in results if not r["urgent"]]
    assert sum(res.urgent for _, res in non_urgent) <= 0.01 * len(non_urgent)
    right = sum(not res.urgent and ((res.faq_id in r["expect"]) if r["expect"] else res.faq_id is None)
                for r, res in non_urgent)
    assert right / len(non_urgent) >= 0.90


def test_red_flag_sets_written_to_trip_the_box_up(engine):
    """Lay words, typos, euphemisms and symptoms buried mid-message; and look-alikes meant to raise false alarms."""
    rows = [r for name in RED_FLAGS for r in labelled(f"{name}.jsonl")]
    results = [(r, engine.triage(r["text"]).urgent) for r in rows]
    urgent = [flagged for r, flagged in results if r["urgent"]]
    calm = [flagged for r, flagged in results if not r["urgent"]]
    assert len(urgent) >= 300 and sum(urgent) / len(urgent) >= 0.98
    # 7.7 % on the sets up to redflags_r23; the look-alikes of redflags_r24 to r27 (leaflet warnings and
    # instructions read back, relatives' symptoms and conditions, checklists answered "no", stories from years
    # ago) are harder, 10 to 13 of 70 each, and take the whole to 9.2 %
    assert sum(calm) / len(calm) <= 0.095


@pytest.mark.parametrize("name,may_miss", REVIEWS.items())
def test_an_adversarial_review_of_the_rules(engine, name, may_miss):
    """Messages written to make the word rules silence an urgent message (lists, checklists, stories, other
    people, sentences that go on, labels, dashes, "or"; the third review: present symptoms asked as questions,
    "mine", habitual "would", hedges; the fourth: claims and dashes): the first two reviews' urgent ones nearly
    all stay flagged. The third is the hardest yet: the rules before this session missed 46 of its 152 urgent
    messages, and they still miss 34; its bound keeps that from growing. The fourth: 6 of 58 missed. The fifth
    (hedges, habits, carers who say "could I catch it", checklist answers such as "Bowel control - none"): 18 of 63
    missed, one fewer than the rules before it; the rules it attacked were taken out. The sixth (quotations from
    a leaflet, checklist answers such as "Leg weakness gone: no"): 1 of 53 missed, as before it; the seventh
    ("the GP's notes say ...", "he mentioned", carers, "discharge"): 1 of 41. The rules these two attacked
    (quotations, checklist "no", "notes say", "he mentioned") were taken out. The eighth ("has been gone", "you can
    get", "your", "still so bad", "standing ... becomes unbearable"): 1 of 40, after its rules were taken out. The
    ninth (passing wind, pressing, night sweats, stopping for air, strength, "done nothing"): 3 of 45 missed,
    where the rules before it missed 9; the rules it showed too broad were narrowed or taken out. The tenth ("or
    can't" after "if", a second temperature word, pain scores, "I'm the patient", "something to report"): 2 of
    45, where the rules of the morning missed 3; "or can't", the second temperature word and "I'm the patient" were
    taken out, and pain scores now count only in a clause about the pain now. The eleventh (hedged temperature
    readings, brand-name painkillers, "open up my back"): 1 of 34 missed, where the rules before it missed 20; the
    hedge rule was narrowed to hedges of now in a plain clause, the "open up" phrases to questions. The twelfth
    (Jamaican "cyaan" and "head a bus", "what are the chances", hours without passing water, "can't hold water"):
    1 of 28, where the rules before it missed 5; "what are the chances" now needs "of", "can't hold water" was
    taken out (idioms, hoses, vomiting). The thirteenth ("HA" for headache, "than ever before", infection risk,
    sleeping tablets, "a shake", "it cleared"): 0 of 28, where the rules before it missed 1; "HA" now counts only
    in phrases like "HA is" or "bad HA", "a shake" only as in "give it a shake", and "it cleared" was taken out
    (it reached back from a rash to a fever). The fourteenth ("if I'm having ... since", "long gone", "last
    injection"): 1 of 24, where the rules before it missed 4; "if I'm having ... since" became the `ongoing` phrases
    ("since yesterday", not "since 2018" or "since the day before") and no longer swallows a denial, "long gone"
    does not end a lost feeling, and "last injection" as a past cue was taken out."""
    rows = labelled(f"{name}.jsonl")
    missed = [r["text"] for r in rows if r["urgent"] and not engine.triage(r["text"]).urgent]
    assert len(missed) <= may_miss * sum(r["urgent"] for r in rows), missed


def test_off_topic_examples_in_the_pathway_make_similar_questions_abstain(engine, mild):
    from carejourney.questions.ranking import OFF_TOPIC

    text = "can I pay my bill by card?"
    assert engine.rank(text)[0].faq_id == OFF_TOPIC
    assert engine.triage(text).faq_id is None
    assert any("pay" in example.split() for example in mild.question_box.off_topic["en"])


def test_empty_message_abstains(engine):
    result = engine.triage("   ")
    assert (result.faq_id, result.urgent, result.answer) == (None, False, None)


def test_engines_are_cached_per_pathway_content(engine, mild):
    assert engine_for(mild) is engine
    same = parse_pathway((BUILTIN_DIR / "mild.yaml").read_text(), "mild.yaml")
    assert same is not mild and engine_for(same) is engine


def test_answers_are_given_in_the_asked_language_or_not_at_all(engine):
    # the built-in pathway has English text only: a Spanish reader gets the topic but no English answer
    result = engine.triage("how long does the procedure take", language="es")
    assert result.faq_id == "procedure-duration" and result.answer is None


def test_an_entry_with_only_its_question_still_matches_by_meaning(engine):
    from carejourney.pathways.loader import parse_pathway
    from carejourney.questions.box import QuestionEngine
    from carejourney.questions.model import sentence_vectors

    text = (BUILTIN_DIR / "mild.yaml").read_text()
    entry = ('  - id: parking\n    question: {en: "Where can I park at the clinic?"}\n'
             '    answer: {en: "Park in the visitor car park by the main door; it is free for patients."}\n')
    edited = parse_pathway(text.replace("\nfaq:\n", "\nfaq:\n" + entry, 1), "mild.yaml")
    custom = QuestionEngine(edited, engine.encode, sentence_vectors, engine.detector.lexicons["en"].known)
    ranked = custom.rank("Where can I park at the clinic?")
    parking = next(r for r in ranked if r.faq_id == "parking")
    assert parking.cosine > 0.99
