#!/usr/bin/env python3
"""Question-box benchmark: the hybrid ranker against BM25 alone and embeddings alone, in the same run.

    .venv/bin/python bench/questions.py [FILE.jsonl]     (default ../shared/eval/faq-dev.jsonl)

For each method: accuracy (right topic or abstention over non-urgent messages), urgent recall and
false alarms (red flags are the engine's own, word rules and meaning check, shared by all three), and
latency per message (p50/p95: the word rules and the method's ranking) on one core after a warm-up;
the engine's whole triage is timed too. Each method gets its own weights and abstention threshold, calibrated the same way on the
fit half of our own labelled sets (see scripts/eval_questions.py --calibrate), so none is tuned on
the file it is scored on; "held out" is each method's accuracy on the other half of those sets (the
larger and fairer comparison: the dev set has 34 answerable-or-not messages). Also: engine cold start in a fresh
process, in each case of COLD_CASES. Results: bench/results/questions.json.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import json  # noqa: E402
import platform  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
DEFAULT_FILE = ROOT.parent / "shared" / "eval" / "faq-dev.jsonl"
REPEAT = 5  # passes over the file for latency

COLD = """
import sys, time, json
t0 = time.perf_counter()
from pathlib import Path
from carejourney.pathways.loader import builtin_pathway
from carejourney.questions import model
from carejourney.questions.box import engine_for
mode = sys.argv[1]
pathway = builtin_pathway("mild")
if mode == "nothing-stored":
    model.SHIPPED_VECTORS = Path("/nonexistent")
elif mode == "edited":  # a clinic added 20 phrasings of its own to one entry
    faq = [e.model_copy(update={"phrasings": {"en": [*e.phrasings.get("en", []), *(f"question {i} of ours about {e.id}" for i in range(20))]}})
           if n == 0 else e for n, e in enumerate(pathway.faq)]
    pathway = pathway.model_copy(update={"faq": faq})
