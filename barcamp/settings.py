"""
Settings for barcamp. Every deploy-time value comes from the environment; the defaults
give a development set-up on SQLite that needs nothing else (see README, "Configuration").
"""

import os
import re
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# --- Core -----------------------------------------------------------------------------------

DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off. Generate one with: "
            'python -c "import secrets; print(secrets.token_urlsafe(50))"'
        )
    SECRET_KEY = "insecure-development-key-only-used-with-DEBUG-true-0123456789abcdef"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "barcamp.apps.AdminConfig",  # django.contrib.admin with our site (barcamp/admin.py)
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "allauth",
    "allauth.account",
    "django_htmx",
    "django_tasks_db",
    "events",
    "sessions.apps.SessionsConfig",
    "voting",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # A login or a logout clears what the phone kept offline (events.webapp).
    "events.webapp.ClearSiteDataMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "barcamp.middleware.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "barcamp.middleware.InvalidFormStatusMiddleware",
    "barcamp.middleware.DatabaseUnavailableMiddleware",
    "django_ratelimit.middleware.RatelimitMiddleware",
]

ROOT_URLCONF = "barcamp.urls"
WSGI_APPLICATION = "barcamp.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=0,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # psycopg's pool replaces persistent connections (Django requires CONN_MAX_AGE = 0).
    from barcamp.db import check_connection

    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": int(os.environ.get("DATABASE_POOL_MIN_SIZE", "2")),
        "max_size": int(os.environ.get("DATABASE_POOL_MAX_SIZE", "10")),
        "timeout": int(os.environ.get("DATABASE_POOL_TIMEOUT", "10")),
        # A connection is checked as it leaves the pool: after PostgreSQL restarts, dead
        # connections are replaced instead of failing the next requests.
        "check": check_connection,
    }
    # PostgreSQL plans a statement each time it gets one; a prepared statement is planned once
    # per connection. Only cursors that bind on the server prepare (the ORM's bind on the
    # client and never do): the vote's hot path (voting.services.vote_quickly). Off behind a
    # pooler that cannot keep them (PgBouncer before 1.21, or without max_prepared_statements).
    DATABASES["default"]["OPTIONS"]["prepare_threshold"] = (
        5 if env_bool("DATABASE_PREPARED_STATEMENTS", True) else None
    )
    # PostgreSQL cancels a statement that runs longer, and its request gets the 503 "nothing was
    # saved" (barcamp.middleware.DatabaseUnavailableMiddleware): a runaway query must not hold a
    # pooled connection and a worker thread while the plenum waits. "0" turns it off (for a long
    # migration, say). Set at connect, so it costs no round trip.
    statement_timeout = os.environ.get("DATABASE_STATEMENT_TIMEOUT", "").strip() or "30s"
    if not re.fullmatch(r"\d+(ms|s|min|h)?", statement_timeout):
        raise ImproperlyConfigured(
            "DATABASE_STATEMENT_TIMEOUT must be a duration such as 30s, 500ms or 2min (0: none),"
            f" not {statement_timeout!r}."
        )
    # Beside any options that DATABASE_URL brings (?options=...).
    libpq_options = [DATABASES["default"]["OPTIONS"].get("options", "")]
    libpq_options.append(f"-c statement_timeout={statement_timeout}")
    DATABASES["default"]["OPTIONS"]["options"] = " ".join(libpq_options).strip()

# Whether a vote's answer waits until PostgreSQL has flushed it to disk. It does not by default:
# a vote is committed with synchronous_commit off (voting.services.vote_quickly), which spares
# the plenum's taps a disk flush each (more votes a second: bench/README.md); a crash of
# the database server, not of the app, can lose the last fraction of a second of votes, and
# the database stays consistent. Only votes: every other write waits for the disk.
VOTE_SYNCHRONOUS_COMMIT = env_bool("VOTE_SYNCHRONOUS_COMMIT", False)
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    # Registration takes a write lock up front, so parallel joins queue instead of failing.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20}
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache (shared live state) --------------------------------------------------------------

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            # Fails open: without Redis the app keeps working (slower), see barcamp/cache.py.
            "BACKEND": "barcamp.cache.FailOpenRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "barcamp"),
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    # django-ratelimit's counters, one round trip each (barcamp.cache.RateLimitRedisCache).
    CACHES["ratelimit"] = {**CACHES["default"], "BACKEND": "barcamp.cache.RateLimitRedisCache"}
    RATELIMIT_USE_CACHE = "ratelimit"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Seconds the logged-in user is read from the cache (events.accounts), 0 to read it from the
