"""How long ``manage.py seed_demo`` takes on an empty database, per size.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/studio_seedtest \\
        .venv/bin/python -m bench.seed_timing 3000 100000

For each size it drops and recreates the database DATABASE_URL names (so
point it at a scratch database: everything in it is lost), migrates it, and
runs ``seed_demo --sessions N -v 2`` in a fresh process, printing the
command's own phase timings and the wall time. A measurement, not a test.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent


def recreate(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not name or name in {"postgres", "template0", "template1"}:
        raise SystemExit(f"refusing to drop {name!r}: point DATABASE_URL at a scratch database")
    with psycopg.connect(host=parts.hostname, port=parts.port, user=parts.username, password=parts.password,
                         dbname="postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')


def run(args: list[str]) -> float:
    started = time.monotonic()
    subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], check=True, cwd=ROOT)
    return time.monotonic() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[3000, 100000])
    options = parser.parse_args(argv)
    url = os.environ.get("DATABASE_URL")
    if not url:
        raise SystemExit("set DATABASE_URL to a scratch database (it is dropped and recreated)")
    results = []
    for size in options.sizes:
        recreate(url)
        run(["migrate", "-v0"])
        print(f"--- seed_demo --sessions {size}")
        results.append((size, run(["seed_demo", "--sessions", str(size), "-v", "2"])))
    print("\nsessions   wall time (includes Django start-up)")
    for size, seconds in results:
        print(f"{size:>8,}   {seconds:6.1f}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
