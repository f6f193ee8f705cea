"""Production mode: `check --deploy` is clean, and gunicorn + WhiteNoise serve the app.

The subprocesses use the database server of this test run (DATABASE_URL or the
embedded PostgreSQL), pointed at the test database.
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest

# The subprocesses use the test database, which exists only when a test asks for it.
pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
HOST = "studio.example.com"
SECRET_KEY = "x9Fk2-Lq7Wm4Zt8Rb1Vn6Hc3Jy0Pd5Gs2Ea7Uo4Ti9Mh1Nk6Xw3Qb8Cl5Rf0Yz"
SETTINGS_VARS = (
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "STUDIO_TIME_ZONE",
    "DATABASE_URL",
    "SECURE_SSL_REDIRECT",
    "STATIC_ROOT",
    "DJANGO_SETTINGS_MODULE",
)


def database_url(db: dict) -> str:
    """A DATABASE_URL naming the same server and database as ``db`` (a DATABASES entry)."""
    host = db["HOST"] or "localhost"
    if host.startswith("/"):
        host = quote(host, safe="")  # a socket directory
    user = quote(db["USER"] or "postgres", safe="")
    password = f":{quote(db['PASSWORD'], safe='')}" if db.get("PASSWORD") else ""
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{user}{password}@{host}{port}/{quote(db['NAME'], safe='')}"


@pytest.fixture
def production_env(django_db_setup, tmp_path) -> dict:
    from django.db import connection

    environ = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARS}
    # The browser tests' conftest sets this in os.environ for Playwright; a
    # deployment never has it (check --deploy reports async.E001).
    environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    environ.update(
        DEBUG="false",
        SECRET_KEY=SECRET_KEY,
        ALLOWED_HOSTS=HOST,
        DATABASE_URL=database_url(connection.settings_dict),  # the test database
        STATIC_ROOT=str(tmp_path / "staticfiles"),
    )
    return environ


def manage(environ: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_check_deploy_is_clean_in_production_mode(production_env):
    result = manage(production_env, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
    assert result.stderr == ""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(port: int, path: str, **headers: str) -> http.client.HTTPResponse:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", path, headers={"Host": HOST, **headers})
    response = conn.getresponse()
    response.read()
    conn.close()
    return response


def test_gunicorn_serves_the_app_and_its_static_files(production_env):
    collect = manage(production_env, "collectstatic", "--noinput")
    assert collect.returncode == 0, collect.stderr
    manifest = json.loads((Path(production_env["STATIC_ROOT"]) / "staticfiles.json").read_text())[
        "paths"
    ]

    port = _free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "studio.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
        ],
        cwd=ROOT,
        env=production_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, server.stdout.read()
            try:
                health = _get(port, "/healthz")
                break
            except OSError:
                assert time.monotonic() < deadline, "gunicorn did not answer"
                time.sleep(0.2)

        # The load balancer probes over plain HTTP: answered, not redirected.
        assert health.status == 200

        plain = _get(port, "/accounts/login/")
        assert plain.status == 301
        assert plain.getheader("Location") == f"https://{HOST}/accounts/login/"

        login = _get(port, "/accounts/login/", **{"X-Forwarded-Proto": "https"})
        assert login.status == 200
        assert "max-age=31536000" in login.getheader("Strict-Transport-Security")
        assert login.getheader("X-Content-Type-Options") == "nosniff"
        assert login.getheader("X-Frame-Options") == "DENY"

        hashed = manifest["admin/css/base.css"]
        static = _get(port, f"/static/{hashed}", **{"X-Forwarded-Proto": "https"})
        assert static.status == 200
        assert "immutable" in static.getheader("Cache-Control", "")

        assert _get(port, "/healthz", Host="evil.example.net").status == 400
    finally:
        server.terminate()
        server.wait(30)
