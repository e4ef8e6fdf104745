"""Outbox dispatch rate to a loopback SMTP server, with a duplicate check, against a raw-SMTP baseline.

    .venv/bin/python bench/notify.py                       # SQLite (1 worker); PostgreSQL via scripts/with-postgres
    scripts/with-postgres .venv/bin/python bench/notify.py # the same, using that PostgreSQL for the 4-worker part

Each part: a fresh database (a temporary SQLite file, or a database created on the PostgreSQL server
and dropped afterwards), one real journey whose reminders and calendar invitation are planned by the
pathway, cloned into N due outbox rows (each its own key and Message-ID, the same content size). Then
`carejourney worker --once` processes (1 on SQLite, 4 on PostgreSQL) send them all to an aiosmtpd
server on 127.0.0.1 that counts what arrives by Message-ID. The baseline, measured in the same run, is
the same message bytes in the same SMTP conversation (pipelined envelope, body, final ".") from the
same number of processes, with no database: the ratio says what the outbox (claims, the fenced
commit point, the marks) costs over the wire alone.
Results: bench/results/notify.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import multiprocessing
import os
import re
import shutil
import smtplib
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parents[1]
CJ = str(Path(sys.executable).parent / "carejourney")
RESULTS = ROOT / "bench" / "results" / "notify.json"
NOW = "2026-08-02T13:00:00+00:00"
MESSAGE_ID = re.compile(rb"^Message-ID: *(<[^>]+>)", re.M | re.I)


# --- the SMTP server ---------------------------------------------------------------------------


class Sink:
    def __init__(self) -> None:
        self.ids: list[bytes] = []
        self.first = self.last = 0.0
        self.lock = threading.Lock()

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        # Offer PIPELINING, as Postfix, Exim and the big senders' relays do; aiosmtpd reads commands in order,
        # so pipelined ones are handled correctly.
        session.host_name = hostname
        responses.insert(len(responses) - 1, "250-PIPELINING")
        return responses

    async def handle_DATA(self, server, session, envelope):
        found = MESSAGE_ID.search(envelope.original_content or envelope.content, 0, 4096)
        now = time.perf_counter()
        with self.lock:
            if not self.ids:
                self.first = now
            self.last = now
            self.ids.append(found.group(1) if found else b"?")
        return "250 OK"

    def reset(self) -> None:
        with self.lock:
            self.ids.clear()
            self.first = self.last = 0.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- the database -------------------------------------------------------------------------------


def seed(count: int, sample_path: str) -> None:
    """In a child process (env names the database): one real journey, cloned into `count` due rows."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carejourney.settings")
    import django

    django.setup()
    from django.db import transaction

    from carejourney.clinic import pathway_store, records
    from carejourney.clinic.models import Clinic
    from carejourney.notify.channels import build_email
    from carejourney.notify.models import OutboxMessage
    from carejourney.notify.outbox import message_id
    from carejourney.pathways.events import Actor

    staff, doctor = Actor("coordinator", None, "bench"), Actor("clinician", None, "bench")
    t0 = dt.datetime(2026, 7, 15, 15, tzinfo=dt.timezone.utc)
    clinic = Clinic.objects.create(slug="bench", name="Bench Spine", timezone="America/New_York", phone="+1 555 0100")
    _, journey, _ = records.enrol(clinic, full_name="Bench Patient", birth_date=dt.date(1950, 1, 1), email="bench@example.com",
                                  pathway_version=pathway_store.current(), actor=staff, enrolled_at=dt.datetime(2026, 1, 5, 9), now=t0)
    evaluation = {"pain_worse_standing_walking": True, "relief_sitting_bending": True, "bleeding_disorder": False,
                  "active_infection": False, "severe_neurological_deficit": False}
    imaging = {"modality": "MRI", "date": "2026-01-02", "stenosis_confirmed": True, "lf_thickness_mm": 4.5, "levels": ["L4-L5"],
               "instability": "none", "spondylolisthesis_grade": 0, "other_compressive_cause": False}
    for kind, data, actor, at in [
        ("evaluation-completed", evaluation, staff, dt.datetime(2026, 1, 5, 10)),
        ("imaging-reviewed", imaging, doctor, dt.datetime(2026, 1, 6, 10)),
        ("conservative-care-recorded", {"kind": "medication", "started": "2026-01-07", "ended": "2026-07-08", "relief": "none"},
         staff, dt.datetime(2026, 7, 10, 10)),
        ("candidacy-assessed", {"decision": "candidate"}, doctor, dt.datetime(2026, 7, 15, 10)),
        ("procedure-scheduled", {"at": "2026-08-03T08:30"}, staff, dt.datetime(2026, 7, 15, 11)),
    ]:
        records.record(journey, kind, data, actor=actor, at=at, now=t0)
    templates = list(OutboxMessage.objects.filter(journey=journey).filter(kind__in=("invitation", "reminder")))  # invitation (with .ics) + reminder
    now = dt.datetime.fromisoformat(NOW)
    skip = {"id", "key", "message_id", "created_at", "updated_at"}
    fields = [f.name for f in OutboxMessage._meta.concrete_fields if f.name not in skip]
    OutboxMessage.objects.all().delete()
    with transaction.atomic():
        batch = []
        for i in range(count):
            t = templates[i % len(templates)]
            row = OutboxMessage(**{f: getattr(t, f) for f in fields})
            row.key = f"bench:{i}:{t.key}"
            row.message_id = message_id(row.key)
            row.mime = t.mime.replace(t.message_id, row.message_id, 1)  # as if planned on its own
            row.send_after, row.expires_at, row.status = now - dt.timedelta(minutes=5), now + dt.timedelta(hours=12), "pending"
            row.quiet_start = row.quiet_end = None
            batch.append(row)
            if len(batch) == 2000:
                OutboxMessage.objects.bulk_create(batch)
                batch = []
        OutboxMessage.objects.bulk_create(batch)
    sample = next(r for r in templates if r.ics)
    Path(sample_path).write_bytes(build_email(sample, now).message().as_bytes(linesep="\r\n"))


