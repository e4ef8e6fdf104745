#!/usr/bin/env python3
"""Write half of our labelled messages into the MILD pathway as `question_box.labelled_messages`.

    scripts/labelled_messages.py [--check]

Takes the non-urgent messages of our general labelled sets (tests/questions, `GENERAL` in labelled_sets.py), in
the order the sets were written, and keeps the first of each pair with the same expected answer
(calibration.halves); the other half stays out of the pathway so the benchmark and calibration measure the box
on messages it has not seen. A message goes under the first FAQ entry it expects, or `no-answer`.

The block between the BEGIN and END markers in mild.yaml is replaced; the file is only written when the new
text parses as a valid pathway. --check exits 1 when the file is not up to date (nothing is written).
Run `make vectors` afterwards so a fresh install does not embed the new messages on first use.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from eval_questions import CALIBRATION_FILES, ROOT, non_urgent_rows  # noqa: E402

PATHWAY = ROOT / "src" / "carejourney" / "pathways" / "mild.yaml"
BEGIN = "  # BEGIN labelled_messages: written by scripts/labelled_messages.py, edit the sets instead"
END = "  # END labelled_messages"


def fit_half() -> list[dict]:
    from carejourney.questions.calibration import halves

    return halves(non_urgent_rows(CALIBRATION_FILES))[0]


def block(rows: list[dict], faq_ids: list[str]) -> str:
    """The YAML lines for `labelled_messages`, FAQ entries in the pathway's order, then `no-answer`."""
    from carejourney.pathways.question_box import NO_ANSWER

    by_answer: dict[str, list[str]] = {key: [] for key in [*faq_ids, NO_ANSWER]}
    for r in rows:
        texts = by_answer[r["expect"][0] if r["expect"] else NO_ANSWER]
        if r["text"] not in texts:
            texts.append(r["text"])
    lines = [BEGIN, "  labelled_messages:", "    en:"]
    for key, texts in by_answer.items():
        if texts:
            lines.append(f"      {key}:")
            lines += [f"        - {json.dumps(t, ensure_ascii=False)}" for t in texts]
    lines.append(END)
    return "\n".join(lines) + "\n"


def replaced(text: str, new_block: str) -> str:
    """The pathway text with its marked block replaced; the first time, inserted at the end of question_box."""
    if BEGIN in text:
        head, rest = text.split(BEGIN, 1)
        if END + "\n" not in rest:
            sys.exit(f"labelled_messages: {PATHWAY}: '{BEGIN.strip()}' has no matching '{END.strip()}' line")
        return head + new_block + rest.split(END + "\n", 1)[1]
    lines = text.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if line.startswith("question_box:")), None)
    if start is None:
        sys.exit(f"labelled_messages: {PATHWAY}: there is no top-level question_box section")
    end = next((i for i in range(start + 1, len(lines)) if lines[i][:1].isalpha()), len(lines))
    while lines[end - 1].strip() == "" or lines[end - 1].startswith("#"):  # the next section's heading comments
        end -= 1
    return "".join(lines[:end]) + new_block + "".join(lines[end:])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 when mild.yaml is not up to date")
    args = parser.parse_args(argv)
    from carejourney.pathways.loader import PathwayError, parse_pathway

    text = PATHWAY.read_text(encoding="utf-8")
    pathway = parse_pathway(text, PATHWAY.name)
    rows = fit_half()
    print(f"labelled_messages: {len(CALIBRATION_FILES)} sets, {len(rows)} messages in the half the pathway learns from")
    new_text = replaced(text, block(rows, [e.id for e in pathway.faq]))
    if new_text == text:
        print("labelled_messages: mild.yaml is up to date")
        return 0
    if args.check:
        print("labelled_messages: mild.yaml is out of date: run scripts/labelled_messages.py", file=sys.stderr)
        return 1
    try:
        updated = parse_pathway(new_text, PATHWAY.name)
    except PathwayError as exc:
        sys.exit(f"labelled_messages: the new block does not parse, nothing written:\n{exc}")
    PATHWAY.write_text(new_text, encoding="utf-8")
    counts = {k: len(v) for k, v in updated.question_box.labelled_messages["en"].items()}
    for key, n in counts.items():
        print(f"  {key}: {n}")
    print(f"labelled_messages: wrote {sum(counts.values())} messages under {len(counts)} answers to {PATHWAY}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
