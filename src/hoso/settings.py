"""Django settings of hoso.

Everything that differs between a laptop demo and a production office comes from the environment, read
and validated once by :mod:`hoso.config` (every ``HOSO_*`` variable, its allowed values and default;
an unknown variable or a value it does not allow stops the process with a message naming it):
- ``HOSO_DATA_DIR`` (default ``./var``): the embedded SQLite database, the blob store, keys, outbox;
- ``DATABASE_URL``: PostgreSQL (``postgresql://user@host:5432/name``) instead of the embedded SQLite;
- ``HOSO_SECRET_KEY``, ``HOSO_DEBUG``, ``HOSO_ALLOWED_HOSTS`` (comma-separated), and the rest in
  ``docs/operations.md``.
"""

from __future__ import annotations

import os
import secrets
import socket
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from hoso import config

ENV = config.read(os.environ)  # raises config.ConfigError naming every bad variable

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(ENV["HOSO_DATA_DIR"]).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    """The secret key from the environment, or one generated once and kept in the data directory."""
    if key := ENV["HOSO_SECRET_KEY"]:
        return key
    path = DATA_DIR / "secret_key"
    if not path.exists():
        # Several processes may start together on a fresh data directory: one writes (atomically, by
        # rename), the others read what it wrote.
        tmp = path.with_name(f".secret_key.{os.getpid()}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(50))
        try:
            os.link(tmp, path)  # fails if another process got there first
        except FileExistsError:
            pass
        finally:
            tmp.unlink(missing_ok=True)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = ENV["HOSO_DEBUG"]
ALLOWED_HOSTS = ENV["HOSO_ALLOWED_HOSTS"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "hoso.reference",
    "hoso.workflow",
    "hoso.intake",
    "hoso.desk",
    "hoso.policies",
    "hoso.api",
    "hoso.reports",
    "django_q",
    "hoso.jobs",
    "hoso.accounts.apps.AxesConfig",  # django-axes, named for the admin
    "hoso.accounts",
    "hoso.portal",
    "django_otp",  # two-step log-in (hoso.accounts.twofactor): codes of an authenticator app
    "hoso.accounts.apps.AuthenticatorAppsConfig",  # django-otp's TOTP devices, named for the admin
    "hoso.accounts.apps.RecoveryCodesConfig",  # django-otp's static devices: recovery codes
]

MIDDLEWARE = [
    "hoso.operations.metrics.RequestMetricsMiddleware",  # request latency histograms (/metrics)
    "hoso.logs.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "hoso.csp.ContentSecurityPolicyMiddleware",  # Content-Security-Policy on every answer (hoso.csp)
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "hoso.accounts.idle.IdleTimeoutMiddleware",  # inside the session's: its save follows (hoso.accounts.idle)
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",  # request.user.is_verified(): the session gave its code
    "hoso.accounts.twofactor.TwoFactorMiddleware",  # no page before the code (hoso.accounts.twofactor)
    "hoso.accounts.temporary.TemporaryPasswordMiddleware",  # then none before IT's password is changed
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",  # the lock-out page (hoso.accounts.lockout); axes wants it last
]

ROOT_URLCONF = "hoso.urls"
WSGI_APPLICATION = "hoso.wsgi.application"
ASGI_APPLICATION = "hoso.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
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


# --- Database: embedded SQLite (WAL, busy timeout, immediate transactions) or PostgreSQL ---------
SQLITE_PATH = DATA_DIR / "hoso.sqlite3"
if os.environ.get("DATABASE_URL"):
    DATABASES = {
        "default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=60, conn_health_checks=True)
    }
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # Parameters bound by the server, and a statement prepared once it has run HOSO_PG_PREPARE_THRESHOLD
        # times in a connection (default 2: from its third run): the reception's statements are then
        # planned once per worker, not on every dossier (PostgreSQL CPU −35 % a dossier, bench/intake.py).
        # Behind a transaction-mode pooler without prepared-statement support: HOSO_PG_PREPARE_THRESHOLD=off.
        # A connection kept between requests (conn_max_age) is checked before each request that reuses
        # it (conn_health_checks): after PostgreSQL restarts, the next request reconnects instead of
        # failing on the dead socket. The web's statements may run HOSO_PG_STATEMENT_TIMEOUT seconds at
        # most (set by hoso.wsgi: commands such as `hoso init` may rightly run longer).
        # Behind a transaction-mode pooler (HOSO_PG_POOL_MODE=transaction, PgBouncer pool_mode=transaction)
        # consecutive transactions of one connection may run on different server sessions: no statement
        # is prepared unless HOSO_PG_PREPARE_THRESHOLD says so (PgBouncer ≥ 1.22 with
        # max_prepared_statements), no server-side cursor (a WITH HOLD cursor would be looked for in
        # another session), and hoso.wsgi sends no startup options (PgBouncer refuses them: the statement
        # timeout is then the role's, docs/operations.md).
        pooled = ENV["HOSO_PG_POOL_MODE"] == "transaction"
        threshold = ENV["HOSO_PG_PREPARE_THRESHOLD"]
        if pooled and "HOSO_PG_PREPARE_THRESHOLD" not in os.environ:
            threshold = None
        DATABASES["default"]["OPTIONS"] = {
            "server_side_binding": True,
            "prepare_threshold": threshold,
            "connect_timeout": ENV["HOSO_DB_CONNECT_TIMEOUT"],
            **DATABASES["default"].get("OPTIONS", {}),
        }
        DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = pooled
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": SQLITE_PATH,
            "OPTIONS": {
                # WAL lets readers run beside the one writer; IMMEDIATE takes the write lock at BEGIN so
                # that concurrent writers queue on the busy timeout instead of failing on upgrade.
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 30,
            },
            # Tests use a file too (not shared-cache memory), so that concurrency behaves as in production.
            "TEST": {"NAME": DATA_DIR / "test-hoso.sqlite3"},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
HOSO_PG_STATEMENT_TIMEOUT = ENV["HOSO_PG_STATEMENT_TIMEOUT"]  # seconds, the web's connections (hoso.wsgi)
HOSO_PG_POOL_MODE = ENV["HOSO_PG_POOL_MODE"]  # session, or transaction (a transaction-mode pooler)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Language and time: Vietnamese first, English available; Hanoi time ----------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise serves from the finders; the folder is for collectstatic
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

LOGIN_URL = "desk:login"

# --- Log-in defence (hoso.accounts.lockout, django-axes): HOSO_LOGIN_FAILURES wrong passwords for an
# account, or HOSO_LOGIN_ADDRESS_FAILURES from a client address, lock it for HOSO_LOGIN_LOCKOUT_MINUTES;
# the counts are rows of the database, shared by every app server. ---------------------------------
AUTHENTICATION_BACKENDS = [
    "hoso.accounts.lockout.LockoutBackend",  # first: refuses a locked account or address
    "django.contrib.auth.backends.ModelBackend",
]
HOSO_LOGIN_LOCKOUT_MINUTES = ENV["HOSO_LOGIN_LOCKOUT_MINUTES"]
AXES_FAILURE_LIMIT = ENV["HOSO_LOGIN_FAILURES"]
AXES_COOLOFF_TIME = timedelta(minutes=HOSO_LOGIN_LOCKOUT_MINUTES)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # per account, and per address, separately
HOSO_LOGIN_ADDRESS_FAILURES = ENV["HOSO_LOGIN_ADDRESS_FAILURES"]  # the address's own limit (LockoutHandler)
AXES_HANDLER = "hoso.accounts.lockout.LockoutHandler"
AXES_CLIENT_IP_CALLABLE = "hoso.accounts.lockout.address"
AXES_LOCKOUT_CALLABLE = "hoso.accounts.lockout.locked_out_page"
AXES_RESET_ON_SUCCESS = True  # a right password clears that account's and address's earlier failures
AXES_ENABLE_ACCESS_FAILURE_LOG = True  # every failure kept in the database (admin: access failures)
AXES_DISABLE_ACCESS_LOG = True  # successful log-ins are in the server's log already (hoso.desk.signins)
AXES_VERBOSE = False  # hoso.auth says what matters; axes' own lines would repeat it
AXES_SENSITIVE_PARAMETERS = ["password", "code"]  # masked in the failure log (a typed two-step code too)

# --- Passwords and the two-step log-in (hoso.accounts): a reset link by e-mail through the outbox when
# HOSO_PASSWORD_RESET_EMAIL, valid an hour; a code of an authenticator app after the password for the
# officers HOSO_TWO_FACTOR names; wrong codes count as failed log-ins (the lock-out above). ----------
HOSO_PASSWORD_RESET_EMAIL = ENV["HOSO_PASSWORD_RESET_EMAIL"]
PASSWORD_RESET_TIMEOUT = 3600
HOSO_TWO_FACTOR = ENV["HOSO_TWO_FACTOR"]
OTP_TOTP_ISSUER = "hoso BHXH"  # the account's name in the officer's authenticator app
OTP_ADMIN_HIDE_SENSITIVE_DATA = True  # the admin never shows an officer's secret or recovery codes

# --- Mail (notices to units; the demo writes to an outbox folder instead) --------------------------
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", 25))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS", "0") == "1"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "BHXH Hà Nội <hoso@bhxhhanoi.invalid>")

