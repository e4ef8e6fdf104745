"""API authentication: a bearer token for integrations, or a console session (staff, second factor done)."""

from __future__ import annotations

from django.utils import timezone
from ninja.security import HttpBearer, SessionAuth

from carejourney.accounts.models import ApiToken, digest
from carejourney.accounts.roles import staff_of


class BearerToken(HttpBearer):
    def authenticate(self, request, token: str):
        found = ApiToken.objects.select_related("user").filter(key_hash=digest(token), revoked=False).first()
        if found is None or not found.user.is_active or staff_of(found.user) is None:
            return None
        ApiToken.objects.filter(pk=found.pk).update(last_used_at=timezone.now())
        request.user = found.user
        return found.user


class StaffSession(SessionAuth):
    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        if user is None or staff_of(user) is None or not user.is_verified():
            return None
        return user
