"""How many queries and how much time each calendar page and feed takes, on a big studio.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/studio_bench100k \\
        .venv/bin/python -m bench --sessions 100000

Creates the database if the server lacks it, migrates it, and tops it up to
``--sessions`` sessions with ``manage.py seed_demo`` (reused as is when it
already has that many). Then, for each scenario (month, week, work week and
day of /calendar/, day and week grouped by person, week grouped by resource,
/calendar/me/, a staff and a resource calendar, the staff and resource
feeds), it renders the page through Django's test client as a logged-in user
and reports:

- queries: the number of SQL queries (must not grow with the data);
- items: how many events the page showed;
- ms: the median wall time of ``--repeat`` renders;
- x base: that time as a multiple of the baseline measured in the same run,
  the /healthz probe (one ``SELECT 1``) through the same client. Absolute
  times depend on the machine; the ratios compare runs on different ones.

Nothing here asserts a time: it is a measurement, not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Result:
    name: str
    path: str
    queries: int
    items: int
    ms: float
    ratio: float = 0.0
    bytes: int = 0


def _setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "studio.settings")
    import django

    django.setup()


def _ensure_database() -> None:
    """CREATE DATABASE when the server does not have the one DATABASE_URL names."""
    import psycopg
    from django.db import connection

    try:
        connection.ensure_connection()
        return
    except Exception as exc:  # the database may simply not exist yet
        if "does not exist" not in str(exc):
            raise
    settings = connection.settings_dict
    name = settings["NAME"]
    with psycopg.connect(
        host=settings.get("HOST") or None, port=settings.get("PORT") or None,
        user=settings.get("USER") or None, password=settings.get("PASSWORD") or None,
        dbname="postgres", autocommit=True,
    ) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    print(f"created database {name}")


def prepare(sessions: int, *, seed: bool = True) -> int:
    from django.core.management import call_command

    from sessions.models import Session

    _ensure_database()
    call_command("migrate", verbosity=0)
    have = Session.objects.count()
    if seed and have < sessions:
        print(f"seeding: {have} sessions, {sessions} wanted (manage.py seed_demo) …", flush=True)
        started = time.monotonic()
        call_command("seed_demo", sessions=sessions, verbosity=1)
        print(f"seeded in {time.monotonic() - started:.0f}s", flush=True)
    return Session.objects.count()


def _measure(client, path: str, repeat: int) -> tuple[int, float, str]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    response = client.get(path)  # warm up: caches, first-visit rows
    if response.status_code != 200:
        raise SystemExit(f"{path} answered {response.status_code}")
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    queries = len(ctx.captured_queries)
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - started) * 1000)
    return queries, statistics.median(times), response.content.decode()


def _busiest(model_field: str, **filters):
    """The user or resource with the most visible events in the coming weeks."""
    from datetime import timedelta

    from django.db.models import Count
    from django.utils import timezone

    from sessions.models import CalendarEvent

    now = timezone.now()
    row = (
        CalendarEvent.objects.on_calendar()
        .filter(starts_at__gte=now - timedelta(days=7), starts_at__lt=now + timedelta(days=28),
                **{f"{model_field}__isnull": False}, **filters)
        .values(model_field).annotate(n=Count("id")).order_by("-n").first()
    )
    return row[model_field] if row else None


def scenarios(day: str) -> list[tuple[str, str]]:
    from django.contrib.auth import get_user_model

    from scheduling.models import Resource
    from studio.models import StaffProfile

    User = get_user_model()
    person = _busiest("photographer", photographer__staff_profile__show_on_calendar=True)
    resource = _busiest("resource", resource__show_on_calendar=True, resource__active=True)
    profile = StaffProfile.objects.get(user_id=person)
    room = Resource.objects.get(pk=resource)
    query = f"date={day}"
    return [
        ("month", f"/calendar/?view=month&{query}"),
        ("week", f"/calendar/?view=week&{query}"),
        ("workweek", f"/calendar/?view=workweek&{query}"),
        ("day", f"/calendar/?view=day&{query}"),
        ("day by person", f"/calendar/?view=day&group=person&{query}"),
        ("week by person", f"/calendar/?view=week&group=person&{query}"),
        ("week by resource", f"/calendar/?view=week&group=resource&{query}"),
        ("my calendar (week)", f"/calendar/me/?view=week&{query}"),
        ("my calendar (month)", f"/calendar/me/?view=month&{query}"),
        (f"staff {User.objects.get(pk=person).username} (month)", f"/calendar/staff/{person}/?view=month&{query}"),
        (f"resource {room.name} (week)", f"/calendar/resources/{room.pk}/?view=week&{query}"),
        ("staff feed", f"/feeds/staff/{profile.ical_token}.ics"),
        ("resource feed", f"/feeds/resources/{room.ical_token}.ics"),
    ], person


def run(repeat: int) -> tuple[list[Result], Result]:
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.utils import timezone

    User = get_user_model()
    day = timezone.localdate().isoformat()
    plan, person = scenarios(day)
    user = User.objects.get(pk=person)  # a busy photographer: "my calendar" has plenty on it
    client = Client()
    client.force_login(user)

    queries, base_ms, _ = _measure(client, "/healthz", repeat)
    baseline = Result("baseline: /healthz (SELECT 1)", "/healthz", queries, 0, base_ms, 1.0)
    results = []
    for name, path in plan:
        queries, ms, body = _measure(client, path, repeat)
        if path.endswith(".ics"):
            items = body.count("BEGIN:VEVENT")
        else:
            items = len(set(re.findall(r'data-event="(\d+)"', body)))
        results.append(Result(name, path, queries, items, ms, ms / base_ms if base_ms else 0.0, len(body)))
    return results, baseline


def report(results: list[Result], baseline: Result, sessions: int, events: int) -> str:
    lines = [
        f"Calendar benchmark: {sessions:,} sessions, {events:,} calendar events "
        f"(database {os.environ.get('DATABASE_URL', 'embedded').rsplit('/', 1)[-1]})",
        f"{'scenario':<34} {'queries':>7} {'items':>6} {'ms':>9} {'x base':>8} {'KiB':>7}",
        f"{baseline.name:<34} {baseline.queries:>7} {'':>6} {baseline.ms:>9.1f} {1:>8.1f} {'':>7}",
    ]
    for r in results:
        lines.append(f"{r.name:<34} {r.queries:>7} {r.items:>6} {r.ms:>9.1f} {r.ratio:>8.1f} {r.bytes / 1024:>7.0f}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=3000, help="sessions wanted in the database (default 3000)")
    parser.add_argument("--repeat", type=int, default=5, help="timed renders per scenario (median; default 5)")
    parser.add_argument("--no-seed", action="store_true", help="measure the database as it is")
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    args = parser.parse_args(argv)

    _setup_django()
    from django.conf import settings

    # The test client's host; the numbers are the same behind a real one.
    if "testserver" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    from sessions.models import CalendarEvent

    sessions = prepare(args.sessions, seed=not args.no_seed)
    results, baseline = run(args.repeat)
    print(report(results, baseline, sessions, CalendarEvent.objects.count()))
    if args.json:
        args.json.write_text(json.dumps({"sessions": sessions, "baseline": asdict(baseline),
                                         "results": [asdict(r) for r in results]}, indent=2))
    return 0
