"""Samen's one settings module. Every value comes from an environment variable (see env.py)."""

from __future__ import annotations

import datetime as dt
import secrets
from pathlib import Path

import dj_database_url

from samen.conf.env import as_bool, as_list, declare

PACKAGE_DIR = Path(__file__).resolve().parent.parent

VAR_DIR = Path(
    declare(
        "SAMEN_VAR_DIR",
        str(Path.cwd() / "var"),
        "VAR_DIR",
        "Folder for the SQLite database, the generated development secret key and uploads.",
    )
).resolve()

DEBUG = as_bool(declare("SAMEN_DEBUG", "false", "DEBUG", "Django debug mode; never in production."))


def _secret_key() -> str:
    value = declare(
        "SAMEN_SECRET_KEY",
        "",
        "SECRET_KEY",
        "Django secret key. When empty, a random key is generated once in SAMEN_VAR_DIR/secret-key "
        "(fine for `make run`; set it explicitly in production).",
    )
    if value:
        return value
    path = VAR_DIR / "secret-key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()

ALLOWED_HOSTS = as_list(
    declare(
        "SAMEN_ALLOWED_HOSTS",
        "127.0.0.1,localhost,testserver",
        "ALLOWED_HOSTS",
        "Comma-separated host names the platform answers to.",
    )
)

DATABASES = {
    "default": dj_database_url.parse(
        declare(
            "DATABASE_URL",
            f"sqlite:///{VAR_DIR / 'samen.sqlite3'}",
            "DATABASES.default",
            "Database URL: sqlite:///path or postgres://user:password@host:port/name.",
        ),
        conn_max_age=int(
            declare(
                "SAMEN_DB_CONN_MAX_AGE",
                "60",
                "DATABASES.default.CONN_MAX_AGE",
                "Seconds a database connection is kept open (PostgreSQL).",
            )
        ),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "corsheaders",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "django_tasks",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "mozilla_django_oidc",
    "axes",
    "samen.core",
    "samen.audit",
    "samen.accounts",
    "samen.gemeenten",
    "samen.portfolio",
    "samen.besluiten",
    "samen.deelnames",
    "samen.fonds",
    "samen.abonnementen",
    "samen.inning",
    "samen.aanbieders",
    "samen.meldingen",
    "samen.gremia",
    "samen.ledenvergadering",
    "samen.overeenkomsten",
    "samen.financiering",
    "samen.tolk",
    "samen.web",
    "samen.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "samen.web.middleware.TeGrootMiddleware",
    "samen.core.middleware.SecurityHeadersMiddleware",
    "samen.api.middleware.ApiVersionMiddleware",
    # After the header middleware, so a CORS preflight answered here still gets them.
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): has this session passed the second factor (TOTP)?
    "django_otp.middleware.OTPMiddleware",
    # Staff signed in with a local password do nothing before they set up and use TOTP.
    "samen.accounts.middleware.TweestapsMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "samen.audit.middleware.AuditChannelMiddleware",
    # Last, as django-axes asks: turns a locked-out login attempt into the lock-out page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "samen.urls"
WSGI_APPLICATION = "samen.wsgi.application"

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
                "samen.web.context_processors.navigation",
            ],
        },
    }
]

AUTH_USER_MODEL = "accounts.Gebruiker"
# django-axes first (refuses locked-out attempts), then local passwords, then OpenID Connect.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "samen.accounts.oidc.SamenOIDCBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "/inloggen"
LOGIN_REDIRECT_URL = "/mijn-werk"  # the start page of what waits for the user
LOGOUT_REDIRECT_URL = "/"

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", "Nederlands")]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [PACKAGE_DIR / "locale"]

STATIC_URL = "/static/"
STATIC_ROOT = Path(
    declare(
        "SAMEN_STATIC_ROOT",
        str(VAR_DIR / "static"),
        "STATIC_ROOT",
        "Folder `collectstatic` writes to and whitenoise serves from.",
    )
)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Serve what `collectstatic` wrote (with its gzip/brotli copies); the app folders only in debug.
WHITENOISE_USE_FINDERS = DEBUG
STATIC_ROOT.mkdir(parents=True, exist_ok=True)

