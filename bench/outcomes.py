"""Benchmark: the clinic outcomes report at 100k journeys with four timepoints each (target: 1 s or less).

    .venv/bin/python bench/outcomes.py                      # 100k journeys
    BENCH_OUTCOME_JOURNEYS=5000 .venv/bin/python bench/outcomes.py   # a quick run

Score rows (the projection the report reads) are inserted straight into a fresh SQLite database under
var/bench/outcomes/: the default plan's four timepoints give 25 measures per journey (2.5M rows at 100k).
The report's median is set against a baseline measured in the same run, a plain COUNT over the same
rows, so a slower machine slows both. Results go to bench/results/outcomes.json.
"""

from __future__ import annotations

import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _timing import median_ms  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
JOURNEYS = int(os.environ.get("BENCH_OUTCOME_JOURNEYS", "100000"))
TARGET_S = 1.0


def _fill(n: int) -> int:
    """Clinics, patients, journeys and their score rows, inserted in bulk. Returns the number of score rows."""
    import datetime as dt

    from django.db import transaction

    from carejourney.clinic import pathway_store
    from carejourney.clinic.demo import _insert
    from carejourney.clinic.models import Clinic, Journey, Patient
    from carejourney.outcomes.instruments import instrument
    from carejourney.outcomes.scoring import responded
    from carejourney.results.models import Score

    version = pathway_store.current("mild")
    plan = pathway_store.pathway_of(version).outcomes
    clinics = [Clinic.objects.create(slug=s, name=s.title(), timezone=tz)
               for s, tz in (("riverside", "America/New_York"), ("lakeview", "America/Chicago"))]
    rng = random.Random(1)
    start = dt.datetime(2025, 1, 1, 9, tzinfo=dt.timezone.utc)
    timepoints = plan.enabled()
    total = 0
    for first in range(0, n, 5000):
        ids = range(first, min(n, first + 5000))
        with transaction.atomic():
            base = (Patient.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
            _insert(Patient, [{"clinic_id": clinics[i % 2].pk, "full_name": f"Bench {i}", "birth_date": dt.date(1950, 1, 1),
                               "email": "", "language": "en", "created_at": start} for i in ids])
            _insert(Journey, [{"patient_id": base + k, "pathway_id": version.pk, "started_at": start} for k, _ in enumerate(ids)])
            journeys = list(Journey.objects.filter(patient_id__gte=base).order_by("pk").values_list("pk", "patient__clinic_id"))
            rows = []
            for journey_id, clinic_id in journeys:
                values: dict[tuple[str, str], float] = {}
                for seq, tp in enumerate(timepoints, start=2):
                    for ins_id in tp.instruments:
                        ins = instrument(ins_id)
                        for measure in ins.measures:
                            if measure == "satisfaction" and not tp.after_treatment:
                                continue
                            value = rng.uniform(0, 100) if ins_id == "odi" else rng.uniform(1, 10)
                            ref_tp = next((r for r in plan.compare_with if (r, f"{ins_id}.{measure}") in values
                                           and [t.id for t in timepoints].index(r) < seq - 2), None)
                            ref = values.get((ref_tp, f"{ins_id}.{measure}")) if ref_tp else None
                            values[(tp.id, f"{ins_id}.{measure}")] = value
                            rule = plan.rule(ins_id, measure)
                            resp = responded(rule, ins.lower_is_better, ref, value) if tp.after_treatment else None
                            rows.append({"journey_id": journey_id, "clinic_id": clinic_id, "timepoint": tp.id,
                                         "instrument": ins_id, "measure": measure, "value": value, "band": "",
                                         "on": dt.date(2025, 6, 1), "event_seq": seq, "reference_timepoint": ref_tp or "",
                                         "change": None if ref is None else value - ref, "responder": resp})
            _insert(Score, rows)
            total += len(rows)
        print(f"\rscore rows for {min(n, first + 5000)}/{n} journeys", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    return total


def one() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carejourney.settings")
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from carejourney.clinic.models import Clinic
    from carejourney.results.models import Score
    from carejourney.results.queries import clinic_report

    call_command("migrate", verbosity=0, interactive=False)
    t = time.perf_counter()
    rows = _fill(JOURNEYS)
    fill_s = round(time.perf_counter() - t, 1)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    riverside = Clinic.objects.get(slug="riverside")
    clinic_report()  # warm the page cache and the pathway parse once
    baseline = median_ms(lambda: Score.objects.count(), 5)
    baseline_clinic = median_ms(lambda: Score.objects.filter(clinic=riverside).count(), 5)
    report_all = median_ms(lambda: clinic_report(), 5)
    report_one = median_ms(lambda: clinic_report(riverside), 5)
    data = clinic_report()
    three = next(r for r in data["rows"] if r["timepoint"] == "3-months" and r["key"] == "odi")
    print(json.dumps({
        "journeys": JOURNEYS, "score_rows": rows, "fill_s": fill_s,
        "baseline_count_ms": baseline, "baseline_count_one_clinic_ms": baseline_clinic,
        "report_all_clinics_ms": report_all, "report_one_clinic_ms": report_one,
        "report_vs_count_all": round(report_all / baseline, 1) if baseline else None,
        "report_vs_count_one_clinic": round(report_one / baseline_clinic, 1) if baseline_clinic else None,
        "target_ms": TARGET_S * 1000, "met": report_all <= TARGET_S * 1000 and report_one <= TARGET_S * 1000,
        "report_rows": len(data["rows"]), "check_3_months_odi_n": three["n"],
    }))


def main() -> None:
    data_dir = ROOT / "var" / "bench" / "outcomes"
    shutil.rmtree(data_dir, ignore_errors=True)
    env = {**os.environ, "CAREJOURNEY_DATA_DIR": str(data_dir)}
    env.pop("DATABASE_URL", None)
    out = subprocess.run([sys.executable, __file__, "--one"], env=env, stdout=subprocess.PIPE, text=True)
    if out.returncode != 0:
        sys.exit(f"outcomes benchmark failed (exit {out.returncode})")
    result = json.loads(out.stdout)
    result["machine"] = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    (ROOT / "bench" / "results").mkdir(parents=True, exist_ok=True)
    (ROOT / "bench" / "results" / "outcomes.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    shutil.rmtree(data_dir, ignore_errors=True)
    if not result["met"]:
        sys.exit(f"the outcomes report took more than {TARGET_S} s")


if __name__ == "__main__":
    one() if "--one" in sys.argv else main()
