"""Calendar grid maths: which days a view shows, columns, and where items sit.

Everything here works in the studio's wall-clock time. A day runs from one
local midnight to the next (``studio.timeutils.day_bounds``), so it lasts 23
hours on the spring-forward day and 25 on the fall-back day. Items are placed
by their local wall-clock start and end, in minutes since midnight: an event
from 1:30 AM CST to 3:30 AM CDT on the spring-forward night spans 1:30 to
3:30 on the grid; two events at 1:30 AM CDT and 1:30 AM CST on the fall-back
night both sit at 1:30 (side by side) and their labels name the zone. An
event that crosses midnight is placed on both days.

Instants are compared in UTC: Python compares and subtracts two datetimes
that share a tzinfo by their wall-clock readings, which is wrong across a
DST change (1:30 AM CDT and 1:30 AM CST would be "equal"). So items carry
their UTC instants and days their UTC bounds; local values are for display.

No database access here: views hand in the events and the settings.
"""

from __future__ import annotations

import calendar as pycalendar
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from urllib.parse import urlencode

from django.utils.formats import get_format

from scheduling.models import SessionType
from studio.models import StaffProfile, StudioSettings
from studio.timeutils import NonexistentTime, day_bounds, make_local, studio_tz, to_local

VIEWS = ("month", "week", "workweek", "day")
VIEW_LABELS = {"month": "Month", "week": "Week", "workweek": "Work week", "day": "Day"}
GROUPS = ("date", "person", "resource")
GROUP_LABELS = {"date": "By date", "person": "By person", "resource": "By resource"}
DAY_MINUTES = 24 * 60
GRID_EARLIEST = 7 * 60  # the grid shows at least 7:00 AM – 9:00 PM
GRID_LATEST = 21 * 60
MIN_ITEM_MINUTES = 20  # an item is never drawn shorter than this
MONTH_CELL_ITEMS = 3  # items listed in a month cell before "+ n more"
MONTH_AGENDA_ITEMS = 8  # the same on a phone, where the month is a list by day
WIZARD_PATH = "/schedule/new/"
MIN_YEAR, MAX_YEAR = 1900, 2200


def session_url(session_id: int) -> str:
    return f"/sessions/{session_id}/"


# ---- Clock labels ---------------------------------------------------------


def is_ambiguous(local: datetime) -> bool:
    """True for a wall-clock time that happens twice (the fall-back night)."""
    naive = local.replace(tzinfo=None)
    tz = local.tzinfo
    return naive.replace(tzinfo=tz, fold=0).utcoffset() != naive.replace(tzinfo=tz, fold=1).utcoffset()


def clock(local: datetime | time, *, zone: bool = False) -> str:
    """'9:00 AM'; with ``zone`` (and an aware datetime), '1:30 AM CST'."""
    hour12 = local.hour % 12 or 12
    text = f"{hour12}:{local.minute:02d} {'AM' if local.hour < 12 else 'PM'}"
    if zone and isinstance(local, datetime) and local.tzinfo is not None:
        text += f" {local.tzname()}"
    return text


def clock_label(local: datetime) -> str:
    """The time as the calendar shows it: the zone is named only when the time is ambiguous."""
    return clock(local, zone=is_ambiguous(local))


def hour_label(hour: int) -> str:
    if hour in (0, 24):
        return "12 AM"
    if hour == 12:
        return "12 PM"
    return f"{hour % 12} {'AM' if hour < 12 else 'PM'}"


# ---- Items ------------------------------------------------------------------


