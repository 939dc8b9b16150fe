"""Settings, all from the environment.

Safe defaults are the production ones: DEBUG off, secure cookies, a secret key required.
``KECHUANG_MODE=demo`` (``make demo``) and ``KECHUANG_MODE=test`` (the test suite) relax them
for a machine that serves only 127.0.0.1.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent
VAR_DIR = Path(os.environ.get("KECHUANG_VAR_DIR", PROJECT_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


MODE = os.environ.get("KECHUANG_MODE", "production")
if MODE not in {"production", "demo", "test"}:
    raise ImproperlyConfigured(f"KECHUANG_MODE must be production, demo or test, not {MODE!r}")
RELAXED = MODE in {"demo", "test"}

DEBUG = env_bool("KECHUANG_DEBUG", MODE == "demo")

SECRET_KEY = os.environ.get("KECHUANG_SECRET_KEY", "")
if not SECRET_KEY:
    if not RELAXED:
        raise ImproperlyConfigured(
            "KECHUANG_SECRET_KEY must be set outside demo and test mode (KECHUANG_MODE)."
        )
    SECRET_KEY = "kechuang-insecure-key-for-demo-and-tests-only"


def audit_keys(value: str, *, min_length: int) -> dict[str, str]:
    """``id:secret,id:secret`` → {id: secret}, in order: the first signs new audit events, the
    others only verify events signed before a rotation (audit/chain.py)."""
    keys = {}
    for item in value.split(","):
        if not item.strip():
            continue
        key_id, _, secret = item.strip().partition(":")
        bare = key_id.replace("-", "").replace("_", "")
        if not (key_id and len(key_id) <= 32 and bare.isascii() and bare.isalnum()):
            raise ImproperlyConfigured(
                "KECHUANG_AUDIT_KEYS: each key is id:secret, the id 1-32 letters, digits, - or _."
            )
        if len(secret) < min_length:
            raise ImproperlyConfigured(
                f"KECHUANG_AUDIT_KEYS: the secret of key {key_id!r} must have at least "
                f"{min_length} characters."
            )
        if key_id in keys:
            raise ImproperlyConfigured(f"KECHUANG_AUDIT_KEYS: key id {key_id!r} appears twice.")
        keys[key_id] = secret
    return keys


# The audit log's HMAC keys live outside the database, so that whoever can write the database
# still cannot re-sign an edited history. Production refuses to start without one.
KECHUANG_AUDIT_KEYS = audit_keys(
    os.environ.get("KECHUANG_AUDIT_KEYS", ""), min_length=8 if RELAXED else 32
)
if not KECHUANG_AUDIT_KEYS:
    if not RELAXED:
        raise ImproperlyConfigured(
            "KECHUANG_AUDIT_KEYS must be set outside demo and test mode (KECHUANG_MODE): "
            "id:secret, e.g. 2026:<python -c 'import secrets; print(secrets.token_urlsafe(32))'>."
        )
    KECHUANG_AUDIT_KEYS = {"insecure": "kechuang-insecure-audit-key-for-demo-and-tests-only"}

ALLOWED_HOSTS = env_list("KECHUANG_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("KECHUANG_CSRF_TRUSTED_ORIGINS", "")

SECURE = not DEBUG and not RELAXED
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# How many reverse proxies in front of the application append to X-Forwarded-For. 0: the
# client's address is the socket's peer and every X-Forwarded-* header is the client's own text,
# ignored; 1: the address the one proxy appended (the right-most entry) … (audit/context.py::
# client_ip). Login throttling and the audit log's addresses rely on it. Only behind a declared
# proxy is its X-Forwarded-Proto believed (that the request came in over HTTPS).
KECHUANG_TRUSTED_PROXIES = int(os.environ.get("KECHUANG_TRUSTED_PROXIES", "0"))
if KECHUANG_TRUSTED_PROXIES < 0:
    raise ImproperlyConfigured("KECHUANG_TRUSTED_PROXIES must be 0 or more.")
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if SECURE and KECHUANG_TRUSTED_PROXIES else None
)
# HTTPS only: plain-HTTP requests are redirected and browsers told (HSTS) to use HTTPS for a
# year. Behind a proxy that terminates TLS and does both itself, turn them off here
# (KECHUANG_SSL_REDIRECT=0, KECHUANG_HSTS_SECONDS=0).
SECURE_SSL_REDIRECT = SECURE and env_bool("KECHUANG_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = int(os.environ.get("KECHUANG_HSTS_SECONDS", "31536000")) if SECURE else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("KECHUANG_HSTS_INCLUDE_SUBDOMAINS", False)
# Content-Security-Policy (core/middleware.py), in every mode: scripts and styles only from
# files the site serves — no inline script or style, no eval — and never framed.
KECHUANG_CONTENT_SECURITY_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
SESSION_COOKIE_AGE = 8 * 3600

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "rules.apps.AutodiscoverRulesConfig",
    "django_tasks",
    "django_tasks_db",
    "kechuang.core",
    "kechuang.accounts",
    "kechuang.audit",
    "kechuang.registry",
    "kechuang.platforms",
    "kechuang.projects",
    "kechuang.seismic",
    "kechuang.services",
    "kechuang.indicators",
]

MIDDLEWARE = [
    "kechuang.core.middleware.RequestArrivalMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "kechuang.core.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "kechuang.audit.middleware.AuditContextMiddleware",
]

if not RELAXED:
    # Production serves collected static files itself (after the HTTPS redirect and the
    # security headers); demo and tests use Django's finders.
    after_headers = MIDDLEWARE.index("kechuang.core.middleware.ContentSecurityPolicyMiddleware")
    MIDDLEWARE.insert(after_headers + 1, "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "kechuang.urls"
WSGI_APPLICATION = "kechuang.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "kechuang.core.context_processors.navigation",
                "kechuang.core.context_processors.inbox",
            ],
        },
    },
]

DATABASE_URL = os.environ.get("DATABASE_URL")
if not DATABASE_URL:
    VAR_DIR.mkdir(parents=True, exist_ok=True)  # the embedded default lives there
    DATABASE_URL = f"sqlite:///{VAR_DIR / 'kechuang.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE transactions take the write lock at BEGIN, so two writers never both read the
    # audit chain head; WAL lets readers go on while a long import commits.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Small code-list selects on every page pay four round trips each for a server-side
    # cursor; large reads (exports) page through primary keys instead.
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
DATABASES["default"].setdefault("TEST", {})
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# The covering index of organisations serves PostgreSQL; SQLite builds it without the extra
# columns, which is fine for the embedded default.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "kechuang.accounts.backends.RoleBackend",
    "rules.permissions.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "kechuang.accounts.password_validation.NotTheCurrentPasswordValidator"},
]
if MODE == "test":
    # Hashing cost protects stored passwords, not test fixtures.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# API tokens expire this many days after they are made (accounts/tokens.py); a password
# change or a disabled account ends them at once.
KECHUANG_API_TOKEN_DAYS = int(os.environ.get("KECHUANG_API_TOKEN_DAYS", "30"))

# Login throttling: this many failures within the window lock the username (or the IP).
KECHUANG_LOGIN_MAX_FAILURES = int(os.environ.get("KECHUANG_LOGIN_MAX_FAILURES", "5"))
KECHUANG_LOGIN_MAX_FAILURES_PER_IP = int(os.environ.get("KECHUANG_LOGIN_MAX_FAILURES_PER_IP", "20"))
KECHUANG_LOGIN_WINDOW_SECONDS = int(os.environ.get("KECHUANG_LOGIN_WINDOW_SECONDS", "900"))

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(os.environ.get("KECHUANG_MEDIA_ROOT", VAR_DIR / "uploads"))
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
KECHUANG_IMPORT_MAX_BYTES = int(os.environ.get("KECHUANG_IMPORT_MAX_BYTES", str(50 * 1024 * 1024)))

TASKS = {
    "default": {
        "BACKEND": os.environ.get(
            "KECHUANG_TASK_BACKEND",
            "django_tasks.backends.immediate.ImmediateBackend"
            if MODE == "test"
            else "django_tasks_db.DatabaseBackend",
        ),
    }
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "kechuang.accounts.tokens.ExpiringTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "kechuang.core.pagination.Pagination",
    "PAGE_SIZE": 25,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_RATES": {"login": "10/min"},
}
FILTERS_EMPTY_CHOICE_LABEL = _("All")

SPECTACULAR_SETTINGS = {
    "TITLE": "科创 kechuang API",
    "DESCRIPTION": "Science-and-technology innovation management platform — REST API v1",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # One name for a choice set several fields share (else the schema warns).
    "ENUM_NAME_OVERRIDES": {
        "SeismicFortificationClassEnum": "kechuang.seismic.enums.FortificationClass",
        "PolicyVersionStateEnum": "kechuang.services.enums.VersionState",
        "SafetyEvaluationConclusionEnum": "kechuang.seismic.enums.EvaluationConclusion",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("KECHUANG_LOG_LEVEL", "WARNING")},
}

# Behind a reverse proxy that stamps X-Request-Start (core/middleware.py): judge deadlines by it.
KECHUANG_TRUST_REQUEST_START = env_bool("KECHUANG_TRUST_REQUEST_START", False)
DEFAULT_FROM_EMAIL = os.environ.get("KECHUANG_FROM_EMAIL", "kechuang@localhost")
KECHUANG_ATTACHMENT_MAX_BYTES = int(
    os.environ.get("KECHUANG_ATTACHMENT_MAX_BYTES", str(20 * 1024 * 1024))
)
EMAIL_BACKEND = os.environ.get(
    "KECHUANG_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
