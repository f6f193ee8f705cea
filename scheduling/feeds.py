"""iCal feeds (RFC 5545) of a person's or a resource's visible events.

Each VEVENT carries a stable UID (``event-<id>@studio-sessions``) so calendar
apps update it in place when the session moves. Times are written with the
studio zone's TZID and a VTIMEZONE component, except where a wall-clock time
cannot say which instant it means: on the fall-back night 1:30 AM happens
twice and RFC 5545 reads a repeated local time as its first occurrence, so an
event at the second 1:30 (CST) is written in UTC instead.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from icalendar import Calendar, Event, Timezone

from scheduling import calendar as cal
from scheduling import selectors
from studio.models import StudioSettings
from studio.timeutils import studio_tz

WINDOW_PAST = timedelta(days=60)
WINDOW_FUTURE = timedelta(days=365)
PRODID = "-//Studio sessions//Calendar feed//EN"


def event_uid(event_id: int) -> str:
    return f"event-{event_id}@studio-sessions"


def _ical_time(moment: datetime) -> datetime:
    """The studio-zone time, or UTC when its wall-clock reading would be misread (second of two)."""
    local = moment.astimezone(studio_tz())
    if cal.is_ambiguous(local) and local.fold == 1:
        return moment.astimezone(UTC)
    return local


def build_feed(*, name: str, studio_name: str, events, base_url: str, now: datetime) -> Calendar:
    tz = studio_tz()
    feed = Calendar()
    feed.add("prodid", PRODID)
    feed.add("version", "2.0")
    feed.add("calscale", "GREGORIAN")
    feed.add("method", "PUBLISH")
    feed.add("x-wr-calname", f"{name} · {studio_name}")
    feed.add("x-wr-timezone", tz.key)
    feed.add("x-published-ttl", "PT1H")
    # The zone's rules for the feed's years, always: even an empty feed names its zone.
    feed.add_component(
        Timezone.from_tzid(tz.key, first_date=date(now.year - 2, 1, 1), last_date=date(now.year + 3, 1, 1))
    )
    stamp = now.astimezone(UTC)
    for row in events:
        start, end = _ical_time(row["starts_at"]), _ical_time(row["ends_at"])
        if start.tzinfo is UTC or end.tzinfo is UTC:
            start, end = row["starts_at"].astimezone(UTC), row["ends_at"].astimezone(UTC)
        client = cal.client_name(row["session__client__last_name"], row["session__client__first_name"])
        type_name = row["session__session_type__name"]
        vevent = Event()
        vevent.add("uid", event_uid(row["id"]))
        vevent.add("dtstamp", stamp)
        vevent.add("dtstart", start)
        vevent.add("dtend", end)
        vevent.add("summary", f"{cal.event_title(row)} — {client}")
        place = cal.event_place(row)
        if place:
            vevent.add("location", place)
        lines = [
            f"Session #{row['session__number']}",
            f"Type: {type_name}",
            f"Status: {row['session__status__name']}",
        ]
        if row["session__confirmed"]:
            lines.append("Confirmed")
        lines += [
            f"{label}: {cal.person_name(row, role)}"
            for label, role in (("Photographer", "photographer"), ("Assistant", "assistant"))
            if row[f"{role}_id"]
        ]
        vevent.add("description", "\n".join(lines))
        vevent.add("url", f"{base_url}{cal.session_url(row['session_id'])}")
        vevent.add("categories", [type_name])
        vevent.add("status", "CONFIRMED" if row["session__confirmed"] else "TENTATIVE")
        vevent.add("last-modified", row["session__updated_at"].astimezone(UTC))
        feed.add_component(vevent)
    return feed


def now() -> datetime:
    """The moment the feed's window is measured from (tests move it)."""
    return timezone.now()


def feed_response(request: HttpRequest, *, name: str, person_id: int | None = None,
                  resource_id: int | None = None) -> HttpResponse:
    now_ = now()
    events = selectors.calendar_events(
        now_ - WINDOW_PAST, now_ + WINDOW_FUTURE, person_id=person_id, resource_id=resource_id
    )
    base_url = request.build_absolute_uri("/").rstrip("/")
    feed = build_feed(
        name=name, studio_name=StudioSettings.load().studio_name, events=events, base_url=base_url, now=now_
    )
    response = HttpResponse(feed.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="calendar.ics"'
    response["Cache-Control"] = "private, max-age=300"
    return response
