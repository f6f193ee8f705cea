"""The embedded PostgreSQL a newcomer gets when DATABASE_URL is unset.

The server binaries come from the ``pgserver`` package; the data lives under
``var/pgdata`` (or ``$EMBEDDED_PGDATA``). Settings call
:func:`database_settings`, which starts the server when it is not running and
leaves it running, so runserver's auto-reloader never restarts it.

``python -m studio.embedded_db run -- CMD`` wraps a command (``make run`` and
``make test`` use it): it starts the server, runs CMD, and stops the server
afterwards, also on Ctrl-C, unless another ``run`` is still using it. Each
``run`` registers itself in ``.<pgdata name>.users.json`` beside the data
directory, so a ``run`` killed with ``kill -9`` is noticed and the next one
takes over the server it left behind.

A server killed with ``kill -9`` leaves ``postmaster.pid``, socket lock files
and possibly orphaned backends behind; a process killed while pgserver wrote
``.handle_pids.json`` leaves it truncated. :func:`clean_stale_files` repairs
all of that before every start, so the next start works.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import signal
import subprocess
import sys
import time
import warnings
from collections.abc import Iterator
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PGDATA = Path(os.environ.get("EMBEDDED_PGDATA") or BASE_DIR / "var" / "pgdata").resolve()
DB_NAME = "studio"

logger = logging.getLogger("studio.embedded_db")


class EmbeddedDatabaseError(RuntimeError):
    """The embedded server could not be started; the message is one line."""


def _pgserver():
    """The pgserver package, imported quietly.

    On import pgserver asks platformdirs for a runtime directory (its
    inter-process lock lives there); without XDG_RUNTIME_DIR that warns and
    uses /tmp/runtime-<uid>, which is fine for us.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
        import pgserver
        import pgserver.postgres_server
    # On a failed start pgserver logs the whole server log as an error; our
    # EmbeddedDatabaseError names the log file and quotes its last lines.
    pg_logger = logging.getLogger("pgserver")
    if not pg_logger.handlers:
        pg_logger.addHandler(logging.NullHandler())
        pg_logger.propagate = False
    return pgserver


# --------------------------------------------------------------------------- files


def _postmaster_pid_file(pgdata: Path) -> Path:
    return pgdata / "postmaster.pid"


def _users_file(pgdata: Path) -> Path:
    return pgdata.parent / f".{pgdata.name}.users.json"


def _lock_file(pgdata: Path) -> Path:
    return pgdata.parent / f".{pgdata.name}.lock"


def _read_postmaster(pgdata: Path) -> tuple[int, Path | None, int | None] | None:
    """(pid, socket dir, port) from postmaster.pid, or None when absent.

    A file that is there but unreadable (a crash while it was written) gives pid 0.
    """
    try:
        lines = _postmaster_pid_file(pgdata).read_text().splitlines()
    except FileNotFoundError:
        return None
    except OSError:
        return (0, None, None)
    try:
        pid = int(lines[0])
    except (IndexError, ValueError):
        return (0, None, None)
    socket_dir = Path(lines[4].strip()) if len(lines) > 4 and lines[4].strip() else None
    port = int(lines[3]) if len(lines) > 3 and lines[3].strip().isdigit() else None
    return (pid, socket_dir, port)


def _postmaster_status(pgdata: Path) -> str:
    try:
        lines = _postmaster_pid_file(pgdata).read_text().splitlines()
    except OSError:
        return ""
    return lines[7].strip() if len(lines) > 7 else ""


_locks: dict[Path, tuple[int, int]] = {}


