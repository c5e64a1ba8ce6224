"""Settings for the super-complaints service: one module, configured from environment variables.

The defaults give the embedded demo (SQLite, console e-mail, local media folder). Production sets
DEBUG=false, SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL and the e-mail variables; README lists them all.
"""

import os
import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    """Read a true/false variable; anything else is a configuration error, not a silent False."""
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    if value in ("true", "1", "yes"):
        return True
    if value in ("false", "0", "no"):
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_list(name: str, default: str = "") -> list[str]:
    return [
        item.strip()
        for item in os.environ.get(name, default).split(",")
        if item.strip()
    ]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


TESTING = "pytest" in sys.modules

# --- Core ---------------------------------------------------------------------------------------
DEBUG = env_bool("DEBUG", default=False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if DEBUG or TESTING:
        # Development and tests only: a per-checkout key, never used in production.
        SECRET_KEY = "insecure-development-key-" + str(BASE_DIR)
    else:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is false")
ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG or TESTING else ""
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_forms_gds",
    "django_fsm",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "axes",
    "accounts",
    "workflow",
    "complaints",
    "investigations",
    "recommendations",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    # Outside WhiteNoise so static files get its headers too; it reads request.user on the way out.
    "accounts.security.SecurityHeadersMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.security.SessionTimeoutMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
                "accounts.context_processors.navigation",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------------
# An empty DATABASE_URL crashes dj-database-url, hence "or".
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=0 if TESTING else env_int("CONN_MAX_AGE", 60),
        # A kept connection is checked before a request reuses it, so a restarted database costs
        # no failed request per worker once it is back (`make bench` restarts it under load).
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts -----------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Sign-in throttling (django-axes): a username tried from one address is locked for AXES_COOLOFF_MINUTES
# after AXES_FAILURE_LIMIT failures; attempts are kept in the database, so every app server sees them.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.UserBackend",
]
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "accounts.security.client_ip"
# How many reverse proxies stand in front of the app (0: trust only the socket's address).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
# Django's database sessions, read with a statement made once (accounts/sessions.py).
SESSION_ENGINE = "accounts.sessions"
# Sessions: SESSION_COOKIE_AGE without a request ends one (idle), SESSION_ABSOLUTE_TIMEOUT after
# sign-in ends it whatever happens (OWASP ASVS 3.3.2: 30 minutes idle, 12 hours in all).
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_TIMEOUT", 30 * 60)
SESSION_ABSOLUTE_TIMEOUT = env_int("SESSION_ABSOLUTE_TIMEOUT", 12 * 60 * 60)
# The idle expiry is pushed forward at most this often, so a busy page is not a session write per
# request.
SESSION_TOUCH_SECONDS = 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# --- Internationalisation and time ---------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
LANGUAGES = [("en-gb", _("English")), ("cy", _("Welsh"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["config.formats"]

# --- Static and media files ---------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Compiled by `make assets` from the npm packages; git ignores the folder.
STATICFILES_DIRS = [BASE_DIR / "static" / "build"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or TESTING
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# In development and tests static files are served from the build folder as they change.
WHITENOISE_USE_FINDERS = DEBUG or TESTING
WHITENOISE_AUTOREFRESH = DEBUG or TESTING
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT") or BASE_DIR / "media")
# No MEDIA_URL is served: evidence is only ever downloaded through a permission-checked view.

# --- Cache ---------------------------------------------------------------------------------------
# "default" holds the API's throttle counters. One server: its own memory. Several servers:
# CACHE_BACKEND=database keeps them in a table of the shared PostgreSQL (created by
# `manage.py createcachetable`), so every server counts a client's requests together.
#
# "derived" holds pages worked out from the data (the monitoring dashboard, the public tracker, the
# recipients' list), always in each process's own memory: every key carries the data version it
# was made from (recommendations/page_cache.py), so an entry is never stale, however many servers
# there are. At most MAX_ENTRIES pages (a dashboard is up to about 1 MB) per process. "records"
# holds the records on complaints' pages the same way (complaints/page_cache.py): small (about
# 20 KB each), and one or more per complaint, so kept apart from the large pages.
CACHE_BACKEND = os.environ.get("CACHE_BACKEND", "locmem")
# A derived page (recommendations/page_cache.py) is never stale for what goes through the services,
# whose every change moves the data version; what is written behind their back (raw SQL, a data fix
# in a shell) shows when the entries made before it expire, this many seconds after they were made.
DERIVED_CACHE_SECONDS = 300
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "derived": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "derived",
        "TIMEOUT": DERIVED_CACHE_SECONDS,
        "OPTIONS": {"MAX_ENTRIES": 100},
    },
    "records": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "records",
        "TIMEOUT": 24 * 60 * 60,
        "OPTIONS": {"MAX_ENTRIES": 2000},
    },
}
if CACHE_BACKEND == "database":
    CACHES["default"] = {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "app_cache",
    }
elif CACHE_BACKEND != "locmem":
    raise ImproperlyConfigured(
        f"CACHE_BACKEND must be locmem or database, not {CACHE_BACKEND!r}"
    )
if TESTING:
    # Every test rolls its data back, and with a frozen clock the next test can write the same
    # log entries again (SQLite hands rolled-back ids out again), hence the same version: a test
    # that wants the derived cache turns it on and empties it (`derived_cache` in the tests).
    CACHES["derived"] = {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    CACHES["records"] = {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}

# --- E-mail ---------------------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = os.environ.get(
    "DEFAULT_FROM_EMAIL", "policesupercomplaint@hmicfrs.example"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Security -------------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Content-Security-Policy (django-csp): our own scripts, styles, images and fonts only; no inline
# script or style anywhere (the pages have none), no plugins, no framing, forms post only to us.
# Downloads of uploaded files set their own stricter policy ("default-src 'none'; sandbox").
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [SELF],
        "style-src": [SELF],
        # data: for the SVG icons inside GOV.UK Frontend's and Swagger UI's stylesheets.
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "manifest-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
if not DEBUG and not TESTING:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Forms --------------------------------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"

# --- The service's own rules (DOMAIN.md §7.4) ------------------------------------------------------
# Evidence uploads: per file and per complaint, in bytes.
EVIDENCE_MAX_FILE_BYTES = env_int("EVIDENCE_MAX_FILE_BYTES", 20 * 1024 * 1024)
EVIDENCE_MAX_TOTAL_BYTES = env_int("EVIDENCE_MAX_TOTAL_BYTES", 200 * 1024 * 1024)
# The first handler keeps each file's name as sent, so a hostile name is refused, not quietly changed.
FILE_UPLOAD_HANDLERS = [
    "complaints.uploads.SentNameUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# Recipients' responses: 56 days after publication is the practice (27 Sep 2024 -> 22 Nov 2024);
# "beginning_with" counts the publication day as day 1, as Police Act 1996 s55(5A) words it.
RESPONSE_PERIOD_DAYS = env_int("RESPONSE_PERIOD_DAYS", 56)
RESPONSE_PERIOD_CONVENTION = os.environ.get(
    "RESPONSE_PERIOD_CONVENTION", "after_publication"
)
# The eligibility decision has no statutory time limit (reg 6); this is HMICFRS's service target only.
ELIGIBILITY_DECISION_TARGET_DAYS = env_int("ELIGIBILITY_DECISION_TARGET_DAYS", 90)
# Progress reports to the designated body (reg 6(5)(b), reg 7): the interval is not in the regulations
# as far as is known (DOMAIN.md §8), so it is the service's setting, counted from the last report.
PROGRESS_REPORT_INTERVAL_DAYS = env_int("PROGRESS_REPORT_INTERVAL_DAYS", 90)

# --- Logging ------------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # Query-count tests must not see the once-a-minute session write when a slow test crosses a
    # minute; the tests of the sliding expiry set it back to 60.
    SESSION_TOUCH_SECONDS = 24 * 60 * 60


# --- The JSON API (Django REST Framework) --------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": int(os.environ.get("API_PAGE_SIZE", "50")),
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.exceptions.handle",
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.TokenClientThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        # Machine clients (API tokens): per token's user. The browser session is not throttled here.
        "token": os.environ.get("API_TOKEN_RATE", "600/minute"),
        # Exports and other expensive endpoints, per client (user or address).
        "export": os.environ.get("API_EXPORT_RATE", "30/minute"),
        # The public, no-login endpoints, per address.
        "public": os.environ.get("API_PUBLIC_RATE", "300/minute"),
    },
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Police super-complaints API",
    "DESCRIPTION": (
        "The same rules as the service's pages: every list and detail shows exactly what the "
        "caller may see, and every write goes through the same services. Authenticate with the "
        "browser session or `Authorization: Bearer <token>` (tokens are created at "
        "/account/api-tokens/). Errors are JSON: `{status, code, message, fields}`."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "ComplaintStateEnum": "complaints.models.SuperComplaint.State",
        "InvestigationStateEnum": "investigations.models.Investigation.State",
        "ResponseStateEnum": "recommendations.models.RecommendationResponse.State",
        "OrganisationKindEnum": "accounts.models.OrganisationKind",
    },
}
