"""Calendar pages: /calendar/, /calendar/me/, /calendar/staff/<id>/, /calendar/resources/<id>/.

Personas: front desk (books from the calendar), manager, photographer and
assistant (their own calendar), and someone without a role.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from urllib.parse import parse_qs, urlparse

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from scheduling.models import Resource
from sessions.models import CalendarEvent
from studio.models import StudioSettings, UserPreferences
from tests import factories
from tests.factories import ResourceFactory, SessionFactory, SessionTypeFactory, local_dt

pytestmark = pytest.mark.django_db

DAY = date(2026, 6, 10)  # a Wednesday; the week (Sunday first) runs June 7–13
VIEWS = ("month", "week", "workweek", "day")


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # Users here log in with force_login; hashing real passwords only slows the suite.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def get(client: Client, path: str = "/calendar/", **params):
    query = []
    for key, value in params.items():
        values = value if isinstance(value, list | tuple) else [value]
        query += [f"{key}={v}" for v in values]
    return client.get(f"{path}?{'&'.join(query)}" if query else path)


def html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def events_in(page: str) -> set[int]:
    return {int(pk) for pk in re.findall(r'data-event="(\d+)"', page)}


def grid_columns(page: str) -> dict[tuple[str, str], set[int]]:
    """{(day, column key): event ids} for the time grid (the phone agenda is left out)."""
    grid = page.split('class="cal-agenda"')[0]
    parts = re.split(r'data-day="([\d-]+)" data-column="([^"]+)"', grid)
    columns = {}
    for index in range(1, len(parts) - 1, 3):
        columns[(parts[index], parts[index + 1])] = {int(pk) for pk in re.findall(r'data-event="(\d+)"', parts[index + 2])}
    return columns


def slot_links(page: str) -> list[dict[str, list[str]]]:
    return [parse_qs(urlparse(href.replace("&amp;", "&")).query)
            for href in re.findall(r'class="cal-slot[^"]*" href="([^"]+)"', page)]


def primary(session) -> CalendarEvent:
    return session.events.get(is_primary=True)


@pytest.fixture
def photographer_b(db):
    return factories.photographer(username="photo_b", first_name="Ben", last_name="Cho")


@pytest.fixture
def room(db):
    return ResourceFactory(name="Studio A")


@pytest.fixture
def booked(photographer_user, room):
    session_type = SessionTypeFactory(name="Family portrait", color="#f3d250")
    return SessionFactory(
        starts_at=local_dt(DAY, 10), ends_at=local_dt(DAY, 11, 30), description="Smith family",
        client=factories.ClientFactory(last_name="Smith", first_name="Jane"),
        session_type=session_type, photographer=photographer_user, camera_room=room, confirmed=True,
    )


# ---- What an item shows -------------------------------------------------------


@pytest.mark.parametrize("view", VIEWS)
def test_it_shows_the_session_in_every_view_for_the_front_desk(front_desk_client, booked, view):
    page = html(get(front_desk_client, view=view, date="2026-06-10"))
    assert primary(booked).pk in events_in(page)
    assert "Smith family" in page
    assert "Smith, Jane" in page
    assert f"#{booked.number}" in page
    assert "Confirmed" in page
    assert f"/sessions/{booked.pk}/" in page
    # The type's colour, and black text because the yellow is light.
    assert "--ev-bg: #f3d250; --ev-fg: #000;" in page
    assert "10:00" in page


def test_it_shows_time_range_and_white_text_on_dark_types(front_desk_client, photographer_user):
    dark = SessionTypeFactory(name="Headshot", color="#1f3347")
    session = SessionFactory(starts_at=local_dt(DAY, 11), ends_at=local_dt(DAY, 13), session_type=dark,
                             photographer=photographer_user, description="Team headshots")
    page = html(get(front_desk_client, view="day", date="2026-06-10"))
    assert "11:00 AM – 1:00 PM" in page
    assert "--ev-bg: #1f3347; --ev-fg: #fff;" in page
    assert "Confirmed" not in page.split(f'data-event="{primary(session).pk}"')[1].split("</a>")[0]


def test_it_leaves_out_on_hold_cancelled_and_hidden_everywhere(client, front_desk_client, photographer_user, room):
    from django.utils import timezone

    day = timezone.localdate() + timedelta(days=7)  # inside the feeds' window
    shown = SessionFactory(starts_at=local_dt(day, 9), photographer=photographer_user, camera_room=room,
                           description="Shown session")
    on_hold = SessionFactory(starts_at=local_dt(day, 10), photographer=photographer_user, camera_room=room,
                             on_hold=True, description="Held session")
    cancelled = SessionFactory(starts_at=local_dt(day, 11), photographer=photographer_user, camera_room=room,
                               cancelled=True, description="Cancelled session")
    advanced = SessionFactory(starts_at=local_dt(day, 12), photographer=photographer_user, camera_room=room,
                              use_advanced_calendar=True, description="Advanced session")
    hidden = CalendarEvent.objects.create(session=advanced, description="Hidden row", hidden=True,
                                          starts_at=local_dt(day, 14), ends_at=local_dt(day, 15),
                                          photographer=photographer_user, resource=room)
    # An extra row of a session without advanced options is not on the calendar either.
    plain_extra = CalendarEvent.objects.create(session=shown, description="Stray row",
                                               starts_at=local_dt(day, 16), ends_at=local_dt(day, 17),
                                               photographer=photographer_user, resource=room)
    visible_extra = CalendarEvent.objects.create(session=advanced, description="Second sitting",
                                                 starts_at=local_dt(day, 18), ends_at=local_dt(day, 19),
                                                 photographer=photographer_user, resource=room)
    never = {primary(on_hold).pk, primary(cancelled).pk, hidden.pk, plain_extra.pk}
    always = {primary(shown).pk, primary(advanced).pk, visible_extra.pk}
    photographer_client = Client()
    photographer_client.force_login(photographer_user)
    pages = [
        ("/calendar/", front_desk_client), ("/calendar/me/", photographer_client),
        (f"/calendar/staff/{photographer_user.pk}/", front_desk_client),
        (f"/calendar/resources/{room.pk}/", front_desk_client),
    ]
    for path, browser in pages:
        for view in VIEWS:
            page = html(get(browser, path, view=view, date=day.isoformat()))
            assert always <= events_in(page), (path, view)
            assert not (never & events_in(page)), (path, view)
            for text in ("Held session", "Cancelled session", "Hidden row", "Stray row"):
                assert text not in page, (path, view, text)
    for feed in (f"/feeds/staff/{photographer_user.staff_profile.ical_token}.ics",
                 f"/feeds/resources/{room.ical_token}.ics"):
        body = client.get(feed).content.decode()
        for pk in never:
            assert f"UID:event-{pk}@studio-sessions" not in body
        for pk in always:
            assert f"UID:event-{pk}@studio-sessions" in body


# ---- Filters, columns, addresses ------------------------------------------------


def test_it_filters_by_people_and_resources(front_desk_client, photographer_user, photographer_b, room):
    other_room = ResourceFactory(name="Studio B")
    mine = SessionFactory(starts_at=local_dt(DAY, 9), photographer=photographer_user, description="Mine")
    assisted = SessionFactory(starts_at=local_dt(DAY, 10), photographer=photographer_b,
                              assistant=photographer_user, description="Assisted")
    theirs = SessionFactory(starts_at=local_dt(DAY, 11), photographer=photographer_b, description="Theirs")
    in_room = SessionFactory(starts_at=local_dt(DAY, 12), camera_room=other_room, description="In room B")

    page = html(get(front_desk_client, view="week", date="2026-06-10", people=photographer_user.pk))
    assert events_in(page) == {primary(mine).pk, primary(assisted).pk}
    assert f'value="{photographer_user.pk}" id="cal-person-{photographer_user.pk}" checked' in page

    page = html(get(front_desk_client, view="week", date="2026-06-10", resources=other_room.pk))
    assert events_in(page) == {primary(in_room).pk}

    page = html(get(front_desk_client, view="week", date="2026-06-10",
                    people=photographer_b.pk, resources=other_room.pk))
    assert events_in(page) == {primary(assisted).pk, primary(theirs).pk, primary(in_room).pk}

    page = html(get(front_desk_client, view="week", date="2026-06-10"))
    assert events_in(page) == {primary(s).pk for s in (mine, assisted, theirs, in_room)}


def test_it_lists_only_people_and_resources_shown_on_the_calendar(front_desk_client, photographer_user, room):
    hidden_person = factories.photographer(username="ghost", first_name="Gus", last_name="Ghost")
    hidden_person.staff_profile.show_on_calendar = False
    hidden_person.staff_profile.save()
    ResourceFactory(name="Backdrop stand", show_on_calendar=False)
    ResourceFactory(name="Old room", active=False)
    page = html(get(front_desk_client, view="week", date="2026-06-10"))
    assert f'id="cal-person-{photographer_user.pk}"' in page
    assert f'id="cal-person-{hidden_person.pk}"' not in page
    assert f'id="cal-resource-{room.pk}"' in page
    assert "Backdrop stand" not in page and "Old room" not in page


def test_it_starts_from_the_users_default_view_and_people(front_desk_user, front_desk_client, photographer_user,
                                                         photographer_b):
    prefs = UserPreferences.for_user(front_desk_user)
    prefs.default_calendar_view = "day"
    prefs.save()
    prefs.default_calendar_people.set([photographer_b])
    mine = SessionFactory(starts_at=local_dt(DAY, 9), photographer=photographer_user)
    theirs = SessionFactory(starts_at=local_dt(DAY, 10), photographer=photographer_b)

    page = html(get(front_desk_client, date="2026-06-10"))
    assert "Wednesday, June 10, 2026" in page  # the day view
    assert events_in(page) == {primary(theirs).pk}
    # "Show everyone" overrides the defaults, and stays addressable.
    page = html(get(front_desk_client, date="2026-06-10", filter=1))
    assert events_in(page) == {primary(mine).pk, primary(theirs).pk}
    assert "filter=1" in page


def test_it_puts_people_side_by_side_in_day_and_week_views(front_desk_client, photographer_user, photographer_b,
                                                          assistant_user):
    ours = SessionFactory(starts_at=local_dt(DAY, 9), photographer=photographer_user, assistant=assistant_user)
    theirs = SessionFactory(starts_at=local_dt(DAY, 9), photographer=photographer_b)
    nobody = SessionFactory(starts_at=local_dt(DAY, 13))
    for view in ("day", "week", "workweek"):
        page = html(get(front_desk_client, view=view, date="2026-06-10", group="person"))
        columns = grid_columns(page)
        day = "2026-06-10"
        assert columns[(day, f"person-{photographer_user.pk}")] == {primary(ours).pk}
        assert columns[(day, f"person-{assistant_user.pk}")] == {primary(ours).pk}
        assert columns[(day, f"person-{photographer_b.pk}")] == {primary(theirs).pk}
        assert columns[(day, "other")] == {primary(nobody).pk}
        assert "Unassigned / others" in page
    week = grid_columns(html(get(front_desk_client, view="week", date="2026-06-10", group="person")))
    assert {day for day, _ in week} == {f"2026-06-{d:02d}" for d in range(7, 14)}


def test_it_puts_resources_side_by_side(front_desk_client, room):
    room_b = ResourceFactory(name="Studio B")
    in_a = SessionFactory(starts_at=local_dt(DAY, 9), camera_room=room)
    in_b = SessionFactory(starts_at=local_dt(DAY, 9), camera_room=room_b)
    outside = SessionFactory(starts_at=local_dt(DAY, 9), location="City park")
    columns = grid_columns(html(get(front_desk_client, view="day", date="2026-06-10", group="resource")))
    assert columns[("2026-06-10", f"resource-{room.pk}")] == {primary(in_a).pk}
    assert columns[("2026-06-10", f"resource-{room_b.pk}")] == {primary(in_b).pk}
    assert columns[("2026-06-10", "other")] == {primary(outside).pk}


def test_it_shows_only_the_chosen_people_as_columns(front_desk_client, photographer_user, photographer_b):
    SessionFactory(starts_at=local_dt(DAY, 9), photographer=photographer_b)
    columns = grid_columns(html(get(front_desk_client, view="day", date="2026-06-10", group="person",
                                    people=photographer_user.pk)))
    assert set(columns) == {("2026-06-10", f"person-{photographer_user.pk}")}


def test_it_keeps_grouped_columns_readable_on_a_big_studio(front_desk_client, photographer_user):
    crew = [factories.photographer(username=f"crew{n:02d}", first_name="Crew", last_name=f"Member {n:02d}")
            for n in range(30)]
    busy = crew[-1]  # last by name: shown because it has a booking
    booked = SessionFactory(starts_at=local_dt(DAY, 9), photographer=busy)
    page = html(get(front_desk_client, view="day", date="2026-06-10", group="person"))
    people = [key for _, key in grid_columns(page) if key.startswith("person-")]
    assert len(people) == 24
    assert f"person-{busy.pk}" in people
    assert primary(booked).pk in grid_columns(page)[("2026-06-10", f"person-{busy.pk}")]
    # 30 crew + the photographer fixture + the front desk user: 32 on the calendar.
    assert "8 more people" in page and "left out to keep the columns readable" in page
    week = grid_columns(html(get(front_desk_client, view="week", date="2026-06-10", group="person")))
    assert len([key for day, key in week if day == "2026-06-10"]) == 8
    # Chosen people are all shown when they fit.
    chosen = [p.pk for p in crew[:5]]
    page = html(get(front_desk_client, view="week", date="2026-06-10", group="person", people=chosen))
    assert {key for _, key in grid_columns(page)} == {f"person-{pk}" for pk in chosen}
    assert "left out" not in page


def test_it_links_empty_slots_to_the_wizard_with_date_time_and_person(front_desk_client, photographer_user,
                                                                      assistant_user, room):
    page = html(get(front_desk_client, view="day", date="2026-06-10", group="person"))
    links = slot_links(page)
    assert {"date": ["2026-06-10"], "time": ["09:30"], "photographer": [str(photographer_user.pk)]} in links
    assert {"date": ["2026-06-10"], "time": ["14:00"], "assistant": [str(assistant_user.pk)]} in links
    assert 'href="/schedule/new/?date=2026-06-10&amp;time=09:30&amp;photographer=' in page

    links = slot_links(html(get(front_desk_client, view="day", date="2026-06-10", group="resource")))
    assert {"date": ["2026-06-10"], "time": ["07:00"], "resource": [str(room.pk)]} in links

    links = slot_links(html(get(front_desk_client, view="week", date="2026-06-10")))
    assert {"date": ["2026-06-13"], "time": ["20:30"]} in links

    links = slot_links(html(get(front_desk_client, f"/calendar/staff/{photographer_user.pk}/", view="day",
                                date="2026-06-10")))
    assert {"date": ["2026-06-10"], "time": ["10:00"], "photographer": [str(photographer_user.pk)]} in links


def test_it_is_addressable_by_url(front_desk_client, photographer_user, room):
    page = html(get(front_desk_client, view="day", date="2026-06-10", group="person",
                    people=photographer_user.pk, resources=room.pk))
    assert "Wednesday, June 10, 2026" in page
    query = f"people={photographer_user.pk}&amp;resources={room.pk}"
    assert f'href="/calendar/?view=day&amp;date=2026-06-09&amp;group=person&amp;{query}"' in page  # previous
    assert f'href="/calendar/?view=day&amp;date=2026-06-11&amp;group=person&amp;{query}"' in page  # next
    assert f'href="/calendar/?view=week&amp;date=2026-06-10&amp;group=person&amp;{query}"' in page  # switch

    assert "Jun 7 – 13, 2026" in html(get(front_desk_client, view="week", date="2026-06-10"))
    assert "Jun 8 – 13, 2026" in html(get(front_desk_client, view="workweek", date="2026-06-10"))
    assert "June 2026" in html(get(front_desk_client, view="month", date="2026-06-10"))
    page = html(get(front_desk_client, view="month", date="2026-01-31"))
    assert 'href="/calendar/?view=month&amp;date=2026-02-28"' in page  # next month keeps a real date


def test_it_works_the_studios_work_days(front_desk_client, studio_settings):
    studio_settings.work_days = [2, 3, 4]
    studio_settings.save()
    page = html(get(front_desk_client, view="workweek", date="2026-06-10"))
    assert "Jun 9 – 11, 2026" in page
    assert set(day for day, _ in grid_columns(page)) == {"2026-06-09", "2026-06-10", "2026-06-11"}


def test_it_shades_open_hours_and_still_shows_early_sessions(front_desk_client, studio_settings):
    early = SessionFactory(starts_at=local_dt(DAY, 5), ends_at=local_dt(DAY, 6), description="Sunrise shoot")
    page = html(get(front_desk_client, view="day", date="2026-06-10"))
    assert primary(early).pk in events_in(page)
    assert "5 AM" in page  # the grid grows to show it
    assert re.search(r'class="cal-slot is-open is-hour" href="[^"]*time=09:00', page)
    assert re.search(r'class="cal-slot is-hour" href="[^"]*time=08:00', page)  # before opening: shaded
    assert re.search(r'class="cal-slot is-hour" href="[^"]*time=18:00', page)  # after closing
    # Booking outside open hours is allowed: the shaded slot still links to the wizard.
    assert 'time=05:00' in page


def test_it_shows_an_overnight_session_on_both_days(front_desk_client):
    overnight = SessionFactory(starts_at=local_dt(DAY, 23), ends_at=local_dt(DAY + timedelta(days=1), 1),
                               description="Star trails")
    columns = grid_columns(html(get(front_desk_client, view="week", date="2026-06-10")))
    assert primary(overnight).pk in columns[("2026-06-10", "date")]
    assert primary(overnight).pk in columns[("2026-06-11", "date")]
    page = html(get(front_desk_client, view="day", date="2026-06-11"))
    assert "until Thu 1:00 AM" in page
    month = html(get(front_desk_client, view="month", date="2026-06-10"))
    assert month.count(f'data-event="{primary(overnight).pk}"') >= 2


def test_it_sums_up_busy_month_days(front_desk_client):
    for n in range(10):
        SessionFactory(starts_at=local_dt(DAY, 8 + n // 2, 30 * (n % 2)))
    page = html(get(front_desk_client, view="month", date="2026-06-10"))
    grid, agenda = page.split('class="cal-agenda"')
    assert "+ 8 more" in grid  # two listed in the cell
    assert "+ 2 more on Wednesday" in agenda  # eight listed on a phone
    assert 'href="/calendar/?view=day&amp;date=2026-06-10"' in page


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"date": "2026-02-30"}, "“2026-02-30” is not a date (use YYYY-MM-DD); showing today."),
        ({"view": "year"}, "“year” is not a calendar view; showing the week view."),
        ({"group": "colour"}, "“colour” is not a way to group the calendar; showing it by date."),
        ({"people": "abc"}, "Some people in the filter are not on the calendar; they were left out."),
        ({"resources": "99999"}, "Some resources in the filter are not on the calendar; they were left out."),
        ({"date": "0001-01-01"}, "The calendar covers 1900 to 2200; showing the nearest date."),
    ],
)
def test_it_falls_back_on_bad_parameters_with_a_message(front_desk_client, params, message):
    page = html(get(front_desk_client, **params))
    assert message in page


def test_it_falls_back_to_today_for_a_bad_date(front_desk_client):
    from django.utils import timezone

    today = timezone.localdate()
    page = html(get(front_desk_client, view="day", date="tomorrow"))
    assert f"{today:%A}, {today:%B} {today.day}, {today.year}" in page


# ---- Scoped calendars ------------------------------------------------------------


def test_it_shows_a_photographer_everything_they_work_on(photographer_client, photographer_user, photographer_b,
                                                         room):
    as_photographer = SessionFactory(starts_at=local_dt(DAY, 9), photographer=photographer_user)
    as_assistant = SessionFactory(starts_at=local_dt(DAY, 10), photographer=photographer_b,
                                  assistant=photographer_user)
    advanced = SessionFactory(starts_at=local_dt(DAY, 11), photographer=photographer_b, use_advanced_calendar=True)
    my_row = CalendarEvent.objects.create(session=advanced, starts_at=local_dt(DAY, 15), ends_at=local_dt(DAY, 16),
                                          photographer=photographer_user, description="Second location")
    not_mine = SessionFactory(starts_at=local_dt(DAY, 12), photographer=photographer_b)
    expected = {primary(as_photographer).pk, primary(as_assistant).pk, my_row.pk}
    for view in VIEWS:
        page = html(get(photographer_client, "/calendar/me/", view=view, date="2026-06-10"))
        assert events_in(page) == expected, view
        assert primary(not_mine).pk not in events_in(page)
        assert "My calendar" in page
    page = html(get(photographer_client, f"/calendar/staff/{photographer_user.pk}/", view="week",
                    date="2026-06-10"))
    assert events_in(page) == expected


def test_it_404s_for_unknown_people_and_untracked_resources(front_desk_client, room):
    assert front_desk_client.get("/calendar/staff/999999/").status_code == 404
    no_profile = factories.UserFactory(username="noprofile")
    assert front_desk_client.get(f"/calendar/staff/{no_profile.pk}/").status_code == 404
    assert front_desk_client.get(f"/calendar/resources/{room.pk}/").status_code == 200
    Resource.objects.filter(pk=room.pk).update(show_on_calendar=False)
    assert front_desk_client.get(f"/calendar/resources/{room.pk}/").status_code == 404
    Resource.objects.filter(pk=room.pk).update(show_on_calendar=True, active=False)
    assert front_desk_client.get(f"/calendar/resources/{room.pk}/").status_code == 404
    assert front_desk_client.get("/calendar/resources/999999/").status_code == 404


def test_it_shows_a_resource_calendar_with_only_its_bookings(front_desk_client, room):
    here = SessionFactory(starts_at=local_dt(DAY, 9), camera_room=room, description="In the room")
    elsewhere = SessionFactory(starts_at=local_dt(DAY, 10), location="Beach")
    page = html(get(front_desk_client, f"/calendar/resources/{room.pk}/", view="week", date="2026-06-10"))
    assert events_in(page) == {primary(here).pk}
    assert primary(elsewhere).pk not in events_in(page)
    assert {"date": ["2026-06-10"], "time": ["10:00"], "resource": [str(room.pk)]} in slot_links(page)


# ---- Subscribe links -----------------------------------------------------------


def test_it_offers_each_calendar_its_feed(front_desk_user, front_desk_client, manager_client, photographer_user,
                                          photographer_client, room):
    own = front_desk_user.staff_profile.ical_token
    page = html(get(front_desk_client))
    assert f"http://testserver/feeds/staff/{own}.ics" in page
    assert f'href="webcal://testserver/feeds/staff/{own}.ics"' in page
    assert "Subscribe" in page

    theirs = photographer_user.staff_profile.ical_token
    assert f"/feeds/staff/{theirs}.ics" in html(get(photographer_client, "/calendar/me/"))
    # A personal feed address is for its owner (and managers), not for colleagues.
    assert theirs not in html(get(front_desk_client, f"/calendar/staff/{photographer_user.pk}/"))
    assert f"/feeds/staff/{theirs}.ics" in html(get(manager_client, f"/calendar/staff/{photographer_user.pk}/"))

    assert f"/feeds/resources/{room.ical_token}.ics" in html(get(front_desk_client, f"/calendar/resources/{room.pk}/"))


def test_it_regenerates_the_users_own_feed_token(front_desk_user, front_desk_client):
    old = front_desk_user.staff_profile.ical_token
    assert front_desk_client.get("/calendar/feed/regenerate/").status_code == 405
    response = front_desk_client.post("/calendar/feed/regenerate/", {"next": "/calendar/me/"}, follow=True)
    front_desk_user.staff_profile.refresh_from_db()
    assert front_desk_user.staff_profile.ical_token != old
    assert response.redirect_chain[-1][0] == "/calendar/me/"
    assert "Your calendar feed has a new address." in response.content.decode()
    # Never an open redirect.
    response = front_desk_client.post("/calendar/feed/regenerate/", {"next": "https://evil.example/"})
    assert not response["Location"].startswith("https://evil.example")


def test_it_explains_that_a_user_without_a_profile_has_no_feed(db):
    user = factories.UserFactory(username="plain", groups=["Front desk"])
    browser = Client()
    browser.force_login(user)
    response = browser.post("/calendar/feed/regenerate/", {"next": "/calendar/"}, follow=True)
    assert "Your account has no staff profile" in response.content.decode()
    page = html(browser.get("/calendar/"))
    assert "/feeds/staff/" not in page


def test_it_renders_the_preferences_feed_section(front_desk_user, rf):
    from django.template.loader import render_to_string

    request = rf.get("/preferences/")
    request.user = front_desk_user
    text = render_to_string("studio/_preferences_ical.html", {"user": front_desk_user}, request=request)
    token = front_desk_user.staff_profile.ical_token
    assert f'value="http://testserver/feeds/staff/{token}.ics"' in text
    assert f'href="webcal://testserver/feeds/staff/{token}.ics"' in text
    assert 'action="/calendar/feed/regenerate/"' in text
    assert "Regenerate" in text


# ---- Roles ----------------------------------------------------------------------


@pytest.mark.parametrize("role", ["manager", "front_desk", "photographer", "assistant"])
def test_it_lets_every_staff_role_see_the_calendars(role, room):
    user = getattr(factories, role)(username=f"{role}_user")
    browser = Client()
    browser.force_login(user)
    for path in ("/calendar/", "/calendar/me/", f"/calendar/staff/{user.pk}/", f"/calendar/resources/{room.pk}/"):
        assert browser.get(path).status_code == 200, path


def test_it_refuses_users_without_a_role(room):
    user = factories.UserFactory(username="outsider")
    browser = Client()
    browser.force_login(user)
    for path in ("/calendar/", "/calendar/me/", f"/calendar/resources/{room.pk}/"):
        assert browser.get(path).status_code == 403
    user.user_permissions.add(Permission.objects.get(codename="view_calendarevent"))
    browser.force_login(type(user).objects.get(pk=user.pk))
    assert browser.get("/calendar/").status_code == 200


def test_it_sends_anonymous_visitors_to_log_in(client):
    response = client.get("/calendar/?view=day&date=2026-06-10")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/calendar/")


# ---- Speed ----------------------------------------------------------------------


def _book_many(count: int, people, rooms) -> None:
    types = [SessionTypeFactory(name=f"Type {n}", color=f"#{n * 30 % 256:02x}6688") for n in range(3)]
    for n in range(count):
        day = DAY + timedelta(days=n % 3 - 1)
        session = SessionFactory(
            starts_at=local_dt(day, 8 + n % 10), session_type=types[n % 3],
            photographer=people[n % len(people)], assistant=people[(n + 1) % len(people)],
            camera_room=rooms[n % len(rooms)], confirmed=n % 2 == 0, use_advanced_calendar=n % 5 == 0,
        )
        if n % 5 == 0:
            CalendarEvent.objects.create(session=session, starts_at=local_dt(day, 20), ends_at=local_dt(day, 21),
                                         photographer=people[0], resource=rooms[0])


QUERY_BOUND = 14
PAGES = [
    ("/calendar/", {"view": "month"}),
    ("/calendar/", {"view": "week"}),
    ("/calendar/", {"view": "workweek"}),
    ("/calendar/", {"view": "day"}),
    ("/calendar/", {"view": "day", "group": "person"}),
    ("/calendar/", {"view": "week", "group": "resource"}),
    ("/calendar/me/", {"view": "week"}),
    ("staff", {"view": "month"}),
    ("resource", {"view": "week"}),
]


@pytest.mark.parametrize("count", [3, 60])
def test_it_runs_a_fixed_number_of_queries_however_many_events(count, photographer_user, photographer_b,
                                                               assistant_user, room, django_assert_max_num_queries):
    people = [photographer_user, photographer_b, assistant_user]
    _book_many(count, people, [room, ResourceFactory(name="Studio B")])
    browser = Client()
    browser.force_login(photographer_user)
    browser.get("/calendar/")  # first visit creates the preferences row
    shown = 0
    for path, params in PAGES:
        path = {"staff": f"/calendar/staff/{photographer_b.pk}/", "resource": f"/calendar/resources/{room.pk}/"}.get(
            path, path)
        with django_assert_max_num_queries(QUERY_BOUND):
            page = html(get(browser, path, date="2026-06-10", **params))
        shown = max(shown, len(events_in(page)))
    assert shown >= min(count, 60) * 0.9  # the pages really listed the events


def test_it_keeps_studio_settings_in_one_row(front_desk_client):
    # The calendar reads the settings row; it must not create more.
    html(get(front_desk_client))
    assert StudioSettings.objects.count() == 1
