"""The embedded PostgreSQL a newcomer gets when DATABASE_URL is unset.

The server binaries come from the ``pgserver`` package; the data lives under
``var/pgdata``. Settings call :func:`database_settings`, which starts the
server when it is not running and leaves it running (so runserver's
auto-reloader never restarts it). ``python -m studio.embedded_db run -- CMD``
wraps a command: it starts the server, runs CMD, and stops the server again
if it started it, also on Ctrl-C.

A run killed with ``kill -9`` leaves ``postmaster.pid`` and socket lock files
behind; :func:`clean_stale_files` removes them when the process they name is
gone or is not our postgres, so the next start works.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PGDATA = Path(os.environ.get("EMBEDDED_PGDATA", BASE_DIR / "var" / "pgdata")).resolve()
DB_NAME = "studio"

logger = logging.getLogger("studio.embedded_db")


def _postmaster_pid_file(pgdata: Path) -> Path:
    return pgdata / "postmaster.pid"


def _read_postmaster(pgdata: Path) -> tuple[int, Path | None, int | None] | None:
    """(pid, socket dir, port) from postmaster.pid, or None when absent or unreadable."""
    try:
        lines = _postmaster_pid_file(pgdata).read_text().splitlines()
    except FileNotFoundError:
        return None
    try:
        pid = int(lines[0])
    except (IndexError, ValueError):
        return (0, None, None)
    socket_dir = Path(lines[4]) if len(lines) > 4 and lines[4].strip() else None
    port = int(lines[3]) if len(lines) > 3 and lines[3].strip().isdigit() else None
    return (pid, socket_dir, port)


def _is_our_postgres(pid: int, pgdata: Path) -> bool:
    """True when ``pid`` is a live postgres serving ``pgdata`` (pids get reused after a crash)."""
    import psutil

    if pid <= 0:
        return False
    try:
        proc = psutil.Process(pid)
        if proc.status() == psutil.STATUS_ZOMBIE:
            return False
        name = proc.name()
        cmdline = " ".join(proc.cmdline())
    except (psutil.NoSuchProcess, psutil.AccessDenied):
        return False
    return name == "postgres" and str(pgdata) in cmdline


def clean_stale_files(pgdata: Path = PGDATA) -> bool:
    """Remove postmaster.pid and socket locks left by a killed server. True if anything was removed."""
    info = _read_postmaster(pgdata)
    if info is None:
        return False
    pid, socket_dir, port = info
    if _is_our_postgres(pid, pgdata):
        return False
    _postmaster_pid_file(pgdata).unlink(missing_ok=True)
    if socket_dir is not None:
        suffix = str(port or 5432)
        for name in (f".s.PGSQL.{suffix}", f".s.PGSQL.{suffix}.lock"):
            (socket_dir / name).unlink(missing_ok=True)
    logger.warning("Removed stale postmaster.pid of process %s in %s", pid, pgdata)
    return True


def is_running(pgdata: Path = PGDATA) -> bool:
    info = _read_postmaster(pgdata)
    return info is not None and _is_our_postgres(info[0], pgdata)


def start(pgdata: Path = PGDATA):
    """Start (or attach to) the server and make sure the studio database exists."""
    import pgserver

    pgdata.mkdir(parents=True, exist_ok=True)
    clean_stale_files(pgdata)
    # cleanup_mode=None: this process never stops the server on exit; `stop()` does.
    server = pgserver.get_server(pgdata, cleanup_mode=None)
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DB_NAME}';")
    if "(1 row)" not in exists:
        server.psql(f"CREATE DATABASE {DB_NAME};")
    return server


def stop(pgdata: Path = PGDATA) -> bool:
    """Stop the server if it runs. True when it was running."""
    import pgserver
    from pgserver.postgres_server import PostgresServer

    if not is_running(pgdata):
        clean_stale_files(pgdata)
        return False
    user = "pgserver" if os.geteuid() == 0 else None
    try:
        pgserver.pg_ctl(["-w", "-m", "fast", "stop"], pgdata=pgdata, user=user, timeout=60)
    except subprocess.CalledProcessError:
        clean_stale_files(pgdata)
    PostgresServer._instances.pop(pgdata, None)
    return True


def database_settings(pgdata: Path = PGDATA) -> dict:
    """The DATABASES['default'] entry for the embedded server, starting it if needed."""
    info = _read_postmaster(pgdata)
    if info is None or not _is_our_postgres(info[0], pgdata) or info[1] is None:
        start(pgdata)
        info = _read_postmaster(pgdata)
    assert info is not None and info[1] is not None
    _, socket_dir, port = info
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": DB_NAME,
        "USER": "postgres",
        "PASSWORD": "",
        "HOST": str(socket_dir),
        "PORT": str(port or 5432),
        "CONN_MAX_AGE": 0,
    }


def run(command: list[str]) -> int:
    """Run ``command`` with the embedded server up; stop it afterwards if we started it."""
    uses_embedded = not os.environ.get("DATABASE_URL", "").strip()
    started_here = False
    if uses_embedded and not is_running():
        start()
        started_here = True
    proc = subprocess.Popen(command)
    try:
        while True:
            try:
                return proc.wait()
            except KeyboardInterrupt:
                # Ctrl-C reached the child too; wait for it to finish cleanly.
                continue
    finally:
        if started_here:
            stop()
            print("Embedded PostgreSQL stopped.", file=sys.stderr)


def main(argv: list[str]) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    if not argv or argv[0] in {"-h", "--help"}:
        print("usage: python -m studio.embedded_db {start|stop|status|run -- CMD...}")
        return 0
    action = argv[0]
    if action == "start":
        start()
        print(f"Embedded PostgreSQL running in {PGDATA}")
        return 0
    if action == "stop":
        print("stopped" if stop() else "not running")
        return 0
    if action == "status":
        running = is_running()
        print("running" if running else "not running")
        return 0 if running else 3
    if action == "run":
        command = argv[1:]
        if command and command[0] == "--":
            command = command[1:]
        if not command:
            print("run needs a command after --", file=sys.stderr)
            return 2
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
        return run(command)
    print(f"unknown action {action!r}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
