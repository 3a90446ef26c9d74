"""Felt's settings. Everything an operator may change is read here, from the environment."""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured


def _flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name, "")
    items = [item.strip() for item in value.split(",") if item.strip()]
    return items or default


DEBUG = _flag("FELT_DEBUG")
DATA_DIR = Path(os.environ.get("FELT_DATA_DIR") or Path.cwd() / "var")

SECRET_KEY = os.environ.get("FELT_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "Felt needs a secret key in production: set FELT_SECRET_KEY to a long random string "
            "(or set FELT_DEBUG=1 to run on your own machine)."
        )
    SECRET_KEY = "felt-development-only-key-never-use-in-production"

ALLOWED_HOSTS = _list("FELT_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = _list("FELT_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "csp",
    "channels",
    "felt.core",
    "felt.accounts",
    "felt.partnerships",
    "felt.room",
    "felt.schedule",
    "felt.journal",
    "felt.matching",
    "felt.coach",
    "felt.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
]

ROOT_URLCONF = "felt.urls"
ASGI_APPLICATION = "felt.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# The embedded default is a SQLite file; FELT_DATABASE_URL (postgres://...) is the production path.
_database_url = os.environ.get("FELT_DATABASE_URL")
if _database_url:
    # Connections are kept (and checked before reuse): opening one per request or command
    # cost the room more than the command itself.
    DATABASES = {
        "default": dj_database_url.parse(_database_url, conn_max_age=600, conn_health_checks=True)
    }
else:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "felt.sqlite3",
            "CONN_MAX_AGE": 600,
            "OPTIONS": {
                # Writers queue instead of failing: the room's commands arrive from many threads.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                # secure_delete: deleted rows (a journal, an account) are overwritten on disk.
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA secure_delete=ON;"
                ),
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

_redis_url = os.environ.get("FELT_REDIS_URL")
if _redis_url:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                # The layer waits on Redis with blocking reads: a read timeout (redis-py 8
                # defaults to 5 s) would tear down every idle socket, so reads wait as long as
                # they need and only connecting is bounded.
                "hosts": [
                    {"address": _redis_url, "socket_timeout": None, "socket_connect_timeout": 5}
                ],
                "capacity": 1500,
                "expiry": 30,
            },
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

