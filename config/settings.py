"""Settings for every environment, read from environment variables (see README).

Defaults are production-safe (DEBUG off, HTTPS-only cookies, HSTS). ``make run`` switches
to the embedded local profile by setting ``HTTPS=false`` and a generated ``SECRET_KEY_FILE``.
"""

from __future__ import annotations

from pathlib import Path

from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config import audit_trail
from config.env import (
    check_redis_url,
    env_bool,
    env_int,
    env_list,
    env_origins,
    env_str,
    parse_database_url,
)
from config.logs import LOG_FORMATS, init_sentry, logging_config
from config.storage import default_storage

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VAR_DIR") or BASE_DIR / "var")

DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY (or SECRET_KEY_FILE) must be set when DEBUG is off; "
            "`make run` generates one under var/."
        )
    SECRET_KEY = "insecure-development-key-only-used-with-DEBUG-on"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "csp",
    "crispy_forms",
    "crispy_bootstrap5",
    "rules.apps.AutodiscoverRulesConfig",
    "simple_history",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "organizations",
    "imports",
    "formonce",
    "usersessions",
    "filejobs",
    "measures",
    "phases",
    "yearwheel",
    "reflections",
    "reports",
    "notifications",
    "outbox",
    "twofactor",
    "signin",
    "sso",
    "health",
    "dataversion",
    "orgarchive",
    "demo",
    "bench",
]

MIDDLEWARE = [
    # First, so every line logged while a request runs carries its id (config/logs.py).
    "config.logs.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Above every middleware that writes a body, so the final page is compressed (gzip when
    # the browser asks; config/compression.py).
    "config.compression.CompressionMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "organizations.middleware.LanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After the messages (it says why a session ended) and the language (in which words);
    # before the second factor, so an ended session is asked to log in, not for a code.
    "usersessions.middleware.SessionTimeoutMiddleware",
    # After the language, so the code page speaks the person's language; before every view.
    "twofactor.middleware.SecondFactorMiddleware",
    "organizations.middleware.OrganizationMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "organizations.security.ContentSecurityPolicyMiddleware",
    "organizations.security.BrowserPolicyMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Calls the view itself for a POST with a one-time form token, so after every other
    # middleware that has a process_view (the CSRF check, the second factor, the organisation).
    "formonce.middleware.FormOnceMiddleware",
    # Last, as django-axes asks: turns a login refused for lockout into our page (signin/).
    "axes.middleware.AxesMiddleware",
]

# Corrections of decisions carry their reason into the history (the audit trail shows it),
# and a reason is often longer than simple-history's default of 100 characters.
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "organizations.context_processors.navigation",
                "notifications.context_processors.notifications",
                "organizations.limits.form_limits",
            ],
            # Every template that shows an organisation's words marks their language with
            # {% content_lang %} (organizations/content_language.py): loaded everywhere.
            "builtins": ["organizations.templatetags.content_lang"],
        },
    }
]

# The measure and programme pages, section by section (see measures/sections.py).
MEASURE_PAGE_SECTIONS = [
    "phases.views.gates.measure_section",
    "phases.views.planning.measure_section",
    "measures.views.goals.measure_section",
    "measures.views.logic.measure_section",
    "measures.views.transitions.measure_section",
    "yearwheel.views.events.measure_section",
    "measures.views.evaluations.measure_section",
    "reflections.views.sections.measure_section",
    "phases.views.roundabout.measure_section",
    "phases.views.continuation.measure_section",
    "measures.views.adoption.measure_section",
]
PROGRAM_PAGE_SECTIONS = ["measures.views.knowledge.program_section"]
# What a partner sees of a shared measure besides its card, per shared part (measures/sections.py).
SHARED_MEASURE_SECTIONS = [
    ("share_plan", "phases.views.planning.shared_section"),
    ("share_learning", "reflections.views.sections.shared_section"),
]
# What is recorded on a measure with dates that must lie within its life (measures/life.py):
# a measure's start and end cannot move so that any of these fall outside.
MEASURE_DATED_RECORDS = [
    "measures.life.evaluation_records",
    "phases.life.laps",
    "phases.life.activities",
    "phases.life.routines",
]
# What the annual wheel shows: the organisation's own events and what other apps know
# (yearwheel/sources.py). Each source reads its rows with one query.
YEARWHEEL_SOURCES = [
    "yearwheel.sources.events",
    "yearwheel.sources.evaluations",
    "yearwheel.sources.planned_activities",
    "yearwheel.sources.maintenance_routines",
    "reflections.sources.learning_meetings",
    "reflections.sources.action_items",
]
# The organisation's audit trail: every model with a history, how its records reach their
# organisation and measure, what names them and their page (config/audit_trail.py).
AUDIT_TRAIL = audit_trail.AUDIT_TRAIL

