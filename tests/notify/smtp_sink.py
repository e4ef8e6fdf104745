"""A real SMTP server (aiosmtpd) on 127.0.0.1 that keeps what it receives, for tests."""

from __future__ import annotations

import asyncio
import socket
import threading
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Callable

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    raw: bytes
    peer: tuple

    @property
    def message(self) -> EmailMessage:
        return message_from_bytes(self.raw, policy=policy.default)  # type: ignore[return-value]

    @property
    def message_id(self) -> str:
        return self.message["Message-ID"]


@dataclass
class Sink:
    """Handler: `delay` seconds before answering MAIL; `on_mail(n)` / `on_data(n)` hooks see the message number."""

    received: list[Received] = field(default_factory=list)
    delay: float = 0.0
    mails: int = 0
    on_mail: Callable[[int], None] | None = None
    on_data: Callable[[int], None] | None = None
    refuse_rcpt: str | None = None  # e.g. "550 5.1.1 no such mailbox" or "451 4.3.0 try later"
    #: Offer PIPELINING (RFC 2920), as most mail servers do: clients may send MAIL, RCPT and DATA at once.
    pipelining: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        if self.pipelining:
            responses.insert(len(responses) - 1, "250-PIPELINING")
        return responses

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        with self.lock:
            self.mails += 1
            n = self.mails
        if self.on_mail:
            self.on_mail(n)
        if self.delay:
            await asyncio.sleep(self.delay)
        envelope.mail_from = address
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse_rcpt:
            return self.refuse_rcpt
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), envelope.content, session.peer))
            n = len(self.received)
        if self.on_data:
            self.on_data(n)
        return "250 Message accepted"

    def ids(self) -> list[str]:
        with self.lock:
            return [r.message_id for r in self.received]


class SmtpServer:
    def __init__(self, sink: Sink | None = None):
        self.sink = sink or Sink()
        self.port = free_port()
        self.controller = Controller(self.sink, hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> SmtpServer:
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.controller.stop()
