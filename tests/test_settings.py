"""Settings come from the environment; a bad value stops start-up with one clear line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from studio import env

ROOT = Path(__file__).resolve().parent.parent
STRONG_KEY = "k7Hq2-Vn9xPz4Lr8Tb1Yw6Cs3Fm0Jd5Ge2Ua7Qo4Xi9Nh1Rk6Wv3Zb8Ly5Pt0Ms"
# Parseable, never connected to: every failing case stops before the database.
UNUSED_DB = "postgres://postgres@127.0.0.1:1/unused"

SETTINGS_VARS = (
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "STUDIO_TIME_ZONE",
    "DATABASE_URL",
    "SECURE_SSL_REDIRECT",
    "STATIC_ROOT",
)


def run_python(args: list[str], **overrides: str) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARS}
    environ.pop("DJANGO_SETTINGS_MODULE", None)
    environ.update(overrides)
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=environ, capture_output=True, text=True, timeout=120
    )


def manage(*args: str, **overrides: str) -> subprocess.CompletedProcess:
    return run_python(["manage.py", *args], **overrides)


BAD_VALUES = [
    pytest.param({"DEBUG": "maybe"}, "DEBUG='maybe' is not a boolean", id="debug"),
    pytest.param(
        {"DEBUG": "false", "ALLOWED_HOSTS": "studio.example.com"},
        "SECRET_KEY is not set",
        id="secret-key-missing",
    ),
    pytest.param(
        {"DEBUG": "false", "SECRET_KEY": "short", "ALLOWED_HOSTS": "studio.example.com"},
        "SECRET_KEY is too weak",
        id="secret-key-weak",
    ),
    pytest.param({"ALLOWED_HOSTS": " , "}, "ALLOWED_HOSTS is set but empty", id="allowed-hosts"),
    pytest.param(
        {"STUDIO_TIME_ZONE": "Mars/Olympus"},
        "STUDIO_TIME_ZONE='Mars/Olympus' is not a known time zone",
        id="time-zone",
    ),
    pytest.param(
        {"DATABASE_URL": "mysql://studio@db/studio"},
        "DATABASE_URL='mysql://studio@db/studio' is not a PostgreSQL URL",
        id="database-url-scheme",
    ),
    pytest.param(
        {"DATABASE_URL": "postgres://studio@db:5432"},
        "DATABASE_URL='postgres://studio@db:5432' names no database",
        id="database-url-no-name",
    ),
    pytest.param(
        {"DATABASE_URL": "postgres://studio@db:port/studio"},
        "DATABASE_URL='postgres://studio@db:port/studio' is not a valid URL",
        id="database-url-port",
    ),
    pytest.param(
        {
            "DEBUG": "false",
            "SECRET_KEY": STRONG_KEY,
            "ALLOWED_HOSTS": "studio.example.com",
            "DATABASE_URL": "",
        },
        "DATABASE_URL is not set: production (DEBUG=false) needs a PostgreSQL server",
        id="production-without-database-url",
    ),
    pytest.param(
        {
            "DEBUG": "false",
            "SECRET_KEY": STRONG_KEY,
            "ALLOWED_HOSTS": "studio.example.com",
            "SECURE_SSL_REDIRECT": "perhaps",
        },
        "SECURE_SSL_REDIRECT='perhaps' is not a boolean",
        id="ssl-redirect",
    ),
]


@pytest.mark.parametrize(("values", "message"), BAD_VALUES)
def test_bad_value_stops_manage_py_with_one_line(values, message):
    result = manage("check", **{"DATABASE_URL": UNUSED_DB, **values})

    assert result.returncode == 2, result.stderr
    assert result.stderr.splitlines() == [result.stderr.strip()], result.stderr  # one line
    assert result.stderr.startswith(f"Configuration error: {message}")
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_database_url_password_is_not_shown():
    result = manage("check", DATABASE_URL="mysql://studio:s3cret-pass@db/studio")
    assert result.returncode == 2
    assert "s3cret-pass" not in result.stderr
    assert "mysql://studio:***@db/studio" in result.stderr


@pytest.mark.parametrize("command", [["shell", "-c", "print('ran')"], ["help"], ["migrate"]])
def test_every_command_stops_on_a_bad_value(command):
    """Django alone would run `shell` and `help` half-configured."""
    result = manage(*command, DEBUG="maybe", DATABASE_URL=UNUSED_DB)
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "Configuration error: DEBUG='maybe' is not a boolean: use one of true/false, 1/0, yes/no, on/off."
    )
    assert "ran" not in result.stdout


def test_wsgi_entry_point_stops_with_one_line():
    result = run_python(
        ["-c", "import studio.wsgi"], STUDIO_TIME_ZONE="Nowhere", DATABASE_URL=UNUSED_DB
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "Configuration error: STUDIO_TIME_ZONE='Nowhere' is not a known time zone: "
        "use an IANA name such as America/Chicago."
    ]


def test_good_values_are_used():
    script = (
        "import django, json; django.setup(); from django.conf import settings as s;"
        "print(json.dumps([s.DEBUG, s.ALLOWED_HOSTS, s.TIME_ZONE, s.DATABASES['default']['NAME'],"
        " s.DATABASES['default']['HOST'], s.DATABASES['default']['PORT']]))"
    )
    result = run_python(
        ["-c", script],
        DJANGO_SETTINGS_MODULE="studio.settings",
        DEBUG="off",
        SECRET_KEY=STRONG_KEY,
        ALLOWED_HOSTS="studio.example.com, .example.org",
        STUDIO_TIME_ZONE="Europe/Berlin",
        DATABASE_URL="postgres://studio:pw@db.internal:6543/bookings",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        '[false, ["studio.example.com", ".example.org"], "Europe/Berlin", "bookings", '
        '"db.internal", 6543]'
    )


# --- the readers themselves, in process -------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1", True),
        ("true", True),
        (" Yes ", True),
        ("ON", True),
        ("0", False),
        ("false", False),
        ("no", False),
        ("off", False),
        ("", False),
    ],
)
def test_get_bool(monkeypatch, raw, expected):
    monkeypatch.setenv("FLAG", raw)
    assert env.get_bool("FLAG", not expected) is expected


def test_get_bool_default(monkeypatch):
    monkeypatch.delenv("FLAG", raising=False)
    assert env.get_bool("FLAG", True) is True


def test_get_list(monkeypatch):
    monkeypatch.setenv("HOSTS", " a.example.com,b.example.com ,, ")
    assert env.get_list("HOSTS", []) == ["a.example.com", "b.example.com"]
    monkeypatch.delenv("HOSTS")
    assert env.get_list("HOSTS", ["x"]) == ["x"]


def test_time_zone_default(monkeypatch):
    monkeypatch.delenv("TZNAME", raising=False)
    assert env.get_time_zone("TZNAME", "America/Chicago") == "America/Chicago"


def test_get_database_unset(monkeypatch):
    monkeypatch.delenv("DB_URL", raising=False)
    assert env.get_database("DB_URL") is None
    with pytest.raises(env.EnvError, match="DB_URL is not set"):
        env.get_database("DB_URL", required=True)


def test_get_database_socket_host(monkeypatch):
    monkeypatch.setenv("DB_URL", "postgres://postgres@%2Fvar%2Frun%2Fpostgresql/studio")
    config = env.get_database("DB_URL")
    assert config["HOST"] == "/var/run/postgresql"
    assert config["NAME"] == "studio"


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("postgres://u:secret@h:5432/db", "postgres://u:***@h:5432/db"),
        ("postgres://u:p@ss:w@rd@h/db", "postgres://u:***@h/db"),
        ("postgres://u@h/db", "postgres://u@h/db"),
        ("not a url", "not a url"),
    ],
)
def test_redact_url(raw, shown):
    assert env.redact_url(raw) == shown


def test_secret_key(monkeypatch):
    monkeypatch.delenv("KEY", raising=False)
    assert env.get_secret_key("KEY", debug=True).startswith("django-insecure-")
    monkeypatch.setenv("KEY", "a" * 60)
    with pytest.raises(env.EnvError, match="too weak"):
        env.get_secret_key("KEY", debug=False)
    monkeypatch.setenv("KEY", STRONG_KEY)
    assert env.get_secret_key("KEY", debug=False) == STRONG_KEY