# --- security -----------------------------------------------------------------------------
HTTPS = as_bool(
    declare(
        "SAMEN_HTTPS",
        "true",
        "SESSION_COOKIE_SECURE",
        "Served behind HTTPS: secure cookies, HSTS and proxy SSL header. `make run` sets it to "
        "false because it serves plain HTTP on 127.0.0.1.",
    )
)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 8 * 60 * 60
CSRF_COOKIE_HTTPONLY = True  # no script reads it: forms carry the token in a hidden field
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
CSRF_TRUSTED_ORIGINS = as_list(
    declare(
        "SAMEN_CSRF_TRUSTED_ORIGINS",
        "",
        "CSRF_TRUSTED_ORIGINS",
        "Comma-separated origins (https://samen.example.nl) trusted for CSRF behind a proxy.",
    )
)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# CORS: only the public OpenAPI document is cross-origin readable.
CORS_ALLOW_ALL_ORIGINS = True
CORS_URLS_REGEX = r"^/api/v1/openapi\.(json|yaml)$"
CORS_ALLOW_METHODS = ["GET", "OPTIONS"]
CORS_EXPOSE_HEADERS = ["API-Version"]

# --- sign-in: brute-force protection (django-axes) ----------------------------------------
# Every authenticate() call with a request (the /inloggen page, the admin login, the OpenID
# Connect callback) is counted; after LIMIT failures for one user name from one address further
# attempts are refused (429) for COOLOFF minutes, logged and recorded in the audit trail.
AXES_FAILURE_LIMIT = int(
    declare(
        "SAMEN_LOGIN_FAILURE_LIMIT",
        "5",
        "AXES_FAILURE_LIMIT",
        "Failed sign-ins for one user name from one address before further attempts are "
        "refused (django-axes).",
    )
)
LOGIN_COOLOFF_MINUTES = int(
    declare(
        "SAMEN_LOGIN_COOLOFF_MINUTES",
        "15",
        "LOGIN_COOLOFF_MINUTES",
        "Minutes a locked-out user name and address stay refused after the last failure.",
    )
)
AXES_COOLOFF_TIME = dt.timedelta(minutes=LOGIN_COOLOFF_MINUTES)
TRUSTED_PROXIES = int(
    declare(
        "SAMEN_TRUSTED_PROXIES",
        "0",
        "TRUSTED_PROXIES",
        "Number of reverse proxies in front of Samen that append to X-Forwarded-For; the "
        "client address for the lock-out is read that many entries from the right "
        "(0: REMOTE_ADDR).",
    )
)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "samen.accounts.lockout.client_ip"
AXES_LOCKOUT_CALLABLE = "samen.accounts.lockout.lockout_response"
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_HTTP_RESPONSE_CODE = 429

# --- sign-in: second factor (django-otp, TOTP) --------------------------------------------
OTP_TOTP_ISSUER = "Samen"

