"""Warta settings, driven by the environment.

The embedded default (no environment at all) is SQLite in WAL mode, SqliteHuey and media on local
disk under ``var/``. Production sets ``DATABASE_URL``, ``REDIS_URL`` (or ``WARTA_JOBS=postgres``),
``WARTA_S3_BUCKET`` and the secrets; ``deploy/warta.env.example`` is a complete production
environment, and ``docs/deploy.md`` explains each part.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import dj_database_url
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from lib.owner_only import owner_only_file
from ops.s3conf import s3_storage

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("WARTA_VAR_DIR", BASE_DIR / "var"))


def envbool(name: str, default: str = "0") -> bool:
    return os.environ.get(name, default).strip().lower() in {"1", "true", "yes", "on"}


def envint(name: str, default: int) -> int:
    return int(os.environ.get(name, str(default)))


def _secret_key() -> str:
    """The key from the environment, else one generated once into var/ (owner-readable only)."""
    if key := os.environ.get("SECRET_KEY"):
        return key
    from django.core.management.utils import get_random_secret_key

    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(get_random_secret_key())
    return path.read_text().strip()


DEBUG = envbool("DEBUG")
SECRET_KEY = _secret_key()
ALLOWED_HOSTS = os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver").split(",")
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]
SITE_URL = os.environ.get("SITE_URL", f"http://127.0.0.1:{os.environ.get('PORT', '8000')}").rstrip(
    "/"
)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django_htmx",
    "huey.contrib.djhuey",
    "accounts",
    "sop",
    "newsroom",
    "channels",
    "api",
    "ops",
    "reports",
    "notify",
    "images",
    "portal",
    # Sign-in with a second step (accounts/mfa.py); after Warta's apps, so that Warta's
    # templates and translations win.
    "allauth",
    "allauth.account",
    "allauth.mfa",
]

MIDDLEWARE = [
    # First: every later log line of the request carries its id; /healthz answers before the
    # host check, the HTTPS redirect and sessions (load balancers probe by address, over HTTP).
    "ops.requestid.RequestIdMiddleware",
    "ops.health.HealthzMiddleware",
    # A 400 for a NUL character, an unpaired surrogate or absurdly nested JSON anywhere in the
    # request, before sessions, views and queries meet it (ops/badinput.py).
    "ops.badinput.RefuseUnusableInputMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    # Cached portal pages are answered here, before sessions, auth and the view (portal/caching.py).
    "portal.caching.PortalPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # A session ends after its idle timeout or absolute lifetime (accounts/sessions.py).
    "accounts.middleware.SessionLifetimeMiddleware",
    # A Kabid, Kasi or admin without an authenticator may open only its setup page.
    "accounts.middleware.MfaRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "warta.urls"
WSGI_APPLICATION = "warta.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- database -------------------------------------------------------------------------------
SQLITE_PATH = VAR_DIR / "warta.sqlite3"
if os.environ.get("DATABASE_URL"):
    # Connections kept 60 s per thread; 0 behind PgBouncer in transaction pooling (docs/deploy.md).
    DATABASES = {
        "default": dj_database_url.parse(
            os.environ["DATABASE_URL"],
            conn_max_age=envint("WARTA_DB_CONN_MAX_AGE", 60),
            disable_server_side_cursors=envbool("WARTA_DB_PGBOUNCER"),
        )
    }
else:
    DATABASES = {
        "default": {
            # Django's SQLite backend, creating the file for Warta's user only (0600).
            "ENGINE": "warta.sqlite3",
            "NAME": str(SQLITE_PATH),
            # IMMEDIATE: a transaction takes the write lock when it begins, so two decisions on
            # one item serialise instead of failing with "database is locked" on upgrade.
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
            "TEST": {"NAME": str(VAR_DIR / "test.sqlite3")},
            # Keep each thread's connection between requests: opening one (and its PRAGMAs)
            # per request cost more than a cached portal page itself (bench/portal_bench.py).
            "CONN_MAX_AGE": 600,
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- cache (login and API throttling must be shared between processes) ----------------------
# "portal" holds the public portal's rendered pages. Their keys carry the portal's generation,
# a database row bumped by every post, revision and retraction, so a per-process memory cache is
# as correct as a shared one; in the embedded default it also keeps page writes off SQLite's one
# write lock (bench/portal_bench.py). With Redis, the processes share it.
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
        },
        "portal": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": "portal",
        },
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "warta_cache",
            # Sign-in throttling counts live here: a flood of guesses must not cull them
            # (Django's default keeps 300 entries).
            "max_entries": "100000",
        },
        "portal": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "warta-portal",
            # BaseCache int()s this; a str keeps CACHES one simple type for mypy.
            "max_entries": "1000",
        },
    }

# --- jobs -----------------------------------------------------------------------------------
# WARTA_JOBS picks the queue: "sqlite" (var/jobs.sqlite3), "redis" (REDIS_URL) or "postgres"
# (huey's PostgresHuey in the database of DATABASE_URL, or WARTA_JOBS_DATABASE_URL). Without it:
# redis when REDIS_URL is set, else sqlite. HUEY_IMMEDIATE (the tests) keeps the chosen class
# but runs each job inline.
HUEY_IMMEDIATE = envbool("HUEY_IMMEDIATE")
WARTA_JOBS = os.environ.get("WARTA_JOBS", "redis" if os.environ.get("REDIS_URL") else "sqlite")
if WARTA_JOBS == "redis":
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": "warta",
        "url": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
        "immediate": HUEY_IMMEDIATE,
    }
elif WARTA_JOBS == "postgres":
    HUEY = {
        "huey_class": "huey.PostgresHuey",
        "name": "warta",
        "dsn": os.environ.get("WARTA_JOBS_DATABASE_URL") or os.environ.get("DATABASE_URL", ""),
        "immediate": HUEY_IMMEDIATE,
    }
elif WARTA_JOBS == "sqlite":
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "warta",
        # Created for Warta's user only (0600) before huey opens it, as it does on start-up.
        "filename": str(owner_only_file(VAR_DIR / "jobs.sqlite3")),
        "immediate": HUEY_IMMEDIATE,
    }
else:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        f"WARTA_JOBS={WARTA_JOBS!r}: use one of sqlite, redis, postgres (see docs/deploy.md)"
    )

# --- auth -----------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "tasks"
LOGOUT_REDIRECT_URL = "login"
# Failed sign-ins (passwords and second-step codes, web and API) slow the guesser down and lock
# nobody out (accounts/throttle.py, docs/security.md): free failures per username and address,
# per address (all usernames) and per username (from addresses it has not signed in from); past
# each, every attempt waits LOGIN_DELAY seconds after the last failure, doubled per failure, at
# most LOGIN_DELAY_MAX. Counts are forgotten LOGIN_ATTEMPTS_WINDOW seconds after the last one.
LOGIN_ATTEMPTS_LIMIT = envint("WARTA_LOGIN_ATTEMPTS_LIMIT", 5)
LOGIN_ADDRESS_LIMIT = envint("WARTA_LOGIN_ADDRESS_LIMIT", 30)
LOGIN_USERNAME_LIMIT = envint("WARTA_LOGIN_USERNAME_LIMIT", 20)
LOGIN_DELAY = envint("WARTA_LOGIN_DELAY", 30)
LOGIN_DELAY_MAX = envint("WARTA_LOGIN_DELAY_MAX", 900)
LOGIN_ATTEMPTS_WINDOW = envint("WARTA_LOGIN_ATTEMPTS_WINDOW", 3600)
LOGIN_KNOWN_ADDRESS_DAYS = envint("WARTA_LOGIN_KNOWN_ADDRESS_DAYS", 30)
# The proxies in front of Warta (addresses or networks, comma-separated): only their
# X-Forwarded-For is believed when throttles look for the client's address
# (accounts/addresses.py). nginx on the same machine: 127.0.0.1,::1. Default: none.
TRUSTED_PROXIES = [
    p.strip() for p in os.environ.get("WARTA_TRUSTED_PROXIES", "").split(",") if p.strip()
]
API_TOKEN_TTL_DAYS = envint("WARTA_API_TOKEN_TTL_DAYS", 30)
# Browser sessions (accounts/sessions.py): an idle timeout and an absolute lifetime, shorter for
# the Kabid, the Kasi, administrators and staff than for operators.
HEADS_SESSION_IDLE_MINUTES = envint("WARTA_HEADS_SESSION_IDLE_MINUTES", 30)
HEADS_SESSION_MAX_HOURS = envint("WARTA_HEADS_SESSION_MAX_HOURS", 12)
SESSION_IDLE_MINUTES = envint("WARTA_SESSION_IDLE_MINUTES", 480)
SESSION_MAX_HOURS = envint("WARTA_SESSION_MAX_HOURS", 168)
# The cookie lives no longer than the longest session (each session's own expiry follows its
# deadlines).
SESSION_COOKIE_AGE = max(SESSION_MAX_HOURS, HEADS_SESSION_MAX_HOURS) * 3600
# django-allauth: sign-in by username, no sign-up (the admin creates accounts), a second step
# (authenticator app, security key, recovery codes) required for Kabid, Kasi and admins
# (accounts/mfa.py). Its own failed-login limit is off: Warta's throttle counts every password
# and code it checks (accounts/adapter.py, accounts/forms.py).
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_FORMS = {"login": "accounts.forms.LoginForm"}
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "password1*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_SESSION_REMEMBER = True
ACCOUNT_REAUTHENTICATION_METHODS = ("password", "mfa")
ACCOUNT_LOGOUT_REDIRECT_URL = LOGOUT_REDIRECT_URL
ACCOUNT_RATE_LIMITS = {
    "login_failed": None,
    # allauth's flood guard on the sign-in page, per address: above what an office's people
    # behind one NAT ever post in a minute (allauth's default, 30, is not), so a stranger there
    # cannot keep the page closed to them. Guessing itself is Warta's throttle's to slow down.
    "login": "120/m/ip",
}
MFA_ADAPTER = "accounts.adapter.MFAAdapter"
MFA_FORMS = {
    "authenticate": "accounts.forms.AuthenticateForm",
    "reauthenticate": "accounts.forms.ReauthenticateForm",
    "add_webauthn": "accounts.forms.AddWebAuthnForm",
    "edit_webauthn": "accounts.forms.EditWebAuthnForm",
}
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_TOTP_ISSUER = "Warta"
MFA_TOTP_PERIOD = 30
# One step either side (RFC 6238's recommended drift allowance for phone clocks); each code
# still works only once.
MFA_TOTP_TOLERANCE = 1
# Security keys need HTTPS, or http://localhost for a trial on one machine.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = envbool(
    "WARTA_WEBAUTHN_ALLOW_INSECURE_ORIGIN", "1" if DEBUG else "0"
)

# --- security -------------------------------------------------------------------------------
# Cookies only over HTTPS outside debug; WARTA_SECURE_COOKIES=0 for a plain-HTTP LAN trial.
SESSION_COOKIE_SECURE = envbool("WARTA_SECURE_COOKIES", "0" if DEBUG else "1")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = envbool("WARTA_SSL_REDIRECT", "0")
# Behind nginx that terminates TLS: trust its X-Forwarded-Proto (only nginx can reach gunicorn,
# which binds 127.0.0.1), so request.is_secure() and the redirect above see the real scheme.
if envbool("WARTA_BEHIND_TLS_PROXY"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = envint("WARTA_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("WARTA_HSTS_INCLUDE_SUBDOMAINS", "1")
SECURE_HSTS_PRELOAD = envbool("WARTA_HSTS_PRELOAD", "0")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    # blob: the draft form previews the photo the browser has just scaled down (images app).
    "img-src": [CSP.SELF, "data:", "blob:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# --- i18n -----------------------------------------------------------------------------------
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Indonesian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Jakarta"
USE_TZ = True

# --- files ----------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage",
        # Public files that nginx serves from disk in production (docs/deploy.md).
        "OPTIONS": {"file_permissions_mode": 0o644, "directory_permissions_mode": 0o755},
    },
}
# Media on S3-compatible storage (AWS, MinIO, Ceph, ...) when WARTA_S3_BUCKET is set; every
# object private, served through Warta's own views (ops/storage.py).
if S3_STORAGE := s3_storage(os.environ):
    STORAGES["default"] = S3_STORAGE
WHITENOISE_MAX_AGE = 31536000
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
# Uploads, renditions and report exports on local disk: for Warta's user only (they are served
# through Warta's permission-checked view, never by nginx from disk).
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
UPLOAD_MAX_BYTES = envint("WARTA_UPLOAD_MAX_BYTES", 40_000_000)
# Images: at most this many pixels (a 200 MP phone photo passes; a decompression bomb does not).
IMAGE_MAX_PIXELS = envint("WARTA_IMAGE_MAX_PIXELS", 210_000_000)
# HEIC is decoded whole (no streaming HEVC decoder), about 5 bytes a pixel: a lower cap keeps a
# process under 300 MB (a phone's 24 MP HEIC passes; its 48 MP "max" mode is asked for as JPEG).
HEIC_MAX_PIXELS = envint("WARTA_HEIC_MAX_PIXELS", 30_000_000)
# The office logo (PNG with transparency) put on social renditions; empty: no watermark.
WARTA_WATERMARK = os.environ.get("WARTA_WATERMARK", "")
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Warta ----------------------------------------------------------------------------------
SOP_FILE = Path(
    os.environ.get("WARTA_SOP_FILE", BASE_DIR / "sops" / "diseminasi-website-sosmed.yaml")
)
# Reports: the monitoring form says "Berjalan dengan baik" for a step when at least this share
# of its acts finished within the standard time; the letterhead of exported reports.
MONITORING_GOOD_SHARE = float(os.environ.get("WARTA_MONITORING_GOOD_SHARE", "0.8"))
OFFICE_NAME = os.environ.get(
    "WARTA_OFFICE_NAME", "Dinas Komunikasi, Informatika dan Statistik Provinsi Lampung"
)
OFFICE_GOVERNMENT = os.environ.get("WARTA_OFFICE_GOVERNMENT", "Pemerintah Provinsi Lampung")
OFFICE_ADDRESS = os.environ.get(
    "WARTA_OFFICE_ADDRESS",
    "Jalan Robert Wolter Monginsidi No. 69 Teluk Betung, Kode Pos 35215; "
    "Telp/Fax (0721) 481107; E-mail kominfo@lampung.go.id",
)

# --- notifications (notify/) ------------------------------------------------------------------
# Email through Django's MAILERS: the console by default (the demo); SMTP from the environment.
EMAIL_BACKEND_PATH = os.environ.get(
    "WARTA_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
MAILERS = {
    "default": {
        "BACKEND": EMAIL_BACKEND_PATH,
        "OPTIONS": {
            "host": os.environ.get("WARTA_EMAIL_HOST", "localhost"),
            "port": envint("WARTA_EMAIL_PORT", 587),
            "username": os.environ.get("WARTA_EMAIL_USER", ""),
            "password": os.environ.get("WARTA_EMAIL_PASSWORD", ""),
            "use_tls": envbool("WARTA_EMAIL_TLS", "1"),
        }
        if EMAIL_BACKEND_PATH.endswith("smtp.EmailBackend")
        else {},
    }
}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Warta <warta@localhost>")
# WhatsApp Cloud API; an admin may override each of these (Admin → WhatsApp settings).
# The Graph API host (empty: WARTA_GRAPH_BASE); the version is WARTA_GRAPH_API_VERSION, as for
# Facebook and Instagram.
WHATSAPP_API_BASE = os.environ.get("WHATSAPP_API_BASE", "")
WHATSAPP_PHONE_NUMBER_ID = os.environ.get("WHATSAPP_PHONE_NUMBER_ID", "")
WHATSAPP_TOKEN = os.environ.get("WHATSAPP_TOKEN", "")
WHATSAPP_APP_SECRET = os.environ.get("WHATSAPP_APP_SECRET", "")
WHATSAPP_VERIFY_TOKEN = os.environ.get("WHATSAPP_VERIFY_TOKEN", "")
# Reminder and escalation at these multiples of a step's standard time (in business time).
WARTA_REMIND_AT = float(os.environ.get("WARTA_REMIND_AT", "1.0"))
WARTA_ESCALATE_AT = float(os.environ.get("WARTA_ESCALATE_AT", "2.0"))

# WARTA_LOG_FORMAT=json: one JSON object per line (time, level, logger, message, request_id,
# method, path, status, duration_ms, user_id) for a log collector; plain lines otherwise.
LOG_FORMAT = os.environ.get("WARTA_LOG_FORMAT", "plain")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request": {"()": "ops.requestid.RequestContextFilter"}},
    "formatters": {
        "json": {"()": "ops.logs.JsonFormatter"},
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request"],
            "formatter": "json" if LOG_FORMAT == "json" else "plain",
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "huey": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # Django logs each 4xx/5xx itself; ops.requestid logs every request once, with its
        # status and duration, so the same failure is not counted twice.
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        # libvips reports every thread pool and every tile of a refused (damaged) upload.
        "pyvips": {"handlers": ["console"], "level": "ERROR", "propagate": False},
    },
}
