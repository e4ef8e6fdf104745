"""A small demo world for the web and browser tests: two clinics, their staff (with TOTP), demo patients at every step."""

from __future__ import annotations

import re

from django.test import Client
from django_otp.oath import totp

from carejourney.clinic import demo
from carejourney.clinic.models import Patient, StaffMember

PASSWORD = demo.DEMO_PASSWORD


def code(email: str, windows_ahead: int = 0) -> str:
    """The staff member's current TOTP code; the next window's is accepted too (tolerance 1), for a second login."""
    return "%06d" % totp(demo.totp_key(email), drift=windows_ahead)


class World:
    def __init__(self):
        self.summary = demo.generate(34, seed=7)  # the last two have no portal login

    def staff(self, role: str, clinic: str = "riverside") -> StaffMember:
        return StaffMember.objects.select_related("user").get(role=role, clinics__slug=clinic)

    def patient(self, scenario: str, clinic: str = "riverside") -> Patient:
        return Patient.objects.select_related("user", "clinic").get(
            user__username=demo.PATIENT_LOGIN.format(scenario=scenario, clinic=clinic))

    def staff_client(self, role: str, clinic: str = "riverside", windows_ahead: int = 0) -> Client:
        """Signed in the real way: password, then the second factor."""
        member = self.staff(role, clinic)
        client = Client()
        r = client.post("/accounts/login/", {"username": member.user.username, "password": PASSWORD})
        assert r.status_code == 302 and r["Location"].startswith("/accounts/verify/"), r
        r = client.post("/accounts/verify/", {"token": code(member.user.email, windows_ahead)})
        assert r.status_code == 302 and r["Location"] == "/console/", r.content[:500]
        return client

    def patient_client(self, scenario: str, clinic: str = "riverside") -> Client:
        client = Client()
        client.force_login(self.patient(scenario, clinic).user, backend="carejourney.accounts.backends.AccountBackend")
        return client


def text(response) -> str:
    """A page's visible text, tags removed and spaces squeezed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))