AUTH_USER_MODEL = "accounts.Member"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:dashboard"
LOGOUT_REDIRECT_URL = "web:home"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Email: printed to the console unless an SMTP host is given.
DEFAULT_FROM_EMAIL = os.environ.get("FELT_EMAIL_FROM", "Felt <felt@localhost>")
if os.environ.get("FELT_EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["FELT_EMAIL_HOST"]
    EMAIL_PORT = int(os.environ.get("FELT_EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("FELT_EMAIL_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("FELT_EMAIL_PASSWORD", "")
    EMAIL_USE_TLS = _flag("FELT_EMAIL_USE_TLS", True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# Where links in emails point to.
FELT_BASE_URL = os.environ.get("FELT_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"

# Security. In production every cookie is secure and HTTPS is enforced; a reverse proxy
# terminating TLS should send X-Forwarded-Proto.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = _flag("FELT_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("FELT_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# No inline script, no script from anywhere else.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# Failed log-ins: after this many for one email (or from one address) within the window,
# further attempts wait until the window has passed.
FELT_LOGIN_FAILURE_LIMIT = int(os.environ.get("FELT_LOGIN_FAILURE_LIMIT", "5"))
FELT_LOGIN_FAILURE_WINDOW_SECONDS = int(os.environ.get("FELT_LOGIN_FAILURE_WINDOW_SECONDS", "900"))

# How many real seconds one planned minute of a session lasts. 60 in every real use; a
# demonstration or a test may shorten it so a whole session fits in a minute.
FELT_ROOM_MINUTE_SECONDS = float(os.environ.get("FELT_ROOM_MINUTE_SECONDS", "60"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("FELT_LOG_LEVEL", "INFO")},
    "loggers": {"django.channels.server": {"level": "WARNING"}},
}

# The private journal. Each member's browser derives the key that opens their journal from
# their passphrase with PBKDF2-SHA-256 (the slow derivation WebCrypto offers; it has no
# Argon2). A journal is set up, or its passphrase changed, with at least this many
# iterations; raising it upgrades each journal the next time its owner opens it. 600,000 is
# OWASP's figure for PBKDF2-SHA-256; only tests should lower it.
FELT_JOURNAL_PBKDF2_ITERATIONS = int(os.environ.get("FELT_JOURNAL_PBKDF2_ITERATIONS", "600000"))
if FELT_JOURNAL_PBKDF2_ITERATIONS < 1000:
    raise ImproperlyConfigured(
        "FELT_JOURNAL_PBKDF2_ITERATIONS should be at least 1000 (default 600000)."
    )

# -- Calls: STUN and TURN ------------------------------------------------------------------
# The partners' browsers send each other audio and video directly; Felt only relays the
# signalling. STUN lets a browser learn its public address; TURN relays the media itself when
# no direct path exists (strict home or office routers), without which some pairs connect to
# silence. Both are comma-separated URLs, e.g. FELT_STUN_URLS=stun:turn.example.org:3478 and
# FELT_TURN_URLS=turn:turn.example.org:3478?transport=udp,turns:turn.example.org:5349?transport=tcp
# (docs/turn.md: running coturn next to Felt). FELT_TURN_SECRET is coturn's
# `static-auth-secret` (`use-auth-secret` mode): Felt makes short-lived credentials per member
# from it and never sends it to a browser. FELT_ICE_TRANSPORT_POLICY=relay makes every call go
# through TURN (hides the partners' addresses from each other; an operator's check that TURN
# works); the default "all" lets the browsers connect directly when they can.
FELT_STUN_URLS = _list("FELT_STUN_URLS", [])
FELT_TURN_URLS = _list("FELT_TURN_URLS", [])
FELT_TURN_SECRET = os.environ.get("FELT_TURN_SECRET", "")
try:
    FELT_TURN_TTL_SECONDS = int(os.environ.get("FELT_TURN_TTL_SECONDS") or 4 * 3600)
except ValueError:
    FELT_TURN_TTL_SECONDS = 0  # refused just below, with the sentence
FELT_ICE_TRANSPORT_POLICY = os.environ.get("FELT_ICE_TRANSPORT_POLICY", "all").strip().lower()
for _url in FELT_STUN_URLS:
    if not _url.startswith(("stun:", "stuns:")):
        raise ImproperlyConfigured(f"FELT_STUN_URLS: {_url!r} should begin with stun: or stuns:.")
for _url in FELT_TURN_URLS:
    if not _url.startswith(("turn:", "turns:")):
        raise ImproperlyConfigured(f"FELT_TURN_URLS: {_url!r} should begin with turn: or turns:.")
if FELT_TURN_URLS and not FELT_TURN_SECRET:
    raise ImproperlyConfigured(
        "FELT_TURN_URLS is set but FELT_TURN_SECRET is not: set it to the TURN server's "
        "static-auth-secret, so Felt can make credentials for each call."
    )
if FELT_TURN_TTL_SECONDS < 60:
    raise ImproperlyConfigured(
        "FELT_TURN_TTL_SECONDS should be a whole number of seconds, at least 60 (default 14400)."
    )
if FELT_ICE_TRANSPORT_POLICY not in ("all", "relay"):
    raise ImproperlyConfigured("FELT_ICE_TRANSPORT_POLICY should be 'all' or 'relay'.")
if FELT_ICE_TRANSPORT_POLICY == "relay" and not FELT_TURN_URLS:
    raise ImproperlyConfigured(
        "FELT_ICE_TRANSPORT_POLICY=relay needs a TURN server: set FELT_TURN_URLS and "
        "FELT_TURN_SECRET."
    )