def _database(kind: str, tmp: str) -> tuple[dict[str, str], callable]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CAREJOURNEY_DATA_DIR")}
    env.update(DJANGO_DEBUG="1", CAREJOURNEY_LOG_LEVEL="ERROR")
    if kind == "sqlite":
        env["CAREJOURNEY_DATA_DIR"] = tmp
        return env, lambda: None
    import psycopg

    admin = os.environ["DATABASE_URL"]
    name = f"cj_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    env["DATABASE_URL"] = urlunparse(urlparse(admin)._replace(path="/" + name))

    def drop() -> None:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return env, drop


def _count_sent(kind: str, env: dict[str, str]) -> Counter:
    sql = "SELECT status, COUNT(*) FROM notify_outboxmessage GROUP BY status"
    if kind == "sqlite":
        import sqlite3

        with sqlite3.connect(Path(env["CAREJOURNEY_DATA_DIR"]) / "carejourney.sqlite3") as conn:
            return Counter(dict(conn.execute(sql).fetchall()))
    import psycopg

    with psycopg.connect(env["DATABASE_URL"]) as conn:
        return Counter(dict(conn.execute(sql).fetchall()))


# --- the baseline -------------------------------------------------------------------------------


def _raw_sender(port: int, data: bytes, count: int, offset: int) -> None:
    """The same SMTP conversation as the worker's (pipelined envelope, body, final "."), with no database."""
    smtp = smtplib.SMTP("127.0.0.1", port)
    smtp.ehlo()
    smtp.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    envelope = b"MAIL FROM:<care-team@carejourney.invalid>\r\nRCPT TO:<bench@example.com>\r\nDATA\r\n"
    for i in range(count):
        # A distinct Message-ID per copy, like the outbox's, so the server's duplicate count means the same.
        body = data.replace(b"Message-ID: <cj-", f"Message-ID: <raw{offset + i}-".encode(), 1)
        smtp.send(envelope)
        replies = [smtp.getreply()[0] for _ in range(3)]
        assert replies == [250, 250, 354], replies
        quoted = smtplib._quote_periods(b"Date: Sun, 02 Aug 2026 13:00:00 +0000\r\n" + body)
        smtp.send(quoted if quoted.endswith(b"\r\n") else quoted + b"\r\n")
        smtp.send(b".\r\n")
        assert smtp.getreply()[0] == 250
    smtp.quit()


def baseline(sink: Sink, port: int, data: bytes, count: int, processes: int) -> float:
    sink.reset()
    share = count // processes
    procs = [multiprocessing.Process(target=_raw_sender, args=(port, data, share, i * share)) for i in range(processes)]
    start = time.perf_counter()
    for p in procs:
        p.start()
    for p in procs:
        p.join()
    elapsed = time.perf_counter() - start
    assert len(sink.ids) == share * processes, "the baseline lost messages"
    return share * processes / elapsed


# --- one part -----------------------------------------------------------------------------------


