from __future__ import annotations

import django_otp
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from carejourney.accounts import invitations
from carejourney.accounts.forms import AcceptInvitationForm, TokenForm
from carejourney.accounts.roles import patient_of, staff_of


class SignIn(LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_success_url(self):
        # A fresh login has no second factor yet: staff go on to the code.
        if staff_of(self.request.user) is not None:
            nxt = self.get_redirect_url()
            return "/accounts/verify/" + (f"?next={nxt}" if nxt else "")
        return super().get_success_url()


def _safe_next(request, default: str) -> str:
    nxt = request.POST.get("next") or request.GET.get("next") or ""
    if nxt and url_has_allowed_host_and_scheme(nxt, {request.get_host()}, request.is_secure()):
        return nxt
    return default


@login_required
@require_http_methods(["GET", "POST"])
def verify(request):
    """The second factor for staff: a TOTP code from the device enrolled for them."""
    if staff_of(request.user) is None:
        return redirect("accounts:home")
    if request.user.is_verified():
        return redirect(_safe_next(request, "/console/"))
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = django_otp.match_token(request.user, form.cleaned_data["token"].strip())
        if device is not None:
            django_otp.login(request, device)
            return redirect(_safe_next(request, "/console/"))
        form.add_error("token", _("That code did not work. Codes change every 30 seconds: try the newest one."))
    has_device = any(True for _ in django_otp.devices_for_user(request.user))
    return render(request, "accounts/verify.html", {"form": form, "has_device": has_device,
                                                    "next": _safe_next(request, "")})


def home(request):
    """Send each person to their own start page."""
    if not request.user.is_authenticated:
        return redirect("accounts:login")
    if staff_of(request.user) is not None:
        return redirect("console:worklist")
    if patient_of(request.user) is not None:
        return redirect("portal:home")
    return render(request, "accounts/no_role.html", status=403)


@require_http_methods(["GET", "POST"])
def accept_invitation(request, token: str):
    try:
        inv = invitations.find(token)
    except invitations.InvitationError as exc:
        return render(request, "accounts/invitation_invalid.html", {"why": str(exc)}, status=410)
    form = AcceptInvitationForm(request.POST or None, initial={"username": inv.patient.email})
    if request.method == "POST" and form.is_valid():
        try:
            user = invitations.accept(token, form.cleaned_data["username"], form.cleaned_data["password1"])
        except invitations.InvitationError as exc:
            return render(request, "accounts/invitation_invalid.html", {"why": str(exc)}, status=410)
        login(request, user, backend="carejourney.accounts.backends.AccountBackend")
        messages.success(request, _("Welcome! Your login is ready."))
        return redirect("portal:home")
    return render(request, "accounts/invitation.html", {"form": form})
