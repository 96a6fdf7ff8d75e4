"""What the production guide (docs/productie.md) relies on, beyond "each variable reaches the
setting it names" (test_settings.py): the documented defaults hold when nothing is set,
SAMEN_HTTPS switches every protection it documents, SAMEN_VAR_DIR moves the defaults derived from
it, and a malformed value stops the start instead of being read as something else."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from samen.conf.env import VARIABLES

PROBE = """
import json, os, sys
os.environ["DJANGO_SETTINGS_MODULE"] = "samen.conf.settings"
from django.conf import settings
out = {}
for path in sys.argv[1:]:
    value = settings
    for part in path.split("."):
        value = value[part] if isinstance(value, dict) else getattr(value, part, None)
    out[path] = value
print(json.dumps(out, default=str))
"""


def settings_with(env: dict[str, str], *paths: str, cwd: Path) -> dict:
    full_env = {k: v for k, v in os.environ.items() if k not in VARIABLES}
    full_env.update(env)
    out = subprocess.run(
        [sys.executable, "-c", PROBE, *paths],
        env=full_env,
        cwd=cwd,
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_documented_defaults_hold_when_nothing_is_set(tmp_path):
    got = settings_with(
        {},
        "VAR_DIR",
        "DEBUG",
        "ALLOWED_HOSTS",
        "DATABASES.default.ENGINE",
        "DATABASES.default.NAME",
        "STATIC_ROOT",
        "SESSION_COOKIE_SECURE",
        "CSRF_TRUSTED_ORIGINS",
        "TASKS.default.BACKEND",
        "LOGGING.root.level",
        cwd=tmp_path,
    )
    var = tmp_path.resolve() / "var"
    assert got == {
        "VAR_DIR": str(var),  # <working directory>/var
        "DEBUG": False,
        "ALLOWED_HOSTS": ["127.0.0.1", "localhost", "testserver"],
        "DATABASES.default.ENGINE": "django.db.backends.sqlite3",
        "DATABASES.default.NAME": str(var / "samen.sqlite3"),
        "STATIC_ROOT": str(var / "static"),
        "SESSION_COOKIE_SECURE": True,
        "CSRF_TRUSTED_ORIGINS": [],
        "TASKS.default.BACKEND": "django_tasks_db.DatabaseBackend",
        "LOGGING.root.level": "INFO",
    }
    # The generated development key lives in SAMEN_VAR_DIR.
    assert (var / "secret-key").exists()


def test_connection_age_default_applies_to_postgresql_only(tmp_path):
    postgres = settings_with(
        {"DATABASE_URL": "postgres://u:p@127.0.0.1:5432/samen"},
        "DATABASES.default.CONN_MAX_AGE",
        cwd=tmp_path,
    )
    sqlite = settings_with(
        {"SAMEN_DB_CONN_MAX_AGE": "600"}, "DATABASES.default.CONN_MAX_AGE", cwd=tmp_path
    )
    assert postgres["DATABASES.default.CONN_MAX_AGE"] == 60
    assert sqlite["DATABASES.default.CONN_MAX_AGE"] == 0


def test_var_dir_moves_every_default_derived_from_it(tmp_path):
    var = tmp_path / "elders"
    got = settings_with(
        {"SAMEN_VAR_DIR": str(var)},
        "VAR_DIR",
        "STATIC_ROOT",
        "DATABASES.default.NAME",
        cwd=tmp_path,
    )
    assert got == {
        "VAR_DIR": str(var),
        "STATIC_ROOT": str(var / "static"),
        "DATABASES.default.NAME": str(var / "samen.sqlite3"),
    }
    # ... unless SAMEN_STATIC_ROOT and DATABASE_URL say otherwise.
    got = settings_with(
        {
            "SAMEN_VAR_DIR": str(var),
            "SAMEN_STATIC_ROOT": str(tmp_path / "static"),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        },
        "STATIC_ROOT",
        "DATABASES.default.NAME",
        cwd=tmp_path,
    )
    assert got == {
        "STATIC_ROOT": str(tmp_path / "static"),
        "DATABASES.default.NAME": str(tmp_path / "db.sqlite3"),
    }


HTTPS_SETTINGS = (
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_PROXY_SSL_HEADER",
)


def test_https_switches_cookies_hsts_and_the_proxy_header(tmp_path):
    on = settings_with({"SAMEN_HTTPS": "true"}, *HTTPS_SETTINGS, cwd=tmp_path)
    off = settings_with({"SAMEN_HTTPS": "false"}, *HTTPS_SETTINGS, cwd=tmp_path)
    assert on == {
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
    }
    assert off == {
        "SESSION_COOKIE_SECURE": False,
        "CSRF_COOKIE_SECURE": False,
        "SECURE_HSTS_SECONDS": 0,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": False,
        "SECURE_PROXY_SSL_HEADER": None,
    }


def test_a_malformed_value_stops_the_start(tmp_path):
    for name, value in (
        ("SAMEN_HTTPS", "misschien"),
        ("SAMEN_DEBUG", "2"),
        ("SAMEN_DB_CONN_MAX_AGE", "een minuut"),
    ):
        env = {k: v for k, v in os.environ.items() if k not in VARIABLES}
        env[name] = value
        out = subprocess.run(
            [sys.executable, "-c", PROBE, "DEBUG"],
            env=env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
        )
        assert out.returncode != 0, f"{name}={value!r} was accepted"
        assert "ValueError" in out.stderr
