"""A database a worker subprocess can see: a temporary SQLite file, or (when DATABASE_URL points at
PostgreSQL) a separate database created for the test and dropped afterwards."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parents[2]
CJ = str(Path(sys.executable).parent / "carejourney")
SEED = str(Path(__file__).with_name("seed_worker_db.py"))
RESET = ("UPDATE notify_outboxmessage SET status='pending', phase='', claim_token='', lease_until=NULL, attempts=0, "
         "in_doubt_resends=0, sent_at=NULL, last_error='' WHERE id IN ({})")


class WorkerDb:
    def __init__(self, smtp_port: int):
        self.env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CAREJOURNEY_DATA_DIR")}
        self.env.update(EMAIL_HOST="127.0.0.1", EMAIL_PORT=str(smtp_port), DJANGO_DEBUG="1", CAREJOURNEY_LOG_LEVEL="ERROR")
        url = os.environ.get("DATABASE_URL", "")
        self.tmp = tempfile.TemporaryDirectory(prefix="cj-notify-")
        self.pg_admin = None
        if url.startswith(("postgres://", "postgresql://")):
            import psycopg

            self.db_name = f"cj_notify_{uuid.uuid4().hex[:10]}"
            self.pg_admin = url
            with psycopg.connect(url, autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{self.db_name}"')
            parts = urlparse(url)
            self.url = urlunparse(parts._replace(path="/" + self.db_name))
            self.env["DATABASE_URL"] = self.url
            self.vendor = "postgresql"
        else:
            self.env["CAREJOURNEY_DATA_DIR"] = self.tmp.name
            self.path = Path(self.tmp.name) / "carejourney.sqlite3"
            self.vendor = "sqlite"
        subprocess.run([CJ, "init"], env=self.env, check=True, capture_output=True, cwd=ROOT)

    def seed(self, patients: int) -> list[int]:
        out = subprocess.run([sys.executable, SEED, str(patients)], env=self.env, check=True, capture_output=True, text=True, cwd=ROOT)
        return json.loads(out.stdout.strip().splitlines()[-1])

    def execute(self, sql: str, params: tuple = ()) -> list[tuple]:
        if self.vendor == "sqlite":
            with sqlite3.connect(self.path, timeout=30) as conn:
                rows = conn.execute(sql, params).fetchall()
            return rows
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as conn:
            cur = conn.execute(sql.replace("?", "%s"), params)
            return cur.fetchall() if cur.description else []

    def reset(self, ids: list[int]) -> None:
        self.execute(RESET.format(",".join(str(int(i)) for i in ids)))

    def statuses(self, ids: list[int]) -> dict[int, tuple[str, int]]:
        rows = self.execute(f"SELECT id, status, in_doubt_resends FROM notify_outboxmessage WHERE id IN ({','.join(map(str, ids))})")
        return {r[0]: (r[1], r[2]) for r in rows}

    def message_ids(self, ids: list[int]) -> dict[str, int]:
        rows = self.execute(f"SELECT message_id, id FROM notify_outboxmessage WHERE id IN ({','.join(map(str, ids))})")
        return dict(rows)

    def worker(self, *args: str) -> subprocess.Popen:
        return subprocess.Popen([CJ, "worker", *args], env=self.env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def close(self) -> None:
        if self.pg_admin:
            import psycopg

            with psycopg.connect(self.pg_admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{self.db_name}" WITH (FORCE)')
        self.tmp.cleanup()


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
