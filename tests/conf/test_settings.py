"""Every environment variable reaches the setting it names, and the docs list them all."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from samen.conf.env import VARIABLES

ROOT = Path(__file__).resolve().parents[2]

# A distinctive value per variable and what the named setting must then contain.
SENTINELS = {
    "SAMEN_VAR_DIR": ("/tmp/samen-sentinel-var", "/tmp/samen-sentinel-var"),
    "SAMEN_DEBUG": ("true", True),
    "SAMEN_SECRET_KEY": ("sentinel-secret-key-0123456789-abcdefghij", None),
    "SAMEN_ALLOWED_HOSTS": ("a.example.nl,b.example.nl", ["a.example.nl", "b.example.nl"]),
    "DATABASE_URL": ("postgres://u:p@db.example.nl:6543/samen_x", None),
    "SAMEN_DB_CONN_MAX_AGE": ("123", 123),
    "SAMEN_STATIC_ROOT": ("/tmp/samen-sentinel-static", "/tmp/samen-sentinel-static"),
    "SAMEN_HTTPS": ("false", False),
    "SAMEN_CSRF_TRUSTED_ORIGINS": ("https://samen.example.nl", ["https://samen.example.nl"]),
    "SAMEN_TASK_BACKEND": (
        "django_tasks.backends.immediate.ImmediateBackend",
        "django_tasks.backends.immediate.ImmediateBackend",
    ),
    "SAMEN_LOG_LEVEL": ("WARNING", "WARNING"),
    "SAMEN_LOGIN_FAILURE_LIMIT": ("7", 7),
    "SAMEN_LOGIN_COOLOFF_MINUTES": ("45", 45),
    "SAMEN_TRUSTED_PROXIES": ("2", 2),
    "SAMEN_OIDC_CLIENT_ID": ("sentinel-client", "sentinel-client"),
    "SAMEN_OIDC_CLIENT_SECRET": ("sentinel-secret", "sentinel-secret"),
    "SAMEN_OIDC_ISSUER": ("https://idp.example.nl", "https://idp.example.nl"),
    "SAMEN_OIDC_AUTHORIZATION_ENDPOINT": ("https://idp.example.nl/a", "https://idp.example.nl/a"),
    "SAMEN_OIDC_TOKEN_ENDPOINT": ("https://idp.example.nl/t", "https://idp.example.nl/t"),
    "SAMEN_OIDC_USERINFO_ENDPOINT": ("https://idp.example.nl/u", "https://idp.example.nl/u"),
    "SAMEN_OIDC_JWKS_ENDPOINT": ("https://idp.example.nl/k", "https://idp.example.nl/k"),
    "SAMEN_OIDC_SCOPES": ("openid sentinel", "openid sentinel"),
    "SAMEN_OIDC_MATCH_CLAIM": ("sub", "sub"),
    "SAMEN_OIDC_ROLE_CLAIM": ("roles", "roles"),
    "SAMEN_OIDC_ROLE_MAPPING": (
        "po=programmabureau, gm=gemeente",
        {"po": "programmabureau", "gm": "gemeente"},
    ),
    "SAMEN_OIDC_GEMEENTE_CLAIM": ("cbs", "cbs"),
    "SAMEN_OIDC_CREATE_USERS": ("true", True),
    "SAMEN_OIDC_LABEL": ("Sentinel-knop", "Sentinel-knop"),
    "SAMEN_OIDC_LOGOUT_ENDPOINT": (
        "https://idp.example.test/logout",
        "https://idp.example.test/logout",
    ),
    "SAMEN_OPERATOR_NAAM": ("Sentinel-beheerder", "Sentinel-beheerder"),
    "SAMEN_OPERATOR_ADRES": ("Sentinelstraat 1", "Sentinelstraat 1"),
    "SAMEN_OPERATOR_EMAIL": ("sentinel@example.nl", "sentinel@example.nl"),
    "SAMEN_OPERATOR_TELEFOON": ("070 000 0000", "070 000 0000"),
    "SAMEN_OPERATOR_FG_EMAIL": ("fg-sentinel@example.nl", "fg-sentinel@example.nl"),
    "SAMEN_OPERATOR_BEWAARTERMIJN_AUDIT": ("11 jaar", "11 jaar"),
    "SAMEN_OPERATOR_BEWAARTERMIJN_ACCOUNTS": ("3 maanden", "3 maanden"),
    "SAMEN_OPERATOR_VOORBEELD": ("false", False),
    "SAMEN_SECURITY_CONTACT": ("mailto:s@example.nl", "mailto:s@example.nl"),
    "SAMEN_SECURITY_EXPIRES": ("2030-01-01T00:00:00Z", "2030-01-01T00:00:00Z"),
    "SAMEN_SECURITY_POLICY": ("https://example.nl/cvd", "https://example.nl/cvd"),
    "SAMEN_EMAIL_HOST": ("smtp.example.nl", "smtp.example.nl"),
    "SAMEN_EMAIL_BACKEND": ("django.core.mail.backends.console.EmailBackend",) * 2,
    "SAMEN_EMAIL_PORT": ("2525", 2525),
    "SAMEN_EMAIL_HOST_USER": ("sentinel-user",) * 2,
    "SAMEN_EMAIL_HOST_PASSWORD": ("sentinel-password",) * 2,
    "SAMEN_EMAIL_USE_TLS": ("false", False),
    "SAMEN_EMAIL_USE_SSL": ("true", True),
    "SAMEN_EMAIL_TIMEOUT": ("7", 7),
    "SAMEN_DEFAULT_FROM_EMAIL": ("Sentinel <s@example.nl>",) * 2,
    "SAMEN_BASE_URL": ("https://samen.example.nl",) * 2,
    "SAMEN_TOLK_BEWAARTERMIJN_CLIENT_DAGEN": ("400", 400),
    "SAMEN_TOLK_BEWAARTERMIJN_VOORKEUREN_DAGEN": ("30", 30),
}

PROBE = """
import json, os, sys
os.environ["DJANGO_SETTINGS_MODULE"] = "samen.conf.settings"
from django.conf import settings
value = settings
for part in sys.argv[1].split("."):
    value = value[part] if isinstance(value, dict) else getattr(value, part)