# --- sign-in: OpenID Connect (mozilla-django-oidc) ----------------------------------------
# Enabled when the client id and the provider's endpoints are set; see docs/toegang.md.
OIDC_RP_CLIENT_ID = declare(
    "SAMEN_OIDC_CLIENT_ID",
    "",
    "OIDC_RP_CLIENT_ID",
    "OpenID Connect client id at the organisation's identity provider; empty: no OIDC sign-in.",
)
OIDC_RP_CLIENT_SECRET = declare(
    "SAMEN_OIDC_CLIENT_SECRET", "", "OIDC_RP_CLIENT_SECRET", "OpenID Connect client secret."
)
OIDC_OP_ISSUER = declare(
    "SAMEN_OIDC_ISSUER",
    "",
    "OIDC_OP_ISSUER",
    "Issuer of the identity provider; when set, the `iss` of every ID token must equal it.",
)
OIDC_OP_AUTHORIZATION_ENDPOINT = declare(
    "SAMEN_OIDC_AUTHORIZATION_ENDPOINT",
    "",
    "OIDC_OP_AUTHORIZATION_ENDPOINT",
    "Authorization endpoint of the provider (`authorization_endpoint` in its discovery document).",
)
OIDC_OP_TOKEN_ENDPOINT = declare(
    "SAMEN_OIDC_TOKEN_ENDPOINT", "", "OIDC_OP_TOKEN_ENDPOINT", "Token endpoint of the provider."
)
OIDC_OP_USER_ENDPOINT = declare(
    "SAMEN_OIDC_USERINFO_ENDPOINT",
    "",
    "OIDC_OP_USER_ENDPOINT",
    "Userinfo endpoint of the provider.",
)
OIDC_OP_JWKS_ENDPOINT = declare(
    "SAMEN_OIDC_JWKS_ENDPOINT",
    "",
    "OIDC_OP_JWKS_ENDPOINT",
    "JWKS endpoint of the provider (keys of the RS256-signed ID tokens).",
)
OIDC_RP_SCOPES = declare(
    "SAMEN_OIDC_SCOPES", "openid email profile", "OIDC_RP_SCOPES", "Scopes asked for."
)
OIDC_MATCH_CLAIM = declare(
    "SAMEN_OIDC_MATCH_CLAIM",
    "email",
    "OIDC_MATCH_CLAIM",
    "Claim that finds the account: `email` matches the e-mail address (case-insensitive), any "
    "other claim (e.g. `sub`) the user name.",
)
OIDC_ROLE_CLAIM = declare(
    "SAMEN_OIDC_ROLE_CLAIM",
    "groups",
    "OIDC_ROLE_CLAIM",
    "Claim with the user's groups or roles (a list or one value).",
)
OIDC_ROLE_MAPPING = dict(
    part.split("=", 1)
    for part in as_list(
        declare(
            "SAMEN_OIDC_ROLE_MAPPING",
            "",
            "OIDC_ROLE_MAPPING",
            "Comma-separated `group=rol` pairs, first match wins (e.g. "
            "`samen-po=programmabureau,samen-gemeente=gemeente`). When set, the provider decides "
            "the role at every sign-in and a user without a mapped group is refused; when empty, "
            "only existing accounts sign in, with the role given in Samen.",
        )
    )
    if "=" in part
)
OIDC_GEMEENTE_CLAIM = declare(
    "SAMEN_OIDC_GEMEENTE_CLAIM",
    "gemeentecode",
    "OIDC_GEMEENTE_CLAIM",
    "Claim with the CBS code (GM0363) of a municipality contact's municipality.",
)
OIDC_CREATE_USER = as_bool(
    declare(
        "SAMEN_OIDC_CREATE_USERS",
        "false",
        "OIDC_CREATE_USER",
        "Create an account for an unknown user whose groups map to a role; otherwise unknown "
        "users are refused.",
    )
)
OIDC_LOGIN_LABEL = declare(
    "SAMEN_OIDC_LABEL",
    "Inloggen met uw organisatie-account",
    "OIDC_LOGIN_LABEL",
    "Text of the OpenID Connect button on /inloggen.",
)
OIDC_OP_LOGOUT_ENDPOINT = declare(
    "SAMEN_OIDC_LOGOUT_ENDPOINT",
    "",
    "OIDC_OP_LOGOUT_ENDPOINT",
    "The provider's end_session_endpoint: signing out of Samen after an OpenID Connect sign-in "
    "also ends the session at the provider (RP-initiated logout). Empty: only Samen's session.",
)
OIDC_STORE_ID_TOKEN = True  # the id_token_hint of that logout (kept in the server-side session)
OIDC_RP_SIGN_ALGO = "RS256"
OIDC_USE_PKCE = True
OIDC_TIMEOUT = 10
OIDC_AUTHENTICATION_CALLBACK_URL = "accounts:oidc-callback"
LOGIN_REDIRECT_URL_FAILURE = "/inloggen?oidc=mislukt"

