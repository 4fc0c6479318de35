"""Settings for Newsroom: one file, read from the environment.

Every variable has a safe local default, so a fresh clone runs with none set:
SQLite under var/ and a local-memory cache. `.env.example` lists them all.
"""

import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean: use true or false.")


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)

# The development key is public. newsroom.startup.refuse_insecure_key() stops the
# app server from starting on it with DEBUG off; management commands and tests may
# use it because they serve nobody.
INSECURE_DEV_KEY = "django-insecure-newsroom-development-key-never-use-in-production"
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or INSECURE_DEV_KEY

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")


def site_url(raw: str) -> str:
    """The public origin, e.g. https://news.example.com, without a trailing slash."""
    parts = urlsplit(raw.strip())
    if (
        parts.scheme not in ("http", "https")
        or not parts.hostname
        or parts.path not in ("", "/")
        or parts.query
        or parts.fragment
        or parts.username
    ):
        raise ImproperlyConfigured(
            f"SITE_URL={raw!r} is not a site address: use scheme and host only, "
            "e.g. https://news.example.com (no path, query or credentials)."
        )
    return f"{parts.scheme}://{parts.netloc}"


# Every absolute URL the site prints (sitemap, feeds, canonical, og:url, JSON-LD,
# robots.txt) starts with this, never with the request's Host header: pages are
# cached for everyone, so one request's Host must not end up in another's page.
SITE_URL = site_url(os.environ.get("SITE_URL", "http://127.0.0.1:8000"))

# --- HTTPS and cookies ------------------------------------------------------------
# Secure by default: served over HTTPS, with HSTS and cookies that never travel in
# clear. Local plain-HTTP serving (make run, the benchmark) opts out explicitly with
# DJANGO_HTTPS=false.
HTTPS = env_bool("DJANGO_HTTPS", True)
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = 31_536_000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
if env_bool("DJANGO_BEHIND_PROXY", False):
    # Only behind a proxy that sets this header itself (never trust a client's).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True  # the admin reads the token from the form, not the cookie
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"

# Where the admin lives; moving it off /admin/ turns away the bots that knock there.
ADMIN_PATH = os.environ.get("DJANGO_ADMIN_PATH", "admin/").strip("/") + "/"

INSTALLED_APPS = [
    "newsroom.admin_site.NewsroomAdminConfig",  # django.contrib.admin, with our site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # Before staticfiles so that runserver, too, serves through whitenoise.
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",  # ordinals ("4th") in lists of editions
    "taggit",
    "csp",
    "axes",
    "reversion",
    "reversion_compare",
    "rest_framework",  # the content API (articles/api/)
    "drf_spectacular",  # its OpenAPI schema
    "drf_spectacular_sidecar",  # Swagger UI served from our static files, not a CDN
    "corsheaders",  # other sites' scripts may read the API, never write
    "articles",
]
# Benchmarks, the load test and demo content: production settings do not install them.
DEVTOOLS = env_bool("NEWSROOM_DEVTOOLS", DEBUG)
if DEVTOOLS:
    INSTALLED_APPS.append("newsroom.devtools")

MIDDLEWARE = [
    # Before anything that could redirect, refuse or cache a load balancer's probe.
    "newsroom.health.HealthCheckMiddleware",
    "newsroom.request_log.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "newsroom.security.NewsroomCSPMiddleware",
    # Outside the page cache, so API responses served from it carry CORS headers too.
    "corsheaders.middleware.CorsMiddleware",
    # Outside the page cache, so cached pages carry it too.
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Answers 304 to If-None-Match / If-Modified-Since, for cached pages too.
    "django.middleware.http.ConditionalGetMiddleware",
    # Anonymous readers are served from the cache before sessions or auth run.
    "articles.page_cache.AnonymousPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "newsroom.security.DatabaseUnavailableMiddleware",
    # Last, as django-axes asks: it turns a lockout into its response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "newsroom.urls"
WSGI_APPLICATION = "newsroom.wsgi.application"

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
            ],
            "builtins": ["articles.templatetags.newsroom"],
        },
    },
]

