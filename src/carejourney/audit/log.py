"""Writing audit entries from a request."""

from __future__ import annotations

from carejourney.accounts.roles import role_of
from carejourney.audit.models import AuditEntry


def client_address(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def audit(request, patient, action: str) -> None:
    user = request.user
    AuditEntry.objects.create(
        user_id=user.pk if user.is_authenticated else None,
        username=user.get_username() if user.is_authenticated else "",
        role=role_of(user) or "",
        patient_id=patient.pk,
        clinic_id=patient.clinic_id,
        action=action[:80],
        path=request.path[:300],
        client_address=client_address(request),
    )
