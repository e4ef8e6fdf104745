from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema


class Problem(Schema):
    detail: str
    problems: list[str] = []


class WorkItem(Schema):
    patient_id: int
    patient: str
    clinic: str
    kind: str
    subject: str
    due: dt.date
    since: dt.date
    days_overdue: int


class PendingMessage(Schema):
    patient_id: int
    patient: str
    clinic: str
    kind: str
    subject: str
    received_at: dt.datetime
    seq: int
    acknowledged: bool


class Worklist(Schema):
    clinics: list[str]
    clinic: str | None
    total: int
    total_capped: bool
    messages: list[PendingMessage]
    items: list[WorkItem]


class PatientSummary(Schema):
    id: int
    full_name: str
    birth_date: dt.date
    clinic: str
    step: str | None
    status: str | None
    next_due_on: dt.date | None
    next_due_kind: str
    has_portal_login: bool


class PatientPage(Schema):
    items: list[PatientSummary]
    more: bool
    offset: int
    limit: int


class PatientDetail(Schema):
    patient: PatientSummary
    journey: dict[str, Any] | None


class EventOut(Schema):
    seq: int
    type: str
    at: dt.datetime
    actor_role: str
    actor_label: str
    data: dict[str, Any]


class RecordIn(Schema):
    type: str = Field(..., max_length=64, description="event type, e.g. procedure-performed")
    data: dict[str, Any] = {}
    at: dt.datetime | None = Field(None, description="when it happened; without an offset, clinic time; default now")


class EnrolIn(Schema):
    clinic: str = Field(..., max_length=64)
    full_name: str = Field(..., min_length=1, max_length=200)
    birth_date: dt.date
    email: str = Field("", max_length=254)
    enrolled_at: dt.datetime | None = None


class InvitationOut(Schema):
    url: str
    expires_at: dt.datetime


class AuditRow(Schema):
    at: dt.datetime
    username: str
    role: str
    patient_id: int
    action: str
    path: str
    client_address: str | None
