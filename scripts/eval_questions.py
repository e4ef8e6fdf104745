#!/usr/bin/env python3
"""Score the question box on labelled messages: `make eval`.

    scripts/eval_questions.py [FILE.jsonl ...] [--pathway FILE.yaml] [--json] [--show-misses]
    scripts/eval_questions.py --calibrate [FILE.jsonl ...]   (default: our own labelled sets, CALIBRATION_FILES)

Each line: {"id", "text", "expect": [faq ids] (empty: the box should abstain), "urgent": bool}.
Default FILE: ../shared/eval/faq-dev.jsonl next to the repository.

- accuracy: over non-urgent messages, an expected topic answered, or abstention where none is
  expected (a non-urgent message flagged urgent counts as wrong);
- urgent recall: urgent messages flagged; false-urgent rate: non-urgent messages flagged;
- latency: p50/p95 of one `triage` call per message on a warm engine, this process on one core.

--calibrate: choose the ranking weights and abstention threshold (see questions/calibration.py)
on every other message of each topic in the files (calibration.halves), report accuracy on the other half
(held out), and print the `matching:` block to put in the pathway's question_box section. The first half is
what the pathway's labelled_messages hold, so each of its messages is scored by an engine built without it
(`out_of_fold`).
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")  # one core, as the target says

import argparse  # noqa: E402
import json  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_FILE = ROOT.parent / "shared" / "eval" / "faq-dev.jsonl"
sys.path.insert(0, str(ROOT / "tests" / "questions"))
from labelled_sets import GENERAL, RED_FLAGS, REVIEWS  # noqa: E402

#: Our own labelled messages the matching settings are calibrated on (the shared dev set is not among them).
CALIBRATION_FILES = [ROOT / "tests" / "questions" / f"{name}.jsonl" for name in GENERAL]
#: Messages labelled only for urgency (their `expect` is not meaningful): for the red-flag meaning check.
RED_FLAG_FILES = [ROOT / "tests" / "questions" / f"{name}.jsonl" for name in ("redflags_context", *RED_FLAGS, *REVIEWS)]


def read_labelled(path: Path) -> list[dict]:
    rows = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        sys.exit(f"eval_questions: cannot read {path} ({exc.strerror})")
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            assert isinstance(row, dict) and isinstance(row.get("text"), str)
            assert isinstance(row.get("expect", []), list) and isinstance(row.get("urgent", False), bool)
        except (ValueError, AssertionError):
            sys.exit(f"eval_questions: {path}:{n}: expected a JSON object with text, expect (a list) and urgent (true/false)")
        rows.append({"id": row.get("id", f"line {n}"), "text": row["text"], "expect": row.get("expect", []),
                     "urgent": row.get("urgent", False)})
    return rows


def non_urgent_rows(paths: list[Path]) -> list[dict]:
    """The non-urgent messages of labelled files, in order: what topics are calibrated and learnt from."""
    return [r for p in paths for r in read_labelled(p) if not r["urgent"]]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def evaluate(engine, rows: list[dict]) -> dict:
    engine.triage("warm-up message about the procedure")
    times, misses = [], []
    right = non_urgent = urgent = flagged = false_urgent = 0
    for r in rows:
        t = time.perf_counter()
        res = engine.triage(r["text"])
        times.append((time.perf_counter() - t) * 1000)
        if r["urgent"]:
            urgent += 1
            flagged += res.urgent
            ok = res.urgent
        else:
            non_urgent += 1
            false_urgent += res.urgent
            ok = not res.urgent and ((res.faq_id in r["expect"]) if r["expect"] else res.faq_id is None)
            right += ok
        if not ok:
            misses.append({**r, "got": res.as_dict() | {"evidence": res.evidence}})
    return {
        "messages": len(rows),
        "accuracy": right / non_urgent if non_urgent else None,
        "right": right, "non_urgent": non_urgent,
        "urgent_recall": flagged / urgent if urgent else None,
        "urgent": urgent, "flagged": flagged,
        "false_urgent_rate": false_urgent / non_urgent if non_urgent else None,
        "false_urgent": false_urgent,
        "latency_ms_p50": round(statistics.median(times), 2) if times else None,
        "latency_ms_p95": round(percentile(times, 0.95), 2) if times else None,
        "misses": misses,
    }


def _pct(x):
    return "n/a" if x is None else f"{100 * x:.1f} %"


def report(name: str, s: dict, show_misses: bool) -> None:
    print(f"{name}: {s['messages']} messages")
    print(f"  accuracy (right topic or abstention, non-urgent): {_pct(s['accuracy'])} ({s['right']}/{s['non_urgent']})")
    print(f"  urgent recall: {_pct(s['urgent_recall'])} ({s['flagged']}/{s['urgent']})")
    print(f"  false-urgent rate: {_pct(s['false_urgent_rate'])} ({s['false_urgent']}/{s['non_urgent']})")
    print(f"  latency per message: p50 {s['latency_ms_p50']} ms, p95 {s['latency_ms_p95']} ms")
    if show_misses:
        for m in s["misses"]:
            print(f"  miss {m['id']}: {m['text']!r} expected {m['expect'] or ('urgent' if m['urgent'] else 'abstain')}, got {m['got']['faq_id'] or m['got']['red_flag']} ({m['got']['confidence']})")


def out_of_fold(engine, rows: list[dict]) -> list:
    """For each row, an engine that has not learnt it, so calibration is not measured on the pathway's own examples.

    Rows that are among the pathway's `labelled_messages` are split into two folds, each scored by an engine
    built without that fold's messages; the other rows by `engine` itself.
    """
    from carejourney.questions.box import engine_for

    box = engine.box
    learnt = {t for by_answer in box.labelled_messages.values() for texts in by_answer.values() for t in texts}
    fold_of = {t: i % 2 for i, t in enumerate(sorted({r["text"] for r in rows} & learnt))}
    engines = {}
    for fold in (0, 1) if fold_of else ():
        left_out = {t for t, f in fold_of.items() if f == fold}
        kept = {lang: {key: [t for t in texts if t not in left_out] for key, texts in by_answer.items()}
                for lang, by_answer in box.labelled_messages.items()}
        pathway = engine.pathway.model_copy(
            update={"question_box": box.model_copy(update={"labelled_messages": kept})})
        engines[fold] = engine_for(pathway)
    return [engines[fold_of[r["text"]]] if r["text"] in fold_of else engine for r in rows]


def fit_and_held_out(engine, paths: list[Path]) -> tuple[list, list]:
    """The non-urgent messages of `paths` as calibration rows, split by calibration.halves (the first half is
    what the pathway's labelled_messages hold, scored out of fold)."""
    from carejourney.questions.calibration import Labelled, halves

    first, second = halves(non_urgent_rows(paths))
    engines = out_of_fold(engine, first) + [engine] * len(second)
    texts = [engine.detector.analyse(r["text"], "en").text_for_matching for r in first + second]  # as triage ranks them
    vectors = engine.encode(texts)
    labelled = [Labelled(e.rankers["en"].cosines(v), e.rankers["en"].bm25_scores(t), frozenset(r["expect"]))
                for e, r, t, v in zip(engines, first + second, texts, vectors)]
    return labelled[: len(first)], labelled[len(first):]


def calibrate_red_flags_by_meaning(engine, paths: list[Path]) -> dict | None:
    """Thresholds for the red-flag meaning check on every labelled message (urgent or not), as triage sees them."""
    import numpy as np

    from carejourney.questions.calibration import calibrate_by_meaning

    if not engine.nets:
        return None
    rows = [r for p in paths for r in read_labelled(p)]
    engines = out_of_fold(engine, rows)
    analyses = [engine.detector.analyse(r["text"], "en") for r in rows]
    vectors = engine.encode([a.text_for_matching for a in analyses])
    likes = [e.likeness(a, v) for e, a, v in zip(engines, analyses, vectors)]  # None: the word rules settled it
    similarity = np.array([-1.0 if x is None else x.similarity for x in likes])
    lead = np.array([-1.0 if x is None else x.lead for x in likes])
    choice = calibrate_by_meaning(similarity, lead, np.array([r["urgent"] for r in rows]))
    return {"messages": len(rows), "urgent": sum(r["urgent"] for r in rows), "chosen": choice.rule.model_dump(),
            "recall_alone": choice.recall, "false_rate_alone": choice.false_rate}


def calibrate(engine, paths: list[Path], red_flag_paths: list[Path]) -> dict:
    from carejourney.questions.calibration import calibrate as choose, score

    ids = engine.rankers["en"].ids
    fit, held = fit_and_held_out(engine, paths)
    choice = choose(ids, fit)
    current = engine.box.matching
    return {
        "by_meaning": calibrate_red_flags_by_meaning(engine, [*paths, *red_flag_paths]),
        "fit_messages": len(fit), "held_out_messages": len(held),
        "chosen": choice.matching.model_dump(), "fit_accuracy": choice.accuracy, "margin": round(choice.margin, 4),
        "held_out_accuracy": score(ids, held, choice.matching) / len(held) if held else None,
        "current": current.model_dump(),
        "current_held_out_accuracy": score(ids, held, current) / len(held) if held else None,
        "all_with_chosen": score(ids, fit + held, choice.matching) / len(fit + held),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("files", nargs="*", type=Path, metavar="FILE.jsonl")
    parser.add_argument("--pathway", type=Path, help="a pathway YAML file (default: the built-in MILD pathway)")
    parser.add_argument("--calibrate", action="store_true", help="choose the matching weights and threshold on FILE")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--show-misses", action="store_true")
    args = parser.parse_args(argv)

    from carejourney.pathways.loader import PathwayError, builtin_pathway, load_pathway
    from carejourney.questions.box import NoQuestionBox, engine_for

    try:
        pathway = load_pathway(args.pathway) if args.pathway else builtin_pathway("mild")
        engine = engine_for(pathway)
    except (PathwayError, NoQuestionBox) as exc:
        sys.exit(f"eval_questions: {exc}")
    if args.calibrate:
        files = args.files or CALIBRATION_FILES
        result = calibrate(engine, files, RED_FLAG_FILES if not args.files else [])
        if args.json:
            print(json.dumps(result, indent=2))
        else:
            m = result["chosen"]
            print(f"fit on {result['fit_messages']} messages: {_pct(result['fit_accuracy'])}; "
                  f"held out {result['held_out_messages']}: {_pct(result['held_out_accuracy'])} "
                  f"(current settings: {_pct(result['current_held_out_accuracy'])})")
            print("  matching:")
            for k, v in m.items():
                print(f"    {k}: {v}")
            meaning = result["by_meaning"]
            if meaning:
                print(f"red flags by meaning, on {meaning['messages']} messages ({meaning['urgent']} urgent), alone: "
                      f"{_pct(meaning['recall_alone'])} of urgent ones flagged, {_pct(meaning['false_rate_alone'])} false alarms")
                print("  by_meaning:")
                for k, v in meaning["chosen"].items():
                    print(f"    {k}: {v}")
        return 0
    files = args.files or [DEFAULT_FILE]
    results = {}
    for f in files:
        s = evaluate(engine, read_labelled(f))
        results[str(f)] = s
        if not args.json:
            report(str(f), s, args.show_misses)
    if args.json:
        print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