@dataclass
class Item:
    """One calendar event as every view shows it."""

    id: int
    session_id: int
    number: int
    title: str
    client: str
    type_name: str
    color: str
    text_color: str
    confirmed: bool
    starts_at: datetime  # studio zone, for display
    ends_at: datetime  # studio zone, for display
    place: str
    photographer_id: int | None
    assistant_id: int | None
    resource_id: int | None
    people: str
    url: str
    start_utc: datetime = None  # for comparisons
    end_utc: datetime = None

    def __post_init__(self) -> None:
        self.start_utc = self.starts_at.astimezone(UTC)
        self.end_utc = self.ends_at.astimezone(UTC)

    @property
    def start_label(self) -> str:
        return clock_label(self.starts_at)

    @property
    def end_label(self) -> str:
        label = clock_label(self.ends_at)
        if self.ends_at.date() != self.starts_at.date():
            label = f"{self.ends_at:%a} {label}"
        return label

    @property
    def time_label(self) -> str:
        """'9:00 – 10:30 AM', '11:30 AM – 1:00 PM', '1:30 AM CDT – 2:30 AM' (zones when ambiguous)."""
        start, end = self.start_label, self.end_label
        if (start[-2:] == end[-2:] and start[-2:] in ("AM", "PM") and " " not in end[:-3]
                and self.starts_at.date() == self.ends_at.date()):
            return f"{start[:-3]} – {end}"
        return f"{start} – {end}"

    @property
    def tooltip(self) -> str:
        parts = [self.time_label, self.title, self.client, f"#{self.number}", self.type_name]
        if self.place:
            parts.append(self.place)
        if self.people:
            parts.append(self.people)
        if self.confirmed:
            parts.append("Confirmed")
        return " · ".join(parts)

    def person_ids(self) -> set[int]:
        return {pk for pk in (self.photographer_id, self.assistant_id) if pk}


def client_name(last: str, first: str) -> str:
    """As ``Client.__str__``: "Last, First", or "Last"."""
    return f"{last}, {first}" if first else last


def person_name(row: dict, role: str) -> str:
    """As ``studio.models.user_display_name`` for the ``role`` columns of an event row."""
    display = row[f"{role}__staff_profile__display_name"]
    if display:
        return display
    full = f"{row[f'{role}__first_name'] or ''} {row[f'{role}__last_name'] or ''}".strip()
    return full or row[f"{role}__username"] or ""


@lru_cache(maxsize=256)
def text_color(color: str) -> str:
    return SessionType(color=color).text_color


def event_title(row: dict) -> str:
    return row["description"] or row["session__description"] or row["session__session_type__name"]


def event_place(row: dict) -> str:
    return row["resource__name"] if row["resource_id"] else row["location"]


def make_item(row: dict) -> Item:
    """An Item from an event row of scheduling.selectors.calendar_events."""
    names = [person_name(row, role) for role in ("photographer", "assistant") if row[f"{role}_id"]]
    color = row["session__session_type__color"]
    return Item(
        id=row["id"],
        session_id=row["session_id"],
        number=row["session__number"],
        title=event_title(row),
        client=client_name(row["session__client__last_name"], row["session__client__first_name"]),
        type_name=row["session__session_type__name"],
        color=color,
        text_color=text_color(color),
        confirmed=row["session__confirmed"],
        starts_at=to_local(row["starts_at"]),
        ends_at=to_local(row["ends_at"]),
        place=event_place(row),
        photographer_id=row["photographer_id"],
        assistant_id=row["assistant_id"],
        resource_id=row["resource_id"],
        people=", ".join(names),
        url=session_url(row["session_id"]),
    )


# ---- Days of a view --------------------------------------------------------


def first_day_of_week() -> int:
    """0 = Sunday … 6 = Saturday, from the locale's FIRST_DAY_OF_WEEK."""
    return int(get_format("FIRST_DAY_OF_WEEK")) % 7


def week_start(day: date) -> date:
    offset = (day.isoweekday() % 7 - first_day_of_week()) % 7
    return day - timedelta(days=offset)


def add_months(day: date, months: int) -> date:
    month_index = day.year * 12 + day.month - 1 + months
    year, month = divmod(month_index, 12)
    month += 1
    return date(year, month, min(day.day, pycalendar.monthrange(year, month)[1]))


def month_grid_days(day: date) -> list[date]:
    """Whole weeks covering ``day``'s month."""
    first = day.replace(day=1)
    last = first.replace(day=pycalendar.monthrange(first.year, first.month)[1])
    start = week_start(first)
    end = week_start(last) + timedelta(days=6)
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]


