"""Delivery channels: email through Django's SMTP backend, and SMS through an adapter.

Email has a commit point. SMTP has exactly one moment at which the server takes responsibility for a
message: when it reads the final "." of DATA. Everything before it can be abandoned (drop the
connection and the server discards the partial message). So the message is sent up to that point,
then `commit_point()` runs (the worker's fenced "committing" write, which fails if another worker now
owns the row), and only then the final "." goes out. See `worker.py` for what this buys.

SMS: `SmsBackend` is the adapter point. Set NOTIFY_SMS_BACKEND to the dotted path of a class with
`send(to, text, message_id) -> Outcome` that talks to a provider (Twilio, an SMPP gateway ...); it must
return delivered=True only when the provider accepted the message, and raise TemporaryFailure or
PermanentFailure otherwise. The default `LoggingSmsBackend` sends nothing: it logs ids (never the
number or the text) and reports delivered=False, so the outbox shows "logged", never "sent".
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
import socket
from dataclasses import dataclass
from email.mime.text import MIMEText
from email.utils import format_datetime
from typing import Callable, Protocol

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.message import sanitize_address
from django.utils.module_loading import import_string

log = logging.getLogger("carejourney.notify")


class TemporaryFailure(Exception):
    """Try again later (connection refused, 4xx reply)."""


class PermanentFailure(Exception):
    """Trying again will not help (5xx reply, no address)."""


class InDoubt(Exception):
    """The final "." went out but no answer came back: the server may or may not have the message."""


class LostClaim(Exception):
    """Another worker owns this row now: stop before the commit point."""


@dataclass(frozen=True)
class Outcome:
    delivered: bool
    detail: str = ""


def wire_bytes(row) -> str:
    """The stored form: the whole message but its Date header, built once when the row is planned."""
    msg = build_email(row).message()
    del msg["Date"]
    return msg.as_bytes(linesep="\r\n").decode("utf-8")


def _failure(code: int, what: str, reply: bytes | str) -> Exception:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
    message = f"{what}: {code} {text[:200]}"
    return PermanentFailure(message) if 500 <= code < 600 else TemporaryFailure(message)


def build_email(row, now: dt.datetime | None = None) -> EmailMultiAlternatives:
    """The message as it goes on the wire; the Message-ID is the same on every attempt."""
    from carejourney.notify.outbox import from_address

    headers = {"Message-ID": row.message_id, "Auto-Submitted": "auto-generated"}
    if now is not None:
        headers["Date"] = format_datetime(now.astimezone(dt.timezone.utc))
    msg = EmailMultiAlternatives(row.subject, row.body_text, from_address(), row.recipients.split(","), headers=headers)
    if row.body_html:
        msg.attach_alternative(row.body_html, "text/html")
    if row.ics:
        part = MIMEText(row.ics, "calendar", "utf-8")
        part.set_param("method", row.ics_method)
        part.add_header("Content-Disposition", "attachment", filename="invite.ics" if row.ics_method != "CANCEL" else "cancel.ics")
        msg.attach(part)
    return msg


class EmailChannel:
    """One SMTP connection through Django's SMTP EmailBackend (host, port, TLS, login and timeout from
    settings). The SMTP backend is used whatever EMAIL_BACKEND says, because the commit point needs an
    SMTP conversation; NOTIFY_EMAIL_BACKEND may name a subclass of it."""

    def __init__(self) -> None:
        path = getattr(settings, "NOTIFY_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
        self.backend = get_connection(path, fail_silently=False)
        self._open = False

    def _smtp(self) -> smtplib.SMTP:
        if not self._open:
            try:
                self.backend.open()
            except (OSError, smtplib.SMTPException) as exc:
                self.backend.connection = None
                raise TemporaryFailure(f"cannot reach the mail server: {type(exc).__name__}") from None
            self._open = True
            sock = getattr(self.backend.connection, "sock", None)
            if sock is not None:
                # The final "." goes out on its own after the commit point: without this, Nagle's
                # algorithm holds it back waiting for the server's delayed ACK (~40 ms a message).
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return self.backend.connection

    def reset(self) -> None:
        """Drop the connection (the server discards any message not yet committed)."""
        conn = self.backend.connection
        self.backend.connection = None
        self._open = False
        if conn is not None:
            try:
                conn.close()
            except OSError:
                pass

    def close(self) -> None:
        if self._open:
            try:
                self.backend.close()
            except (OSError, smtplib.SMTPException):
                pass
        self.backend.connection = None
        self._open = False

    def send(self, row, now: dt.datetime, commit_point: Callable[[], None]) -> None:
        from carejourney.notify.outbox import from_address

        encoding = settings.DEFAULT_CHARSET
        sender = sanitize_address(from_address(), encoding)
        rcpts = [sanitize_address(a, encoding) for a in row.recipients.split(",")]
        date = f"Date: {format_datetime(now.astimezone(dt.timezone.utc))}\r\n".encode()
        data = date + (row.mime or wire_bytes(row)).encode("utf-8")
        smtp = self._smtp()
        committed = False
        try:
            smtp.ehlo_or_helo_if_needed()
            self._envelope(smtp, sender, rcpts)
            quoted = smtplib._quote_periods(data)
            if not quoted.endswith(b"\r\n"):
                quoted += b"\r\n"
            smtp.send(quoted)
            commit_point()  # raises LostClaim: the finally below drops the connection, nothing is delivered
            committed = True
            smtp.send(b".\r\n")
            code, reply = smtp.getreply()
            if code != 250:
                raise _failure(code, "message refused", reply)
        except LostClaim:
            self.reset()
            raise
        except (TemporaryFailure, PermanentFailure):
            raise
        except (OSError, smtplib.SMTPException) as exc:
            self.reset()
            if committed:
                raise InDoubt(f"no answer after the message was handed over: {type(exc).__name__}") from None
            raise TemporaryFailure(f"connection lost: {type(exc).__name__}") from None


    @staticmethod
    def _envelope(smtp: smtplib.SMTP, sender: str, rcpts: list[str]) -> None:
        """MAIL, RCPT and DATA; in one round trip when the server offers PIPELINING (RFC 2920)."""
        if smtp.has_extn("pipelining"):
            smtp.send("".join([f"MAIL FROM:{smtplib.quoteaddr(sender)}\r\n",
                               *(f"RCPT TO:{smtplib.quoteaddr(r)}\r\n" for r in rcpts), "DATA\r\n"]))
            mail = smtp.getreply()
            answers = [smtp.getreply() for _ in rcpts]
            data = smtp.getreply()
        else:
            mail = smtp.mail(sender)
            answers = []
            if mail[0] == 250:
                answers = [smtp.rcpt(r) for r in rcpts]
            data = smtp.docmd("data") if any(a[0] in (250, 251) for a in answers) else (0, b"")
        accepted = [a for a in answers if a[0] in (250, 251)]
        if mail[0] == 250 and accepted and data[0] == 354:
            return
        if data[0] == 354:
            # Pipelined and the server still opened DATA: close it empty; with no recipient it delivers nothing.
            smtp.send(b".\r\n")
            smtp.getreply()
        smtp.rset()
        if mail[0] != 250:
            raise _failure(mail[0], "sender refused", mail[1])
        if not accepted:
            refused = next(a for a in answers if a[0] not in (250, 251))
            raise _failure(refused[0], "recipient refused", refused[1])
        raise _failure(data[0], "data refused", data[1])


class SmsBackend(Protocol):
    def send(self, to: str, text: str, message_id: str) -> Outcome: ...


class LoggingSmsBackend:
    """Sends nothing. Logs that a text message would have gone out, by message id only (no PHI)."""

    def send(self, to: str, text: str, message_id: str) -> Outcome:
        log.info("sms not sent (logging backend, no provider configured): message %s", message_id)
        return Outcome(False, "logged only: no SMS provider is set up (NOTIFY_SMS_BACKEND)")


def sms_backend() -> SmsBackend:
    path = getattr(settings, "NOTIFY_SMS_BACKEND", "carejourney.notify.channels.LoggingSmsBackend")
    return import_string(path)()
