"""iCal feeds: /feeds/staff/<token>.ics and /feeds/resources/<token>.ics.

Personas: a photographer's phone (no login, the token is the key), the
photographer regenerating a leaked address, a front desk subscribing to a room.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client
from icalendar import Calendar

from scheduling import feeds
from scheduling.models import Resource
from sessions.models import CalendarEvent, SessionStatus
from studio.models import StaffProfile, StudioSettings
from tests import factories
from tests.factories import ResourceFactory, SessionFactory, SessionTypeFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 1, 15, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _fixed_now(monkeypatch, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    monkeypatch.setattr(feeds, "now", lambda: NOW)


def at(days: float, hours: float = 0) -> datetime:
    return NOW + timedelta(days=days, hours=hours)


def fetch(path: str) -> tuple[Calendar, str]:
    response = Client().get(path)  # anonymous: calendar apps do not log in
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content), response.content.decode()


def staff_feed(user) -> str:
    return f"/feeds/staff/{user.staff_profile.ical_token}.ics"


def vevents(calendar: Calendar) -> dict[str, object]:
    return {str(event["uid"]): event for event in calendar.walk("VEVENT")}


def uid(session_or_event) -> str:
    event = session_or_event
    if not isinstance(event, CalendarEvent):
        event = event.events.get(is_primary=True)
    return f"event-{event.pk}@studio-sessions"


@pytest.fixture
def room(db):
    return ResourceFactory(name="Studio A")


@pytest.fixture
def confirmed_session(photographer_user, assistant_user, room):
    return SessionFactory(
        starts_at=at(3, 0), ends_at=at(3, 1.5), description="Smith family",
        client=factories.ClientFactory(last_name="Smith", first_name="Jane"),
        session_type=SessionTypeFactory(name="Family portrait"),
        photographer=photographer_user, assistant=assistant_user, camera_room=room, confirmed=True,
    )


def test_it_serves_a_photographers_sessions_to_their_phone(photographer_user, confirmed_session):
    calendar, body = fetch(staff_feed(photographer_user))
    name = photographer_user.staff_profile.display_name
    assert str(calendar["X-WR-CALNAME"]) == f"{name} · {StudioSettings.load().studio_name}"
    assert str(calendar["VERSION"]) == "2.0"
    zones = calendar.walk("VTIMEZONE")
    assert [str(z["TZID"]) for z in zones] == ["America/Chicago"]
    event = vevents(calendar)[uid(confirmed_session)]
    assert event["DTSTART"].params["TZID"] == "America/Chicago"
    assert event["DTEND"].params["TZID"] == "America/Chicago"
    assert event.decoded("DTSTART").astimezone(UTC) == confirmed_session.starts_at
    assert event.decoded("DTEND").astimezone(UTC) == confirmed_session.ends_at
    assert str(event["SUMMARY"]) == "Smith family — Smith, Jane"
    assert str(event["LOCATION"]) == "Studio A"
    description = str(event["DESCRIPTION"])
    assert f"Session #{confirmed_session.number}" in description
    assert "Type: Family portrait" in description
    assert f"Status: {SessionStatus.initial().name}" in description
    assert "Confirmed" in description
    assert f"Photographer: {name}" in description
    assert f"Assistant: {confirmed_session.assistant.staff_profile.display_name}" in description
    assert str(event["URL"]) == f"http://testserver/sessions/{confirmed_session.pk}/"
    assert str(event["STATUS"]) == "CONFIRMED"
    assert event.decoded("LAST-MODIFIED") == confirmed_session.updated_at.replace(microsecond=0)
    assert "DTSTAMP:" in body


def test_it_serves_the_assistant_the_same_session(assistant_user, confirmed_session):
    calendar, _ = fetch(staff_feed(assistant_user))
    assert uid(confirmed_session) in vevents(calendar)


def test_it_writes_a_typed_location_and_tentative_status(photographer_user):
    outside = SessionFactory(starts_at=at(5), photographer=photographer_user, location="Lincoln Park",
                             description="")
    calendar, _ = fetch(staff_feed(photographer_user))
    event = vevents(calendar)[uid(outside)]
    assert str(event["LOCATION"]) == "Lincoln Park"
    assert str(event["STATUS"]) == "TENTATIVE"
    # No description: the session type names it.
    assert str(event["SUMMARY"]).startswith(f"{outside.session_type.name} — ")


def test_it_keeps_uids_stable_when_a_session_moves(photographer_user, confirmed_session):
    before = vevents(fetch(staff_feed(photographer_user))[0])
    confirmed_session.starts_at, confirmed_session.ends_at = at(4), at(4, 1)
    confirmed_session.save()
    after = vevents(fetch(staff_feed(photographer_user))[0])
    assert set(before) == set(after) == {uid(confirmed_session)}
    assert after[uid(confirmed_session)].decoded("DTSTART").astimezone(UTC) == at(4)
    # Moving a confirmed session clears Confirmed (database rule); the feed says so.
    assert str(after[uid(confirmed_session)]["STATUS"]) == "TENTATIVE"


def test_it_includes_advanced_rows_with_their_own_times(photographer_user):
    session = SessionFactory(starts_at=at(2), photographer=photographer_user, use_advanced_calendar=True)
    row = CalendarEvent.objects.create(session=session, description="Second location", starts_at=at(9),
                                       ends_at=at(9, 2), photographer=photographer_user, location="Beach")
    events = vevents(fetch(staff_feed(photographer_user))[0])
    assert {uid(session), uid(row)} <= set(events)
    assert str(events[uid(row)]["SUMMARY"]).startswith("Second location — ")
    assert str(events[uid(row)]["LOCATION"]) == "Beach"
    assert events[uid(row)].decoded("DTSTART").astimezone(UTC) == at(9)


def test_it_covers_sixty_days_back_and_a_year_ahead(photographer_user):
    inside = [SessionFactory(starts_at=at(d), photographer=photographer_user) for d in (-59, 0, 364)]
    outside = [SessionFactory(starts_at=at(d), photographer=photographer_user) for d in (-61, 366)]
    events = vevents(fetch(staff_feed(photographer_user))[0])
    assert {uid(s) for s in inside} <= set(events)
    assert not {uid(s) for s in outside} & set(events)


def test_it_leaves_out_sessions_not_on_the_calendar(photographer_user):
    kept = SessionFactory(starts_at=at(1), photographer=photographer_user)
    held = SessionFactory(starts_at=at(1, 2), photographer=photographer_user, on_hold=True)
    cancelled = SessionFactory(starts_at=at(1, 4), photographer=photographer_user, cancelled=True)
    events = vevents(fetch(staff_feed(photographer_user))[0])
    assert set(events) == {uid(kept)}
    assert uid(held) not in events and uid(cancelled) not in events


def test_it_serves_a_rooms_bookings_only(room, photographer_user, confirmed_session):
    elsewhere = SessionFactory(starts_at=at(3), photographer=photographer_user, location="Beach")
    calendar, _ = fetch(f"/feeds/resources/{room.ical_token}.ics")
    assert str(calendar["X-WR-CALNAME"]).startswith("Studio A · ")
    assert set(vevents(calendar)) == {uid(confirmed_session)}
    assert uid(elsewhere) not in vevents(calendar)


def test_it_404s_on_a_wrong_or_retired_token(photographer_user, room):
    client = Client()
    assert client.get("/feeds/staff/not-a-token.ics").status_code == 404
    assert client.get(f"/feeds/resources/{photographer_user.staff_profile.ical_token}.ics").status_code == 404
    assert client.get(f"/feeds/staff/{room.ical_token}.ics").status_code == 404
    Resource.objects.filter(pk=room.pk).update(show_on_calendar=False)
    assert client.get(f"/feeds/resources/{room.ical_token}.ics").status_code == 404
    photographer_user.is_active = False
    photographer_user.save()
    assert client.get(staff_feed(photographer_user)).status_code == 404


def test_it_invalidates_the_old_address_when_the_token_is_regenerated(photographer_user, photographer_client,
                                                                      confirmed_session):
    old = staff_feed(photographer_user)
    assert Client().get(old).status_code == 200
    response = photographer_client.post("/calendar/feed/regenerate/")
    assert response.status_code == 302
    profile = StaffProfile.objects.get(user=photographer_user)
    new = f"/feeds/staff/{profile.ical_token}.ics"
    assert new != old
    assert len(profile.ical_token) >= 40
    assert Client().get(old).status_code == 404
    calendar, _ = fetch(new)
    assert uid(confirmed_session) in vevents(calendar)
    # The calendar page now offers the new address.
    page = photographer_client.get("/calendar/me/").content.decode()
    assert new in page and old not in page


def test_it_writes_a_valid_empty_feed(photographer_user):
    calendar, body = fetch(staff_feed(photographer_user))
    assert calendar.walk("VEVENT") == []
    assert "BEGIN:VTIMEZONE" in body


@pytest.mark.parametrize("count", [3, 60])
def test_it_runs_a_fixed_number_of_queries_however_many_events(count, photographer_user, assistant_user, room,
                                                               django_assert_max_num_queries):
    for n in range(count):
        session = SessionFactory(starts_at=at(n % 20, n % 8), photographer=photographer_user,
                                 assistant=assistant_user, camera_room=room, use_advanced_calendar=n % 4 == 0)
        if n % 4 == 0:
            CalendarEvent.objects.create(session=session, starts_at=at(n % 20, 10), ends_at=at(n % 20, 11),
                                         photographer=photographer_user, resource=room)
    expected = count + (count + 3) // 4
    for path in (staff_feed(photographer_user), f"/feeds/resources/{room.ical_token}.ics"):
        with django_assert_max_num_queries(4):
            calendar, _ = fetch(path)
        assert len(calendar.walk("VEVENT")) == expected