# --- Database -------------------------------------------------------------
# SQLite by default (WAL, so readers never wait for a writer; IMMEDIATE write
# transactions, so two writers queue on the busy timeout instead of deadlocking).
# PostgreSQL when DATABASE_URL is set.
DATABASE_URL = os.environ.get("DATABASE_URL", "").strip()
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
}
if DATABASE_URL:
    try:
        DATABASES = {
            "default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)
        }
    except ValueError as error:
        raise ImproperlyConfigured(
            f"DATABASE_URL could not be read ({error}); expected for example "
            "postgres://USER:PASSWORD@HOST:5432/NAME or sqlite:///path/to/db.sqlite3"
        ) from error
    if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        DATABASES["default"]["OPTIONS"] = SQLITE_OPTIONS
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "db.sqlite3",
            "CONN_MAX_AGE": 60,  # a connection per worker, not per request
            "OPTIONS": SQLITE_OPTIONS,
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ----------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "").strip()
if REDIS_URL:
    CACHES = {
        "default": {
            # Django's RedisCache, but a Redis outage means "no cache", not errors.
            "BACKEND": "newsroom.cache_backends.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    # Per worker; Django's default of 300 entries is too few for the social cards
    # and fragments a site of thousands of pages keeps (pages have their own store).
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 20_000},
        }
    }


def env_number(name: str, default: str, kind=int):
    raw = os.environ.get(name, default)
    try:
        value = kind(raw)
    except ValueError:
        value = -1
    if value < 0:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a number of the right kind (≥ 0).")
    return value


# Whole pages for anonymous readers (articles/page_cache.py, page_store.py); 0 turns
# it off. In Redis when REDIS_URL is set, otherwise in each worker's memory, up to
# PAGE_CACHE_MAX_MB (pages average 12 KB, so 64 MB holds about 5,000).
PAGE_CACHE_SECONDS = env_number("PAGE_CACHE_SECONDS", "300")
PAGE_CACHE_MAX_MB = env_number("PAGE_CACHE_MAX_MB", "64", float)
# Panels of pages (articles/fragments.py) are kept this long at most; 0 turns them off.
FRAGMENT_CACHE_SECONDS = env_number("FRAGMENT_CACHE_SECONDS", "300")
# An expired page is kept this long to serve while one request renders it anew.
PAGE_CACHE_GRACE = env_number("PAGE_CACHE_GRACE", "60", float)
# How long a request waits for another's render of the same page before its own.
PAGE_CACHE_WAIT = env_number("PAGE_CACHE_WAIT", "2", float)
PAGE_CACHE_SKIP_PREFIXES = (f"/{ADMIN_PATH}", "/media/")
# With the local store: the journal through which every worker on this machine
# learns what was invalidated; started anew past PAGE_CACHE_JOURNAL_MAX_BYTES.
PAGE_CACHE_JOURNAL = VAR_DIR / "page-invalidations"
PAGE_CACHE_JOURNAL_MAX_BYTES = 4 * 1024 * 1024


def edge_urls(raw: str) -> list[str]:
    urls = env_list("EDGE_PURGE_URLS", raw)
    for url in urls:
        parts = urlsplit(url)
        if parts.scheme != "http" or not parts.hostname:
            raise ImproperlyConfigured(
                f"EDGE_PURGE_URLS: {url!r} is not an http:// address of an edge cache "
                "(e.g. http://127.0.0.1:8080/)."
            )
    return urls


# The edge caches in front (Varnish with xkey: deploy/varnish/newsroom.vcl), purged by
# dependency key when a write commits (articles/edge.py); none by default.
EDGE_PURGE_URLS = edge_urls("")
EDGE_PURGE_TIMEOUT = env_number("EDGE_PURGE_TIMEOUT", "2", float)

