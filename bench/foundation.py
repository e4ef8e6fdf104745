"""Benchmarks for the foundation.

- generating 100k demo journeys (target: 2 minutes or less);
- the worklist median at 10k and 100k journeys on SQLite (target: 50 ms or less at 100k, and at most
  2x the 10k figure: the ratio is measured in this same run, so a slow machine slows both);
- `journey show` median, against a baseline of reading the same patient's row.

Each size gets its own SQLite database under var/bench/. Results go to bench/results/foundation.json. `make bench` runs this and every other benchmark (bench/run.py).
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _timing import median_ms  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SIZES = [int(s) for s in os.environ.get("BENCH_SIZES", "10000,100000").split(",")]


def measure(size: int) -> dict:
    """Run one size in a fresh process (Django binds its database at start-up)."""
    data_dir = ROOT / "var" / "bench" / str(size)
    shutil.rmtree(data_dir, ignore_errors=True)
    env = {**os.environ, "CAREJOURNEY_DATA_DIR": str(data_dir), "BENCH_SIZE": str(size)}
    env.pop("DATABASE_URL", None)
    out = subprocess.run([sys.executable, __file__, "--one"], env=env, capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"benchmark at {size} failed:\n{out.stderr}")
    return json.loads(out.stdout)


def one() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carejourney.settings")
    django.setup()
    from django.core.management import call_command

    from carejourney.cli import _journey_view
    from carejourney.clinic import demo, records
    from carejourney.clinic.models import Clinic, Patient
    from carejourney.clinic.worklist import worklist

    size = int(os.environ["BENCH_SIZE"])
    call_command("migrate", verbosity=0)
    t = time.perf_counter()
    step = max(1, size // 10)
    demo.generate(size, seed=1, progress=lambda n: n % step == 0 and print(f"  {size}: {n} journeys", file=sys.stderr, flush=True),
                  batch=2000)
    generate_s = time.perf_counter() - t
    clinic = Clinic.objects.get(slug="riverside")
    worklist(clinic=clinic)  # warm the page cache
    wl_all = median_ms(lambda: worklist(), 25)
    wl_clinic = median_ms(lambda: worklist(clinic=clinic), 25)
    wl_kind = median_ms(lambda: worklist(clinic=clinic, kind="follow-up-overdue"), 25)
    ids = list(Patient.objects.order_by("?").values_list("pk", flat=True)[:40])
    patients = iter(ids * 3)
    show = median_ms(lambda: _journey_view(records.current_journey(Patient.objects.get(pk=next(patients)))), 40)
    patients = iter(ids * 3)
    baseline = median_ms(lambda: Patient.objects.select_related("clinic").get(pk=next(patients)), 40)
    print(json.dumps({
        "journeys": size, "generate_s": round(generate_s, 1), "worklist_ms": wl_all, "worklist_clinic_ms": wl_clinic,
        "worklist_kind_ms": wl_kind, "journey_show_ms": show, "patient_row_ms": baseline,
        "items_today": worklist()["total"],
    }))


def main() -> None:
    if "--one" in sys.argv:
        return one()
    print(f"carejourney foundation benchmark: {', '.join(map(str, SIZES))} journeys on SQLite", file=sys.stderr)
    results = []
    for size in SIZES:
        print(f"- {size} journeys: generating...", file=sys.stderr, flush=True)
        results.append(measure(size))
        r = results[-1]
        print(f"  generated in {r['generate_s']} s; worklist {r['worklist_ms']} ms; journey show {r['journey_show_ms']} ms",
              file=sys.stderr, flush=True)
    small, large = results[0], results[-1]
    summary = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()}",
        "results": results,
        "ratios": {
            "worklist_large_over_small": round(large["worklist_ms"] / small["worklist_ms"], 2),
            "worklist_clinic_large_over_small": round(large["worklist_clinic_ms"] / small["worklist_clinic_ms"], 2),
            "journey_show_over_patient_row": round(large["journey_show_ms"] / large["patient_row_ms"], 1),
        },
        "targets": {
            "generate_100k_s<=120": large["generate_s"] * (100_000 / large["journeys"]) <= 120,
            "worklist_ms<=50": large["worklist_ms"] <= 50 and large["worklist_clinic_ms"] <= 50,
            "worklist_ratio<=2": large["worklist_ms"] / small["worklist_ms"] <= 2,
        },
    }
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "foundation.json").write_text(json.dumps(summary, indent=2))
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
