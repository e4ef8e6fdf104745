"""Accounts and access: second factor, lockout, idle timeout, CSRF, CSP, production settings."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time

from django.test import Client

from world import PASSWORD, code


def test_patient_signs_in_with_password_and_lands_on_the_portal(world):
    p = world.patient("preparation")
    client = Client()
    r = client.post("/accounts/login/", {"username": p.user.username, "password": PASSWORD}, follow=True)
    assert r.redirect_chain[-1][0] == "/portal/"
    assert "You are at step 4 of 7" in r.content.decode()


def test_staff_need_the_second_factor_before_any_console_page(world):
    member = world.staff("coordinator")
    client = Client()
    r = client.post("/accounts/login/", {"username": member.user.username, "password": PASSWORD})
    assert r["Location"].startswith("/accounts/verify/")
    r = client.get("/console/")
    assert r.status_code == 302 and r["Location"].startswith("/accounts/verify/")
    r = client.get("/api/worklist")
    assert r.status_code == 401
    r = client.post("/accounts/verify/", {"token": "000000" if code(member.user.email) != "000000" else "111111"})
    assert "That code did not work" in r.content.decode()
    assert client.get("/console/").status_code == 302
    time.sleep(1.1)  # django-otp throttles a device for 1 s after a wrong code
    r = client.post("/accounts/verify/", {"token": code(member.user.email)})
    assert r["Location"] == "/console/"
    assert client.get("/console/").status_code == 200


def test_repeated_wrong_passwords_lock_the_account_out(world):
    p = world.patient("evaluation")
    client = Client()
    for _ in range(5):
        r = client.post("/accounts/login/", {"username": p.user.username, "password": "wrong-password-1"})
        assert r.status_code in (200, 429)
    r = client.post("/accounts/login/", {"username": p.user.username, "password": PASSWORD})
    assert r.status_code == 429
    assert "too many wrong passwords" in r.content.decode()
    assert "_auth_user_id" not in client.session


def test_idle_staff_sessions_end(world):
    client = world.staff_client("clinician")
    assert client.get("/console/").status_code == 200
    session = client.session
    session["staff_last_seen"] = time.time() - 16 * 60
    session.save()
    r = client.get("/console/")
    assert r.status_code == 302 and r["Location"].startswith("/accounts/login/")


def test_forms_refuse_posts_without_the_csrf_token(world):
    p = world.patient("prep-incomplete")
    client = Client(enforce_csrf_checks=True)
    client.force_login(p.user, backend="carejourney.accounts.backends.AccountBackend")
    r = client.post("/portal/checklist/", {"item": "loose-clothes"})
    assert r.status_code == 403
    assert not p.journeys.get().events.filter(type="prep-confirmed", data__item="loose-clothes").exists()


def test_pages_carry_a_csp_without_inline_scripts(world):
    client = world.patient_client("preparation")
    for url in ["/", "/accounts/login/", "/portal/", "/portal/video/", "/portal/messages/"]:
        r = client.get(url)
        policy = r["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy
        assert not re.search(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)", r.content.decode()), url
        assert r["X-Frame-Options"] == "DENY"


def _settings_in_subprocess(env: dict[str, str], expr: str) -> subprocess.CompletedProcess:
    code_ = f"import carejourney.settings as s; print({expr})"
    full = {**os.environ, **env}
    return subprocess.run([sys.executable, "-c", code_], env=full, capture_output=True, text=True, timeout=60)


def test_production_mode_needs_a_real_secret_and_turns_on_secure_cookies():
    r = _settings_in_subprocess({"DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": ""}, "1")
    assert r.returncode != 0 and "DJANGO_SECRET_KEY must be set" in r.stderr
    r = _settings_in_subprocess({"DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": "x" * 50},
                                "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS")
    assert r.stdout.split() == ["True", "True", "31536000"]
