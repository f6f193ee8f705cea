"""Dates and times in the studio's time zone (settings.TIME_ZONE)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings


def studio_tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


class NonexistentTime(ValueError):
    """A wall-clock time skipped by a daylight-saving change."""


def make_local(day: date, at: time) -> datetime:
    """The aware datetime for a wall-clock date and time in the studio's zone.

    A time skipped when clocks go forward raises NonexistentTime; a time that
    happens twice when clocks go back means the first (daylight) occurrence.
    """
    tz = studio_tz()
    naive = datetime.combine(day, at.replace(tzinfo=None, fold=0))
    aware = naive.replace(tzinfo=tz)
    roundtrip = aware.astimezone(UTC).astimezone(tz)
    if roundtrip.replace(tzinfo=None) != naive:
        raise NonexistentTime(
            f"{at:%I:%M %p} does not exist on {day:%B %d, %Y}: the clocks go forward that night."
        )
    return aware


def to_local(value: datetime) -> datetime:
    return value.astimezone(studio_tz())


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """Aware start of ``day`` and of the next day: 23 or 25 hours apart on DST days."""
    tz = studio_tz()
    start = datetime.combine(day, time.min).replace(tzinfo=tz)
    end = datetime.combine(day + timedelta(days=1), time.min).replace(tzinfo=tz)
    return start, end


def add_work_days(start: date, days: int, work_days: list[int]) -> date:
    """``start`` plus ``days`` studio work days (ISO weekdays in ``work_days``)."""
    if days <= 0 or not work_days:
        return start
    current = start
    remaining = days
    while remaining:
        current += timedelta(days=1)
        if current.isoweekday() in work_days:
            remaining -= 1
    return current


def elapsed(value: datetime, delta: timedelta) -> datetime:
    """``value`` plus ``delta`` of real time, in UTC.

    Python adds timedeltas to aware datetimes on the wall clock of their own
    zone, so 60 minutes after 01:30 CDT on the fall-back night would be
    02:30 CST, two hours later. Lengths of sessions are real minutes.
    """
    return value.astimezone(UTC) + delta


def as_utc(value: datetime | None) -> datetime | None:
    """The same instant in UTC.

    Two datetimes sharing one ZoneInfo compare and subtract by wall clock
    (01:30 CDT == 01:30 CST on the fall-back night); in UTC they compare as
    instants. Services store and compare times in UTC.
    """
    return value.astimezone(UTC) if value is not None else None