print(json.dumps(value, default=str))
"""


def read_setting(path: str, env: dict[str, str]) -> object:
    full_env = {k: v for k, v in os.environ.items() if k not in VARIABLES}
    full_env.update(env)
    full_env.setdefault("SAMEN_VAR_DIR", "/tmp/samen-settings-probe")
    out = subprocess.run(
        [sys.executable, "-c", PROBE, path], env=full_env, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_every_variable_has_a_sentinel():
    assert set(SENTINELS) == set(VARIABLES), "add new variables to SENTINELS"


@pytest.mark.parametrize("name", sorted(SENTINELS))
def test_variable_reaches_its_setting(name):
    value, expected = SENTINELS[name]
    variable = VARIABLES[name]
    env = {name: value}
    if name == "SAMEN_DB_CONN_MAX_AGE":  # SQLite connections are never kept open
        env["DATABASE_URL"] = "postgres://u:p@localhost:5432/x"
    got = read_setting(variable.setting, env)
    if name == "SAMEN_SECRET_KEY":
        assert got == value
    elif name == "DATABASE_URL":
        assert got["HOST"] == "db.example.nl"
        assert got["PORT"] == 6543
        assert got["NAME"] == "samen_x"
        assert got["USER"] == "u"
    else:
        assert got == expected


def test_secure_defaults():
    assert read_setting("SESSION_COOKIE_SECURE", {}) is True
    assert read_setting("CSRF_COOKIE_SECURE", {}) is True
    assert read_setting("DEBUG", {}) is False
    assert read_setting("SESSION_COOKIE_HTTPONLY", {}) is True
    assert read_setting("SECURE_HSTS_SECONDS", {}) >= 31536000
    assert read_setting("OIDC_CREATE_USER", {}) is False  # unknown OIDC users are refused
    assert read_setting("OIDC_USE_PKCE", {}) is True
    assert read_setting("AXES_FAILURE_LIMIT", {}) == 5


def test_secret_key_is_generated_not_committed(tmp_path):
    first = read_setting("SECRET_KEY", {"SAMEN_VAR_DIR": str(tmp_path)})
    again = read_setting("SECRET_KEY", {"SAMEN_VAR_DIR": str(tmp_path)})
    other = read_setting("SECRET_KEY", {"SAMEN_VAR_DIR": str(tmp_path / "other")})
    assert first == again != other
    assert len(first) >= 50
    assert oct((tmp_path / "secret-key").stat().st_mode)[-3:] == "600"


def test_configuration_docs_are_current():
    from samen.core.management.commands.config_docs import render

    committed = (ROOT / "docs" / "configuratie.md").read_text()
    assert committed == render(), "run `.venv/bin/samen config-docs > docs/configuratie.md`"
