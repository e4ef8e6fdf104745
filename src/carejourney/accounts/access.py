"""Scoping: staff reach only their clinics' patients; a patient reaches only themself.

Anything out of scope is "not found" (404), so ids of other clinics' patients reveal nothing.
"""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect

from carejourney.accounts.roles import patient_of, staff_of
from carejourney.clinic.models import Patient


def staff_patient(user, patient_id: int) -> Patient:
    member = staff_of(user)
    if member is None:
        raise Http404
    patient = Patient.objects.select_related("clinic").filter(pk=patient_id, clinic__staff=member).first()
    if patient is None:
        raise Http404
    return patient


def staff_required(roles: tuple[str, ...] | None = None):
    """Staff with a verified second factor (and, if given, one of `roles`)."""

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            member = staff_of(request.user)
            if member is None:
                raise PermissionDenied
            if not request.user.is_verified():
                return redirect_to_login(request.get_full_path(), "accounts:verify")
            if roles and member.role not in roles:
                raise PermissionDenied
            request.staff = member
            return view(request, *args, **kwargs)

        return wrapper

    return decorate


def patient_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        patient = patient_of(request.user)
        if patient is None:
            if staff_of(request.user) is not None:
                return redirect("console:worklist")
            raise PermissionDenied
        request.patient = patient
        return view(request, *args, **kwargs)

    return wrapper
