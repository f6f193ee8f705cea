"""Free-slot search: the next times a session fits the studio, its people and its room.

One query reads every busy interval of the chosen people (as photographer or
assistant) and of the chosen resource (when it keeps a calendar) in the whole
range; the candidate times are then swept in Python against the merged busy
intervals. Candidate times are wall-clock times on the studio's grid
(``StudioSettings.opens_at`` plus multiples of ``slot_minutes``) on its work
days, built with ``make_local`` so a time the clocks skip is never offered and
a 23- or 25-hour day still has the right hours.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.db.models import Q
from django.utils import timezone

from scheduling.models import Resource
from sessions.models import CalendarEvent
from studio.models import StudioSettings
from studio.timeutils import NonexistentTime, make_local, to_local

# How far ahead the search looks when the caller gives no end date.
DEFAULT_SEARCH_DAYS = 14
# A search never sweeps more than this many days (a bad parameter must not hang a page).
MAX_SEARCH_DAYS = 92


@dataclass(frozen=True)
class FreeSlot:
    starts_at: datetime
    ends_at: datetime

    @property
    def local_start(self) -> datetime:
        return to_local(self.starts_at)

    @property
    def local_end(self) -> datetime:
        return to_local(self.ends_at)

    @property
    def day(self) -> date:
        return self.local_start.date()

    @property
    def time_value(self) -> str:
        """The start as an <input type=time> value: "14:30"."""
        return f"{self.local_start:%H:%M}"

    @property
    def date_value(self) -> str:
        return self.day.isoformat()

    def as_json(self) -> dict:
        return {
            "starts_at": self.local_start.isoformat(),
            "ends_at": self.local_end.isoformat(),
            "date": self.date_value,
            "time": self.time_value,
            "label": f"{self.local_start:%a %b %d}, {self.local_start:%I:%M %p}".replace(" 0", " "),
        }


def _pk(value) -> int | None:
    if value is None or value == "":
        return None
    return value if isinstance(value, int) else value.pk


def _merge(intervals: list[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    """Sorted, disjoint union of the intervals (touching ones stay apart: back-to-back is free)."""
    merged: list[list[datetime]] = []
    for start, end in sorted(intervals):
        if merged and start < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(start, end) for start, end in merged]


def busy_intervals(
    *, start: datetime, end: datetime, people: set[int], resource_id: int | None,
    exclude_session_id: int | None = None,
) -> list[tuple[datetime, datetime]]:
    """Every on-calendar event of the people or the (calendar-tracked) resource in [start, end): one query."""
    who = Q()
    if people:
        who |= Q(photographer_id__in=people) | Q(assistant_id__in=people)
    if resource_id:
        who |= Q(resource_id=resource_id, resource__show_on_calendar=True)
    if not who:
        return []
    qs = CalendarEvent.objects.on_calendar().overlapping(start, end).filter(who)
    if exclude_session_id:
        qs = qs.exclude(session_id=exclude_session_id)
    return list(qs.values_list("starts_at", "ends_at"))


def _candidates(day: date, opens: time, closes: time, step: timedelta, length: timedelta) -> Iterator[FreeSlot]:
    """Grid times of one day whose whole length ends by closing time (wall clock)."""
    wall = datetime.combine(day, opens)
    closing = datetime.combine(day, closes)
    while wall < closing:
        try:
            # In UTC, so adding the length counts real minutes, not wall-clock ones.
            starts_at = make_local(day, wall.time()).astimezone(UTC)
        except NonexistentTime:  # skipped when the clocks go forward
            wall += step
            continue
        ends_at = starts_at + length
        if to_local(ends_at).replace(tzinfo=None) <= closing:
            yield FreeSlot(starts_at, ends_at)
        wall += step


def find_free_slots(
    *,
    length: timedelta,
    start_date: date,
    end_date: date | None = None,
    photographer=None,
    assistant=None,
    resource=None,
    limit: int = 10,
    step: int | timedelta | None = None,
    now: datetime | None = None,
    exclude_session_id: int | None = None,
    studio: StudioSettings | None = None,
) -> list[FreeSlot]:
    """The first ``limit`` free slots from ``start_date`` to ``end_date`` (inclusive).

    ``photographer``, ``assistant`` and ``resource`` are model instances or
    primary keys; a person is busy in any on-calendar event where they are
    photographer or assistant; a resource only counts when it shows on the
    calendar. ``step`` is minutes (or a timedelta) and defaults to the
    studio's ``slot_minutes``. Times before ``now`` are never offered.
    """
    if length <= timedelta(0):
        raise ValueError("A slot needs a positive length.")
    studio = studio or StudioSettings.load()
    if step is None:
        step = studio.slot_minutes
    step_delta = step if isinstance(step, timedelta) else timedelta(minutes=int(step))
    if step_delta <= timedelta(0):
        raise ValueError("The slot grid needs a positive step.")
    end_date = end_date or start_date + timedelta(days=DEFAULT_SEARCH_DAYS - 1)
    end_date = min(end_date, start_date + timedelta(days=MAX_SEARCH_DAYS - 1))
    now = now or timezone.now()
    if limit <= 0 or end_date < start_date:
        return []

    resource_id = _pk(resource)
    if isinstance(resource, Resource) and not resource.show_on_calendar:
        resource_id = None
    people = {pk for pk in (_pk(photographer), _pk(assistant)) if pk}
    range_start = max(make_local(start_date, time.min), now)
    range_end = make_local(end_date + timedelta(days=1), time.min)
    busy = _merge(busy_intervals(
        start=range_start, end=range_end, people=people, resource_id=resource_id,
        exclude_session_id=exclude_session_id,
    ))
    busy_starts = [start for start, _ in busy]

    found: list[FreeSlot] = []
    day = max(start_date, to_local(now).date())
    while day <= end_date and len(found) < limit:
        if studio.is_work_day(day):
            for slot in _candidates(day, studio.opens_at, studio.closes_at, step_delta, length):
                if slot.starts_at < now:
                    continue
                # The last busy interval starting before the slot ends is the only one
                # that can overlap it: the intervals are merged and sorted.
                i = bisect_right(busy_starts, slot.ends_at - timedelta(microseconds=1)) - 1
                if i >= 0 and busy[i][1] > slot.starts_at:
                    continue
                found.append(slot)
                if len(found) >= limit:
                    break
        day += timedelta(days=1)
    return found