# --- Database --------------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'db.sqlite3'}"
# Seconds. A server that does not answer must fail a request, not hang it until gunicorn kills
# the worker (its default timeout is 30 s): 5 s to connect is ample on a working network, and
# no statement of a page or a task legitimately takes 20 s, so one that does is waiting for a
# lock or on an overloaded server and ends with an error in the log while the worker lives on.
# (A server frozen outright enforces nothing; docs/operations-health.md says what then helps.)
# The same limits hold for Celery workers (their tasks run many small statements, each bounded
# here, the task as a whole by Celery's time limits); give a process more by setting it in
# that process's environment, e.g. for a `migrate` that builds an index on a large table.
DATABASE_CONNECT_TIMEOUT = env_int("DATABASE_CONNECT_TIMEOUT", 5, minimum=2)
DATABASE_STATEMENT_TIMEOUT = env_int("DATABASE_STATEMENT_TIMEOUT", 20, minimum=1)
DATABASES = {
    "default": parse_database_url(
        DATABASE_URL,
        base_dir=BASE_DIR,
        connect_timeout=DATABASE_CONNECT_TIMEOUT,
        statement_timeout=DATABASE_STATEMENT_TIMEOUT,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts --------------------------------------------------------------------------------
AUTH_USER_MODEL = "organizations.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses any login for an account locked out from this address, before the
    # password is checked (django-axes; see docs/security-lockout.md).
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24  # one working day
INVITATION_VALID_DAYS = env_int("INVITATION_VALID_DAYS", 14, minimum=1)
# Two-factor authentication (twofactor/, docs/security-two-factor.md): the name the
# authenticator app shows beside the code. Wrong codes are throttled per device (django-otp:
# after n wrong codes in a row the next try waits 2^(n-1) seconds); 0 would turn that off.
OTP_TOTP_ISSUER = env_str("TWO_FACTOR_ISSUER", "Tiltakshjulet")
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1

# --- Lockout and throttles (docs/security-lockout.md) ----------------------------------------
# Failed logins are counted per account *and* address: a stranger elsewhere who guesses a
# colleague's password locks out only himself. From the limit on, the account is locked for
# that address; every attempt while locked counts again and doubles the wait, up to the
# maximum. A successful login forgets the failures.
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
LOGIN_COOLOFF_MINUTES = env_int("LOGIN_COOLOFF_MINUTES", 15, minimum=1)
LOGIN_COOLOFF_MAX_HOURS = env_int("LOGIN_COOLOFF_MAX_HOURS", 24, minimum=1)
AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMIT
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_COOLOFF_TIME = "signin.lockout.cool_off"
# Each attempt row expires on its own (its cool-off may be longer than another's).
AXES_USE_ATTEMPT_EXPIRATION = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = True
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "signin.lockout.username"
AXES_CLIENT_IP_CALLABLE = "organizations.throttle.client_ip"
AXES_LOCKOUT_CALLABLE = "signin.views.locked_out"
# Successful logins are not logged: the product keeps no record of who signs in when.
AXES_DISABLE_ACCESS_LOG = True
# Lockouts are logged as warnings; the routine lines of every login attempt are not.
AXES_VERBOSE = False
# Requests refused by a throttle (organizations/throttle.py): per client address per period,
# and reset mails per email address. Counters live in the cache (Redis when REDIS_URL is set).
THROTTLE_PERIOD_MINUTES = env_int("THROTTLE_PERIOD_MINUTES", 60, minimum=1)
PASSWORD_RESET_LIMIT = env_int("PASSWORD_RESET_LIMIT", 10, minimum=1)
PASSWORD_RESET_EMAIL_LIMIT = env_int("PASSWORD_RESET_EMAIL_LIMIT", 3, minimum=1)
TOKEN_FAILURE_LIMIT = env_int("TOKEN_FAILURE_LIMIT", 20, minimum=1)

# --- Single sign-on (OpenID Connect, sso/; see docs/single-sign-on.md) --------------------------
# The key that encrypts the providers' client secrets; derived from SECRET_KEY when unset.
SSO_ENCRYPTION_KEY = env_str("SSO_ENCRYPTION_KEY") or ""
# Providers must be reached over https; http only for a provider on this machine in tests.
SSO_ALLOW_HTTP = env_bool("SSO_ALLOW_HTTP", False)
SSO_HTTP_TIMEOUT = env_int("SSO_HTTP_TIMEOUT", 10, minimum=1)

# --- Language, time and formats ---------------------------------------------------------------
LANGUAGE_CODE = "nb"
LANGUAGES = [
    ("nb", _("Norwegian Bokmål")),
    ("nn", _("Norwegian Nynorsk")),
    ("en", _("English")),
]
LANGUAGE_COOKIE_NAME = "tiltakshjulet_language"
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates and numbers per language, with the project's own named formats (config/formats/).
FORMAT_MODULE_PATH = ["config.formats"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Europe/Oslo"
USE_THOUSAND_SEPARATOR = True

# --- Static files (front-end libraries come from npm into node_modules/) -----------------------
STATIC_URL = "/static/"
# Where collectstatic writes and whitenoise serves from; outside the code in an installed wheel.
STATIC_ROOT = Path(env_str("STATIC_ROOT") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
# Only the files the pages use from the front-end libraries (config/frontend.py).
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "config.frontend.VendorFinder",
]
STORAGES = {
    # Uploaded files and stored report PDFs: MEDIA_ROOT, or a bucket (config/storage.py).
    "default": default_storage(),
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = Path(env_str("MEDIA_ROOT") or VAR_DIR / "media")
MEDIA_URL = "/media/"
# What one request may hold besides its files (Django's defaults, stated here because the
# product names them: the error page for a refused request and the browser's check before a
# form is sent, organizations/limits.py). Files have their own limit (measures/uploads.py).
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # 2,5 MB of form text
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
DATA_UPLOAD_MAX_NUMBER_FILES = 100

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Security ------------------------------------------------------------------------------------
# HTTPS=false is for a laptop on http://127.0.0.1 only; production always runs behind TLS.
HTTPS = env_bool("HTTPS", not DEBUG)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", HTTPS)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
LANGUAGE_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365 if HTTPS else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
# Behind a proxy the client's address is the last one it adds to X-Forwarded-For; otherwise
# that header is the client's own word and is never read (organizations/throttle.py).
BEHIND_PROXY = env_bool("BEHIND_PROXY", False)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
# Sessions are rows a person can list and end (usersessions/). A signed-in session ends after
# SESSION_IDLE_MINUTES without a request, and SESSION_MAX_HOURS after signing in however
# active (usersessions/middleware.py).
SESSION_ENGINE = "usersessions.backends"
SESSION_IDLE_TIMEOUT = 60 * env_int("SESSION_IDLE_MINUTES", 120, minimum=5)
SESSION_ABSOLUTE_TIMEOUT = 60 * 60 * env_int("SESSION_MAX_HOURS", 10, minimum=1)
# The cookie (and the row) outlive the session by design: a browser that comes back after
# the time-out still presents it, so the login page can say why the session ended. The row
# cannot be used after the limits; the periodic task below deletes it.
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_TIMEOUT
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True

# Content-Security-Policy (django-csp; organizations/security.py, docs/security-headers.md):
# scripts and styles only from our own static files, no inline script or style anywhere,
# no plugins, no framing. Bootstrap's CSS draws its form icons as data: images.
# Origins besides our own that forms may post to (identity providers): an environment list,
# and functions (dotted paths) that return more for a request, e.g. an organisation's IdP.
CSP_FORM_ACTION_EXTRA = env_origins("CSP_FORM_ACTION_EXTRA")
CSP_FORM_ACTION_SOURCES: list[str] = []
# Report-only while a new policy is rolled out: browsers report violations but block nothing.
# (Not a setting of its own: django-csp takes a CSP_REPORT_ONLY setting for its old format.)
_csp_report_only = env_bool("CSP_REPORT_ONLY", False)
_CSP_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF, *CSP_FORM_ACTION_EXTRA],
        "report-uri": ["/csp-report"],
    },
}
CONTENT_SECURITY_POLICY = None if _csp_report_only else _CSP_POLICY
CONTENT_SECURITY_POLICY_REPORT_ONLY = _CSP_POLICY if _csp_report_only else None

# --- Email -----------------------------------------------------------------------------------
DEFAULT_FROM_EMAIL = env_str(
    "DEFAULT_FROM_EMAIL", "Tiltakshjulet <noreply@tiltakshjulet.localhost>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_HOST = env_str("EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587, minimum=1)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "") or ""
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "") or ""
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
    EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20, minimum=1)