# --- Reception ------------------------------------------------------------------------------------
HOSO_MAX_UPLOAD_BYTES = ENV["HOSO_MAX_UPLOAD_BYTES"]
DATA_UPLOAD_MAX_MEMORY_SIZE = HOSO_MAX_UPLOAD_BYTES + 1024 * 1024
# The shape of any XML received, checked before anything canonicalises it (hoso.xmlsafe; issue 24): the
# cost of verifying grows with elements × namespaces in scope², so both are bounded.
HOSO_XML_MAX_ELEMENTS = ENV["HOSO_XML_MAX_ELEMENTS"]
HOSO_XML_MAX_ATTRIBUTES = ENV["HOSO_XML_MAX_ATTRIBUTES"]
HOSO_XML_MAX_NAMESPACES = ENV["HOSO_XML_MAX_NAMESPACES"]  # declared in scope at once
HOSO_XML_MAX_DEPTH = ENV["HOSO_XML_MAX_DEPTH"]
HOSO_XML_MAX_TEXT_BYTES = ENV["HOSO_XML_MAX_TEXT_BYTES"]
# CPU seconds one verification may use (an envelope and every form in it); 0: no budget. Far below the
# HTTP server's 60 s worker timeout, so a worker never dies on one request.
HOSO_VERIFY_CPU_SECONDS = ENV["HOSO_VERIFY_CPU_SECONDS"]
HOSO_OFFICE_HOURS_END = ENV["HOSO_OFFICE_HOURS_END"]  # later: counts from the next working day
HOSO_BLOB_STORE = ENV["HOSO_BLOB_STORE"] or DATA_DIR / "blobs"  # or s3://bucket/prefix
HOSO_S3_ENDPOINT_URL = ENV["HOSO_S3_ENDPOINT_URL"]  # for MinIO, Swift, Ceph... (AWS: leave unset)
HOSO_API_RATE = ENV["HOSO_API_RATE"]  # requests per second per I-VAN, sustained
HOSO_API_BURST = ENV["HOSO_API_BURST"]  # requests an I-VAN may send at once
HOSO_API_RATE_BACKEND = ENV["HOSO_API_RATE_BACKEND"]  # file (one server), database (several), off
HOSO_RETENTION_YEARS = ENV["HOSO_RETENTION_YEARS"]  # e-transaction logs: ≥ 10 years
HOSO_GATEWAY_KEY = ENV["HOSO_GATEWAY_KEY"]  # PEM of a CA-issued key; default: DATA_DIR/gateway
HOSO_GATEWAY_CERT = ENV["HOSO_GATEWAY_CERT"]
# Or the key and certificate in one PKCS#12 file, or on a PKCS#11 token (hoso.intake.gateway).
HOSO_GATEWAY_P12 = ENV["HOSO_GATEWAY_P12"]
HOSO_GATEWAY_P12_PASSWORD = ENV["HOSO_GATEWAY_P12_PASSWORD"]
HOSO_GATEWAY_PKCS11 = ENV["HOSO_GATEWAY_PKCS11"]
HOSO_GATEWAY_TOKEN = ENV["HOSO_GATEWAY_TOKEN"]
HOSO_GATEWAY_TOKEN_PIN = ENV["HOSO_GATEWAY_TOKEN_PIN"]
HOSO_GATEWAY_KEY_LABEL = ENV["HOSO_GATEWAY_KEY_LABEL"]
HOSO_SERVER_NAME = ENV["HOSO_SERVER_NAME"] or socket.gethostname()
HOSO_OCSP = ENV["HOSO_OCSP"]  # the revocation job also asks OCSP about registered units' certificates
HOSO_TRUST_ANCHORS = ENV["HOSO_TRUST_ANCHORS"]  # folder of CA certificates; default DATA_DIR/trust/anchors
HOSO_TRUST_INTERMEDIATES = ENV[
    "HOSO_TRUST_INTERMEDIATES"
]  # issuing CAs; default DATA_DIR/trust/intermediates
HOSO_CRL_DIR = ENV["HOSO_CRL_DIR"]  # folder of CRLs; default DATA_DIR/trust/crls
HOSO_BACKUP_DIR = ENV["HOSO_BACKUP_DIR"]  # the backup set of the daily job; None: no backups
HOSO_BACKUP_KEEP_DAYS = ENV["HOSO_BACKUP_KEEP_DAYS"]  # older backups pruned (0: kept)
HOSO_BACKUP_KEY_FILE = ENV["HOSO_BACKUP_KEY_FILE"]  # 32-byte key (hex): backups encrypted
HOSO_NOTICE_INTERVAL_DAYS = ENV["HOSO_NOTICE_INTERVAL_DAYS"]
if ENV["HOSO_NOTICE_FROM"]:
    HOSO_NOTICE_FROM = ENV["HOSO_NOTICE_FROM"]
