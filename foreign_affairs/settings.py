"""Settings of the Foreign Affairs Office Portal, read from the environment only."""

import sys
from pathlib import Path

import environ

from foreign_affairs.countries import country_overrides

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        # A clear message, not a traceback: this is the first thing an operator sees.
        sys.exit(
            "Configuration error: SECRET_KEY is not set and DEBUG is off.\n"
            "Set SECRET_KEY in the environment or in .env (see .env.example), "
            "or set DEBUG=True for local development."
        )
    SECRET_KEY = "insecure-development-key-used-only-with-DEBUG-on"

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_countries",
    "django_filters",
    "django_tables2",
    "import_export",
    "simple_history",
    "foreign_affairs",
    "partners",
    "exchanges",
    "faculty",
    "reports",
    "demo",  # sample data only: load_demo, seed_bench
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "foreign_affairs.urls"
WSGI_APPLICATION = "foreign_affairs.wsgi.application"

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
                "foreign_affairs.context_processors.portal",
            ],
        },
    },
]

(BASE_DIR / "var").mkdir(exist_ok=True)
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var/db.sqlite3'}")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)

# The report's block editor posts one field per table cell: a section with a 60 × 20 table
# and its other blocks is a few thousand fields (Django's default stops at 1,000).
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# The dashboard's panels and the draft report PDFs are cached (issue 12): local memory per
# process by default, Redis shared by every worker in production (`CACHE_URL=redis://…/1`).
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://portal")}

# The report's CJK faces cut to GB 2312 + the data's characters (`manage.py prepare_fonts`):
# listed before the full faces in the PDF's font stacks, which stay the fallback.
PREPARED_FONTS_DIR = env.path("PREPARED_FONTS_DIR", default=BASE_DIR / "var/fonts")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = env.str("LANGUAGE_CODE", default="zh-hans")
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "var/static")
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var/media")

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="webmaster@localhost")

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
X_FRAME_OPTIONS = "DENY"

# django-countries: the names of official Chinese documents (foreign_affairs/countries.py);
# Hong Kong, Macau and Taiwan are regions of China (港澳台), never countries.
COUNTRIES_OVERRIDE = country_overrides()
COUNTRIES_FIRST = ["CN", "HK", "MO", "TW"]

# The school this portal serves: used in report titles and page headers.
SCHOOL_NAME = env.str("SCHOOL_NAME", default="肇庆医学高等专科学校")

# Rules of China's foreign-affairs management, shown as warnings (values may change by policy).
# Rules of official outbound visits (exchanges/rules.py gives the source of each number);
# a province may set stricter values.
VISIT_MAX_PERSONS = env.int("VISIT_MAX_PERSONS", default=6)
VISIT_MAX_DAYS_BY_COUNTRIES = {1: 5, 2: 8, 3: 10}
# Africa and Latin America, where flights connect badly: one day more for 1 or 2 countries
# (浙江大学 art. 18 restating 中办发〔2013〕16号: 1 country 6 days, 2 countries 9; 3 stay at 10).
VISIT_REMOTE_EXTRA_DAYS = {1: 1, 2: 1}
VISIT_MAX_COUNTRIES = env.int("VISIT_MAX_COUNTRIES", default=3)
# Above these days a stay is approved by the State Council's 港澳办, not the province's.
VISIT_HK_MACAU_PROVINCIAL_MAX_DAYS = {
    "hk": env.int("VISIT_HK_PROVINCIAL_MAX_DAYS", default=30),
    "mo": env.int("VISIT_MACAU_PROVINCIAL_MAX_DAYS", default=30),
}
VISIT_REPEAT_LEADER_MONTHS = env.int("VISIT_REPEAT_LEADER_MONTHS", default=6)
VISIT_MAIN_LEADERS_APART = env.bool("VISIT_MAIN_LEADERS_APART", default=True)
PASSPORT_MIN_VALIDITY_MONTHS = env.int("PASSPORT_MIN_VALIDITY_MONTHS", default=6)
VISIT_REPORT_DUE_DAYS = env.int("VISIT_REPORT_DUE_DAYS", default=20)
PASSPORT_DUE_BACK_DAYS = env.int("PASSPORT_DUE_BACK_DAYS", default=7)
# The office's convention: leadership reviews a submitted annual report within these days.
REPORT_REVIEW_DAYS = env.int("REPORT_REVIEW_DAYS", default=14)
PERMIT_EXTENSION_OFFICE_DAYS = env.int("PERMIT_EXTENSION_OFFICE_DAYS", default=45)
HEALTH_CERTIFICATE_VALID_MONTHS = 6
TEACHER_GUARANTEE_AGE = 60

# The portal's address, for links in e-mails.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

DEMO_PASSWORD = env.str("DEMO_PASSWORD", default="demo12345")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}

