"""The outbox worker: claim due rows, send each through its channel, mark it. At-least-once, and
never twice except in one narrow window, described here.

Protocol, per row:
1. Claim (one short transaction for a batch): pending rows that are due move to `sending` with a fresh
   claim token and a lease. On PostgreSQL the rows are picked with SELECT ... FOR UPDATE SKIP LOCKED,
   so several workers take disjoint batches; on SQLite the IMMEDIATE transaction serialises claims.
2. Send up to SMTP's commit point (everything but the final "." of DATA).
3. Fence: UPDATE ... SET phase='committing' WHERE id=? AND claim_token=? (and renew the lease). If no
   row matches, another worker has taken the row over: drop the connection, the server discards it.
4. Send the final "."; on 250, mark the row `sent` (again only under our claim token).

A worker that dies (SIGKILL, power cut) leaves rows in `sending`. Once their lease runs out:
- rows still in phase `claimed` never reached a commit point: they go back to pending and are sent once;
- rows in phase `committing` are *in doubt*: the server may have accepted them just before the crash.
  NOTIFY_IN_DOUBT="resend" (the default, at-least-once) sends them again with the same Message-ID, so
  a receiver that de-duplicates by Message-ID shows one message; "hold" marks them `held` for a person.
The remaining window is therefore: from writing the final "." to committing `sent`, one SMTP reply
and one UPDATE, typically well under a millisecond per message; only a crash inside it can deliver
a message twice, and then with the same Message-ID. SMTP gives no way to close it entirely.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import signal
import socket
import time
import uuid
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.db.models import F
from django.utils import timezone

from carejourney.notify import plan as core
from carejourney.notify.channels import (
    EmailChannel,
    InDoubt,
    LostClaim,
    PermanentFailure,
    TemporaryFailure,
    sms_backend,
)
from carejourney.notify.models import OutboxMessage

log = logging.getLogger("carejourney.notify")
TABLE = OutboxMessage._meta.db_table


def _setting(name: str, default):
    return getattr(settings, name, default)


@dataclass
class Tally:
    claimed: int = 0
    sent: int = 0
    logged: int = 0
    retried: int = 0
    failed: int = 0
    expired: int = 0
    deferred: int = 0
    lost: int = 0
    in_doubt: int = 0
    recovered: int = 0
    held: int = 0

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


class Worker:
    def __init__(self, batch: int | None = None, lease_seconds: float | None = None, worker_id: str | None = None):
        self.batch = batch or _setting("NOTIFY_BATCH_SIZE", 50)
        self.lease = dt.timedelta(seconds=lease_seconds or _setting("NOTIFY_LEASE_SECONDS", 60))
        self.max_attempts = _setting("NOTIFY_MAX_ATTEMPTS", 8)
        self.retry_base = _setting("NOTIFY_RETRY_BASE_SECONDS", 60)
        self.retry_cap = _setting("NOTIFY_RETRY_MAX_SECONDS", 6 * 3600)
        self.in_doubt = _setting("NOTIFY_IN_DOUBT", "resend")
        self.id = worker_id or f"{socket.gethostname()}:{os.getpid()}"
        self.email = EmailChannel()
        self._sms = None
        self.stopping = False

    # --- claiming -----------------------------------------------------------------------------

    def recover(self, tally: Tally) -> None:
        """Rows whose worker stopped mid-send (lease over): back to pending, or in doubt."""
        real = timezone.now()
        with transaction.atomic():
            rows = list(OutboxMessage.objects.select_for_update(skip_locked=True)
                        .filter(status="sending", lease_until__lt=real).only("pk", "phase")[: self.batch * 4])
            doubtful = [r.pk for r in rows if r.phase == "committing"]
            clean = [r.pk for r in rows if r.phase != "committing"]
            if clean:
                OutboxMessage.objects.filter(pk__in=clean).update(status="pending", phase="", claim_token="", lease_until=None)
            if doubtful:
                if self.in_doubt == "hold":
                    OutboxMessage.objects.filter(pk__in=doubtful).update(
                        status="held", phase="", claim_token="", lease_until=None,
                        last_error="in doubt: the worker stopped right after handing it to the mail server; check before resending")
                    tally.held += len(doubtful)
                else:
                    OutboxMessage.objects.filter(pk__in=doubtful).update(
                        status="pending", phase="", claim_token="", lease_until=None, in_doubt_resends=F("in_doubt_resends") + 1)
                    tally.in_doubt += len(doubtful)
                    log.warning("outbox: %d in-doubt message(s) will be resent with the same Message-ID: ids %s",
                                len(doubtful), ",".join(map(str, doubtful[:20])))
        tally.recovered += len(clean)

    def claim(self, now: dt.datetime) -> tuple[str, list[OutboxMessage]]:
        token = uuid.uuid4().hex
        real = timezone.now()
        with transaction.atomic():
            ids = list(OutboxMessage.objects.select_for_update(skip_locked=True)
                       .filter(status="pending", send_after__lte=now).order_by("send_after")
                       .values_list("pk", flat=True)[: self.batch])
            if not ids:
                return token, []
            OutboxMessage.objects.filter(pk__in=ids).update(
                status="sending", phase="claimed", claim_token=token, lease_until=real + self.lease, attempts=F("attempts") + 1)
        return token, list(OutboxMessage.objects.filter(pk__in=ids, claim_token=token).order_by("send_after", "pk"))

    # --- marking ------------------------------------------------------------------------------

    def _mine(self, row: OutboxMessage, token: str):
        return OutboxMessage.objects.filter(pk=row.pk, claim_token=token, status="sending")

    # The two writes on every send are plain SQL: the ORM's query building would cost more than the write.
    def _update_mine(self, assignments: str, params: list, row: OutboxMessage, token: str) -> int:
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {TABLE} SET {assignments} WHERE id = %s AND claim_token = %s AND status = 'sending'",
                           [*params, row.pk, token])
            return cursor.rowcount

    def _fence(self, row: OutboxMessage, token: str) -> None:
        lease = connection.ops.adapt_datetimefield_value(timezone.now() + self.lease)
        if not self._update_mine("phase = 'committing', lease_until = %s", [lease], row, token):
            raise LostClaim()

    def _finish(self, row: OutboxMessage, token: str, status: str, error: str = "", sent_at: dt.datetime | None = None) -> None:
        adapt = connection.ops.adapt_datetimefield_value
        self._update_mine("status = %s, phase = '', claim_token = '', lease_until = NULL, last_error = %s, sent_at = %s, updated_at = %s",
                          [status, error[:300], adapt(sent_at) if sent_at else None, adapt(timezone.now())], row, token)

    def _retry(self, row: OutboxMessage, token: str, now: dt.datetime, error: str, tally: Tally) -> None:
        if row.attempts >= self.max_attempts:
            self._finish(row, token, "failed", f"gave up after {row.attempts} attempts: {error}")
            tally.failed += 1
            return
        later = now + core.retry_delay(row.attempts, self.retry_base, self.retry_cap)
        self._mine(row, token).update(status="pending", phase="", claim_token="", lease_until=None, send_after=later,
                                      last_error=error[:300], updated_at=timezone.now())
        tally.retried += 1

    # --- sending ------------------------------------------------------------------------------

    def process(self, token: str, rows: list[OutboxMessage], now: dt.datetime, tally: Tally) -> None:
        for row in rows:
            if self.stopping:
                # Unsent rows go back at once rather than waiting for the lease.
                self._mine(row, token).filter(phase="claimed").update(status="pending", phase="", claim_token="", lease_until=None)
                continue
            if now >= row.expires_at:
                self._finish(row, token, "expired", "its moment passed before it could be sent")
                tally.expired += 1
                continue
            quiet = (row.quiet_start, row.quiet_end) if row.quiet_start is not None and row.quiet_end is not None else None
            tz = ZoneInfo(row.tz)
            if core.in_quiet_hours(now, tz, quiet):
                self._mine(row, token).update(status="pending", phase="", claim_token="", lease_until=None,
                                              send_after=core.out_of_quiet_hours(now, tz, quiet))
                tally.deferred += 1
                continue
            if not row.recipients:
                self._finish(row, token, "failed", "no address on file for this channel")
                tally.failed += 1
                continue
            try:
                if row.channel == core.EMAIL:
                    self.email.send(row, now, lambda r=row: self._fence(r, token))
                    self._finish(row, token, "sent", sent_at=now)
                    tally.sent += 1
                elif row.channel == core.SMS:
                    self._fence(row, token)
                    self._sms = self._sms or sms_backend()
                    outcome = self._sms.send(row.recipients, row.body_text, row.message_id)
                    self._finish(row, token, "sent" if outcome.delivered else "logged", outcome.detail, sent_at=now if outcome.delivered else None)
                    if outcome.delivered:
                        tally.sent += 1
                    else:
                        tally.logged += 1
                else:
                    self._finish(row, token, "failed", f"unknown channel '{row.channel}'")
                    tally.failed += 1
            except LostClaim:
                tally.lost += 1
            except PermanentFailure as exc:
                self._finish(row, token, "failed", str(exc))
                tally.failed += 1
            except TemporaryFailure as exc:
                self._retry(row, token, now, str(exc), tally)
            except InDoubt as exc:
                if self.in_doubt == "hold":
                    self._finish(row, token, "held", f"in doubt: {exc}")
                    tally.held += 1
                else:
                    self._mine(row, token).update(in_doubt_resends=F("in_doubt_resends") + 1)
                    self._retry(row, token, now, f"in doubt: {exc}", tally)
                    tally.in_doubt += 1

    def run_once(self, now: dt.datetime | None = None) -> Tally:
        """Send everything due at `now` (default: the real present), then return."""
        tally = Tally()
        self.recover(tally)
        while not self.stopping:
            moment = now or timezone.now()
            token, rows = self.claim(moment)
            if not rows:
                break
            tally.claimed += len(rows)
            self.process(token, rows, moment, tally)
        return tally

    def run_forever(self, poll_seconds: float = 2.0, now: dt.datetime | None = None) -> Tally:
        total = Tally()
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: setattr(self, "stopping", True))
        while not self.stopping:
            tally = self.run_once(now)
            for k, v in tally.as_dict().items():
                setattr(total, k, getattr(total, k) + v)
            if not tally.claimed:
                self.email.close()
                close_old_connections()
                deadline = time.monotonic() + poll_seconds
                while not self.stopping and time.monotonic() < deadline:
                    time.sleep(min(0.05, poll_seconds))
        self.email.close()
        return total

    def close(self) -> None:
        self.email.close()