else:
    # Embedded default: every message lands as a file under var/mail/ and on the console.
    EMAIL_BACKEND = "config.mail.FileAndConsoleBackend"
    EMAIL_FILE_PATH = str(env_str("EMAIL_FILE_PATH") or VAR_DIR / "mail")

# The service's own contact address for people who use it (the accessibility statement shows it
# when an organisation has named no contact of its own). Empty: the statement names the
# organisation's administrators instead.
SUPPORT_EMAIL = env_str("SUPPORT_EMAIL", "") or ""

# The address used in links inside emails (no request is at hand in a Celery worker).
SITE_URL = (env_str("SITE_URL") or "http://127.0.0.1:8000").rstrip("/")

# --- Cache ----------------------------------------------------------------------------------
# Throttle counters must be shared by every web process: Redis when there is one.
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": check_redis_url(REDIS_URL),
            "KEY_PREFIX": "tiltakshjulet",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Celery ------------------------------------------------------------------------------------
if REDIS_URL:
    CELERY_BROKER_URL = check_redis_url(REDIS_URL)
    CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {"visibility_timeout": 60 * 60}
else:
    # Embedded broker for a bare machine: messages are files under var/celery/.
    _queue_dir = VAR_DIR / "celery" / "queue"
    # The transport expects its folders to exist; worker, beat and web may start in any order.
    _control_dir = VAR_DIR / "celery" / "control"
    for _folder in (_queue_dir, VAR_DIR / "celery" / "processed", _control_dir):
        _folder.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir),
        "data_folder_out": str(_queue_dir),
        "processed_folder": str(VAR_DIR / "celery" / "processed"),
        # Broadcast (worker control) messages, which otherwise land in ./control of the cwd.
        "control_folder": str(_control_dir),
        "store_processed": False,
    }
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_TASK_TIME_LIMIT = 5 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 4 * 60
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
# Heavy work (report PDFs, whole-trail exports: docs/heavy-work.md) has a queue of its own, so
# a render of several minutes never holds up the reminders on the default queue ("celery").
CELERY_TASK_DEFAULT_QUEUE = "celery"
HEAVY_QUEUE = "heavy"
CELERY_TASK_ROUTES = {
    "reports.tasks.render_report_pdf": {"queue": HEAVY_QUEUE},
    "filejobs.tasks.build_file": {"queue": HEAVY_QUEUE},
}
# A worker process is replaced after this many tasks, or after a task that left it holding
# more than this much memory (KiB): a 500-measure PDF takes 1.7 GB and Python keeps it.
CELERY_WORKER_MAX_TASKS_PER_CHILD = env_int("CELERY_WORKER_MAX_TASKS_PER_CHILD", 20, minimum=1)
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env_int(
    "CELERY_WORKER_MAX_MEMORY_PER_CHILD", 600_000, minimum=50_000
)
# Queued or running heavy work older than this (seconds) is presumed lost and may be queued
# again by the next request for it; longer than the heavy tasks' hard time limits.
HEAVY_WORK_STALE_AFTER = env_int("HEAVY_WORK_STALE_AFTER", 25 * 60, minimum=11 * 60)
# A report PDF whose render fails is tried this many times in all (one, four minutes apart).
REPORT_PDF_MAX_ATTEMPTS = env_int("REPORT_PDF_MAX_ATTEMPTS", 3, minimum=1)
# Files built for one person (the audit trail as CSV) are removed this many days after.
FILE_JOBS_KEEP_DAYS = env_int("FILE_JOBS_KEEP_DAYS", 7, minimum=1)
# The kinds of file built that way, each a filejobs.kinds.JobKind (docs/heavy-work.md).
FILE_JOB_KINDS = {
    "audit_trail": "filejobs.audit.AUDIT_TRAIL",
    "wheel_pdf": "yearwheel.pdfjob.WHEEL_PDF",
}
# One beat process, a static schedule in code. The reminder rows are the queue: the planner
# writes them ahead, the dispatcher claims the due ones every minute (notifications/).
PLAN_REMINDERS_EVERY = 15 * 60  # seconds
DISPATCH_REMINDERS_EVERY = 60
# How long a dispatcher's claim on a batch holds without renewal (outbox/leases.py): the
# batch of a worker that died is taken over within this plus one dispatch period.
DISPATCH_LEASE_SECONDS = env_int("DISPATCH_LEASE_SECONDS", 60, minimum=5)
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    "plan-reminders": {
        "task": "notifications.tasks.plan_reminders",
        "schedule": PLAN_REMINDERS_EVERY,
    },
    "dispatch-reminders": {
        "task": "notifications.tasks.dispatch_reminders",
        "schedule": DISPATCH_REMINDERS_EVERY,
    },
    "clear-ended-sessions": {
        "task": "usersessions.tasks.clear_ended_sessions",
        "schedule": 15 * 60,
    },
    "clear-form-claims": {
        "task": "formonce.tasks.clear_form_claims",
        "schedule": 60 * 60,
    },
    "clear-expired-files": {
        "task": "filejobs.tasks.clear_expired_files",
        "schedule": 60 * 60,
    },
    # Next planning year's wheel, for organisations whose current wheel has none yet
    # (yearwheel/rolling.py); making a wheel rolls on at once, so this is the safety net.
    "roll-wheels": {
        "task": "yearwheel.tasks.roll_wheels",
        "schedule": 60 * 60,
    },
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

