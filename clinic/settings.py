"""Settings for the 三官一律 clinic case system.

One module, driven by environment variables with safe defaults (DEBUG is off unless asked):

- ``DJANGO_DEBUG``: ``1`` for local development.
- ``DJANGO_SECRET_KEY``: required in production (``check --deploy`` flags the default).
- ``DJANGO_ALLOWED_HOSTS``: comma-separated host names.
- ``DJANGO_HTTPS``: ``1`` behind TLS: redirect to HTTPS, HSTS, secure cookies.
- ``DATABASE_URL``: PostgreSQL in production; SQLite (WAL, immediate transactions) otherwise.
- ``CELERY_BROKER_URL``: Redis; without it Celery tasks run in-process.
- ``EMAIL_BACKEND``, ``EMAIL_HOST``…: console email by default.
- ``CLINIC_DATA_DIR``: where the SQLite database and uploaded files live (``var/``).
- ``CLINIC_FIELD_KEYS``, ``CLINIC_LOOKUP_KEY``: keys for residents' personal data at rest.
- ``CLINIC_AUDIT_KEY``: the key of the audit log's hash chain (``manage.py verify_audit``).
- ``CLINIC_BACKUP_KEY_FILE``: the file holding the key backups are sealed with (not a field key).
- ``CLINIC_OFFICIAL_REPORT``: the official report's form, as JSON (docs/report-layout.md).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("CLINIC_DATA_DIR", BASE_DIR / "var"))

DEBUG = env_bool("DJANGO_DEBUG")
SECRET_KEY = os.environ.get(
    "DJANGO_SECRET_KEY", "django-insecure-local-development-key-do-not-use-in-production"
)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "guardian",
    "axes",
    "simple_history",
    "clinic",
    "scheduling",
    "cases",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "clinic.middleware.PrivacyHeadersMiddleware",
    "csp.middleware.CSPMiddleware",
    "clinic.middleware.RequestSizeMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "clinic.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "clinic.middleware.SecondFactorMiddleware",
    "clinic.middleware.PasswordAgeMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "clinic.middleware.SubmissionMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "clinic.middleware.AuditDenialsMiddleware",
    "clinic.middleware.DatabaseBusyMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "clinic.urls"
WSGI_APPLICATION = "clinic.wsgi.application"
AUTH_USER_MODEL = "clinic.User"
# The Django admin shows a record's field history but never reverts it (clinic/admin.py).
SIMPLE_HISTORY_REVERT_DISABLED = True

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            # {% csrf_token %} draws the form's submission id too (clinic.submissions)
            "builtins": ["clinic.templatetags.form_tokens"],
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "clinic.context_processors.navigation",
                "clinic.context_processors.security",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
if os.environ.get("DATABASE_URL"):
    DATABASES = {
        "default": dj_database_url.parse(
            os.environ["DATABASE_URL"], conn_max_age=60, conn_health_checks=True
        )
    }
else:
    SQLITE_PATH = Path(os.environ.get("SQLITE_PATH", DATA_DIR / "clinic.sqlite3"))
    SQLITE_PATH.parent.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(SQLITE_PATH),
            "OPTIONS": {
                # Writers queue instead of failing, readers never block writers.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA foreign_keys=ON;"
                ),
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Each process keeps what a person may see (``clinic.access.stamped``) in its own memory, under
# the access stamp read with the person on every request: a change of roles or grants draws a
# new stamp in the database, so no process serves the old entry again.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "OPTIONS": {"MAX_ENTRIES": 20_000},
    }
}

# --- Authentication -------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "clinic.lib.passwords.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# PASSWORD_PROFILE=mlps, for deployments assessed under MLPS 2.0 (等保二级): passwords mix
# letters, digits and symbols and are changed every 90 days; people are warned 14 days ahead
# and sent to the change page once it has run out.
# (S105 below: "mlps" and "standard" name a profile, they are not passwords.)
PASSWORD_PROFILE = os.environ.get("PASSWORD_PROFILE", "standard")
PASSWORD_MAX_AGE_DAYS = 90 if PASSWORD_PROFILE == "mlps" else None  # noqa: S105
PASSWORD_WARN_DAYS = 14
if PASSWORD_PROFILE == "mlps":  # noqa: S105
    AUTH_PASSWORD_VALIDATORS.append(
        {"NAME": "clinic.lib.passwords.CharacterClassesValidator"},
    )
elif PASSWORD_PROFILE != "standard":  # noqa: S105
    raise ImproperlyConfigured("PASSWORD_PROFILE is standard or mlps")
PASSWORD_RESET_TIMEOUT = 60 * 60  # a reset link works for an hour, once

# CLINIC_TWO_FACTOR=1: sign-in asks for a one-time code (TOTP app) from everyone who has set
# one up, and district administrators must set one up.
TWO_FACTOR = env_bool("CLINIC_TWO_FACTOR")

# How many days after the resident came a case may still be entered (补录, with a reason).
CLINIC_BACKDATE_DAYS = int(os.environ.get("CLINIC_BACKDATE_DAYS", "30"))
# The day of the following month by which a committee files its monthly report (填报); the
# fillers are reminded a few days before and after it (docs/report-filing.md).
CLINIC_REPORT_DUE_DAY = int(os.environ.get("CLINIC_REPORT_DUE_DAY", "5"))
# The official report's form (cases.statistics.layout; docs/report-layout.md). The ministry's
# form could not be obtained: a county compares the files with its own form and sets
# CLINIC_OFFICIAL_REPORT to a JSON object with the keys it changes: "title"; "form_number", the
# 表号 ("" prints none: none is invented); "authority", 制表机关 (null: the district's 司法局 from
# the data, "" blank); "labels" per column key; "bands" renamed; "columns", the column keys in
# order (null: every default column).
CLINIC_OFFICIAL_REPORT = {
    "title": "人民调解案件统计表",
    "form_number": "",
    "authority": None,
    "labels": {},
    "bands": {},
    "columns": None,
    **json.loads(os.environ.get("CLINIC_OFFICIAL_REPORT") or "{}"),
}
TWO_FACTOR_REQUIRED_ROLES = ["district_admin"]
OTP_TOTP_ISSUER = "三官一律诊所"

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "clinic:home"
LOGOUT_REDIRECT_URL = "login"

# Sessions end after 30 minutes without a request; pages with a form being filled in keep
# the session alive (static/js/app.js pings clinic:keepalive).
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# django-axes: 5 failures lock that account from that address for 15 minutes; unknown user
# names are counted and answered exactly like known ones.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "clinic.views.locked_out"
AXES_VERBOSE = False

# django-guardian: no anonymous user row; object grants are for signed-in staff only.
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False

# --- Personal data at rest ------------------------------------------------------------------
# Residents' ID numbers and phones are encrypted (Fernet). CLINIC_FIELD_KEYS holds one or more
# keys (``Fernet.generate_key()``), comma-separated: the first encrypts, all decrypt (rotation).
# CLINIC_LOOKUP_KEY keys the hashes used to find a party by ID number or phone. Without them a
# key is derived from the secret key, which is fine for development only (a deploy check says so).
FIELD_ENCRYPTION_KEYS = env_list("CLINIC_FIELD_KEYS") or [
    base64.urlsafe_b64encode(hashlib.sha256(f"fields:{SECRET_KEY}".encode()).digest()).decode()
]
LOOKUP_HASH_KEY = (
    os.environ.get("CLINIC_LOOKUP_KEY")
    or hashlib.sha256(f"lookup:{SECRET_KEY}".encode()).hexdigest()
)
# The audit log's hash chain (clinic.lib.audit_chain) is keyed: someone who can write the
# database but does not hold CLINIC_AUDIT_KEY cannot seal a changed entry again. Changing the key
# makes ``verify_audit`` report every entry sealed under the old one.
AUDIT_CHAIN_KEY = (
    os.environ.get("CLINIC_AUDIT_KEY") or hashlib.sha256(f"audit:{SECRET_KEY}".encode()).hexdigest()
)
# Backups are sealed under a key of their own, read from this file (``manage.py backup`` and
# ``restore`` refuse to run without one, or with one of the keys above).
BACKUP_KEY_FILE = os.environ.get("CLINIC_BACKUP_KEY_FILE", "")
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 25 * 1024 * 1024
# The largest request body accepted at all (six 10 MB photos of a home-visit request and the
# form); larger ones get 413 before they are read. The reverse proxy should match it.
MAX_REQUEST_BYTES = 64 * 1024 * 1024

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files (served locally: no CDN, no network at run time) -------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
# Uploads live outside the web root and are served only through views that check access.
MEDIA_ROOT = DATA_DIR / "uploads"
MEDIA_URL = "/uploads-are-not-served-directly/"

# --- Celery ---------------------------------------------------------------------------------
# Without a broker every task runs in-process, right away (laptop and community-office PC).
CELERY_TASK_ALWAYS_EAGER = not os.environ.get("CELERY_BROKER_URL")
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL") or "memory://localhost/"
CELERY_TASK_EAGER_PROPAGATES = True
# A task is acknowledged when it has finished, not when a worker takes it: a worker lost
# mid-task leaves it to be delivered again (every task is idempotent; clinic/outbox.py).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# An action never waits for a broker that is down: short timeouts, one quick retry, no
# publish retry; the outbox keeps the task and sends it later. (A worker keeps reconnecting.)
CELERY_BROKER_CONNECTION_TIMEOUT = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": 1,
    "socket_timeout": 2,
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.1,
    "interval_max": 0.2,
}
CELERY_TASK_PUBLISH_RETRY = False
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE: dict[str, dict] = {
    "drain-outbox": {"task": "clinic.tasks.drain_outbox", "schedule": 60.0},
    "expire-jobs": {"task": "cases.tasks.expire_jobs", "schedule": 60.0},
    "roster-reminders": {
        "task": "scheduling.tasks.send_roster_reminders",
        "schedule": crontab(hour=17, minute=0),
    },
}

CELERY_BEAT_SCHEDULE["retry-deliveries"] = {
    "task": "clinic.notify.tasks.retry_deliveries",
    "schedule": 60.0,
}
CELERY_BEAT_SCHEDULE["daily-digest"] = {
    "task": "clinic.notify.tasks.send_digests",
    "schedule": crontab(hour=8, minute=0),  # CELERY_TIMEZONE: Asia/Shanghai
}

# --- Notices (clinic.notify) ------------------------------------------------------------------
# The site's address: every link a notice, a QR code or a calendar feed carries starts with it
# (check --deploy fails without it).
CLINIC_SITE_URL = os.environ.get("CLINIC_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# Template SMS: "http" (the gateway, below), "none" (no gateway contract: staff confirm by
# phone), or "console" / "file" / "memory" for development and tests.
CLINIC_SMS_BACKEND = os.environ.get("CLINIC_SMS_BACKEND", "console")
CLINIC_SMS_URL = os.environ.get("CLINIC_SMS_URL", "")
CLINIC_SMS_TOKEN = os.environ.get("CLINIC_SMS_TOKEN", "")
CLINIC_SMS_SIGN = os.environ.get("CLINIC_SMS_SIGN", "")
# notice key → the gateway's approved template code, as JSON
CLINIC_SMS_TEMPLATES: dict[str, str] = json.loads(os.environ.get("CLINIC_SMS_TEMPLATES", "{}"))
CLINIC_SMS_DAILY_CAP = int(os.environ.get("CLINIC_SMS_DAILY_CAP", "50"))
# Group robots (企业微信, 钉钉): "http", "none", "console", "file", "memory"
CLINIC_ROBOT_BACKEND = os.environ.get("CLINIC_ROBOT_BACKEND", "console")
CLINIC_WECOM_URL = os.environ.get(
    "CLINIC_WECOM_URL", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send"
)
CLINIC_DINGTALK_URL = os.environ.get("CLINIC_DINGTALK_URL", "https://oapi.dingtalk.com/robot/send")
# The intranet core reaches the internet only through this proxy (empty: directly)
CLINIC_EGRESS_PROXY = os.environ.get("CLINIC_EGRESS_PROXY", "")
CLINIC_NOTIFY_FILE_DIR = os.environ.get("CLINIC_NOTIFY_FILE_DIR", "")

# --- Email ----------------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "clinic@localhost")

# --- Security -------------------------------------------------------------------------------
HTTPS = env_bool("DJANGO_HTTPS")
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_COOKIE_HTTPONLY = True  # forms carry the token; no script reads the cookie
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Content Security Policy (django-csp): scripts only from this site with the page's nonce,
# nothing inline, no eval, no frames, no plugins, forms post only here.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# --- Logging --------------------------------------------------------------------------------
# No ID numbers, phones, query strings or POST bodies in any log or error report
# (clinic.lib.logs): every handler scrubs, and Django's own loggers are given these handlers
# instead of the defaults (runserver's access log included).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "scrub": {"()": "clinic.lib.logs.ScrubFilter"},
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
    },
    "formatters": {
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        }
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["scrub"]},
        "django.server": {
            "class": "logging.StreamHandler",
            "formatter": "django.server",
            "filters": ["scrub"],
        },
        "mail_admins": {
            "class": "django.utils.log.AdminEmailHandler",
            "filters": ["require_debug_false", "scrub"],
        },
    },
    "loggers": {
        "django": {"handlers": ["mail_admins"], "level": "INFO"},
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
DEFAULT_EXCEPTION_REPORTER = "clinic.lib.logs.NoBodyExceptionReporter"
DEFAULT_EXCEPTION_REPORTER_FILTER = "clinic.lib.logs.NoBodyReporterFilter"
