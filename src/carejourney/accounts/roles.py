"""Who a signed-in user is: a patient, or a staff member with a role and clinics."""

from __future__ import annotations

from carejourney.clinic.models import Clinic, Patient, StaffMember
from carejourney.pathways.events import Actor

STAFF_ROLES = ("coordinator", "clinician", "admin")


_MISSING = object()


def _related(user, name: str, missing: type[Exception]):
    """user.<name> or None, remembered on the user object for the rest of the request."""
    if not getattr(user, "is_authenticated", False):
        return None
    key = f"_carejourney_{name}"
    found = getattr(user, key, _MISSING)
    if found is _MISSING:
        try:
            found = getattr(user, name)
        except missing:
            found = None
        setattr(user, key, found)
    return found


def staff_of(user) -> StaffMember | None:
    return _related(user, "staff", StaffMember.DoesNotExist)


def patient_of(user) -> Patient | None:
    return _related(user, "patient", Patient.DoesNotExist)


def role_of(user) -> str | None:
    member = staff_of(user)
    if member is not None:
        return member.role
    return "patient" if patient_of(user) is not None else None


def clinics_of(user):
    """The clinics a staff member works at (none for anyone else)."""
    member = staff_of(user)
    if member is None:
        return Clinic.objects.none()
    return member.clinics.all().order_by("slug")


def actor_for(user) -> Actor:
    role = role_of(user) or "unknown"
    label = "patient" if role == "patient" else (user.get_full_name() or user.get_username())
    return Actor(role, user.pk, label)
