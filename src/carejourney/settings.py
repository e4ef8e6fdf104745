"""Django settings. Everything a deployment changes comes from the environment.

DATABASE_URL     PostgreSQL (postgres://user:pass@host:5432/name); default SQLite at var/carejourney.sqlite3
CAREJOURNEY_DATA_DIR  where the SQLite file lives (default: ./var)
DJANGO_DEBUG     1 for development (the default), 0 in production
DJANGO_SECRET_KEY  required when DJANGO_DEBUG is 0
DJANGO_ALLOWED_HOSTS  comma-separated, default localhost names
CAREJOURNEY_SITE_URL  the app's public address, for links in emails (e.g. https://care.example.org)
EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS, DEFAULT_FROM_EMAIL  outgoing mail
CAREJOURNEY_STAFF_IDLE_MINUTES  staff sessions end after this long without a request (default 15)
CAREJOURNEY_VIEW_CACHE  0 turns off the per-process caches of journey views and pages (default on)
DJANGO_SECURE_SSL_REDIRECT  1 to redirect http to https (behind a TLS proxy set DJANGO_PROXY_SSL_HEADER=1 too)
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("CAREJOURNEY_DATA_DIR", "var")).resolve()

DEBUG = os.environ.get("DJANGO_DEBUG", "1").lower() in ("1", "true", "yes", "on")
_DEV_KEY = "dev-only-insecure-key-do-not-use-in-production-0123456789"
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off")
    SECRET_KEY = _DEV_KEY
elif not DEBUG and (SECRET_KEY == _DEV_KEY or len(SECRET_KEY) < 32):
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be a real secret of at least 32 characters")

ALLOWED_HOSTS = [h.strip() for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",") if h.strip()]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "ninja",
    "carejourney.clinic",
    "carejourney.accounts",
    "carejourney.audit",
    "carejourney.portal",
    "carejourney.console",
    "carejourney.api",
]
#: Feature apps join when their package is present.
INSTALLED_APPS += [app for app in ("carejourney.notify", "carejourney.results") if importlib.util.find_spec(app) is not None]

# Email: Django's SMTP backend; EMAIL_HOST / EMAIL_PORT from the environment.
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS", "0") == "1"
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "care-team@carejourney.invalid")
#: Where patients reach the app (e.g. https://care.example.org), for links in emails.
SITE_URL = os.environ.get("CAREJOURNEY_SITE_URL", "http://127.0.0.1:8000" if DEBUG else "").rstrip("/")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "carejourney.accounts.middleware.StaffIdleTimeout",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "carejourney.urls"
WSGI_APPLICATION = "carejourney.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "carejourney.accounts.context.account",
            ]
        },
    }
]


def _database() -> dict:
    url = os.environ.get("DATABASE_URL", "")
    if url:
        return dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": DATA_DIR / "carejourney.sqlite3",
        "OPTIONS": {
            # WAL lets readers work while one writer writes; IMMEDIATE takes the write lock up front
            # so two writers queue instead of failing mid-transaction. Django turns foreign keys on.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;",
            "transaction_mode": "IMMEDIATE",
        },
    }


DATABASES = {"default": _database()}

# Per-process caches of derived, exactly-keyed data (a journey's composed view, the portal's journey page):
# see carejourney/portal/reading.py. CAREJOURNEY_VIEW_CACHE=0 turns them off (the benchmark measures both).
VIEW_CACHE = os.environ.get("CAREJOURNEY_VIEW_CACHE", "1") != "0"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache" if VIEW_CACHE
                      else "django.core.cache.backends.dummy.DummyCache"}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

AUTHENTICATION_BACKENDS = [
    # django-axes counts failed logins and locks out (username + address) after AXES_FAILURE_LIMIT.
    "axes.backends.AxesStandaloneBackend",
    "carejourney.accounts.backends.AccountBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked.html"
AXES_VERBOSE = False

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "accounts:login"
STAFF_IDLE_SECONDS = int(os.environ.get("CAREJOURNEY_STAFF_IDLE_MINUTES", "15")) * 60
#: How long a portal invitation link works.
INVITATION_DAYS = 7
OTP_TOTP_ISSUER = "carejourney"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]

SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = 0 if DEBUG else 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_SSL_REDIRECT = os.environ.get("DJANGO_SECURE_SSL_REDIRECT", "0") == "1"
if os.environ.get("DJANGO_PROXY_SSL_HEADER", "0") == "1":
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
X_FRAME_OPTIONS = "DENY"

# No inline scripts or styles anywhere: every page works without JavaScript, and any script is a static file.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# Application logs carry no patient data: ids only, never names, dates of birth or messages.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("CAREJOURNEY_LOG_LEVEL", "WARNING")},
}
