"""Password sign-in (django-axes counts failures before this runs)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class AccountBackend(ModelBackend):
    """Django's model backend; loading the user also loads their staff or patient record in the same query,
    since nearly every request asks who the user is."""

    def get_user(self, user_id):
        user = (get_user_model()._default_manager.select_related("staff", "patient__clinic")
                .filter(pk=user_id).first())
        return user if user is not None and self.user_can_authenticate(user) else None
