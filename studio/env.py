"""Reading settings from the environment.

Every problem is raised as ``EnvError`` whose message is one line naming the
variable, so ``manage.py`` and the WSGI entry point can print it and stop
instead of showing a traceback.
"""

from __future__ import annotations

import os
import zoneinfo

from django.core.exceptions import ImproperlyConfigured

TRUE = {"1", "true", "yes", "on"}
FALSE = {"0", "false", "no", "off", ""}


class EnvError(ImproperlyConfigured):
    pass


def get_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def get_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    raise EnvError(f"{name}={raw!r} is not a boolean: use one of true/false, 1/0, yes/no, on/off.")


def get_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    items = [item.strip() for item in raw.split(",") if item.strip()]
    if not items:
        raise EnvError(f"{name} is set but empty: give a comma-separated list of host names.")
    return items


def get_time_zone(name: str, default: str) -> str:
    value = get_str(name, default) or default
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise EnvError(
            f"{name}={value!r} is not a known time zone: use an IANA name such as America/Chicago."
        ) from None
    return value


def redact_url(raw: str) -> str:
    """``raw`` with any password replaced by ``***``, for error messages."""
    scheme, sep, rest = raw.partition("://")
    if not sep:
        return raw
    userinfo, at, hostpart = rest.rpartition("@")
    if not at or ":" not in userinfo:
        return raw
    user = userinfo.split(":", 1)[0]
    return f"{scheme}://{user}:***@{hostpart}"


def get_database(name: str, *, required: bool = False) -> dict | None:
    """The DATABASES entry for ``name``, or None when it is unset (unless ``required``)."""
    import dj_database_url

    raw = get_str(name)
    if not raw:
        if required:
            raise EnvError(
                f"{name} is not set: production (DEBUG=false) needs a PostgreSQL server, "
                "e.g. postgres://user:password@host:5432/studio."
            )
        return None
    shown = redact_url(raw)
    if not raw.startswith(("postgres://", "postgresql://", "pgsql://")):
        raise EnvError(
            f"{name}={shown!r} is not a PostgreSQL URL: use postgres://user:password@host:port/dbname."
        )
    try:
        config = dj_database_url.parse(raw, conn_max_age=60, conn_health_checks=True)
        port = config.get("PORT")
        if port not in ("", None) and not 0 < int(port) < 65536:
            raise ValueError(port)
    except ValueError:
        raise EnvError(
            f"{name}={shown!r} is not a valid URL: check the port and percent-encode "
            "special characters in the password."
        ) from None
    if not config.get("NAME"):
        raise EnvError(f"{name}={shown!r} names no database: add /dbname at the end.")
    return config


def get_secret_key(name: str, *, debug: bool) -> str:
    value = get_str(name)
    if value:
        if not debug and (len(value) < 50 or len(set(value)) < 5):
            raise EnvError(f"{name} is too weak for production: use at least 50 random characters.")
        return value
    if debug:
        # Development only: a fixed key keeps sessions valid across restarts.
        return "django-insecure-development-key-do-not-use-in-production-0123456789"
    raise EnvError(f"{name} is not set: production (DEBUG=false) needs a secret key of 50+ random characters.")