@contextlib.contextmanager
def _locked(pgdata: Path) -> Iterator[None]:
    """An exclusive inter-process lock for starting, stopping and registering users.

    Re-entrant within one process. The kernel drops it when the process dies,
    so a ``kill -9`` never leaves it held.
    """
    if pgdata in _locks:
        fd, depth = _locks[pgdata]
        _locks[pgdata] = (fd, depth + 1)
        try:
            yield
        finally:
            fd, depth = _locks[pgdata]
            _locks[pgdata] = (fd, depth - 1)
        return
    pgdata.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(_lock_file(pgdata), os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        _locks[pgdata] = (fd, 1)
        try:
            yield
        finally:
            del _locks[pgdata]
    finally:
        os.close(fd)  # closing drops the flock


# --------------------------------------------------------------------------- processes


def _same_path(a: str | Path, b: Path) -> bool:
    try:
        return Path(a).resolve() == b
    except (OSError, ValueError):
        return False


def _is_our_postgres(pid: int, pgdata: Path) -> bool:
    """True when ``pid`` is a live postmaster serving ``pgdata``.

    Pids are reused after a crash, so a live pid is not enough: a zombie, a
    process of another program (even our own pid) or a postgres serving
    another data directory all count as "not ours".
    """
    import psutil

    if pid <= 0:
        return False
    try:
        proc = psutil.Process(pid)
        if proc.status() == psutil.STATUS_ZOMBIE or proc.name() != "postgres":
            return False
        args = proc.cmdline()
    except (psutil.NoSuchProcess, psutil.AccessDenied):
        return False
    # pgserver always starts the postmaster as `postgres -D <pgdata> ...`.
    return any(
        flag == "-D" and _same_path(value, pgdata)
        for flag, value in zip(args, args[1:], strict=False)
    )


def _orphans(pgdata: Path) -> list:
    """Postgres processes still working in ``pgdata`` (backends of a killed postmaster)."""
    import psutil

    found = []
    for proc in psutil.process_iter(["name"]):
        if proc.info["name"] != "postgres":
            continue
        with contextlib.suppress(psutil.Error, OSError):
            if proc.status() != psutil.STATUS_ZOMBIE and _same_path(proc.cwd(), pgdata):
                found.append(proc)
    return found


def _wait_gone(procs: list, timeout: float) -> list:
    """Wait until ``procs`` have exited; the ones still alive after ``timeout``.

    A zombie counts as gone: where nobody reaps orphans (a container whose
    pid 1 is not an init), a dead postgres stays a zombie forever.
    """
    import psutil

    deadline = time.monotonic() + timeout
    while True:
        alive = []
        for proc in procs:
            with contextlib.suppress(psutil.Error):
                if proc.is_running() and proc.status() != psutil.STATUS_ZOMBIE:
                    alive.append(proc)
        if not alive or time.monotonic() > deadline:
            return alive
        time.sleep(0.05)


def _end_orphans(pgdata: Path) -> None:
    """Backends outliving their postmaster keep its shared memory busy; end them."""
    import psutil

    procs = _orphans(pgdata)
    if not procs:
        return
    logger.warning("Ending %d orphaned postgres processes of %s", len(procs), pgdata)
    for sig in (signal.SIGQUIT, signal.SIGKILL):
        for proc in procs:
            with contextlib.suppress(psutil.Error):
                proc.send_signal(sig)
                proc.send_signal(signal.SIGCONT)  # a stopped process must run to quit
        procs = _wait_gone(procs, timeout=3)
        if not procs:
            return


def _repair_handle_list(pgdata: Path) -> bool:
    """Keep pgserver's ``.handle_pids.json`` parseable and free of dead pids."""
    import psutil

    path = pgdata / ".handle_pids.json"
    try:
        raw = path.read_text()
    except FileNotFoundError:
        return False
    try:
        pids = json.loads(raw)
        if not isinstance(pids, list) or not all(isinstance(p, int) for p in pids):
            raise ValueError(raw)
    except ValueError:
        path.write_text("[]")
        logger.warning("Repaired unreadable %s", path)
        return True
    live = [p for p in pids if psutil.pid_exists(p)]
    if live != pids:
        path.write_text(json.dumps(live))
        return True
    return False


def clean_stale_files(pgdata: Path = PGDATA) -> bool:
    """Repair what a killed server or process left behind. True if anything was removed.

    Leaves everything alone while a postmaster serving ``pgdata`` is alive.
    """
    pgdata = Path(pgdata).resolve()
    changed = _repair_handle_list(pgdata)
    info = _read_postmaster(pgdata)
    if info is not None and _is_our_postgres(info[0], pgdata):
        return changed
    _end_orphans(pgdata)
    socket_dirs = {pgdata}
    port = 5432
    if info is not None:
        pid, socket_dir, port = info[0], info[1], info[2] or 5432
        if socket_dir is not None:
            socket_dirs.add(socket_dir)
        _postmaster_pid_file(pgdata).unlink(missing_ok=True)
        logger.warning("Removed stale postmaster.pid (process %s) in %s", pid, pgdata)
        changed = True
    for directory in socket_dirs:
        lock = directory / f".s.PGSQL.{port}.lock"
        if lock.exists():
            try:
                lock_pid = int(lock.read_text().splitlines()[0])
            except (OSError, IndexError, ValueError):
                lock_pid = 0
            if not _is_our_postgres(lock_pid, pgdata):
                lock.unlink(missing_ok=True)
                (directory / f".s.PGSQL.{port}").unlink(missing_ok=True)
                changed = True
    return changed


def is_running(pgdata: Path = PGDATA) -> bool:
    info = _read_postmaster(Path(pgdata).resolve())
    return info is not None and _is_our_postgres(info[0], Path(pgdata).resolve())


def _wait_ready(pgdata: Path, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if is_running(pgdata) and _postmaster_status(pgdata) == "ready":
            return True
        if not is_running(pgdata) and _read_postmaster(pgdata) is None:
            return False
        time.sleep(0.2)
    return False


def _log_tail(pgdata: Path, lines: int = 3) -> str:
    try:
        tail = (pgdata / "log").read_text(errors="replace").strip().splitlines()[-lines:]
    except OSError:
        return ""
    return " | ".join(line.strip() for line in tail)


# --------------------------------------------------------------------------- start / stop


def _get_server(pgdata: Path):
    import atexit

    pgserver = _pgserver()
    PostgresServer = pgserver.postgres_server.PostgresServer

    # A handle cached by an earlier call may describe a server that has since
    # been stopped or killed: always build a fresh one.
    PostgresServer._instances.pop(pgdata, None)
    # cleanup_mode=None: no process stops the server on exit; `stop()` does.
    server = pgserver.get_server(pgdata, cleanup_mode=None)
    # We manage the server's lifetime ourselves, so keep no handle bookkeeping:
    # a handle left in .handle_pids.json by a killed process is only clutter.
    atexit.unregister(server._cleanup)
    server.global_process_id_list.get_and_remove(os.getpid())
    PostgresServer._instances.pop(pgdata, None)
    return server


def start(pgdata: Path = PGDATA):
    """Start (or attach to) the server and make sure the studio database exists."""
    pgdata = Path(pgdata).resolve()
    try:
        pgdata.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise EmbeddedDatabaseError(
            f"Embedded PostgreSQL: cannot create {pgdata} ({exc.strerror}). "
            "Set EMBEDDED_PGDATA to a writable directory or DATABASE_URL to use another server."
        ) from exc
    with _locked(pgdata):
        clean_stale_files(pgdata)
        server = None
        for attempt in (1, 2):
            try:
                server = _get_server(pgdata)
                break
            except (subprocess.SubprocessError, AssertionError, OSError) as exc:
                if attempt == 2:
                    raise EmbeddedDatabaseError(
                        f"Embedded PostgreSQL in {pgdata} did not start ({type(exc).__name__}); "
                        f"the end of {pgdata / 'log'}: {_log_tail(pgdata) or 'nothing'}. "
                        "Set DATABASE_URL to use another server."
                    ) from exc
                # A server may still be recovering after a crash, or a process
                # of the killed one was still holding on: wait, clean, retry.
                _wait_ready(pgdata, timeout=60)
                clean_stale_files(pgdata)
        exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DB_NAME}';")
        if "(1 row)" not in exists:
            server.psql(f"CREATE DATABASE {DB_NAME};")
        return server


def _other_connections(pgdata: Path) -> int:
    """Client connections to the server other than this check's own."""
    import psycopg

    info = _read_postmaster(pgdata)
    if info is None or info[1] is None:
        return 0
    try:
        with psycopg.connect(
            host=str(info[1]),
            port=info[2] or 5432,
            user="postgres",
            dbname="postgres",
            connect_timeout=5,
        ) as conn:
            row = conn.execute(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()"
            ).fetchone()
    except psycopg.Error:
        return 0
    return int(row[0]) if row else 0


def stop(pgdata: Path = PGDATA) -> bool:
    """Stop the server if it runs. True when it was running."""
    import psutil

    pgserver = _pgserver()

    pgdata = Path(pgdata).resolve()
    with _locked(pgdata):
        info = _read_postmaster(pgdata)
        if info is None or not _is_our_postgres(info[0], pgdata):
            clean_stale_files(pgdata)
            return False
        user = "pgserver" if os.geteuid() == 0 else None
        try:
            pgserver.pg_ctl(["-w", "-m", "fast", "stop"], pgdata=pgdata, user=user, timeout=60)
        except (subprocess.SubprocessError, OSError):
            with contextlib.suppress(psutil.Error):
                proc = psutil.Process(info[0])
                proc.send_signal(signal.SIGQUIT)  # immediate shutdown
                _wait_gone([proc], timeout=10)
        clean_stale_files(pgdata)
        return True


def database_settings(pgdata: Path = PGDATA) -> dict:
    """The DATABASES['default'] entry for the embedded server, starting it if needed.

    When the server is already up this only reads postmaster.pid, so the
    auto-reloader's restarts of runserver never touch the server.
    """
    pgdata = Path(pgdata).resolve()
    info = _read_postmaster(pgdata)
    if (
        info is None
        or info[1] is None
        or not _is_our_postgres(info[0], pgdata)
        or _postmaster_status(pgdata) != "ready"
    ):
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


# --------------------------------------------------------------------------- run -- CMD


def _me() -> dict:
    import psutil

    return {"pid": os.getpid(), "started": psutil.Process().create_time()}


def _alive(user: dict) -> bool:
    import psutil

    try:
        return abs(psutil.Process(int(user["pid"])).create_time() - float(user["started"])) < 0.01
    except (psutil.Error, KeyError, TypeError, ValueError):
        return False


def _users(pgdata: Path) -> list[dict]:
    """The live ``run`` commands using the server (dead ones are dropped)."""
    try:
        users = json.loads(_users_file(pgdata).read_text())
    except (OSError, ValueError):
        return []
    return (
        [u for u in users if isinstance(u, dict) and _alive(u)] if isinstance(users, list) else []
    )


def _write_users(pgdata: Path, users: list[dict]) -> None:
    path = _users_file(pgdata)
    tmp = path.with_name(path.name + f".{os.getpid()}")
    tmp.write_text(json.dumps(users))
    os.replace(tmp, path)  # atomic: a kill -9 never leaves half a file


def _release(pgdata: Path) -> str | None:
    """Unregister this process; stop the server when nobody else uses it."""
    with _locked(pgdata):
        me = _me()
        others = [u for u in _users(pgdata) if u["pid"] != me["pid"]]
        _write_users(pgdata, others)
        if others:
            return f"Embedded PostgreSQL left running: {len(others)} other command(s) use it."
        if not is_running(pgdata):
            return None
        # Connections of the command that just ended take a moment to close.
        deadline = time.monotonic() + 3
        while (busy := _other_connections(pgdata)) and time.monotonic() < deadline:
            time.sleep(0.2)
        if busy:
            return (
                f"Embedded PostgreSQL left running: {busy} other connection(s) use it "
                "(python -m studio.embedded_db stop stops it)."
            )
        stop(pgdata)
        return "Embedded PostgreSQL stopped."


def run(command: list[str], pgdata: Path = PGDATA) -> int:
    """Run ``command`` with the embedded server up; stop it afterwards unless still in use.

    Ctrl-C reaches the command directly (same process group); this process
    waits for it to finish and then cleans up. SIGTERM/SIGHUP are passed on.
    """
    pgdata = Path(pgdata).resolve()
    uses_embedded = not os.environ.get("DATABASE_URL", "").strip()
    proc: subprocess.Popen | None = None
    interrupted: list[float] = []

    def forward(signum, _frame):
        if proc is not None and proc.poll() is None:
            proc.send_signal(signum)

    def on_interrupt(_signum, _frame):
        interrupted.append(time.monotonic())

    signal.signal(signal.SIGTERM, forward)
    signal.signal(signal.SIGHUP, forward)
    signal.signal(signal.SIGINT, on_interrupt)
    registered = False
    try:
        if uses_embedded:
            with _locked(pgdata):
                users = [u for u in _users(pgdata) if u["pid"] != os.getpid()]
                _write_users(pgdata, [*users, _me()])
                registered = True
                if not is_running(pgdata):
                    start(pgdata)
        proc = subprocess.Popen(command)
        while True:
            try:
                code = proc.wait(timeout=0.5)
                return 128 - code if code < 0 else code  # killed by a signal: 128 + signum
            except subprocess.TimeoutExpired:
                # Ctrl-C in a terminal reaches the command itself; a SIGINT sent
                # to this process alone is passed on after a grace period.
                if interrupted and time.monotonic() - interrupted[0] > 5:
                    proc.terminate()
                    interrupted.clear()
    finally:
        if registered:
            message = _release(pgdata)
            if message:
                print(message, file=sys.stderr)


def main(argv: list[str]) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    if not argv or argv[0] in {"-h", "--help"}:
        print("usage: python -m studio.embedded_db {start|stop|status|run -- CMD...}")
        return 0
    action = argv[0]
    try:
        if action == "start":
            start()
            print(f"Embedded PostgreSQL running in {PGDATA}")
            return 0
        if action == "stop":
            print("stopped" if stop() else "not running")
            return 0
        if action == "status":
            running = is_running()
            info = _read_postmaster(PGDATA)
            if running and info:
                print(f"running (pid {info[0]}, socket {info[1]}, data {PGDATA})")
            else:
                print("not running")
            return 0 if running else 3
        if action == "run":
            command = argv[1:]
            if command and command[0] == "--":
                command = command[1:]
            if not command:
                print("run needs a command after --", file=sys.stderr)
                return 2
            return run(command)
    except EmbeddedDatabaseError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"unknown action {action!r}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