# --- Health (health/, /healthz and `manage.py check_health`) ---------------------------------
# Each periodic task leaves a heartbeat when a run ends; a heartbeat older than its limit
# (seconds) makes the site unhealthy. Three periods let one slow or lost run pass unnoticed
# and report the second. A component that has never run gets the same limit, counted from
# the installation of the health app (see docs/operations-health.md).
HEALTH_HEARTBEATS: dict[str, int] = {
    "planner": env_int("HEALTH_PLANNER_MAX_AGE", 3 * PLAN_REMINDERS_EVERY, minimum=1),
    "dispatcher": env_int("HEALTH_DISPATCHER_MAX_AGE", 3 * DISPATCH_REMINDERS_EVERY, minimum=1),
}

# --- Benchmark (bench/, docs/performance.md) -----------------------------------------------------
# Mounts the floor page, /o/<org>/bench/floor/: a logged-in page under the same middleware that
# renders 25 measures from one query, the yardstick `make bench` measures every page against.
# Off in production: only the benchmark's own gunicorn turns it on.
BENCH_FLOOR_PAGE = env_bool("BENCH_FLOOR_PAGE", False)

# --- Logging (config/logs.py, docs/operations-logs.md) -------------------------------------
# JSON lines for the log collector in production; `make run` sets text for a developer's eyes.
LOG_FORMAT = env_str("LOG_FORMAT", "json") or "json"
if LOG_FORMAT not in LOG_FORMATS:
    raise ImproperlyConfigured(f"LOG_FORMAT must be one of {', '.join(LOG_FORMATS)}.")
LOG_LEVEL = env_str("LOG_LEVEL", "INFO") or "INFO"
LOGGING = logging_config(LOG_FORMAT, LOG_LEVEL)

# Errors to Sentry (or a compatible service) when SENTRY_DSN is set; never any personal data.
SENTRY_DSN = env_str("SENTRY_DSN")
if SENTRY_DSN:
    init_sentry(SENTRY_DSN)
