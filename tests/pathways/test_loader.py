import re
from pathlib import Path

import pytest

from carejourney.pathways.loader import BUILTIN_DIR, PathwayError, load_pathway, parse_pathway

MILD_TEXT = (BUILTIN_DIR / "mild.yaml").read_text()
FAQ_IDS = (
    "what-is-mild causes symptoms how-it-works implants candidacy conservative-first first-appointment mri-review-time "
    "diagnosis next-steps prepare procedure-duration pain anesthesia side-effects recovery-time feel-better "
    "follow-up-count follow-up-visits video"
).split()


def test_mild_pathway_has_the_handouts_journey(mild):
    assert [s.id for s in mild.steps] == [
        "evaluation", "conservative-care", "candidacy", "preparation", "procedure", "recovery", "follow-up",
    ]
    assert set(mild.exits) == {"completed", "referred-out", "not-a-candidate", "withdrawn"}
    assert [f.id for f in mild.faq] == FAQ_IDS
    assert {e.id for e in mild.education} >= {"what-is-mild", "causes", "symptoms", "how-it-works", "no-implants", "candidacy"}
    prep = {i.id: i for i in mild.step("preparation").checklist}
    assert {"fasting-understood", "ride-home", "loose-clothes", "blood-thinners-reviewed"} <= set(prep)
    assert prep["blood-thinners-reviewed"].roles == ["clinician"] and prep["blood-thinners-reviewed"].who == "staff"
    visits = {v.id: v for v in mild.visits}
    assert (visits["follow-up-2w"].offset_days, visits["follow-up-3m"].offset_days) == (14, 90)
    assert mild.conservative_care.min_months == 6
    assert mild.video.url.startswith("https://")


def test_faq_ids_match_the_shared_topics_when_present(mild):
    topics = Path(__file__).resolve().parents[3] / "shared" / "eval" / "faq-topics.tsv"
    if not topics.exists():  # a clone without ../shared: the list above is the project's own copy
        return
    ids = [line.split("\t")[0] for line in topics.read_text().splitlines()[1:] if line.strip()]
    assert ids == FAQ_IDS


def _line_of(text: str, needle: str, occurrence: int = 1) -> int:
    start = -1
    for _ in range(occurrence):
        start = text.index(needle, start + 1)
    return text[:start].count("\n") + 1


def test_an_error_names_file_line_and_path():
    # The fourth step's fourth checklist item: blood thinners, who: staff.
    needle = "        who: staff\n        text: {en: Blood thinners"
    bad = MILD_TEXT.replace(needle, needle.replace("who: staff", "who: doctor"))
    with pytest.raises(PathwayError) as err:
        parse_pathway(bad, "/some/where/mild.yaml")
    line = _line_of(bad, "who: doctor")
    assert err.value.problems == [f"mild.yaml:{line}: steps[3].checklist[3].who: must be one of patient, staff"]


def test_every_error_is_reported_not_just_the_first():
    bad = MILD_TEXT.replace("offset_days: 14", "offset_days: -14").replace("min_months: 6", "min_months: six")
    bad = bad.replace("  - event: discharged\n", "  - event: sent-home\n")
    with pytest.raises(PathwayError) as err:
        parse_pathway(bad, "mild.yaml")
    text = "\n".join(err.value.problems)
    assert len(err.value.problems) == 3, text
    assert f"mild.yaml:{_line_of(bad, 'offset_days: -14')}: visits[1].offset_days:" in text
    assert f"mild.yaml:{_line_of(bad, 'min_months: six')}: conservative_care.min_months:" in text
    assert "'sent-home' is not a known event type" in text


def test_cross_references_are_checked():
    bad = MILD_TEXT.replace("    steps: [procedure]\n    requires:\n      - {event: procedure-performed}",
                            "    steps: [surgery]\n    requires:\n      - {event: procedure-performed}")
    bad = bad.replace("    exit: withdrawn", "    exit: gave-up")
    with pytest.raises(PathwayError) as err:
        parse_pathway(bad, "mild.yaml")
    text = "\n".join(err.value.problems)
    assert "'surgery' is not a step" in text
    assert "'gave-up' is not one of the exits" in text
    assert "the exit 'withdrawn' is never reached" in text


def test_text_needs_english_and_languages_are_keys():
    bad = MILD_TEXT.replace("    title: {en: First visit}", "    title: {fr-fr: Premier rendez-vous}", 1)
    with pytest.raises(PathwayError) as err:
        parse_pathway(bad, "mild.yaml")
    assert "steps[0].title: 'fr-fr' is not a language code" in err.value.problems[0]
    spanish = MILD_TEXT.replace("    title: {en: First visit}", "    title: {en: First visit, es: Primera visita}", 1)
    assert parse_pathway(spanish, "mild.yaml").steps[0].title["es"] == "Primera visita"


def test_yaml_syntax_errors_and_duplicate_keys(tmp_path):
    with pytest.raises(PathwayError) as err:
        parse_pathway("id: mild\nsteps: [\n", "x.yaml")
    assert err.value.problems[0].startswith("x.yaml:3: not valid YAML")
    dup = re.sub(r"^(version: \d+)$", r"\1\nversion: 99", MILD_TEXT, count=1, flags=re.M)
    with pytest.raises(PathwayError) as err:
        parse_pathway(dup, "mild.yaml")
    assert f"mild.yaml:{_line_of(dup, 'version: 99')}: version: appears twice" in err.value.problems[0]
    with pytest.raises(PathwayError) as err:
        load_pathway(tmp_path / "missing.yaml")
    assert "cannot read the file" in err.value.problems[0]


def test_second_pathway_loads(mild):
    small = load_pathway(Path(__file__).parents[1] / "data" / "three-step.yaml")
    assert [s.id for s in small.steps] == ["evaluation", "procedure", "follow-up"]