def view_days(view: str, day: date, work_days: Sequence[int]) -> list[date]:
    if view == "day":
        return [day]
    if view == "month":
        return month_grid_days(day)
    start = week_start(day)
    days = [start + timedelta(days=n) for n in range(7)]
    if view == "workweek":
        days = [d for d in days if d.isoweekday() in work_days] or days
    return days


def step(view: str, day: date, direction: int) -> date:
    if view == "day":
        return day + timedelta(days=direction)
    if view == "month":
        return add_months(day, direction)
    return day + timedelta(days=7 * direction)


def clamp_day(day: date) -> date:
    return min(max(day, date(MIN_YEAR, 1, 1)), date(MAX_YEAR, 12, 31))


def view_title(view: str, day: date, days: Sequence[date]) -> str:
    if view == "day":
        return f"{day:%A}, {day:%B} {day.day}, {day.year}"
    if view == "month":
        return f"{day:%B %Y}"
    first, last = days[0], days[-1]
    if first.year != last.year:
        return f"{first:%b} {first.day}, {first.year} – {last:%b} {last.day}, {last.year}"
    if first.month != last.month:
        return f"{first:%b} {first.day} – {last:%b} {last.day}, {last.year}"
    return f"{first:%b} {first.day} – {last.day}, {last.year}"


def utc_bounds(day: date) -> tuple[datetime, datetime]:
    """``day_bounds`` as UTC instants: safe to compare and subtract."""
    start, end = day_bounds(day)
    return start.astimezone(UTC), end.astimezone(UTC)


def range_bounds(days: Sequence[date]) -> tuple[datetime, datetime]:
    return utc_bounds(days[0])[0], utc_bounds(days[-1])[1]


@dataclass
class DstChange:
    day: date
    forward: bool
    at: str  # wall-clock time of the change, before it happens ("2:00 AM")
    before: str  # zone names
    after: str

    @property
    def text(self) -> str:
        when = f"{self.day:%A}, {self.day:%B} {self.day.day}"
        if self.forward:
            return (
                f"Clocks go forward one hour at {self.at} on {when} ({self.before} to {self.after}): "
                "the day has 23 hours and times in the skipped hour do not exist."
            )
        return (
            f"Clocks go back one hour at {self.at} on {when} ({self.before} to {self.after}): "
            f"the day has 25 hours; times in the repeated hour are labelled {self.before} or {self.after}."
        )


def dst_changes(days: Iterable[date]) -> list[DstChange]:
    changes = []
    for day in days:
        start, end = day_bounds(day)
        if start.utcoffset() == end.utcoffset():
            continue
        start, end = start.astimezone(UTC), end.astimezone(UTC)
        # Walk the day in UTC until the offset changes.
        probe = start
        while probe < end:
            nxt = to_local(probe + timedelta(minutes=15))
            if nxt.utcoffset() != to_local(probe).utcoffset():
                before = to_local(probe)
                wall = (before.replace(tzinfo=None) + timedelta(minutes=15)).time()
                changes.append(
                    DstChange(
                        day=day,
                        forward=nxt.utcoffset() > before.utcoffset(),
                        at=clock(wall),
                        before=before.tzname(),
                        after=nxt.tzname(),
                    )
                )
                break
            probe += timedelta(minutes=15)
    return changes


# ---- Placement on a day ----------------------------------------------------


def wall_minutes(moment: datetime, day_start: datetime, day_end: datetime) -> int:
    if moment <= day_start:
        return 0
    if moment >= day_end:
        return DAY_MINUTES
    local = to_local(moment)
    return local.hour * 60 + local.minute


