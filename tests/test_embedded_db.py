"""The embedded PostgreSQL survives crashes: kill -9, stale pid files, killed wrappers.

Every test works on its own data directory under /tmp (never var/pgdata), so
these tests run beside a developer's `make run`. One initdb per module keeps
them fast.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import fasteners
import psutil
import psycopg
import pytest

from studio import embedded_db

ROOT = Path(__file__).resolve().parent.parent


def _wait(predicate, timeout: float = 20.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


def _postmaster_pid(pgdata: Path) -> int:
    return int((pgdata / "postmaster.pid").read_text().split()[0])


def _kill9(pid: int, pgdata: Path) -> None:
    os.kill(pid, signal.SIGKILL)
    _wait(lambda: not embedded_db.is_running(pgdata), what="the postmaster to die")


def _query(pgdata: Path, sql: str = "SELECT 1", *before: str):
    config = embedded_db.database_settings(pgdata)
    with psycopg.connect(
        host=config["HOST"], port=config["PORT"], user=config["USER"], dbname=config["NAME"]
    ) as conn:
        for statement in before:
            conn.execute(statement)
        return conn.execute(sql).fetchone()[0]


def _new_pgdata(name: str = "pgdata") -> Path:
    # Under /tmp itself: pgserver runs postgres as the `pgserver` user when we
    # are root, and it must be able to reach the directory.
    base = Path(tempfile.mkdtemp(prefix="studio-edb-", dir="/tmp"))
    return base / name


def _remove(pgdata: Path) -> None:
    embedded_db.stop(pgdata)
    shutil.rmtree(pgdata.parent, ignore_errors=True)


@pytest.fixture(scope="module")
def pgdata():
    path = _new_pgdata()
    embedded_db.start(path)  # initdb once for the module
    yield path
    _remove(path)


@pytest.fixture
def running(pgdata):
    embedded_db.start(pgdata)
    assert embedded_db.is_running(pgdata)
    return pgdata


def _env(pgdata: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["EMBEDDED_PGDATA"] = str(pgdata)
    return env


def _cli(pgdata: Path, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "studio.embedded_db", *args],
        cwd=ROOT,
        env=_env(pgdata),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_start_status_query_stop(running):
    assert _query(running, "SELECT current_database()") == embedded_db.DB_NAME
    status = _cli(running, "status")
    assert status.returncode == 0 and status.stdout.startswith("running")

    assert embedded_db.stop(running) is True
    assert not embedded_db.is_running(running)
    assert not (running / "postmaster.pid").exists()
    status = _cli(running, "status")
    assert status.returncode == 3 and status.stdout.strip() == "not running"
    assert embedded_db.stop(running) is False


def test_data_survives_a_restart(running):
    _query(running, "SELECT 1", "DROP TABLE IF EXISTS keep", "CREATE TABLE keep AS SELECT 7 AS n")
    embedded_db.stop(running)
    embedded_db.start(running)
    assert _query(running, "SELECT max(n) FROM keep") == 7


def test_database_settings_reuses_the_running_server(running):
    """What the auto-reloader does on every reload: it must not restart the server."""
    pid = _postmaster_pid(running)
    first = embedded_db.database_settings(running)
    second = embedded_db.database_settings(running)
    assert first == second
    assert _postmaster_pid(running) == pid
    assert first["HOST"] == str(running)  # a short path: the socket sits in the data dir


def test_start_after_kill_9_of_the_postmaster(running):
    old = _postmaster_pid(running)
    _kill9(old, running)
    assert (running / "postmaster.pid").exists()  # left behind, naming a dead process

    embedded_db.start(running)

    assert embedded_db.is_running(running)
    assert _postmaster_pid(running) != old
    assert _query(running) == 1


def test_orphaned_backend_of_a_killed_postmaster_is_ended(running):
    """A backend that outlives its postmaster keeps shared memory busy; start ends it."""
    old = _postmaster_pid(running)
    child = psutil.Process(old).children()[0]
    child.suspend()  # it cannot notice that its postmaster died
    try:
        _kill9(old, running)
        embedded_db.start(running)
    finally:
        if child.is_running():
            child.resume()
    assert _query(running) == 1
    assert not child.is_running() or child.status() == psutil.STATUS_ZOMBIE


def test_postmaster_pid_naming_a_live_process_that_is_not_our_postgres_is_stale(running):
    embedded_db.stop(running)
    # Pids are reused after a crash: here the pid is alive (this test process).
    me = os.getpid()
    (running / "postmaster.pid").write_text(
        f"{me}\n{running}\n1700000000\n5432\n{running}\n\n  0 0\nready   \n"
    )
    (running / ".s.PGSQL.5432.lock").write_text(f"{me}\n{running}\n")
    assert not embedded_db.is_running(running)

    assert embedded_db.clean_stale_files(running) is True
    assert not (running / "postmaster.pid").exists()
    assert not (running / ".s.PGSQL.5432.lock").exists()

    (running / "postmaster.pid").write_text(f"{me}\n{running}\n")
    embedded_db.start(running)
    assert _postmaster_pid(running) != me
    assert _query(running) == 1


def test_a_postgres_serving_another_data_directory_is_not_ours(running):
    pid = _postmaster_pid(running)
    assert embedded_db._is_our_postgres(pid, running)
    assert not embedded_db._is_our_postgres(pid, running.parent / "other")
    assert not embedded_db._is_our_postgres(pid, running.parent / (running.name + "2"))


def test_clean_stale_files_leaves_a_running_server_alone(running):
    pid = _postmaster_pid(running)
    assert embedded_db.clean_stale_files(running) is False
    assert _postmaster_pid(running) == pid and embedded_db.is_running(running)


def test_truncated_handle_list_is_repaired(running):
    """pgserver rewrites .handle_pids.json in place; a kill -9 mid-write truncates it."""
    embedded_db.stop(running)
    (running / ".handle_pids.json").write_text("[12")
    embedded_db.start(running)
    assert json.loads((running / ".handle_pids.json").read_text()) == []
    assert _query(running) == 1


def test_pgserver_runtime_lock_is_released_by_a_killed_process(running):
    """pgserver serialises starts with a lock file under the runtime dir (/tmp/runtime-<uid>)."""
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import os, signal, sys, warnings; warnings.simplefilter('ignore');"
            "from pgserver.postgres_server import PostgresServer as S;"
            "S._lock.acquire(); print('locked', flush=True); os.kill(os.getpid(), signal.SIGKILL)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline().strip() == "locked"
    holder.wait(10)
    lock_path = embedded_db._pgserver().postgres_server.PostgresServer.lock_path
    lock = fasteners.InterProcessLock(lock_path)
    assert lock.acquire(timeout=5), "the killed process still holds pgserver's lock"
    lock.release()
    embedded_db.stop(running)
    embedded_db.start(running)  # would hang if the lock were still held
    assert _query(running) == 1


def test_killed_run_wrapper_leaves_the_server_to_the_next_run(running):
    """`make run` killed with kill -9 (its whole process group): the next run still works
    and stops the server it inherited when it ends."""
    embedded_db.stop(running)
    wrapper = subprocess.Popen(
        [sys.executable, "-m", "studio.embedded_db", "run", "--", "sleep", "60"],
        cwd=ROOT,
        env=_env(running),
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait(lambda: embedded_db.is_running(running), what="the wrapper to start the server")
        _wait(
            lambda: any(u["pid"] == wrapper.pid for u in embedded_db._users(running)),
            what="the wrapper to register",
        )
    finally:
        os.killpg(wrapper.pid, signal.SIGKILL)
        wrapper.wait(10)
    assert embedded_db.is_running(running)  # postgres runs in its own session

    result = _cli(running, "run", "--", sys.executable, "-c", "print('ran')")

    assert result.returncode == 0, result.stderr
    assert "ran" in result.stdout
    assert "Embedded PostgreSQL stopped." in result.stderr
    assert not embedded_db.is_running(running)
    assert embedded_db._users(running) == []


def test_run_keeps_the_server_while_another_run_uses_it(running):
    embedded_db.stop(running)
    first = subprocess.Popen(
        [sys.executable, "-m", "studio.embedded_db", "run", "--", "sleep", "60"],
        cwd=ROOT,
        env=_env(running),
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _wait(
            lambda: any(u["pid"] == first.pid for u in embedded_db._users(running)),
            what="the first run to register",
        )
        second = _cli(running, "run", "--", "true")
        assert second.returncode == 0
        assert "left running" in second.stderr
        assert embedded_db.is_running(running)
    finally:
        first.send_signal(signal.SIGTERM)  # passed on to `sleep`; then it cleans up
        first.wait(30)
    assert "Embedded PostgreSQL stopped." in first.stderr.read()
    assert not embedded_db.is_running(running)


def test_long_data_dir_puts_the_socket_in_the_runtime_dir_and_recovers_from_kill_9(pgdata):
    """Past ~100 characters a socket path is too long; pgserver then puts the socket
    and its lock under /tmp/runtime-<uid>/python_PostgresServer/<hash>."""
    path = _new_pgdata(name="p" * 100)
    socket_dir = path
    try:
        # A copy of the module's (stopped) cluster is much faster than initdb.
        embedded_db.stop(pgdata)
        subprocess.run(["cp", "-a", str(pgdata), str(path)], check=True)
        embedded_db.start(path)
        socket_dir = Path(embedded_db.database_settings(path)["HOST"])
        assert socket_dir != path
        assert (socket_dir / ".s.PGSQL.5432.lock").exists()

        _kill9(_postmaster_pid(path), path)
        embedded_db.start(path)

        assert embedded_db.is_running(path)
        assert _query(path) == 1
    finally:
        _remove(path)
        if socket_dir.parent == embedded_db._pgserver().postgres_server.PostgresServer.runtime_path:
            shutil.rmtree(socket_dir, ignore_errors=True)


def test_a_server_that_cannot_start_is_one_clear_error(pgdata):
    path = _new_pgdata()
    try:
        embedded_db.stop(pgdata)
        subprocess.run(["cp", "-a", str(pgdata), str(path)], check=True)
        with (path / "postgresql.conf").open("a") as conf:
            conf.write("this is = not valid =\n")

        with pytest.raises(embedded_db.EmbeddedDatabaseError) as error:
            embedded_db.start(path)

        message = str(error.value)
        assert "\n" not in message
        assert f"Embedded PostgreSQL in {path} did not start" in message
        assert "contains errors" in message  # quoted from the server's log
    finally:
        _remove(path)


def test_an_unusable_data_directory_is_one_clear_error():
    with pytest.raises(embedded_db.EmbeddedDatabaseError, match="cannot create /proc/nope/pgdata"):
        embedded_db.start(Path("/proc/nope/pgdata"))