# database on every request. Only with a shared cache: a process's own memory would keep a
# user that another process deactivated, or whose password it changed, logged in there.
USER_CACHE_TIMEOUT = 300 if REDIS_URL else 0
# Seconds a camp's row is read from the cache (events.camp_cache), 0 to read it on every
# request; the same condition. A write the cache missed (Redis away at that moment) shows at
# the latest after this long.
CAMP_CACHE_TIMEOUT = 60 if REDIS_URL else 0
# Seconds a viewer's Teilgeber record is read from the cache (events.participant_cache); the
# same condition and bound.
PARTICIPANT_CACHE_TIMEOUT = 60 if REDIS_URL else 0

# Seconds between new tokens of a camp's tallies per process (events.live): a vote shows on the
# projector at most this much later, and a plenum's hundreds of votes a second cost a few
# Redis writes instead of one each.
LIVE_VOTES_INTERVAL = float(os.environ.get("LIVE_VOTES_INTERVAL", "0.25"))

# Seconds an unchanged poll may be answered from the tokens its process read or set lately
# (events.live), without asking Redis: a change made through another process shows at most this
# much later, and the plenum's hundreds of polls a second cost each process a few Redis reads.
LIVE_TOKENS_MAX_AGE = float(os.environ.get("LIVE_TOKENS_MAX_AGE", "0.1"))

# --- Sessions ---------------------------------------------------------------------------------

# Every logged-in poll reads the session: with Redis it comes from there (the database stays the
# record), so a thousand phones do not cost a thousand session queries every two seconds, and
# with it the user's cached row, in the same round trip (events.session_store).
SESSION_ENGINE = "events.session_store" if REDIS_URL else "django.contrib.sessions.backends.db"

# --- Authentication (django-allauth) --------------------------------------------------------

