#!/usr/bin/env python3
"""Replay first sight: score each general set against the pathway as it was just before the set was added.

    scripts/replay_first_sight.py [--labelled] [--since COMMIT]

Our held-out half is not a clean measure of a change to the ranking: the pathway's phrasings were written
after reading misses from every set. Each set's first sight was clean, though, and git remembers it: for every
commit that added general sets (GENERAL in tests/questions/labelled_sets.py), this takes mild.yaml from the
commit before and scores the new sets with the code of the working tree. So a change to the code can be compared
on thousands of messages that were, each in its turn, never seen.

--labelled: also give each old pathway the labelled_messages a pathway of that time would have had (the first half,
calibration.halves, of the general sets that existed then), to measure what learning from them is worth.
Needs the git history (a full clone). Sentences the old pathways used are embedded once, then cached.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from eval_questions import CALIBRATION_FILES, ROOT, evaluate, non_urgent_rows, read_labelled  # noqa: E402
from labelled_messages import block, replaced  # noqa: E402
from labelled_sets import GENERAL  # noqa: E402

SETS = "tests/questions"
PATHWAY = "src/carejourney/pathways/mild.yaml"


def git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True).stdout


def rounds(since: str | None) -> list[tuple[str, list[str]]]:
    """(commit, names of the general sets it added), oldest first."""
    log = git("log", "--reverse", "--diff-filter=A", "--format=commit %H", "--name-only",
              *([f"{since}..HEAD"] if since else []), "--", f"{SETS}/*.jsonl")
    found: list[tuple[str, list[str]]] = []
    for line in log.splitlines():
        if line.startswith("commit "):
            found.append((line.split()[1], []))
        elif line.strip():
            name = Path(line).stem
            if name in GENERAL and found:
                found[-1][1].append(name)
    return [(c, names) for c, names in found if names]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--labelled", action="store_true", help="add the labelled_messages of the time to each old pathway")
    parser.add_argument("--since", help="only the sets added after this commit")
    args = parser.parse_args(argv)
    from carejourney.pathways.loader import PathwayError, parse_pathway
    from carejourney.questions import model
    from carejourney.questions.box import QuestionEngine
    from carejourney.questions.calibration import halves

    try:
        todo = rounds(args.since)
    except (OSError, subprocess.CalledProcessError) as exc:
        sys.exit(f"replay_first_sight: needs git and the project's history ({exc})")
    encoder = model.encoder()
    right = total = urgent = flagged = false_urgent = 0
    print(f"replay_first_sight: {len(todo)} commits added general sets")
    for n, (commit, names) in enumerate(todo, 1):
        try:
            text = git("show", f"{commit}^:{PATHWAY}")
            pathway = parse_pathway(text, f"{commit[:7]}^:mild.yaml")
        except (subprocess.CalledProcessError, PathwayError) as exc:
            print(f"  [{n}/{len(todo)}] {commit[:7]}: skipped, its pathway does not load today ({str(exc).splitlines()[0]})")
            continue
        if pathway.question_box is None or not pathway.faq:
            print(f"  [{n}/{len(todo)}] {commit[:7]}: skipped, its pathway had no question box yet")
            continue
        if args.labelled:
            existing = {Path(p).stem for p in git("ls-tree", "--name-only", f"{commit}^", f"{SETS}/").split()}
            rows = non_urgent_rows([path for path in CALIBRATION_FILES if path.stem in existing])
            pathway = parse_pathway(replaced(text, block(halves(rows)[0], [e.id for e in pathway.faq])), "replayed")
        engine = QuestionEngine(pathway, encoder.encode, model.sentence_vectors, model.known_words())
        for name in names:
            s = evaluate(engine, read_labelled(ROOT / SETS / f"{name}.jsonl"))
            right, total = right + s["right"], total + s["non_urgent"]
            urgent, flagged, false_urgent = urgent + s["urgent"], flagged + s["flagged"], false_urgent + s["false_urgent"]
            print(f"  [{n}/{len(todo)}] {commit[:7]} {name}: topics {100 * s['accuracy']:.1f} %, "
                  f"urgent {s['flagged']} of {s['urgent']}, false alarms {s['false_urgent']}")
    if not total:
        sys.exit("replay_first_sight: no set could be replayed")
    print(f"replay_first_sight: topics {100 * right / total:.1f} % ({right}/{total}), urgent {flagged} of {urgent}, "
          f"false alarms {100 * false_urgent / total:.1f} % ({false_urgent}/{total})"
          + (" with the labelled messages of the time" if args.labelled else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
