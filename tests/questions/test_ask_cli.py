"""`carejourney ask`: one message or a batch, as JSON; bad input exits 2 and prints nothing on stdout."""

import json

import pytest

from carejourney.cli import main


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_ask_json(engine, capsys):
    code, out, _ = run(capsys, "ask", "can I have coffee before I come in?", "--json")
    assert code == 0
    got = json.loads(out)
    assert set(got) == {"faq_id", "urgent", "red_flag", "confidence", "answer"}
    assert got["faq_id"] == "prepare" and got["urgent"] is False and got["red_flag"] is None
    assert got["answer"].startswith("Don't eat or drink")


def test_ask_urgent_text_output(engine, capsys):
    code, out, _ = run(capsys, "ask", "my foot is floppy and I keep tripping")
    assert code == 0
    assert out.startswith("URGENT (leg-weakness): ") and "911" in out


def test_ask_abstains_in_words(engine, capsys):
    code, out, _ = run(capsys, "ask", "where can I park my car?")
    assert code == 0 and "the care team will reply" in out


def test_batch_writes_one_line_per_message(engine, capsys, tmp_path):
    f = tmp_path / "in.jsonl"
    f.write_text(
        '{"id": "a", "text": "Do they put me under for it?"}\n'
        "\n"
        '{"id": 7, "text": "no fever, just a little sore at the cut"}\n'
        '{"id": "c", "text": "the bandage is soaked and it keeps bleeding"}\n'
    )
    code, out, _ = run(capsys, "ask", "--batch", str(f))
    assert code == 0
    lines = [json.loads(line) for line in out.splitlines()]
    assert [(r["id"], r["faq_id"], r["urgent"], r["red_flag"]) for r in lines] == [
        ("a", "anesthesia", False, None),
        (7, "side-effects", False, None),
        ("c", None, True, "bleeding"),
    ]
    assert all(set(r) == {"id", "faq_id", "urgent", "red_flag", "confidence", "answer"} for r in lines)


@pytest.mark.parametrize("content,message", [
    ('{"id": 1, "text": "fine"}\n{"id": 2 "text": "x"}\n', ":2: not valid JSON"),
    ('{"id": 1, "text": "fine"}\n["a list"]\n', ':2: expected an object like {"id"'),
    ('{"text": "no id"}\n', ':1: needs an "id"'),
    ('{"id": 1, "text": ""}\n', ":1: text: give the message text"),
    ('{"id": 1, "text": 42}\n', ":1: text: give the message text"),
    ('{"id": 1, "text": "fine"}\n{"id": 2, "text": "bonjour", "language": "fr"}\n',
     ": message 2: the question box has no rules for 'fr'"),
])
def test_bad_batch_lines_exit_2_naming_the_line_and_write_nothing(capsys, tmp_path, content, message):
    f = tmp_path / "bad.jsonl"
    f.write_text(content)
    code, out, err = run(capsys, "ask", "--batch", str(f))
    assert code == 2 and out == ""
    assert f"{f}{message}" in err and "Traceback" not in err


@pytest.mark.parametrize("argv,message", [
    (["ask"], "give the message to triage"),
    (["ask", "   "], "TEXT: give the message text"),
    (["ask", "hello", "--batch", "x.jsonl"], "either a message or --batch"),
    (["ask", "--batch", "/nonexistent/file.jsonl"], "there is no file /nonexistent/file.jsonl"),
    (["ask", "hello", "--pathway", "/nonexistent/p.yaml"], "--pathway: /nonexistent/p.yaml: cannot read the file"),
    (["ask", "no puedo orinar", "--language", "es"], "--language: the question box has no rules for 'es' (it has: en)"),
    (["ask", "x" * 4001], "TEXT: the message is 4001 characters long; at most 4000 are accepted"),
])
def test_bad_input_exits_2_with_a_clear_message(capsys, argv, message):
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    assert message in err


def test_a_pathway_without_a_question_box_is_refused(capsys):
    code, out, err = run(capsys, "ask", "hello", "--pathway", "tests/data/three-step.yaml")
    assert code == 2 and "has no question_box section" in err