# --- The content API (articles/api/, docs/api.md) -------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    # Reads show what the reader site shows, to anyone; a token (articles/api/auth.py)
    # is for the write endpoints, and a bad one is refused everywhere.
    "DEFAULT_AUTHENTICATION_CLASSES": ["articles.api.auth.TokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "UNAUTHENTICATED_USER": None,
    "EXCEPTION_HANDLER": "articles.api.problems.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "URL_FORMAT_OVERRIDE": None,  # one representation: JSON
    "UNAUTHENTICATED_TOKEN": None,
}
# How many requests a token may make to the write endpoints (DRF's rate syntax); the
# count is kept in the cache, shared by every app server when REDIS_URL is set.
API_WRITE_RATE = os.environ.get("API_WRITE_RATE", "").strip() or "120/minute"
if not re.fullmatch(r"[1-9]\d*/(second|minute|hour|day|[smhd])", API_WRITE_RATE):
    raise ImproperlyConfigured(
        f"API_WRITE_RATE={API_WRITE_RATE!r}: give requests per period, e.g. 120/minute "
        "(the period one of second, minute, hour, day)."
    )
# A new token's default life, in days (the editor may choose another expiry).
API_TOKEN_DAYS = env_number("API_TOKEN_DAYS", "90")
SPECTACULAR_SETTINGS = {
    "TITLE": "Newsroom content API",
    "DESCRIPTION": "The newsroom's articles, companies, people, events and tags, with "
    "every fact's cited passage. See docs/api.md.",
    "VERSION": "1",
    "OAS_VERSION": "3.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "articles.api.schema.sparse_fields_are_optional",
    ],
}
# Any site may read the API from a browser; no browser may write through it.
CORS_URLS_REGEX = r"^/api/"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_METHODS = ("GET", "HEAD", "OPTIONS")
CORS_ALLOW_CREDENTIALS = False
CORS_EXPOSE_HEADERS = ("ETag", "Last-Modified", "Surrogate-Key")

# --- Content-Security-Policy (django-csp) -------------------------------------------
# No inline script anywhere (JSON-LD blocks are data, which CSP does not run).
from csp.constants import NONE, SELF  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "manifest-src": [SELF],
    }
}
# Django admin sets inline style attributes; it gets them, and nothing more.
ADMIN_CSP_DIRECTIVES = {
    **CONTENT_SECURITY_POLICY["DIRECTIVES"],
    "style-src": [SELF, "'unsafe-inline'"],
}

# --- Auth -----------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses locked-out logins first
    "django.contrib.auth.backends.ModelBackend",
]
# django-axes: five wrong passwords for one username from one address lock that
# pair out for 15 minutes; a success resets the count.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"
AXES_VERBOSE = False
# Staff sign in through the admin; an unsafe or missing ?next= lands there too.
LOGIN_URL = f"/{ADMIN_PATH}login/"
LOGIN_REDIRECT_URL = f"/{ADMIN_PATH}"
# Behind N proxies that each append to X-Forwarded-For (nginx's
# $proxy_add_x_forwarded_for), the client is the address the first of them saw:
# the N-th entry from the right; entries further left are whatever the client
# sent. django-axes finds it through django-ipware, whose proxy count is the
# proxies *listed* in the header (the last proxy is REMOTE_ADDR), hence N - 1, and
# which must not be strict, or a client that sends its own header would be
# counted as the proxy. With no proxy, only REMOTE_ADDR is believed.
try:
    PROXY_COUNT = int(os.environ.get("DJANGO_PROXY_COUNT", "0"))
except ValueError:
    PROXY_COUNT = -1
if PROXY_COUNT < 0:
    raise ImproperlyConfigured(
        f"DJANGO_PROXY_COUNT={os.environ['DJANGO_PROXY_COUNT']!r} is not a number of "
        "proxies: use 0 (none), 1 (one reverse proxy), …"
    )
if PROXY_COUNT:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
    AXES_IPWARE_PROXY_COUNT = PROXY_COUNT - 1
    AXES_IPWARE_PROXY_ORDER = "left-most"
    IPWARE_STRICT = False
else:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("REMOTE_ADDR",)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Internationalisation -------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static files and media -----------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT") or VAR_DIR / "media")
# An image chosen in a refused article form, kept for the next submit; never served.
PENDING_UPLOADS_ROOT = Path(os.environ.get("PENDING_UPLOADS_ROOT") or VAR_DIR / "pending-uploads")
# Media on S3-compatible object storage (newsroom/media_storage.py) when a bucket is
# named; django-storages reads its usual AWS_* names. The local disk otherwise.
AWS_STORAGE_BUCKET_NAME = os.environ.get("AWS_STORAGE_BUCKET_NAME", "").strip()
if AWS_STORAGE_BUCKET_NAME:
    AWS_S3_ENDPOINT_URL = os.environ.get("AWS_S3_ENDPOINT_URL", "").strip() or None
    AWS_S3_REGION_NAME = os.environ.get("AWS_S3_REGION_NAME", "").strip() or None
    AWS_ACCESS_KEY_ID = os.environ.get("AWS_ACCESS_KEY_ID") or None
    AWS_SECRET_ACCESS_KEY = os.environ.get("AWS_SECRET_ACCESS_KEY") or None
    # Path-style addresses (endpoint/bucket/key): what S3-compatible servers answer.
    AWS_S3_ADDRESSING_STYLE = "path"
    AWS_DEFAULT_ACL = None
    _bucket_url = f"{AWS_S3_ENDPOINT_URL or 'https://s3.amazonaws.com'}/{AWS_STORAGE_BUCKET_NAME}"
    MEDIA_URL = os.environ.get("MEDIA_URL", "").strip() or f"{_bucket_url}/media/"
    if urlsplit(MEDIA_URL).scheme not in ("http", "https") or not MEDIA_URL.endswith("/"):
        raise ImproperlyConfigured(
            f"MEDIA_URL={MEDIA_URL!r}: with a bucket, give the absolute address readers "
            "fetch media from, ending in / (e.g. https://news.example.com/media/)."
        )
    # Pages may show images from there, and nothing else new.
    _media_origin = "{0.scheme}://{0.netloc}".format(urlsplit(MEDIA_URL))
    for _directives in (CONTENT_SECURITY_POLICY["DIRECTIVES"], ADMIN_CSP_DIRECTIVES):
        _directives["img-src"] = [*_directives["img-src"], _media_origin]

STORAGES = {
    "default": {
        "BACKEND": "newsroom.media_storage.PublicMediaStorage"
        if AWS_STORAGE_BUCKET_NAME
        else "django.core.files.storage.FileSystemStorage"
    },
    # Hashed names and brotli/gzip copies, made once by collectstatic.
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- Email: workflow notifications (articles/notifications.py) ---------------
# Printed to the console unless EMAIL_HOST names an SMTP server.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    try:
        EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
    except ValueError:
        raise ImproperlyConfigured("EMAIL_PORT must be a port number, e.g. 587.") from None
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "newsroom@localhost")

# Taggit: tags are matched case-insensitively, so "China" and "china" are one tag.
TAGGIT_CASE_INSENSITIVE = True

FIXTURE_DIRS = [BASE_DIR / "fixtures"]

# DJANGO_LOG_FORMAT=json: one JSON object a line (newsroom/request_log.py), each with
# the request id the edge sent; `text` (the default) for a person at a terminal.
LOG_FORMAT = os.environ.get("DJANGO_LOG_FORMAT", "text").strip().lower()
if LOG_FORMAT not in ("text", "json"):
    raise ImproperlyConfigured(f"DJANGO_LOG_FORMAT={LOG_FORMAT!r}: use text or json.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "newsroom.request_log.RequestIdFilter"}},
    "formatters": {
        "text": {"format": "%(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "newsroom.request_log.JsonLinesFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": LOG_FORMAT,
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    # One line per request: on in JSON, where a collector wants it; gunicorn's access
    # log says the same to a person.
    "loggers": {"newsroom.request": {"level": "INFO" if LOG_FORMAT == "json" else "WARNING"}},
}
