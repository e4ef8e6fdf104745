"""`make bench`: every benchmark in bench/, one after the other, each in its own process.

Each script prints its own progress and writes bench/results/<name>.json; this runner ends with a
summary of which ran and how long each took. BENCH_ONLY=foundation,questions picks some.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ORDER = ["foundation", "questions", "outcomes", "notify", "web"]


def main() -> int:
    present = [p.stem for p in sorted(HERE.glob("*.py")) if p.stem != "run" and not p.stem.startswith("_")]
    names = sorted(present, key=lambda n: (ORDER.index(n) if n in ORDER else len(ORDER), n))
    only = [n for n in os.environ.get("BENCH_ONLY", "").split(",") if n]
    if only:
        names = [n for n in names if n in only]
    summary = []
    for i, name in enumerate(names, 1):
        print(f"\n=== [{i}/{len(names)}] bench/{name}.py ===", file=sys.stderr, flush=True)
        start = time.perf_counter()
        code = subprocess.call([sys.executable, str(HERE / f"{name}.py")])
        summary.append((name, code, time.perf_counter() - start))
    print("\nBenchmarks:", file=sys.stderr)
    for name, code, seconds in summary:
        print(f"  {name:<12} {'ok' if code == 0 else f'FAILED (exit {code})':<18} {seconds:6.1f} s", file=sys.stderr)
    print(f"Results: {HERE / 'results'}/", file=sys.stderr)
    return 0 if all(code == 0 for _, code, _ in summary) else 1


if __name__ == "__main__":
    sys.exit(main())
