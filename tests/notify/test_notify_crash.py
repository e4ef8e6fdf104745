"""A worker killed with SIGKILL mid-batch, then restarted, delivers every due message exactly once;
several workers share the work without sending anything twice. Real processes, a real SMTP server,
and a database file (or PostgreSQL database) they share."""

import os
import random
import signal
import time
from collections import Counter

import pytest

from smtp_sink import Sink, SmtpServer
from worker_db import WorkerDb, stop

NOW = "2026-08-02T13:00:00Z"
LEASE = "0.3"
PATIENTS = 10  # two messages due each: 20


@pytest.fixture(scope="module")
def rig():
    sink = Sink(delay=0.002)
    with SmtpServer(sink) as server:
        db = WorkerDb(server.port)
        try:
            due = db.seed(PATIENTS)
            assert len(due) == 2 * PATIENTS
            yield sink, db, due
        finally:
            db.close()


def _fresh(sink, db, due):
    with sink.lock:
        sink.received.clear()
        sink.mails = 0
    sink.on_mail = sink.on_data = None
    db.reset(due)


def _wait_delivered(sink, db, due, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        statuses = db.statuses(due)
        if all(s in ("sent", "held") for s, _ in statuses.values()):
            return statuses
        time.sleep(0.05)
    raise AssertionError(f"not delivered in time: {Counter(s for s, _ in db.statuses(due).values())}")


def _killer(victim_pid):
    fired = []

    def kill(n_wanted):
        def hook(n):
            if n == n_wanted and not fired:
                fired.append(n)
                os.kill(victim_pid(), signal.SIGKILL)
        return hook
    return kill, fired


def test_killed_mid_batch_and_restarted_delivers_every_message_exactly_once(rig):
    sink, db, due = rig
    expected = db.message_ids(due)
    rng = random.Random(7)
    args = ("--now", NOW, "--batch", "4", "--lease", LEASE, "--poll", "0.05")
    worker = db.worker(*args)
    try:
        for attempt in range(20):
            victim = worker
            kill, fired = _killer(lambda: victim.pid)
            # Killed while the mail server is answering MAIL or RCPT of message k: some of the batch is
            # sent, the rest claimed and not yet handed over.
            _fresh(sink, db, due)
            sink.on_mail = kill(rng.randint(2, len(due) - 1))
            deadline = time.monotonic() + 30
            while victim.poll() is None and time.monotonic() < deadline:
                time.sleep(0.01)
            assert fired and victim.returncode == -signal.SIGKILL, f"attempt {attempt}: the worker was not killed"
            sink.on_mail = None
            worker = db.worker(*args)  # restarted; it is the next attempt's victim
            statuses = _wait_delivered(sink, db, due)
            ids = Counter(sink.ids())
            assert set(ids) == set(expected), f"attempt {attempt}: missing {set(expected) - set(ids)}"
            assert max(ids.values()) == 1, f"attempt {attempt}: sent twice: {[m for m, n in ids.items() if n > 1]}"
            assert {s for s, _ in statuses.values()} == {"sent"} and not any(d for _, d in statuses.values())
    finally:
        stop(worker)


@pytest.mark.parametrize("policy", ["resend", "hold"])
def test_a_crash_inside_the_commit_window_is_reported_in_doubt(rig, policy):
    """Killed after the server has the message and before the worker heard back: the one case SMTP
    cannot settle. resend: sent again with the same Message-ID; hold: left for a person to check."""
    sink, db, due = rig
    args = ("--now", NOW, "--batch", "4", "--lease", LEASE, "--poll", "0.05", "--in-doubt", policy)
    _fresh(sink, db, due)
    victim = db.worker(*args)
    kill, fired = _killer(lambda: victim.pid)
    sink.on_data = kill(5)
    victim.wait(30)
    assert fired
    sink.on_data = None
    worker = db.worker(*args)
    try:
        statuses = _wait_delivered(sink, db, due)
    finally:
        stop(worker)
    ids = Counter(sink.ids())
    assert set(ids) == set(db.message_ids(due))
    twice = [m for m, n in ids.items() if n > 1]
    by_message_id = db.message_ids(due)
    fifth = sink.received[4].message_id
    if policy == "resend":
        assert twice == [fifth]  # the same Message-ID both times: a receiver can drop the repeat
        assert statuses[by_message_id[fifth]] == ("sent", 1)
        assert sum(d for _, d in statuses.values()) == 1
    else:
        assert twice == []
        assert statuses[by_message_id[fifth]][0] == "held"
        assert Counter(s for s, _ in statuses.values()) == Counter({"sent": len(due) - 1, "held": 1})


def test_several_workers_share_the_work_without_double_sends(rig):
    sink, db, due = rig
    sink.delay = 0.01
    workers = [db.worker("--now", NOW, "--batch", "2", "--lease", "5", "--poll", "0.05") for _ in range(3)]
    try:
        time.sleep(2.0)  # all three are up and polling before the rows come due
        _fresh(sink, db, due)
        statuses = _wait_delivered(sink, db, due)
    finally:
        for w in workers:
            stop(w)
        sink.delay = 0.002
    ids = Counter(sink.ids())
    assert set(ids) == set(db.message_ids(due)) and max(ids.values()) == 1
    assert {s for s, _ in statuses.values()} == {"sent"}
    # More than one worker did some of the sending (one SMTP connection each).
    assert len({r.peer for r in sink.received}) >= 2, f"{db.vendor}: only one worker sent"