# --- REST API --------------------------------------------------------------------------------
API_VERSION = "1.0.0"
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "samen.api.schema.SamenAutoSchema",
    "DEFAULT_PAGINATION_CLASS": "samen.api.pagination.Paginering",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": ["samen.api.filters.ParameterBackend"],
    "EXCEPTION_HANDLER": "samen.api.problems.exception_handler",
    # Sessions of people first (an anonymous request keeps its 403), then machine clients'
    # API tokens (Authorization: Token samen_…).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "samen.accounts.authentication.ApiTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["samen.accounts.permissions.RolePermission"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_VERSIONING_CLASS": None,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "URL_FORMAT_OVERRIDE": None,
    "COERCE_DECIMAL_TO_STRING": True,
}
# camelCase on the wire, snake_case in the serializers (samen.api.camel). The values of these
# fields are free-form JSON whose keys are data (CBS codes, slugs, model field names): kept as is.
JSON_CAMEL_CASE = {
    "JSON_UNDERSCOREIZE": {
        "no_underscore_before_number": True,
        "ignore_fields": ("voor", "na", "factsheet", "verdeling", "velden"),
        "ignore_keys": None,
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Samen API",
    "DESCRIPTION": (
        "De REST API van Samen, het platform voor Samen Organiseren van de VNG en de gemeenten. "
        "Volgt de NL API Design Rules 2.2. Gemeentegegevens: Bron: CBS, CC BY 4.0."
    ),
    "VERSION": API_VERSION,
    "CONTACT": {
        "name": "VNG Samen Organiseren",
        "email": "samen@vng.nl",
        "url": "https://vng.nl/samen-organiseren",
    },
    "LICENSE": {"name": "EUPL-1.2", "url": "https://eupl.eu/1.2/nl/"},
    "SERVERS": [{"url": "https://samen.vng.nl/api/v1", "description": "Productie"}],
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "SCHEMA_PATH_PREFIX_TRIM": True,
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "CAMELIZE_NAMES": False,
    "ENUM_NAME_OVERRIDES": {"FaseEnum": "samen.portfolio.models.Fase"},
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.contrib.djangorestframework_camel_case.camelize_serializer_fields",
        "drf_spectacular.hooks.postprocess_schema_enums",
        "samen.api.schema.postprocess_nl_api",
    ],
}

# --- e-mail (notifications, samen.meldingen; see docs/meldingen.md) --------------------------
# Without SAMEN_EMAIL_HOST no mail leaves the machine: it is written to files in
# SAMEN_VAR_DIR/mail (what `make run` does). With a host, mail goes out over SMTP with STARTTLS.
EMAIL_HOST = declare(
    "SAMEN_EMAIL_HOST",
    "",
    "EMAIL_HOST",
    "SMTP server for notifications. Empty: mail is written to files in SAMEN_VAR_DIR/mail "
    "instead of sent (development).",
)
EMAIL_BACKEND = declare(
    "SAMEN_EMAIL_BACKEND",
    "",
    "EMAIL_BACKEND",
    "Django e-mail backend; empty: SMTP when SAMEN_EMAIL_HOST is set, else the file backend.",
) or (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.filebased.EmailBackend"
)
EMAIL_FILE_PATH = str(VAR_DIR / "mail")
EMAIL_PORT = int(
    declare("SAMEN_EMAIL_PORT", "587", "EMAIL_PORT", "Port of the SMTP server (587: submission).")
)
EMAIL_HOST_USER = declare(
    "SAMEN_EMAIL_HOST_USER", "", "EMAIL_HOST_USER", "User name at the SMTP server (optional)."
)
EMAIL_HOST_PASSWORD = declare(
    "SAMEN_EMAIL_HOST_PASSWORD", "", "EMAIL_HOST_PASSWORD", "Password at the SMTP server."
)
EMAIL_USE_SSL = as_bool(
    declare(
        "SAMEN_EMAIL_USE_SSL",
        "false",
        "EMAIL_USE_SSL",
        "Implicit TLS (port 465) instead of STARTTLS; when true, SAMEN_EMAIL_USE_TLS is ignored.",
    )
)
EMAIL_USE_TLS = (
    as_bool(
        declare(
            "SAMEN_EMAIL_USE_TLS",
            "true",
            "EMAIL_USE_TLS",
            "STARTTLS to the SMTP server (port 587). Set to false only for a server on localhost.",
        )
    )
    and not EMAIL_USE_SSL
)
EMAIL_TIMEOUT = int(
    declare(
        "SAMEN_EMAIL_TIMEOUT",
        "10",
        "EMAIL_TIMEOUT",
        "Seconds to wait for the SMTP server before a sending is recorded as failed.",
    )
)
DEFAULT_FROM_EMAIL = declare(
    "SAMEN_DEFAULT_FROM_EMAIL",
    "Samen <noreply@example.org>",
    "DEFAULT_FROM_EMAIL",
    "Sender of the notifications (From:), e.g. `Samen <noreply@samen.vng.nl>`.",
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
SAMEN_BASE_URL = declare(
    "SAMEN_BASE_URL",
    "http://127.0.0.1:8000",
    "SAMEN_BASE_URL",
    "Address of Samen as users reach it (https://samen.vng.nl); the links in e-mails start "
    "with it.",
)

# --- interpreter service: retention (GDPR art. 5(1)(e); `samen tolk-opschonen`) ------------------
TOLK_BEWAARTERMIJN_CLIENT_DAGEN = int(
    declare(
        "SAMEN_TOLK_BEWAARTERMIJN_CLIENT_DAGEN",
        "365",
        "TOLK_BEWAARTERMIJN_CLIENT_DAGEN",
        "Days a client of the interpreter service is kept after being unregistered (health "
        "data); the settlement figures of their requests stay.",
    )
)
TOLK_BEWAARTERMIJN_VOORKEUREN_DAGEN = int(
    declare(
        "SAMEN_TOLK_BEWAARTERMIJN_VOORKEUREN_DAGEN",
        "90",
        "TOLK_BEWAARTERMIJN_VOORKEUREN_DAGEN",
        "Days the preferences of an interpreter request are kept after it ended.",
    )
)

# --- background jobs -------------------------------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": declare(
            "SAMEN_TASK_BACKEND",
            "django_tasks_db.DatabaseBackend",
            "TASKS.default.BACKEND",
            "Task backend; the database backend runs on SQLite and PostgreSQL "
            "(worker: `samen db_worker`).",
        ),
        "QUEUES": ["default"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {
        "handlers": ["console"],
        "level": declare(
            "SAMEN_LOG_LEVEL", "INFO", "LOGGING.root.level", "Log level of the root logger."
        ),
    },
}

