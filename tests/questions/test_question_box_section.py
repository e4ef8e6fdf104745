"""The pathway's question_box section: validated on load, and the engine follows what it says."""

import re

import pytest

from carejourney.pathways.loader import BUILTIN_DIR, PathwayError, parse_pathway
from carejourney.questions.box import QuestionEngine, triage
from carejourney.questions.model import sentence_vectors

MILD_TEXT = (BUILTIN_DIR / "mild.yaml").read_text()


def _section_edit(old: str, new: str) -> str:
    start = MILD_TEXT.index("\nquestion_box:\n")
    section = MILD_TEXT[start:]
    assert section.count(old) == 1, old
    return MILD_TEXT[:start] + section.replace(old, new)


def _problems(text: str) -> list[str]:
    with pytest.raises(PathwayError) as err:
        parse_pathway(text, "mild.yaml")
    return err.value.problems


def _line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


def test_a_sign_naming_an_unknown_term_is_refused_with_its_path():
    bad = _section_edit('- "{numb} & {saddle}"', '- "{numbb} & {saddle}"')
    [problem] = _problems(bad)
    assert problem == (f"mild.yaml:{_line_of(bad, '  red_flags:')}: question_box.red_flags: "
                       "[0].signs.en[0]: '{numbb}' is not one of languages.en.terms")


def test_a_threshold_out_of_range_names_its_line():
    bad = _section_edit("abstain_below: 0.", "abstain_below: 3.")
    [problem] = _problems(bad)
    assert re.match(rf"mild.yaml:{_line_of(bad, 'abstain_below: 3.')}: question_box.matching.abstain_below: .*less than or equal to 2", problem)


def test_every_problem_in_the_section_is_reported():
    bad = _section_edit('      instruction: {en: "Pain this bad', '      instruction: {fr: "Pain this bad')
    bad = bad.replace('- "foot drop"', '- "foot drop!"')
    problems = "\n".join(_problems(bad))
    assert "question_box.red_flags[4].instruction: needs an 'en' text" in problems
    assert "question_box.red_flags[1]: signs.en[1] 'foot drop!': 'drop!' is not a plain word" in problems


def test_duplicate_ids_and_unknown_terms_are_reported_together():
    bad = _section_edit("- id: bleeding\n", "- id: infection\n").replace('- "{numb} & {saddle}"', '- "{numb} & {sadle}"')
    [problem] = _problems(bad)
    assert "[3].id: the red flag id 'infection' is used twice" in problem
    assert "[0].signs.en[0]: '{sadle}' is not one of languages.en.terms" in problem


def test_missing_matching_settings_and_unknown_fields_are_refused():
    bad = _section_edit("    bm25_half:", "    bm25_halve:")
    problems = _problems(bad)
    assert any(p.endswith("question_box.matching.bm25_half: is required") for p in problems)
    assert any(p.endswith("question_box.matching.bm25_halve: is not a known field") for p in problems)


def test_a_clinic_can_add_a_sign_without_a_code_change(engine):
    edited = parse_pathway(_section_edit('          - "foot drop"\n', '          - "foot drop"\n          - "{leg} & wobbl*"\n'), "mild.yaml")
    custom = QuestionEngine(edited, engine.encode, sentence_vectors, engine.detector.lexicons["en"].known)
    assert engine.detector.check("my left leg is wobbly today", "en") is None  # (the meaning check may catch it)
    result = custom.triage("my left leg is wobbly today")
    assert result.urgent and result.red_flag == "leg-weakness" and result.evidence == "{leg} & wobbl*"


def test_a_clinic_can_change_the_temperature_threshold(engine):
    edited = parse_pathway(_section_edit("celsius: 38.0", "celsius: 37.5").replace("fahrenheit: 100.4", "fahrenheit: 99.5"), "mild.yaml")
    custom = QuestionEngine(edited, engine.encode, sentence_vectors)
    assert not engine.triage("my temperature is 37.8").urgent
    assert custom.triage("my temperature is 37.8").urgent


def test_a_pathway_without_a_question_box_has_no_engine(engine):
    start = MILD_TEXT.index("\nquestion_box:\n")
    rest = MILD_TEXT[start + 1:]
    # drop the section up to the next top-level key (other features may follow it)
    nxt = re.search(r"^[a-z_]+:", rest[len("question_box:"):], re.M)
    without = MILD_TEXT[: start + 1] + (rest[len("question_box:") + nxt.start():] if nxt else "")
    pathway = parse_pathway(without, "mild.yaml")
    assert pathway.question_box is None
    with pytest.raises(ValueError, match="has no question_box section"):
        QuestionEngine(pathway, engine.encode)
    # through triage(), such a pathway leaves every message to the care team
    assert triage(pathway, "my foot is floppy").as_dict() == {
        "faq_id": None, "urgent": False, "red_flag": None, "confidence": 0.0, "answer": None}


def test_a_sign_of_only_wildcards_is_refused_with_its_line():
    bad = _section_edit('          - "foot drop"\n', '          - "*"\n')
    [problem] = _problems(bad)
    line = _line_of(bad, "    - id: leg-weakness")  # the red flag whose signs are wrong
    assert problem.startswith(f"mild.yaml:{line}: question_box.red_flags[1]: signs.en[")
    assert problem.endswith("'*' alone would match any word: name at least one word or term")


def test_labelled_messages_under_an_unknown_answer_are_refused_with_their_line():
    bad = _section_edit("      what-is-mild:\n", "      what-is-mlid:\n")
    [problem] = _problems(bad)
    assert problem.startswith(f"mild.yaml:{_line_of(bad, '      what-is-mlid:')}: question_box.labelled_messages.en.what-is-mlid: "
                              "'what-is-mlid' is neither an FAQ entry id nor no-answer (FAQ: what-is-mild, causes,")


def test_a_clinic_can_teach_the_box_with_labelled_messages(engine):
    """Messages a clinic files under an answer, or under no-answer, bring similar messages the same outcome (an entry's
    closeness is the mean of its two closest sentences, so one filed message is enough only when it is very close)."""
    taxi, physio = "will the clinic send a taxi for me", "can my physiotherapist come in with me on the day"
    assert engine.triage(taxi).faq_id == "prepare" and engine.triage(physio).faq_id is None
    start = MILD_TEXT.index("\n  labelled_messages:\n")
    block = MILD_TEXT[start:].replace("      no-answer:\n", '      no-answer:\n        - "does the clinic arrange a taxi to bring patients in"\n', 1)
    block = block.replace("      prepare:\n", '      prepare:\n        - "is it alright if my physio comes along with me on the procedure day"\n'
                          '        - "can my physiotherapist be with me on the day of the procedure"\n', 1)
    text = MILD_TEXT[:start] + block
    edited = parse_pathway(text, "mild.yaml")
    custom = QuestionEngine(edited, engine.encode, sentence_vectors, engine.detector.lexicons["en"].known)
    assert custom.triage(taxi).faq_id is None
    assert custom.triage(physio).faq_id == "prepare"
