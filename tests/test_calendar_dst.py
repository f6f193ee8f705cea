"""Daylight-saving nights on the calendar (America/Chicago, pinned by conftest).

Spring forward: Sunday 2026-03-08, 2:00 AM CST becomes 3:00 AM CDT (a 23-hour day).
Fall back: Sunday 2026-11-01, 2:00 AM CDT becomes 1:00 AM CST (a 25-hour day).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from django.test import Client
from icalendar import Calendar

from scheduling import calendar as cal
from scheduling import feeds
from tests import factories
from tests.factories import SessionFactory

pytestmark = pytest.mark.django_db

SPRING = date(2026, 3, 8)
FALL = date(2026, 11, 1)


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _every_day_is_a_work_day(studio_settings, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    studio_settings.work_days = [1, 2, 3, 4, 5, 6, 7]
    studio_settings.save()


@pytest.fixture
def browser(photographer_user) -> Client:
    client = Client()
    client.force_login(photographer_user)
    return client


def page(browser: Client, view: str, day: date, path: str = "/calendar/") -> str:
    response = browser.get(f"{path}?view={view}&date={day.isoformat()}")
    assert response.status_code == 200
    return response.content.decode()


def item_markup(text: str, event_id: int) -> list[str]:
    """Every time-grid item or month chip of the event (its whole <a> element)."""
    return re.findall(rf'<a class="cal-(?:item|chip)[^"]*"\s+href="[^"]*" data-event="{event_id}".*?</a>', text, re.S)


def position(markup: str) -> tuple[int, int]:
    match = re.search(r"--s: (\d+); --d: (\d+);", markup)
    return int(match.group(1)), int(match.group(2))


def grid_start(text: str) -> int:
    """Minutes since midnight at the top of the grid, from the first hour label."""
    label = re.search(r'<div class="cal-hour" style="--s: 0">([^<]+)</div>', text).group(1)
    hour, meridiem = label.split()
    return (int(hour) % 12 + (12 if meridiem == "PM" else 0)) * 60


@pytest.fixture
def spring_session(photographer_user):
    # 01:30 CST (07:30 UTC) to 03:30 CDT (08:30 UTC): one real hour, two on the wall clock.
    return SessionFactory(starts_at=utc(2026, 3, 8, 7, 30), ends_at=utc(2026, 3, 8, 8, 30),
                          photographer=photographer_user, description="Spring night")


@pytest.fixture
def fall_sessions(photographer_user):
    first = SessionFactory(starts_at=utc(2026, 11, 1, 6, 30), ends_at=utc(2026, 11, 1, 6, 55),  # 1:30–1:55 CDT
                           photographer=photographer_user, description="First one-thirty")
    second = SessionFactory(starts_at=utc(2026, 11, 1, 7, 30), ends_at=utc(2026, 11, 1, 8, 0),  # 1:30–2:00 CST
                            photographer=photographer_user, description="Second one-thirty")
    return first, second


def primary_id(session) -> int:
    return session.events.get(is_primary=True).pk


def test_it_knows_the_day_lengths():
    assert cal.range_bounds([SPRING])[1] - cal.range_bounds([SPRING])[0] == timedelta(hours=23)
    assert cal.range_bounds([FALL])[1] - cal.range_bounds([FALL])[0] == timedelta(hours=25)
    spring, = cal.dst_changes([SPRING])
    assert spring.forward and spring.at == "2:00 AM" and (spring.before, spring.after) == ("CST", "CDT")
    fall, = cal.dst_changes([FALL])
    assert not fall.forward and fall.at == "2:00 AM" and (fall.before, fall.after) == ("CDT", "CST")
    assert cal.dst_changes([date(2026, 6, 10)]) == []


@pytest.mark.parametrize("view", ["day", "week", "workweek"])
def test_it_shows_the_spring_forward_session_ending_at_3_30(browser, spring_session, view):
    text = page(browser, view, SPRING)
    markup, = item_markup(text, primary_id(spring_session))
    assert "1:30 – 3:30 AM" in markup
    top, length = position(markup)
    start = grid_start(text)
    # Placed by the wall clock: from 1:30 to 3:30, two hours tall.
    assert (start + top, length) == (90, 120)
    assert "Clocks go forward one hour at 2:00 AM on Sunday, March 8 (CST to CDT)" in text


def test_it_shows_the_spring_forward_session_in_the_month(browser, spring_session):
    text = page(browser, "month", SPRING)
    markup, = item_markup(text, primary_id(spring_session))
    assert "1:30 AM" in markup and "Spring night" in markup
    assert re.findall(r'data-day="([\d-]+)"', text.split(markup)[0])[-1] == "2026-03-08"


def test_it_offers_no_slot_in_the_skipped_hour(browser, spring_session):
    text = page(browser, "day", SPRING)
    assert "date=2026-03-08&amp;time=01:30" in text
    assert "date=2026-03-08&amp;time=02:00" not in text
    assert "date=2026-03-08&amp;time=02:30" not in text
    assert "date=2026-03-08&amp;time=03:00" in text
    assert text.count("does not exist on this day: the clocks go forward.") == 2
    # A normal day has the 2:00 slot when the grid reaches that far.
    SessionFactory(starts_at=utc(2026, 3, 9, 7, 0), ends_at=utc(2026, 3, 9, 8, 0))  # 2:00 CDT Mar 9
    assert "date=2026-03-09&amp;time=02:00" in page(browser, "day", date(2026, 3, 9))


@pytest.mark.parametrize("view", ["day", "week", "workweek"])
def test_it_shows_both_fall_back_sessions_at_1_30(browser, fall_sessions, view):
    first, second = fall_sessions
    text = page(browser, view, FALL)
    first_markup, = item_markup(text, primary_id(first))
    second_markup, = item_markup(text, primary_id(second))
    assert "1:30 AM CDT – 1:55 AM CDT" in first_markup
    assert "1:30 AM CST – 2:00 AM" in second_markup
    start = grid_start(text)
    assert start + position(first_markup)[0] == 90
    assert start + position(second_markup)[0] == 90
    # Side by side, the first occurrence on the left.
    assert "--l: 0.0; --w: 50.0;" in first_markup
    assert "--l: 50.0; --w: 50.0;" in second_markup
    assert "times in the repeated hour are labelled CDT or CST" in text


def test_it_shows_both_fall_back_sessions_in_the_month_and_agenda(browser, fall_sessions):
    first, second = fall_sessions
    text = page(browser, "month", FALL)
    assert "1:30 AM CDT" in item_markup(text, primary_id(first))[0]
    assert "1:30 AM CST" in item_markup(text, primary_id(second))[0]
    agenda = text.split('class="cal-agenda"')[1]
    assert "1:30 AM CDT – 1:55 AM CDT" in agenda and "1:30 AM CST – 2:00 AM" in agenda


def test_it_draws_a_session_across_the_repeated_hour_by_the_wall_clock(browser, photographer_user):
    # 12:30 AM CDT to 2:30 AM CST: three real hours, two on the wall clock.
    long = SessionFactory(starts_at=utc(2026, 11, 1, 5, 30), ends_at=utc(2026, 11, 1, 8, 30),
                          photographer=photographer_user)
    text = page(browser, "day", FALL)
    markup, = item_markup(text, primary_id(long))
    assert "12:30 – 2:30 AM" in markup
    start = grid_start(text)
    top, length = position(markup)
    assert (start + top, length) == (30, 120)


def test_it_keeps_the_25th_hour_on_its_own_day(browser, photographer_user):
    late = SessionFactory(starts_at=utc(2026, 11, 2, 5, 15), ends_at=utc(2026, 11, 2, 5, 45),  # 11:15 PM CST Nov 1
                          photographer=photographer_user, description="Late one")
    text = page(browser, "week", FALL)
    markup, = item_markup(text, primary_id(late))
    assert "11:15 – 11:45 PM" in markup
    column = text.split(markup)[0].rsplit('data-day="', 1)[1][:10]
    assert column == "2026-11-01"
    next_day = page(browser, "day", date(2026, 11, 2))
    assert f'data-event="{primary_id(late)}"' not in next_day


def test_it_puts_dst_sessions_on_the_personal_and_resource_calendars(photographer_user, fall_sessions):
    first, second = fall_sessions
    room = factories.ResourceFactory(name="Studio A")
    second.camera_room = room
    second.save()
    client = Client()
    client.force_login(photographer_user)
    mine = page(client, "day", FALL, "/calendar/me/")
    assert "1:30 AM CDT" in item_markup(mine, primary_id(first))[0]
    assert "1:30 AM CST" in item_markup(mine, primary_id(second))[0]
    rooms = page(client, "day", FALL, f"/calendar/resources/{room.pk}/")
    assert "1:30 AM CST" in item_markup(rooms, primary_id(second))[0]


def _parse_feed(client: Client, token: str, monkeypatch, now: datetime) -> dict[str, object]:
    monkeypatch.setattr(feeds, "now", lambda: now)
    response = client.get(f"/feeds/staff/{token}.ics")
    assert response.status_code == 200
    feed = Calendar.from_ical(response.content)
    return {str(event["uid"]): event for event in feed.walk("VEVENT")}, response.content.decode()


def test_it_writes_dst_sessions_to_the_feed_at_the_right_instants(client, photographer_user, spring_session,
                                                                  fall_sessions, monkeypatch):
    first, second = fall_sessions
    token = photographer_user.staff_profile.ical_token
    events, body = _parse_feed(client, token, monkeypatch, utc(2026, 5, 1, 12))
    spring = events[f"event-{primary_id(spring_session)}@studio-sessions"]
    assert spring.decoded("dtstart").astimezone(UTC) == utc(2026, 3, 8, 7, 30)
    assert spring.decoded("dtend").astimezone(UTC) == utc(2026, 3, 8, 8, 30)
    assert "DTSTART;TZID=America/Chicago:20260308T013000" in body
    assert "DTEND;TZID=America/Chicago:20260308T033000" in body

    events, body = _parse_feed(client, token, monkeypatch, utc(2026, 10, 15, 12))
    one = events[f"event-{primary_id(first)}@studio-sessions"]
    two = events[f"event-{primary_id(second)}@studio-sessions"]
    assert one.decoded("dtstart").astimezone(UTC) == utc(2026, 11, 1, 6, 30)
    assert one.decoded("dtend").astimezone(UTC) == utc(2026, 11, 1, 6, 55)
    assert two.decoded("dtstart").astimezone(UTC) == utc(2026, 11, 1, 7, 30)
    assert two.decoded("dtend").astimezone(UTC) == utc(2026, 11, 1, 8, 0)
    # (astimezone: Python never calls a time in the repeated hour equal to one in another zone.)
    # The first 1:30 is written in local time; the second cannot be (RFC 5545 would read it as
    # the first occurrence), so it goes out in UTC.
    assert "DTSTART;TZID=America/Chicago:20261101T013000" in body
    assert "DTSTART:20261101T073000Z" in body
    assert "BEGIN:VTIMEZONE" in body and "TZID:America/Chicago" in body