# --- the operator's details (privacy statement, contact page, security.txt) ------------------
# The texts of /privacy and /contact are example texts until the operator fills these in.
OPERATOR = {
    "naam": declare(
        "SAMEN_OPERATOR_NAAM",
        "Vereniging van Nederlandse Gemeenten (voorbeeld)",
        "OPERATOR.naam",
        "The organisation that runs Samen: the controller in the privacy statement.",
    ),
    "adres": declare(
        "SAMEN_OPERATOR_ADRES",
        "Postbus 30435, 2500 GK Den Haag (voorbeeld)",
        "OPERATOR.adres",
        "Postal address shown on /contact and /privacy.",
    ),
    "email": declare(
        "SAMEN_OPERATOR_EMAIL",
        "samen@example.org",
        "OPERATOR.email",
        "E-mail address for questions about Samen (/contact).",
    ),
    "telefoon": declare(
        "SAMEN_OPERATOR_TELEFOON",
        "",
        "OPERATOR.telefoon",
        "Telephone number on /contact (empty: not shown).",
    ),
    "fg_email": declare(
        "SAMEN_OPERATOR_FG_EMAIL",
        "fg@example.org",
        "OPERATOR.fg_email",
        "E-mail address of the data protection officer (functionaris gegevensbescherming).",
    ),
    "bewaartermijn_audit": declare(
        "SAMEN_OPERATOR_BEWAARTERMIJN_AUDIT",
        "7 jaar",
        "OPERATOR.bewaartermijn_audit",
        "Retention period of the audit trail, as stated in the privacy statement.",
    ),
    "bewaartermijn_accounts": declare(
        "SAMEN_OPERATOR_BEWAARTERMIJN_ACCOUNTS",
        "tot 1 jaar na het einde van de functie",
        "OPERATOR.bewaartermijn_accounts",
        "Retention period of user accounts, as stated in the privacy statement.",
    ),
    "voorbeeld": as_bool(
        declare(
            "SAMEN_OPERATOR_VOORBEELD",
            "true",
            "OPERATOR.voorbeeld",
            "Mark the privacy and contact texts as example text (set to false once filled in).",
        )
    ),
}
SECURITY_TXT = {
    "contact": declare(
        "SAMEN_SECURITY_CONTACT",
        "mailto:security@example.org",
        "SECURITY_TXT.contact",
        "Contact of /.well-known/security.txt (RFC 9116): a mailto: or https: URI.",
    ),
    "expires": declare(
        "SAMEN_SECURITY_EXPIRES",
        "2027-11-30T00:00:00Z",
        "SECURITY_TXT.expires",
        "Expires of security.txt (ISO 8601, UTC); renew it before it passes (a test checks).",
    ),
    "policy": declare(
        "SAMEN_SECURITY_POLICY",
        "",
        "SECURITY_TXT.policy",
        "Policy URI of security.txt (coordinated vulnerability disclosure), optional.",
    ),
}