# --- Issue 10 §3: login lockout (django-axes) and the session lifetime --------------------
# A username is locked for one client address after AXES_FAILURE_LIMIT failed logins, even
# with the right password, for AXES_COOLOFF_MINUTES after the last attempt (0: until an
# administrator deletes the access attempt in the admin). foreign_affairs/accounts.py.
INSTALLED_APPS += ["axes"]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked username + address
    "django.contrib.auth.backends.ModelBackend",
]
# After the authentication and message middleware; axes' turns a lockout into the page.
MIDDLEWARE += ["foreign_affairs.accounts.IdleSessionMiddleware", "axes.middleware.AxesMiddleware"]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_MINUTES = env.int("AXES_COOLOFF_MINUTES", default=30)
if AXES_FAILURE_LIMIT < 1 or AXES_COOLOFF_MINUTES < 0:
    sys.exit("Configuration error: AXES_FAILURE_LIMIT must be ≥ 1 and AXES_COOLOFF_MINUTES ≥ 0.")
AXES_COOLOFF_TIME = AXES_COOLOFF_MINUTES / 60 if AXES_COOLOFF_MINUTES else None  # float: hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "foreign_affairs.accounts.lockout_response"
AXES_CLIENT_IP_CALLABLE = "foreign_affairs.accounts.client_ip"
# The request header (as in request.META, e.g. HTTP_X_REAL_IP) a trusted reverse proxy sets
# to the client's address; empty: REMOTE_ADDR.
CLIENT_IP_HEADER = env.str("CLIENT_IP_HEADER", default="")
# A session ends after SESSION_IDLE_HOURS without a request, and when the browser closes.
SESSION_IDLE_HOURS = env.float("SESSION_IDLE_HOURS", default=8)
if SESSION_IDLE_HOURS <= 0:
    sys.exit("Configuration error: SESSION_IDLE_HOURS must be a positive number of hours.")
SESSION_COOKIE_AGE = round(SESSION_IDLE_HOURS * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = env.bool("SESSION_EXPIRE_AT_BROWSER_CLOSE", default=True)

# --- Issue 10 §11: HTTPS in production (docs/deploy.md, "Settings") ----------------------
# With DEBUG off, `manage.py check --deploy --fail-level WARNING` passes on these defaults.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
# Preloading binds the whole registrable domain (the school's, with every subdomain) into
# browsers for years: the owner of that domain decides it, not one site's settings. Until
# SECURE_HSTS_PRELOAD is set, Django's reminder (security.W021) is silenced.
if not SECURE_HSTS_PRELOAD:
    SILENCED_SYSTEM_CHECKS = [*vars().get("SILENCED_SYSTEM_CHECKS", []), "security.W021"]
if SECURE_HSTS_SECONDS < 0:
    sys.exit("Configuration error: SECURE_HSTS_SECONDS must be ≥ 0 (0 turns HSTS off).")
# "HTTP_X_FORWARDED_PROTO,https": the header a TLS-terminating proxy sets, and its value for
# HTTPS. Only behind a proxy that always sets (overwrites) that header.
_proxy_ssl_header = env.str("SECURE_PROXY_SSL_HEADER", default="").strip()
if _proxy_ssl_header:
    _header_name, _comma, _header_value = (p.strip() for p in _proxy_ssl_header.partition(","))
    if not (_header_name.startswith("HTTP_") and _comma and _header_value):
        sys.exit(
            "Configuration error: SECURE_PROXY_SSL_HEADER must be 'HTTP_<HEADER>,<value>', "
            "e.g. SECURE_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO,https"
        )
    SECURE_PROXY_SSL_HEADER = (_header_name, _header_value)

# --- Issue 10 §12: private calendar feed keys --------------------------------------------
# A feed key works this many days after it was issued (0: until the user replaces it).
CALENDAR_TOKEN_DAYS = env.int("CALENDAR_TOKEN_DAYS", default=365)
if CALENDAR_TOKEN_DAYS < 0:
    sys.exit("Configuration error: CALENDAR_TOKEN_DAYS must be ≥ 0 (0: keys do not expire).")

# --- Issue 10 §4: database outages -------------------------------------------------------
# First, so a lost or refused connection anywhere (view, session, user) answers 503 with
# Retry-After instead of 500, and a GET or HEAD is tried once more (foreign_affairs/middleware.py).
# Persistent connections (CONN_MAX_AGE) are health-checked before reuse (CONN_HEALTH_CHECKS).
MIDDLEWARE.insert(0, "foreign_affairs.middleware.DatabaseUnavailableMiddleware")

# --- Issue 10 §14: backups (`manage.py backup` / `restore`, docs/deploy.md "Backups") -----
# The folder `manage.py backup` writes its dated archives to.
BACKUP_DIR = env.path("BACKUP_DIR", default=BASE_DIR / "var/backups")