engine = engine_for(pathway)
engine.triage("can I have coffee before I come in?")
print(json.dumps({"ready_s": time.perf_counter() - t0}))
"""
#: What a first start finds, and what each case stands for.
COLD_CASES = {
    "fresh-install": "a fresh install: the shipped vectors",
    "edited": "first start after a clinic added 20 phrasings",
    "restart": "a restart after that edit",
    "nothing-stored": "no vectors stored at all (every sentence embedded)",
}


def cold_start(data_dir: str, mode: str) -> float:
    """Seconds from process start to the first answer (interpreter start included)."""
    env = {**os.environ, "CAREJOURNEY_DATA_DIR": data_dir}
    t = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", COLD, mode], env=env, capture_output=True, text=True, cwd=ROOT)
    wall = time.perf_counter() - t
    if out.returncode != 0:
        sys.exit(f"cold start failed:\n{out.stderr}")
    return round(wall, 3)


def pct(values, q):
    s = sorted(values)
    return s[min(len(s) - 1, round(q * (len(s) - 1)))]


def main() -> int:
    from eval_questions import CALIBRATION_FILES, fit_and_held_out, read_labelled

    from carejourney.pathways.loader import builtin_pathway
    from carejourney.pathways.question_box import Matching
    from carejourney.questions.box import engine_for
    from carejourney.questions.calibration import calibrate, score
    from carejourney.questions.ranking import chosen, combine

    dev_file = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_FILE
    rows = read_labelled(dev_file)
    engine = engine_for(builtin_pathway("mild"))
    ranker = engine.rankers["en"]
    hybrid = engine.box.matching

    # calibrate BM25 alone and embeddings alone like the hybrid: on the fit half of our own labelled sets
    fit, held = fit_and_held_out(engine, CALIBRATION_FILES)

    def fitted(weight: float) -> Matching:
        return calibrate(ranker.ids, fit, weights=[weight]).matching

    methods = {"hybrid": hybrid, "bm25": fitted(0.0), "embeddings": fitted(1.0)}
    zeros = None

    # red flags are the engine's own (word rules, then the meaning check), the same for every method
    urgent_by_text = {r["text"]: engine.triage(r["text"]).urgent for r in rows}

    def run(name: str, m: Matching, text: str):
        analysis = engine.detector.analyse(text, "en")
        if urgent_by_text[text]:
            return None, True
        text = analysis.text_for_matching
        if name == "bm25":
            cos = zeros
            bm = ranker.bm25_scores(text)
        elif name == "embeddings":
            cos = ranker.cosines(engine.encode([text])[0])
            bm = zeros
        else:
            cos = ranker.cosines(engine.encode([text])[0])
            bm = ranker.bm25_scores(text)
        best = chosen(combine(ranker.ids, cos, bm, m), m)
        return (best.faq_id if best else None), False

    import numpy as np

    zeros = np.zeros(len(ranker.ids), dtype=np.float32)
    results = {}
    for name, m in methods.items():
        for r in rows[:5]:
            run(name, m, r["text"])  # warm-up
        times, right, non_urgent, flagged, urgent, false_urgent = [], 0, 0, 0, 0, 0
        for rep in range(REPEAT):
            for r in rows:
                t = time.perf_counter()
                faq_id, is_urgent = run(name, m, r["text"])
                times.append((time.perf_counter() - t) * 1000)
                if rep:
                    continue
                if r["urgent"]:
                    urgent += 1
                    flagged += is_urgent
                else:
                    non_urgent += 1
                    false_urgent += is_urgent
                    right += not is_urgent and ((faq_id in r["expect"]) if r["expect"] else faq_id is None)
        results[name] = {
            "held_out_accuracy": round(score(ranker.ids, held, m) / len(held), 4), "held_out": len(held),
            "matching": m.model_dump(),
            "accuracy": round(right / non_urgent, 4), "right": right, "non_urgent": non_urgent,
            "urgent_recall": round(flagged / urgent, 4) if urgent else None,
            "false_urgent_rate": round(false_urgent / non_urgent, 4),
            "latency_ms_p50": round(statistics.median(times), 2), "latency_ms_p95": round(pct(times, 0.95), 2),
        }
    # the engine's own triage path, as a web request calls it
    times = []
    for _ in range(REPEAT):
        for r in rows:
            t = time.perf_counter()
            engine.triage(r["text"])
            times.append((time.perf_counter() - t) * 1000)
    results["hybrid"]["triage_p95_ms"] = round(pct(times, 0.95), 2)
    base = results["bm25"]["latency_ms_p50"]
    for name in results:
        results[name]["latency_p50_vs_bm25"] = round(results[name]["latency_ms_p50"] / base, 2)

    cold = {}
    for mode in COLD_CASES:
        with tempfile.TemporaryDirectory() as empty:
            if mode == "restart":
                cold_start(empty, "edited")  # fills the local store
                mode_run = "edited"
            else:
                mode_run = mode
            cold[mode] = cold_start(empty, mode_run)
    report = {
        "file": str(dev_file), "messages": len(rows), "methods": results,
        "cold_start_s": cold,
        "machine": {"python": platform.python_version(), "cpu": platform.processor() or platform.machine(),
                    "cores": os.cpu_count(), "load_average_1m": round(os.getloadavg()[0], 2),
                    "threads": os.environ.get("OMP_NUM_THREADS")},
    }
    out = ROOT / "bench" / "results" / "questions.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n")

    print(f"{dev_file.name}: {len(rows)} messages (one core)")
    print(f"{'method':<12}{'accuracy':>10}{'held out':>10}{'urgent':>9}{'false':>8}{'p50 ms':>9}{'p95 ms':>9}{'p50/bm25':>10}")
    for name, r in results.items():
        print(f"{name:<12}{100 * r['accuracy']:>9.1f}%{100 * r['held_out_accuracy']:>9.1f}%{100 * r['urgent_recall']:>8.0f}%{100 * r['false_urgent_rate']:>7.1f}%"
              f"{r['latency_ms_p50']:>9.2f}{r['latency_ms_p95']:>9.2f}{r['latency_p50_vs_bm25']:>10.2f}")
    print("engine ready from a cold process (interpreter start included):")
    for mode, seconds in cold.items():
        print(f"  {seconds:5.2f} s  {COLD_CASES[mode]}")
    print(f"machine load (1 min average) {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores: other work slows every figure alike")
    print(f"results in {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