def part(kind: str, workers: int, count: int, batch: int) -> dict:
    from aiosmtpd.controller import Controller

    sink = Sink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    tmp = tempfile.mkdtemp(prefix="cj-bench-notify-")
    env, drop = _database(kind, tmp)
    env.update(EMAIL_HOST="127.0.0.1", EMAIL_PORT=str(port))
    try:
        print(f"{kind}: preparing {count} due messages ...", file=sys.stderr, flush=True)
        subprocess.run([CJ, "init"], env=env, check=True, capture_output=True, cwd=ROOT)
        sample = Path(tmp) / "sample.eml"
        subprocess.run([sys.executable, __file__, "--seed", str(count), str(sample)], env=env, check=True, cwd=ROOT)
        data = sample.read_bytes()
        raw_rate = baseline(sink, port, data, min(count, 5000), workers)
        print(f"{kind}: baseline (same SMTP conversation, {workers} process(es), no database): {raw_rate:,.0f} messages/s", file=sys.stderr, flush=True)
        sink.reset()
        start = time.perf_counter()
        procs = [subprocess.Popen([CJ, "worker", "--once", "--now", NOW, "--batch", str(batch), "--json"], env=env, cwd=ROOT,
                                  stdout=subprocess.PIPE, text=True) for _ in range(workers)]
        tallies = [json.loads(p.communicate()[0].strip().splitlines()[-1]) for p in procs]
        wall = time.perf_counter() - start
        delivered = Counter(sink.ids)
        duplicates = sum(n - 1 for n in delivered.values() if n > 1)
        statuses = _count_sent(kind, env)
        span = sink.last - sink.first
        rate = len(sink.ids) / span if span > 0 else 0.0
        result = {
            "database": kind, "workers": workers, "batch": batch, "messages": count, "message_bytes": len(data),
            "delivered": len(sink.ids), "distinct_message_ids": len(delivered), "duplicates": duplicates,
            "rows_sent": statuses.get("sent", 0), "rows_not_sent": sum(v for k, v in statuses.items() if k != "sent"),
            "per_worker_sent": [t["sent"] for t in tallies],
            "load_average_1min": round(os.getloadavg()[0], 2),
            "rate_per_s": round(rate, 1), "rate_incl_startup_per_s": round(len(sink.ids) / wall, 1),
            "baseline_no_database_per_s": round(raw_rate, 1), "ratio_to_baseline": round(rate / raw_rate, 3) if raw_rate else None,
        }
        print(f"{kind}: outbox, {workers} worker(s): {rate:,.0f} messages/s first-to-last delivery "
              f"({result['rate_incl_startup_per_s']:,.0f}/s including process start-up); {duplicates} duplicates; "
              f"{result['ratio_to_baseline']}x the baseline", file=sys.stderr, flush=True)
        assert duplicates == 0 and len(delivered) == count and statuses.get("sent", 0) == count, result
        return result
    finally:
        controller.stop()
        drop()
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", nargs=2, metavar=("COUNT", "SAMPLE"), help=argparse.SUPPRESS)
    parser.add_argument("--part", choices=["sqlite", "postgresql"], help="run one part only and print its JSON")
    parser.add_argument("--messages", type=int, default=0, help="messages per part (default 3000 SQLite, 12000 PostgreSQL)")
    args = parser.parse_args()
    if args.seed:
        seed(int(args.seed[0]), args.seed[1])
        return 0
    pg = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))
    if args.part:
        kind = args.part
        result = part(kind, 1 if kind == "sqlite" else 4, args.messages or (3000 if kind == "sqlite" else 12000), 100)
        print(json.dumps(result))
        return 0
    results = {"date": dt.date.today().isoformat(), "machine": f"{os.cpu_count()} cores", "parts": []}
    results["parts"].append(part("sqlite", 1, args.messages or 3000, 100))
    if pg:
        results["parts"].append(part("postgresql", 4, args.messages or 12000, 100))
    elif shutil.which("bash") and (ROOT / "scripts" / "with-postgres").exists():
        out = subprocess.run([str(ROOT / "scripts" / "with-postgres"), sys.executable, __file__, "--part", "postgresql"]
                             + (["--messages", str(args.messages)] if args.messages else []),
                             capture_output=True, text=True, cwd=ROOT)
        sys.stderr.write(out.stderr)
        if out.returncode == 0:
            results["parts"].append(json.loads(out.stdout.strip().splitlines()[-1]))
        else:
            results["postgresql_skipped"] = "scripts/with-postgres failed: " + out.stderr.strip()[-300:]
    for p in results["parts"]:
        if p["database"] == "postgresql":
            p["target_per_s"] = 1000
            p["meets_target"] = p["rate_per_s"] >= 1000
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
