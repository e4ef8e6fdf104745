"""Staff sessions end after STAFF_IDLE_SECONDS without a request."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.utils.translation import gettext as _

from carejourney.accounts.roles import staff_of

KEY = "staff_last_seen"


class StaffIdleTimeout:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if staff_of(request.user) is not None:
            now = time.time()
            last = request.session.get(KEY)
            if last is not None and now - last > settings.STAFF_IDLE_SECONDS:
                logout(request)
                messages.info(request, _("You were signed out after a time without activity. Please sign in again."))
            else:
                request.session[KEY] = now
        return self.get_response(request)