HOSO_SUBMITTER_NOTICES = ENV["HOSO_SUBMITTER_NOTICES"]  # email and/or text (hoso.reports.submitter_notices)
HOSO_TEXT_SENDER = ENV["HOSO_TEXT_SENDER"]  # file, or package.module:ClassName (hoso.reports.senders)
HOSO_PUBLIC_URL = ENV["HOSO_PUBLIC_URL"]  # where the public reaches hoso: the lookup link of notices
HOSO_REPORTS_REFRESH_SECONDS = ENV["HOSO_REPORTS_REFRESH_SECONDS"]

# --- The job worker (hoso.jobs, django-q2): its queue is a table of the same database; a periodic job
# is queued once per period across every server. A task runs at most 10 minutes; one whose worker died is
# queued again after 15; a failed one is kept (admin) and its job runs again at its next period. ------
Q_CLUSTER = {
    "name": "hoso",
    "orm": "default",
    "workers": 1,
    "recycle": 200,
    "timeout": 600,
    "retry": 900,
    "max_attempts": 1,
    "ack_failures": True,
    "save_limit": 1000,
    "catch_up": False,
    "poll": 2,
    "queue_limit": 10,
    "label": "Công việc định kỳ",
}

# --- Caches: Django's, per process; hoso's own caches of reference data expire after HOSO_CACHE_SECONDS
# (hoso.caching); the rate limits count in files or the database (hoso.api.ratelimit) -----------------
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
HOSO_CACHE_SECONDS = ENV["HOSO_CACHE_SECONDS"]  # how old a worker's calendar or catalogue may be
HOSO_LOOKUP_LIMIT = ENV["HOSO_LOOKUP_LIMIT"]  # public look-ups per client (0: no limit)
HOSO_LOOKUP_WINDOW = ENV["HOSO_LOOKUP_WINDOW"]  # … per this many seconds
HOSO_PROXY_COUNT = ENV["HOSO_PROXY_COUNT"]  # reverse proxies adding X-Forwarded-For
# Reverse proxies (addresses or networks) whose forwarded headers are believed: `hoso serve` gives them to
# gunicorn (--forwarded-allow-ips), which then takes X-Forwarded-Proto: https from them, and only them, as
# a secure request (so HOSO_HTTPS behind a TLS proxy on another host redirects nothing).
HOSO_TRUSTED_PROXIES = ENV["HOSO_TRUSTED_PROXIES"]
HOSO_METRICS_ALLOW = ENV["HOSO_METRICS_ALLOW"]  # who may read /metrics (hoso.operations.metrics)

