"""Portal invitations and API tokens. Only hashes of their secrets are stored."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class Invitation(models.Model):
    """A single-use link that lets a patient create their portal login."""

    patient = models.ForeignKey("clinic.Patient", on_delete=models.CASCADE, related_name="invitations")
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)


class ApiToken(models.Model):
    """A bearer token for an integration, acting as (and scoped like) one staff member."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked = models.BooleanField(default=False)

    @classmethod
    def issue(cls, user, name: str) -> tuple["ApiToken", str]:
        """Create a token; the plain key is returned once and never stored."""
        key = "cj_" + secrets.token_urlsafe(32)
        return cls.objects.create(user=user, name=name, key_hash=digest(key)), key
