"""The pathway's labelled_messages: the half of our labelled sets it learns from, and never the half it is measured on."""

import subprocess
import sys
from pathlib import Path

from labelled_sets import GENERAL

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

from eval_questions import CALIBRATION_FILES, non_urgent_rows  # noqa: E402

from carejourney.pathways.question_box import NO_ANSWER  # noqa: E402
from carejourney.questions.calibration import halves  # noqa: E402


def test_the_pathway_holds_the_first_half_of_every_general_set_as_written_by_the_script(mild):
    done = subprocess.run([sys.executable, "scripts/labelled_messages.py", "--check"], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert len(CALIBRATION_FILES) == len(GENERAL)
    first, second = halves(non_urgent_rows(CALIBRATION_FILES))
    learnt = mild.question_box.labelled_messages["en"]
    assert {r["text"] for r in first} == {t for texts in learnt.values() for t in texts}
    assert all(r["text"] in learnt[r["expect"][0] if r["expect"] else NO_ANSWER] for r in first)
    assert not {r["text"] for r in second} & {r["text"] for r in first}  # the measured half stays out


def test_halves_alternate_within_each_expected_answer_and_keep_a_repeated_text_together():
    rows = [{"text": t, "expect": e} for t, e in (("1", ["a"]), ("2", ["a"]), ("3", []), ("4", ["a"]), ("5", []),
                                                  ("6", ["b"]), ("two", ["a"]), ("Two ", ["b"]))]
    first, second = halves(rows)
    assert [r["text"] for r in first] == ["1", "3", "4", "6"]
    assert [r["text"] for r in second] == ["2", "5", "two", "Two "]


def test_the_replay_finds_each_commit_that_added_general_sets_in_git_history():
    from replay_first_sight import rounds

    found = dict(rounds(None))
    added = [name for names in found.values() for name in names]
    assert len(added) == len(set(added)) and set(added) <= set(GENERAL)
    assert {"pharmacy_shorthand_and_spouses_typing", "emails_other_conditions_and_gym_goers"} <= set(added)