# Django's and allauth's backends, reading the logged-in user from the cache (events.accounts).
AUTHENTICATION_BACKENDS = [
    "events.accounts.ModelBackend",
    "events.accounts.AuthenticationBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "events:home"
ACCOUNT_LOGIN_METHODS = {"email"}
# The password is optional: on a phone, the code sent by e-mail is the easy way in.
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_FORMS = {"signup": "events.forms.SignupForm"}
ACCOUNT_USER_DISPLAY = "events.accounts.user_display"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[barcamp] "

# --- Privacy ----------------------------------------------------------------------------------

# A Markdown file with the operator's privacy notice (who runs this, contact, legal basis).
PRIVACY_POLICY_FILE = os.environ.get("PRIVACY_POLICY_FILE", "")

# --- Rate limits (counted in the shared cache) -------------------------------------------------

# Per logged-in person (per address for anonymous requests); generous for a plenum, tight for
# scripts. django-allauth limits logins and codes itself (ACCOUNT_RATE_LIMITS, its defaults).
RATE_LIMITS = {
    "vote": os.environ.get("RATE_LIMIT_VOTE", "60/m"),
    "pitch": os.environ.get("RATE_LIMIT_PITCH", "20/h"),
    "register": os.environ.get("RATE_LIMIT_REGISTER", "20/m"),
    # Asking for a login code, which opens an account for a new address: as allauth's sign-up.
    "signup": os.environ.get("RATE_LIMIT_SIGNUP", "20/m"),
    # Saving session notes, adding and removing links and slides.
    "notes": os.environ.get("RATE_LIMIT_NOTES", "30/m"),
    "feedback": os.environ.get("RATE_LIMIT_FEEDBACK", "30/m"),
    "post": os.environ.get("RATE_LIMIT_POST", "5/m"),
}
RATELIMIT_VIEW = "barcamp.views.rate_limited"
# Behind a proxy, the client's address is the first of X-Forwarded-For (set by our nginx).
RATELIMIT_IP_META_KEY = os.environ.get("RATELIMIT_IP_META_KEY") or None

# --- Internationalisation -------------------------------------------------------------------

LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("German")), ("en", _("English"))]
# locale_overrides: German for Django's own strings that its catalogs lack (the admin).
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_overrides"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/Berlin")
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# Uploaded sponsor logos and slides: served by the app unless a proxy serves MEDIA_ROOT itself.
SERVE_MEDIA = env_bool("SERVE_MEDIA", True)
# The largest slides file a host may upload, in megabytes (keep the proxy's body limit above it).
SLIDES_MAX_MB = int(os.environ.get("SLIDES_MAX_MB", "20"))
# The largest sponsor logo, in megabytes: a logo fills a corner of the projector.
LOGO_MAX_MB = int(os.environ.get("LOGO_MAX_MB", "2"))
# Where name badges find fonts for the scripts DejaVu lacks (Chinese, Japanese, Arabic, emoji …):
# Debian's fonts-noto-core, fonts-noto-cjk and fonts-noto-color-emoji put them here.
BADGE_FONT_DIRS = [
    Path(path)
    for path in env_list(
        "BADGE_FONT_DIRS", "/usr/share/fonts/truetype/noto,/usr/share/fonts/opentype/noto"
    )
]
# In development whitenoise serves straight from the apps' static folders, no collectstatic.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
# Files browsers ask for at the root (/favicon.ico, for pages without an icon link: the admin, PDFs).
WHITENOISE_ROOT = BASE_DIR / "public"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- E-mail ---------------------------------------------------------------------------------

# The address of the site in e-mails (they are sent outside any request).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "barcamp <barcamp@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
if os.environ.get("EMAIL_HOST"):
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": os.environ["EMAIL_HOST"],
                "port": int(os.environ.get("EMAIL_PORT", "587")),
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("EMAIL_USE_TLS", True),
                "timeout": 10,
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}

# --- Background tasks (e-mails) ----------------------------------------------------------------

# Mails go out through Django's tasks. "immediate" (the default, nothing to set up) sends them
# in the process that made the change, right after its transaction commits; "database" queues
# them in the database for `manage.py db_worker` (django-tasks-db); any other value is the
# dotted path of a task backend.
TASK_BACKENDS = {
    "immediate": "django.tasks.backends.immediate.ImmediateBackend",
    "dummy": "django.tasks.backends.dummy.DummyBackend",
    "database": "django_tasks_db.DatabaseBackend",
}
TASKS_BACKEND = os.environ.get("TASKS_BACKEND", "immediate")
TASKS = {"default": {"BACKEND": TASK_BACKENDS.get(TASKS_BACKEND, TASKS_BACKEND)}}
# Hosts hear of a published change to their session's room or time once the board has been
# quiet this long, so that a burst of drags makes one mail, not one per drag.
PLAN_CHANGE_NOTICE_DELAY = int(os.environ.get("PLAN_CHANGE_NOTICE_DELAY", "600"))
# The reminder goes out on the day before a camp, from this hour (the camp's time) on.
REMINDER_HOUR = int(os.environ.get("REMINDER_HOUR", "10"))

# --- Security -------------------------------------------------------------------------------

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    # Production sits behind TLS; a proxy that terminates it sets X-Forwarded-Proto.
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    if env_bool("SECURE_PROXY_SSL_HEADER", True):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Logging --------------------------------------------------------------------------------

LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    # Django's own `django` logger has a console handler in DEBUG and propagates to the root's
    # too, which printed every line twice; the root prints it, at the level asked for.
    "loggers": {"django": {"handlers": [], "level": LOG_LEVEL}},
}