@dataclass
class Placement:
    """An item's stretch on one day, in wall-clock minutes since local midnight."""

    item: Item
    top: int
    bottom: int
    starts_before: bool  # began on an earlier day
    ends_after: bool  # goes on past midnight
    lane: int = 0
    lanes: int = 1
    offset: int = 0  # minutes from the top of the grid
    length: int = 0

    @property
    def left(self) -> float:
        return round(100 * self.lane / self.lanes, 3)

    @property
    def width(self) -> float:
        return round(100 / self.lanes, 3)

    @property
    def label(self) -> str:
        if self.starts_before:
            return f"until {self.item.end_label}"
        return self.item.time_label

    @property
    def compact(self) -> bool:
        return self.length < 45


def place(item: Item, day: date) -> Placement | None:
    day_start, day_end = utc_bounds(day)
    if not (item.start_utc < day_end and item.end_utc > day_start):
        return None
    top = wall_minutes(item.start_utc, day_start, day_end)
    bottom = wall_minutes(item.end_utc, day_start, day_end)
    real = int((min(item.end_utc, day_end) - max(item.start_utc, day_start)).total_seconds() // 60)
    if bottom <= top:
        # The repeated hour of the fall-back night: 1:00 CDT – 1:30 CST runs
        # "backwards" on the wall clock; draw it for its real length.
        bottom = top + max(real, 1)
    bottom = min(DAY_MINUTES, max(bottom, top + MIN_ITEM_MINUTES))
    top = min(top, DAY_MINUTES - MIN_ITEM_MINUTES)
    return Placement(
        item=item,
        top=top,
        bottom=bottom,
        starts_before=item.start_utc < day_start,
        ends_after=item.end_utc > day_end,
    )


def assign_lanes(placements: list[Placement]) -> list[Placement]:
    """Side by side when items overlap on the wall clock; each cluster shares its width."""
    placements.sort(key=lambda p: (p.top, p.item.start_utc, -p.bottom, p.item.number, p.item.id))
    cluster: list[Placement] = []
    lane_ends: list[int] = []
    cluster_bottom = -1

    def close() -> None:
        for p in cluster:
            p.lanes = len(lane_ends)

    for p in placements:
        if cluster and p.top >= cluster_bottom:
            close()
            cluster, lane_ends, cluster_bottom = [], [], -1
        for lane, end in enumerate(lane_ends):
            if end <= p.top:
                p.lane = lane
                lane_ends[lane] = p.bottom
                break
        else:
            p.lane = len(lane_ends)
            lane_ends.append(p.bottom)
        cluster.append(p)
        cluster_bottom = max(cluster_bottom, p.bottom)
    if cluster:
        close()
    return placements


# ---- Time grid (day, week, work week) -----------------------------------


@dataclass
class Slot:
    minute: int  # since local midnight
    label: str
    url: str | None  # the Scheduling Wizard for this time; None when the time does not exist
    open: bool  # inside open hours on a work day
    hour_start: bool
    offset: int = 0  # minutes from the top of the grid
    length: int = 0
    css: str = "cal-slot"  # classes, worked out here so the template loop stays cheap
    text: str = ""  # what it says to screen readers and in its tooltip


@dataclass
class Column:
    """One column of the time grid: a day, or a person or resource on a day.

    ``kind`` decides which items it holds: "date" (all of them), "person",
    "resource", "other-person" (items none of the shown people work on),
    "other-resource" (items on none of the shown resources). ``person`` /
    ``resource`` also go into the Scheduling Wizard links of its empty slots.
    """

    day: date
    key: str
    label: str
    kind: str
    person: StaffProfile | None = None
    resource: object | None = None
    color: str = ""
    is_today: bool = False
    is_work_day: bool = True
    first_of_day: bool = True
    placements: list[Placement] = field(default_factory=list)
    slots: list[Slot] = field(default_factory=list)

    def holds(self, item: Item, person_ids: set[int], resource_ids: set[int]) -> bool:
        if self.kind == "person":
            return self.person.user_id in item.person_ids()
        if self.kind == "resource":
            return item.resource_id == self.resource.pk
        if self.kind == "other-person":
            return not (item.person_ids() & person_ids)
        if self.kind == "other-resource":
            return item.resource_id not in resource_ids
        return True


@dataclass
class DayHeader:
    day: date
    span: int
    is_today: bool
    is_work_day: bool
    dst: DstChange | None = None
    day_url: str = ""


@dataclass
class TimeGrid:
    start: int  # minutes since midnight (whole hours)
    end: int
    slot_minutes: int
    columns: list[Column]
    day_headers: list[DayHeader]
    hours: list[tuple[int, str]]  # (minutes from the top of the grid, "9 AM")
    grouped: bool
    opens: int  # minutes from the top of the grid where open hours begin
    hidden_columns: int = 0  # people or resources left out for want of room

    @property
    def minutes(self) -> int:
        return self.end - self.start

    @property
    def item_count(self) -> int:
        return sum(len(c.placements) for c in self.columns)


def _wizard_url(day: date, minute: int, column: Column) -> str:
    params = {"date": day.isoformat(), "time": f"{minute // 60:02d}:{minute % 60:02d}"}
    if column.person is not None:
        profile = column.person
        role = "assistant" if profile.is_assistant and not profile.is_photographer else "photographer"
        params[role] = profile.user_id
    elif column.resource is not None:
        params["resource"] = column.resource.pk
    return f"{WIZARD_PATH}?{urlencode(params, safe=':')}"


def _skipped_minutes(day: date, start: int, end: int, slot: int) -> set[int]:
    """Slot starts that do not exist on ``day`` (clocks going forward)."""
    day_start, day_end = utc_bounds(day)
    if day_end - day_start >= timedelta(hours=24):
        return set()
    skipped = set()
    for minute in range(start, end, slot):
        try:
            make_local(day, time(minute // 60, minute % 60))
        except NonexistentTime:
            skipped.add(minute)
    return skipped


MAX_GROUPED_COLUMNS = 56  # side-by-side columns in one grid, over all its days


def column_limit(day_count: int) -> int:
    """People or resources per day: 24 in the day view, 8 a day in a week."""
    return min(24, max(3, MAX_GROUPED_COLUMNS // max(day_count, 1)))


def pick_columns(candidates: Sequence, is_busy, limit: int) -> tuple[list, int]:
    """The first ``limit`` candidates, those with bookings first (order otherwise kept)."""
    candidates = list(candidates)
    if len(candidates) <= limit:
        return candidates, 0
    ranked = sorted(candidates, key=lambda c: not is_busy(c))[:limit]
    keep = {id(c) for c in ranked}
    return [c for c in candidates if id(c) in keep], len(candidates) - limit


def _day_columns(day: date, group: str, people, resources, need_other: bool,
                 scope_person, scope_resource) -> list[Column]:
    if group == "person":
        columns = [Column(day, f"person-{p.user_id}", p.display_name, "person", person=p, color=p.color)
                   for p in people]
        if need_other or not people:
            columns.append(Column(day, "other", "Unassigned / others", "other-person"))
        return columns
    if group == "resource":
        columns = [Column(day, f"resource-{r.pk}", r.name, "resource", resource=r) for r in resources]
        if need_other or not resources:
            columns.append(Column(day, "other", "No room / elsewhere", "other-resource"))
        return columns
    return [Column(day, "date", f"{day:%a} {day.day}", "date", person=scope_person, resource=scope_resource)]


def build_time_grid(
    *,
    days: Sequence[date],
    items: Sequence[Item],
    studio: StudioSettings,
    today: date,
    group: str = "date",
    people: Sequence[StaffProfile] = (),
    resources: Sequence = (),
    scope_person: StaffProfile | None = None,
    scope_resource=None,
) -> TimeGrid:
    """Columns for each day (and person or resource when grouped) with items placed and lanes set.

    Grouped, ``people`` / ``resources`` are the candidates (the chosen ones, or
    everyone on the calendar). At most ``column_limit(len(days))`` of them get
    a column each day, those with something booked first; the grid says how
    many were left out. The "other" column holds what none of the candidates has.
    """
    person_ids = {p.user_id for p in people}
    resource_ids = {r.pk for r in resources}
    need_other = False
    hidden = 0
    if group == "person":
        need_other = any(not (item.person_ids() & person_ids) for item in items)
        busy = set().union(*(item.person_ids() for item in items)) if items else set()
        people, hidden = pick_columns(people, lambda p: p.user_id in busy, column_limit(len(days)))
    elif group == "resource":
        need_other = any(item.resource_id not in resource_ids for item in items)
        busy = {item.resource_id for item in items}
        resources, hidden = pick_columns(resources, lambda r: r.pk in busy, column_limit(len(days)))
    dst = {c.day: c for c in dst_changes(days)}

    columns: list[Column] = []
    headers: list[DayHeader] = []
    by_day: dict[date, list[Column]] = {}
    for day in days:
        is_work_day = studio.is_work_day(day)
        day_columns = _day_columns(day, group, people, resources, need_other, scope_person, scope_resource)
        for index, column in enumerate(day_columns):
            column.is_today = day == today
            column.is_work_day = is_work_day
            column.first_of_day = index == 0
        headers.append(DayHeader(day=day, span=len(day_columns), is_today=day == today,
                                 is_work_day=is_work_day, dst=dst.get(day)))
        columns.extend(day_columns)
        by_day[day] = day_columns

    for item in items:
        first = max(item.starts_at.date(), days[0])
        last = min(item.ends_at.date(), days[-1])
        day = first
        while day <= last:
            placement = place(item, day) if day in by_day else None
            if placement is not None:
                for column in by_day[day]:
                    if column.holds(item, person_ids, resource_ids):
                        # One Placement per column: lanes differ between columns.
                        column.placements.append(
                            Placement(placement.item, placement.top, placement.bottom,
                                      placement.starts_before, placement.ends_after)
                        )
            day += timedelta(days=1)

    opens = studio.opens_at.hour * 60 + studio.opens_at.minute
    closes = studio.closes_at.hour * 60 + studio.closes_at.minute
    start = min(GRID_EARLIEST, opens // 60 * 60)
    end = max(GRID_LATEST, -(-closes // 60) * 60)
    for column in columns:
        for p in column.placements:
            start = min(start, p.top // 60 * 60)
            end = max(end, -(-p.bottom // 60) * 60)
    end = min(end, DAY_MINUTES)
    slot_minutes = studio.slot_minutes or 30

    skipped_by_day = {day: _skipped_minutes(day, start, end, slot_minutes) for day in days}
    for column in columns:
        assign_lanes(column.placements)
        for p in column.placements:
            p.offset = p.top - start
            p.length = p.bottom - p.top
        skipped = skipped_by_day[column.day]
        when = f"{column.day:%a %b} {column.day.day}"
        who = f" with {column.label}" if column.kind in ("person", "resource") and group != "date" else ""
        for minute in range(start, end, slot_minutes):
            exists = minute not in skipped
            label = clock(time(minute // 60, minute % 60))
            is_open = column.is_work_day and opens <= minute < closes
            css = "cal-slot" + (" is-open" if is_open else "") + (" is-hour" if minute % 60 == 0 else "")
            if exists:
                text = f"Schedule a session on {when} at {label}{who}"
            else:
                css += " is-skipped"
                text = f"{label} does not exist on this day: the clocks go forward."
            column.slots.append(
                Slot(
                    minute=minute,
                    label=label,
                    url=_wizard_url(column.day, minute, column) if exists else None,
                    open=is_open,
                    hour_start=minute % 60 == 0,
                    offset=minute - start,
                    length=min(slot_minutes, end - minute),
                    css=css,
                    text=text,
                )
            )
    hours = [(h * 60 - start, hour_label(h)) for h in range(start // 60, end // 60)]
    return TimeGrid(start=start, end=end, slot_minutes=slot_minutes, columns=columns,
                    day_headers=headers, hours=hours, grouped=group != "date",
                    opens=max(0, opens - start), hidden_columns=hidden)


# ---- Month ------------------------------------------------------------------


@dataclass
class MonthEntry:
    item: Item
    continued: bool  # began on an earlier day

    @property
    def label(self) -> str:
        return "(cont.)" if self.continued else self.item.start_label


@dataclass
class MonthDay:
    day: date
    in_month: bool
    is_today: bool
    is_work_day: bool
    entries: list[MonthEntry] = field(default_factory=list)
    day_url: str = ""
    add_url: str = ""

    @property
    def shown(self) -> list[MonthEntry]:
        if len(self.entries) <= MONTH_CELL_ITEMS:
            return self.entries
        return self.entries[: MONTH_CELL_ITEMS - 1]

    @property
    def more(self) -> int:
        return len(self.entries) - len(self.shown)


def build_month(*, day: date, days: Sequence[date], items: Sequence[Item], studio: StudioSettings,
                today: date) -> list[list[MonthDay]]:
    cells = {d: MonthDay(d, d.month == day.month, d == today, studio.is_work_day(d)) for d in days}
    for item in items:
        current = max(item.starts_at.date(), days[0])
        last = min(item.ends_at.date(), days[-1])
        while current <= last:
            start, end = utc_bounds(current)
            if item.start_utc < end and item.end_utc > start:
                cells[current].entries.append(MonthEntry(item, continued=item.start_utc < start))
            current += timedelta(days=1)
    for cell in cells.values():
        cell.entries.sort(key=lambda e: (not e.continued, e.item.start_utc, e.item.number))
        cell.add_url = f"{WIZARD_PATH}?{urlencode({'date': cell.day.isoformat()})}"
    ordered = [cells[d] for d in days]
    return [ordered[i : i + 7] for i in range(0, len(ordered), 7)]


# ---- Agenda (phones) --------------------------------------------------------


@dataclass
class AgendaDay:
    day: date
    is_today: bool
    entries: list[MonthEntry]
    day_url: str = ""
    add_url: str = ""
    limit: int | None = None  # month lists a few per day; the day view has the rest

    @property
    def shown(self) -> list[MonthEntry]:
        return self.entries if self.limit is None else self.entries[: self.limit]

    @property
    def more(self) -> int:
        return len(self.entries) - len(self.shown)


def build_agenda(*, days: Sequence[date], items: Sequence[Item], today: date,
                 skip_empty: bool = False, limit: int | None = None) -> list[AgendaDay]:
    by_day: dict[date, list[MonthEntry]] = {d: [] for d in days}
    bounds = {d: utc_bounds(d) for d in days}
    for item in items:
        current = max(item.starts_at.date(), days[0])
        last = min(item.ends_at.date(), days[-1])
        while current <= last:
            if current in by_day:
                start, end = bounds[current]
                if item.start_utc < end and item.end_utc > start:
                    by_day[current].append(MonthEntry(item, continued=item.start_utc < start))
            current += timedelta(days=1)
    result = []
    for d in days:
        entries = by_day[d]
        if skip_empty and not entries and d != today:
            continue
        result.append(AgendaDay(d, d == today, entries, limit=limit,
                                add_url=f"{WIZARD_PATH}?{urlencode({'date': d.isoformat()})}"))
    return result


# ---- Mini month -------------------------------------------------------------


@dataclass
class MiniDay:
    day: date
    in_month: bool
    is_today: bool
    selected: bool
    busy: bool
    url: str = ""


def mini_month(*, month_of: date, selected: Sequence[date], today: date, busy: set[date]) -> list[list[MiniDay]]:
    days = month_grid_days(month_of)
    chosen = set(selected)
    cells = [MiniDay(d, d.month == month_of.month, d == today, d in chosen, d in busy) for d in days]
    return [cells[i : i + 7] for i in range(0, len(cells), 7)]


def weekday_names(short: bool = True) -> list[str]:
    start = week_start(date(2026, 1, 7))  # any week
    return [f"{(start + timedelta(days=n)):%a}"[: 2 if short else 3] for n in range(7)]


def zone_label() -> str:
    tz = studio_tz()
    now = datetime.now(tz)
    return f"{tz.key} ({now.tzname()})"
