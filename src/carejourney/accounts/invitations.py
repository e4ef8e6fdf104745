"""Single-use, expiring invitations to the patient portal."""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from carejourney.accounts.models import Invitation, digest
from carejourney.clinic.models import Patient


class InvitationError(ValueError):
    pass


def invite(patient: Patient, by, now: dt.datetime | None = None) -> tuple[Invitation, str]:
    """A new invitation; the token is returned once. Earlier unused invitations stop working."""
    now = now or timezone.now()
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        Invitation.objects.filter(patient=patient, used_at__isnull=True).update(expires_at=now)
        inv = Invitation.objects.create(
            patient=patient, token_hash=digest(token), created_by=by,
            expires_at=now + dt.timedelta(days=settings.INVITATION_DAYS),
        )
    return inv, token


def find(token: str, now: dt.datetime | None = None) -> Invitation:
    now = now or timezone.now()
    inv = Invitation.objects.select_related("patient").filter(token_hash=digest(token)).first()
    if inv is None:
        raise InvitationError("unknown")
    if inv.used_at is not None:
        raise InvitationError("used")
    if inv.expires_at <= now:
        raise InvitationError("expired")
    return inv


def accept(token: str, username: str, password: str, now: dt.datetime | None = None):
    """Create the patient's login from a valid invitation, all or nothing."""
    now = now or timezone.now()
    with transaction.atomic():
        inv = find(token, now)
        patient = Patient.objects.select_for_update().get(pk=inv.patient_id)
        if patient.user_id is not None:
            raise InvitationError("used")
        user = get_user_model().objects.create_user(username=username, email=patient.email, password=password)
        patient.user = user
        patient.save(update_fields=["user"])
        Invitation.objects.filter(pk=inv.pk).update(used_at=now)
    return user