# --- Security headers when not in debug -----------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# An officer's session ends HOSO_IDLE_MINUTES after the last request (hoso.accounts.idle refreshes it);
# a password change ends the account's other sessions (Django checks each session's password hash).
SESSION_COOKIE_AGE = ENV["HOSO_IDLE_MINUTES"] * 60
CSRF_COOKIE_SAMESITE = "Lax"
if ENV["HOSO_HTTPS"]:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = True
    SECURE_REDIRECT_EXEMPT = [
        r"^(healthz|readyz|metrics)$"
    ]  # load balancers probe and Prometheus scrapes each server over plain HTTP (hoso.operations)
    SECURE_HSTS_SECONDS = 31536000

# Every log line with its time, level, logger and the request it belongs to (hoso.logs); JSON lines with
# HOSO_LOG_FORMAT=json.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "hoso.logs.RequestIdFilter"}},
    "formatters": {
        "text": {
            "format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s",
            "datefmt": "%Y-%m-%dT%H:%M:%S%z",
        },
        "json": {"()": "hoso.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": ENV["HOSO_LOG_FORMAT"],
        }
    },
    "root": {"handlers": ["console"], "level": ENV["HOSO_LOG_LEVEL"]},
    # django-axes' own lines (names masked) repeat what hoso.auth says (hoso.accounts.lockout).
    "loggers": {"axes": {"level": "ERROR"}},
}

# --- The national public-service portal (hoso.portal): off while HOSO_PORTAL_URL is unset ---------------
HOSO_PORTAL_URL = ENV["HOSO_PORTAL_URL"]
HOSO_PORTAL_LOGIN_URL = ENV["HOSO_PORTAL_LOGIN_URL"]
HOSO_PORTAL_USERNAME = ENV["HOSO_PORTAL_USERNAME"]
HOSO_PORTAL_PASSWORD = ENV["HOSO_PORTAL_PASSWORD"]
HOSO_PORTAL_TIMEOUT = ENV["HOSO_PORTAL_TIMEOUT"]
