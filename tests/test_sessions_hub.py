"""The sessions hub /sessions/: filters, sort, paging, CSV export, bulk Advance Status, roles."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from sessions.models import Session, SessionStatus, StatusChange
from tests import factories
from tests.factories import (
    ClientFactory,
    ResourceFactory,
    SessionFactory,
    SessionTypeFactory,
    local_dt,
)

LIST = "/sessions/"
EXPORT = "/sessions/export.csv"
ADVANCE = "/sessions/advance-status/"


def row_ids(response) -> list[int]:
    """Session ids of the table rows, in page order."""
    return [int(pk) for pk in re.findall(r'<tr class="hub-row[^"]*" data-session="(\d+)"', response.content.decode())]


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def csv_rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body)))


def status(name: str) -> SessionStatus:
    return SessionStatus.objects.get(name=name)


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def ann(db):
    user = factories.photographer(username="ann", first_name="Ann", last_name="Adams")
    user.staff_profile.display_name = "Ann Adams"
    user.staff_profile.save()
    return user


@pytest.fixture
def bob(db):
    user = factories.assistant(username="bob", first_name="Bob", last_name="Baker")
    user.staff_profile.display_name = "Bob Baker"
    user.staff_profile.save()
    return user


@pytest.fixture
def portrait(db):
    return SessionTypeFactory(name="Family Portrait", color="#ff8800")


@pytest.fixture
def wedding(db):
    return SessionTypeFactory(name="Wedding", color="#6f42c1")


def make_rows(n: int, **kwargs) -> list[Session]:
    day = date(2026, 5, 4)
    return [SessionFactory(starts_at=local_dt(day + timedelta(days=i), 10), **kwargs) for i in range(n)]


# --- The list ---------------------------------------------------------------


def test_it_lists_sessions_newest_first_with_row_details(front_desk_client, ann, bob, portrait):
    room = ResourceFactory(name="Camera Room A")
    client = ClientFactory(last_name="Lopez", first_name="Maria")
    older = SessionFactory(starts_at=local_dt(date(2026, 6, 1), 9), description="Older one")
    session = SessionFactory(
        client=client, session_type=portrait, description="Spring family photos",
        starts_at=local_dt(date(2026, 6, 12), 14, 30), ends_at=local_dt(date(2026, 6, 12), 15, 30),
        photographer=ann, assistant=bob, camera_room=room, confirmed=True, redo=True,
        status=status("Retouch Pending"), status_due_date=timezone.localdate() - timedelta(days=2),
    )
    outside = SessionFactory(starts_at=local_dt(date(2026, 5, 1), 9), location="Lincoln Park",
                             on_hold=True, cancelled=True, no_show=True)

    response = front_desk_client.get(LIST)

    assert response.status_code == 200
    assert row_ids(response) == [session.pk, older.pk, outside.pk]
    html = response.content.decode()
    assert "3 sessions" in html
    assert "Fri Jun 12, 2026" in html and "2:30 PM – 3:30 PM" in html
    assert f'href="/sessions/{session.pk}/">#{session.number}</a>' in html
    assert f'href="/clients/{client.pk}/">Lopez, Maria</a>' in html
    assert "Spring family photos" in html
    assert 'style="--swatch: #ff8800"' in html and "Family Portrait" in html
    assert "Retouch Pending" in html and ">past due</span>" in html
    assert "Ann Adams" in html and "with Bob Baker" in html
    assert "Camera Room A" in html and "Lincoln Park" in html
    for badge in ("Confirmed", "Redo", "On Hold", "Cancelled", "No Show"):
        assert f"</i> {badge}</span>" in html
    assert html.count('name="q"') == 1  # the filter form once, never inside the ribbon


def test_it_shows_past_due_badge_only_when_past_due(front_desk_client):
    SessionFactory(status_due_date=timezone.localdate())
    SessionFactory(status=status("Complete"), status_due_date=timezone.localdate() - timedelta(days=9))
    response = front_desk_client.get(LIST)
    assert ">past due</span>" not in response.content.decode()


def test_it_shows_an_empty_state(front_desk_client):
    response = front_desk_client.get(LIST)
    assert "No sessions yet." in response.content.decode()
    response = front_desk_client.get(LIST, {"q": "nobody"})
    assert "No sessions match these filters." in response.content.decode()
    assert "0 sessions" in response.content.decode()


# --- Filters ------------------------------------------------------------------


@pytest.mark.parametrize(
    "day, inside, outside",
    [
        # Spring forward: a 23-hour day.
        (date(2026, 3, 8), [(date(2026, 3, 8), 0, 30), (date(2026, 3, 8), 23, 30)],
         [(date(2026, 3, 7), 23, 30), (date(2026, 3, 9), 0, 15)]),
        # Fall back: a 25-hour day.
        (date(2026, 11, 1), [(date(2026, 11, 1), 0, 15), (date(2026, 11, 1), 23, 30)],
         [(date(2026, 10, 31), 23, 45), (date(2026, 11, 2), 0, 0)]),
    ],
)
def test_it_filters_by_session_date_on_a_dst_day(front_desk_client, day, inside, outside):
    wanted = [SessionFactory(starts_at=local_dt(d, h, m)) for d, h, m in inside]
    for d, h, m in outside:
        SessionFactory(starts_at=local_dt(d, h, m))

    response = front_desk_client.get(LIST, {"date_from": day.isoformat(), "date_to": day.isoformat()})

    assert sorted(row_ids(response)) == sorted(s.pk for s in wanted)
    assert "2 sessions" in response.content.decode()


def test_it_filters_by_an_open_date_range(front_desk_client):
    early = SessionFactory(starts_at=local_dt(date(2026, 4, 1), 10))
    late = SessionFactory(starts_at=local_dt(date(2026, 4, 20), 10))
    assert row_ids(front_desk_client.get(LIST, {"date_from": "2026-04-10"})) == [late.pk]
    assert row_ids(front_desk_client.get(LIST, {"date_to": "2026-04-10"})) == [early.pk]


def test_it_shows_bad_dates_as_form_errors_and_keeps_the_input(front_desk_client):
    SessionFactory()
    response = front_desk_client.get(LIST, {"date_from": "2026-13-45", "q": "Smith"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Enter a valid date." in html
    assert 'value="2026-13-45"' in html and 'value="Smith"' in html

    response = front_desk_client.get(LIST, {"date_from": "2026-04-10", "date_to": "2026-04-01"})
    assert response.status_code == 200
    assert "Session Date to must be on or after Session Date from." in response.content.decode()


def test_it_filters_by_type_status_people_and_room(front_desk_client, ann, bob, portrait, wedding):
    room = ResourceFactory(name="Studio B")
    a = SessionFactory(session_type=portrait, photographer=ann, status=status("Retouch Pending"))
    b = SessionFactory(session_type=wedding, assistant=bob, camera_room=room)
    c = SessionFactory(session_type=wedding, photographer=bob, assistant=ann)

    def ids(**params):
        return sorted(row_ids(front_desk_client.get(LIST, params)))

    assert ids(session_type=portrait.pk) == [a.pk]
    assert ids(session_type=wedding.pk) == sorted([b.pk, c.pk])
    assert ids(status=status("Retouch Pending").pk) == [a.pk]
    assert ids(status=status("Session Pending").pk) == sorted([b.pk, c.pk])
    assert ids(photographer=ann.pk) == [a.pk]
    assert ids(assistant=bob.pk) == [b.pk]
    assert ids(assistant=ann.pk) == [c.pk]
    assert ids(camera_room=room.pk) == [b.pk]
    assert ids(session_type=wedding.pk, assistant=bob.pk) == [b.pk]


def test_it_lists_staff_by_display_name_in_the_people_filters(front_desk_client, ann, bob):
    html = front_desk_client.get(LIST).content.decode()
    assert f'<option value="{ann.pk}">Ann Adams</option>' in html
    assert f'<option value="{bob.pk}">Bob Baker</option>' in html


@pytest.mark.parametrize("flag", ["confirmed", "no_show", "redo", "on_hold", "cancelled"])
def test_it_filters_by_each_flag(front_desk_client, flag):
    flagged = SessionFactory(**{flag: True})
    plain = SessionFactory()

    assert row_ids(front_desk_client.get(LIST, {flag: "yes"})) == [flagged.pk]
    assert row_ids(front_desk_client.get(LIST, {flag: "no"})) == [plain.pk]
    assert sorted(row_ids(front_desk_client.get(LIST, {flag: ""}))) == sorted([flagged.pk, plain.pk])


def test_it_filters_status_past_due(front_desk_client):
    today = timezone.localdate()
    overdue = SessionFactory(status=status("Image Capture Pending"), status_due_date=today - timedelta(days=1))
    SessionFactory(status_due_date=today)  # due today: not yet past due
    SessionFactory(status=status("Complete"), status_due_date=today - timedelta(days=5))
    SessionFactory(cancelled=True, status_due_date=today - timedelta(days=5))
    SessionFactory(status_due_date=None)

    response = front_desk_client.get(LIST, {"past_due": "on"})

    assert row_ids(response) == [overdue.pk]
    assert "1 session " in response.content.decode() or "1 session<" in response.content.decode()


def test_it_searches_by_number_client_name_file_number_and_description(front_desk_client):
    smith = ClientFactory(last_name="Smithson", first_name="Jane")
    by_name = SessionFactory(client=smith, description="Headshots")
    by_file = SessionFactory(file_number="F-2026-0042", description="Newborn")
    others = [SessionFactory(description="Team photo") for _ in range(3)]

    def ids(text):
        return sorted(row_ids(front_desk_client.get(LIST, {"q": text})))

    assert ids(str(others[1].number)) == [others[1].pk]
    assert ids(f"#{others[2].number}") == [others[2].pk]
    assert ids("smithson") == [by_name.pk]
    assert ids("Jane Smithson") == [by_name.pk]
    assert ids("jane headshots") == [by_name.pk]
    assert ids("F-2026-0042") == [by_file.pk]
    assert ids("0042") == [by_file.pk]
    assert ids("newborn") == [by_file.pk]
    assert ids("99999999999999999999999") == []


# --- Sorting and paging -------------------------------------------------------------


SORT_KEYS = {
    "date": lambda s: (s.starts_at, s.pk),
    "number": lambda s: s.number,
    "client": lambda s: (s.client.last_name, s.client.first_name),
    "type": lambda s: s.session_type.name,
    "status": lambda s: s.status.sort_order,
    "due": lambda s: s.status_due_date,
    "photographer": lambda s: s.photographer.staff_profile.display_name,
}


@pytest.mark.parametrize("key", list(SORT_KEYS))
def test_it_sorts_by_each_column_both_ways(front_desk_client, key):
    people = [factories.photographer(username=f"p{i}") for i in range(3)]
    for i, name in enumerate(["Carla", "Abe", "Bea"]):
        people[i].staff_profile.display_name = name
        people[i].staff_profile.save()
    statuses = [status("Retouch Pending"), status("Session Pending"), status("Upload to Web Pending")]
    sessions = [
        SessionFactory(
            client=ClientFactory(last_name=last),
            session_type=SessionTypeFactory(name=type_name),
            starts_at=local_dt(date(2026, 7, day), 10),
            status=statuses[i],
            status_due_date=date(2026, 8, due),
            photographer=people[i],
        )
        for i, (last, type_name, day, due) in enumerate(
            [("Brown", "Wedding", 3, 20), ("Young", "Maternity", 9, 5), ("Adler", "School", 1, 12)]
        )
    ]
    ascending = [s.pk for s in sorted(sessions, key=SORT_KEYS[key])]

    response = front_desk_client.get(LIST, {"sort": key})
    assert row_ids(response) == ascending
    assert 'aria-sort="ascending"' in response.content.decode()

    response = front_desk_client.get(LIST, {"sort": f"-{key}"})
    assert row_ids(response) == ascending[::-1]
    assert 'aria-sort="descending"' in response.content.decode()


def test_it_toggles_the_sort_direction_in_the_column_links(front_desk_client):
    SessionFactory(description="x y")
    html = front_desk_client.get(LIST, {"sort": "client", "q": "x y"}).content.decode()
    link = re.search(r'href="([^"]*)"[^>]*data-sort="client"', html).group(1)
    assert parse_qs(urlsplit(link.replace("&amp;", "&")).query) == {"sort": ["-client"], "q": ["x y"]}
    assert "bi-arrow-up" in html
    html = front_desk_client.get(LIST).content.decode()
    date_link = re.search(r'href="([^"]*)"[^>]*data-sort="date"', html).group(1)
    assert "sort=date" in date_link  # default is newest first: the link flips to oldest first
    assert 'aria-sort="descending"' in html


def test_it_falls_back_to_newest_first_for_an_unknown_sort(front_desk_client):
    old = SessionFactory(starts_at=local_dt(date(2026, 1, 5), 10))
    new = SessionFactory(starts_at=local_dt(date(2026, 2, 5), 10))
    assert row_ids(front_desk_client.get(LIST, {"sort": "password"})) == [new.pk, old.pk]


def test_it_pages_fifty_at_a_time_and_keeps_the_filters(front_desk_client, portrait):
    rows = make_rows(60, session_type=portrait)
    SessionFactory()  # another type, filtered out

    first = front_desk_client.get(LIST, {"session_type": portrait.pk})
    html = first.content.decode()
    assert len(row_ids(first)) == 50
    assert "60 sessions" in html and "page 1 of 2" in html
    assert f'href="?session_type={portrait.pk}&amp;page=2"' in html

    second = front_desk_client.get(LIST, {"session_type": portrait.pk, "page": 2})
    assert row_ids(second) == [s.pk for s in rows[:10]][::-1]
    assert row_ids(front_desk_client.get(LIST, {"session_type": portrait.pk, "page": "zz"})) == row_ids(first)


def test_it_shows_thousands_in_the_count(front_desk_client, monkeypatch):
    from sessions import hub

    assert hub._count_label(1234) == "1,234 sessions"
    assert hub._count_label(1) == "1 session"


@pytest.mark.parametrize("n", [3, 60])
def test_it_lists_with_a_constant_number_of_queries(front_desk_client, django_assert_max_num_queries, ann, bob, n):
    room = ResourceFactory()
    for i in range(n):
        SessionFactory(photographer=ann, assistant=bob, camera_room=room if i % 2 else None,
                       client=ClientFactory(), session_type=SessionTypeFactory(name=f"Type {i % 7}"),
                       status_due_date=date(2026, 1, 1))
    with django_assert_max_num_queries(14):
        response = front_desk_client.get(LIST, {"sort": "photographer", "past_due": "on"})
    assert response.status_code == 200
    assert len(row_ids(response)) == min(n, 50)


# --- CSV export ---------------------------------------------------------------------


def test_it_exports_every_matching_session_as_csv(front_desk_client, front_desk_user, ann, bob, portrait):
    room = ResourceFactory(name="Camera Room 1")
    client = ClientFactory(last_name="Nguyen", first_name="Linh")
    booked = SessionFactory(
        client=client, session_type=portrait, description="Graduation",
        starts_at=local_dt(date(2026, 3, 8), 9, 15), ends_at=local_dt(date(2026, 3, 8), 10, 45),
        photographer=ann, assistant=bob, camera_room=room, file_number="A-17",
        status=status("Retouch Pending"), status_due_date=date(2026, 3, 20),
        confirmed=True, redo=True, booked_by=front_desk_user,
    )
    rows = make_rows(60, session_type=portrait)
    SessionFactory()  # other type: not exported

    response = front_desk_client.get(EXPORT, {"session_type": portrait.pk, "sort": "date", "page": 2})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="sessions-{timezone.localdate():%Y-%m-%d}.csv"'
    )
    table = csv_rows(response)
    assert table[0] == [
        "Session Number", "Session Date", "Start Time", "End Time", "Client", "Description",
        "Type", "Status", "Status Due Date", "Photographer", "Assistant", "Camera Room",
        "File Number", "Confirmed", "No Show", "Redo", "On Hold", "Cancelled", "Booked By", "Booked On",
    ]
    assert len(table) == 1 + 61  # every row, not one page
    assert [int(r[0]) for r in table[1:]] == [booked.number] + [s.number for s in rows]
    line = table[1]
    assert line[:13] == [
        str(booked.number), "2026-03-08", "09:15", "10:45", "Nguyen, Linh", "Graduation",
        "Family Portrait", "Retouch Pending", "2026-03-20", "Ann Adams", "Bob Baker",
        "Camera Room 1", "A-17",
    ]
    assert line[13:18] == ["Yes", "No", "Yes", "No", "No"]
    assert line[18] == front_desk_user.staff_profile.display_name
    assert line[19] == f"{timezone.localtime(booked.booked_on):%Y-%m-%d %H:%M}"


def test_it_protects_the_csv_against_formula_injection(front_desk_client):
    SessionFactory(client=ClientFactory(last_name="=HYPERLINK(\"http://x\")", first_name="Eve"),
                   description="+SUM(A1:A9)", file_number="@cmd", location="-2+3")
    line = csv_rows(front_desk_client.get(EXPORT))[1]
    assert line[4] == "'=HYPERLINK(\"http://x\"), Eve"
    assert line[5] == "'+SUM(A1:A9)"
    assert line[11] == "'-2+3"
    assert line[12] == "'@cmd"


def test_it_sends_bad_export_filters_back_to_the_hub(front_desk_client):
    response = front_desk_client.get(EXPORT, {"date_from": "yesterday"})
    assert response.status_code == 302
    assert response["Location"] == "/sessions/?date_from=yesterday"
    assert messages_of(response) == ["Fix the filters below before exporting."]


@pytest.mark.parametrize("n", [3, 60])
def test_it_exports_with_a_constant_number_of_queries(front_desk_client, django_assert_max_num_queries, ann, n):
    for _ in range(n):
        SessionFactory(photographer=ann, booked_by=ann, client=ClientFactory())
    with django_assert_max_num_queries(6):
        table = csv_rows(front_desk_client.get(EXPORT))
    assert len(table) == n + 1


def test_it_links_the_export_with_the_current_filters(front_desk_client):
    SessionFactory()
    html = front_desk_client.get(LIST, {"q": "Lee", "sort": "-number", "page": "1"}).content.decode()
    assert 'href="/sessions/export.csv?q=Lee&amp;sort=-number"' in html


# --- Advance Status ----------------------------------------------------------------


def test_it_advances_sessions_of_one_type(front_desk_client, front_desk_user, portrait):
    a, b = SessionFactory(session_type=portrait), SessionFactory(session_type=portrait)
    untouched = SessionFactory(session_type=portrait)

    response = front_desk_client.post(ADVANCE, {
        "ids": [a.pk, b.pk], "querystring": f"session_type={portrait.pk}&sort=-number&page=1",
    })

    assert response.status_code == 302
    assert response["Location"] == f"/sessions/?session_type={portrait.pk}&sort=-number&page=1"
    assert messages_of(response) == ["Advanced 2 sessions."]
    for s in (a, b):
        s.refresh_from_db()
        assert s.status.name == "Image Capture Pending"
        change = StatusChange.objects.filter(session=s).latest("changed_at")
        assert change.to_status.name == "Image Capture Pending" and change.changed_by == front_desk_user
    untouched.refresh_from_db()
    assert untouched.status.name == "Session Pending"


def test_it_asks_before_advancing_sessions_of_different_types(manager_client, portrait, wedding):
    a = SessionFactory(session_type=portrait)
    b = SessionFactory(session_type=portrait)
    c = SessionFactory(session_type=wedding, status=status("Retouch Pending"))

    response = manager_client.post(ADVANCE, {"ids": [a.pk, b.pk, c.pk], "querystring": "q=x"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "The selected sessions are of different types." in html
    assert "You selected 3 sessions of 2 types:" in html
    assert "Family Portrait <span class=\"text-body-secondary\">× 2</span>" in html
    assert "Wedding <span class=\"text-body-secondary\">× 1</span>" in html
    assert "Advance anyway" in html and 'name="confirm" value="1"' in html
    assert 'href="/sessions/?q=x">Go back</a>' in html
    assert "Complete" in html  # Retouch Pending -> Complete
    assert Session.objects.filter(status__name="Session Pending").count() == 2
    assert Session.objects.get(pk=c.pk).status.name == "Retouch Pending"
    assert StatusChange.objects.count() == 0

    response = manager_client.post(ADVANCE, {"ids": [a.pk, b.pk, c.pk], "querystring": "q=x", "confirm": "1"})

    assert response.status_code == 302 and response["Location"] == "/sessions/?q=x"
    assert messages_of(response) == ["Advanced 3 sessions."]
    assert Session.objects.get(pk=a.pk).status.name == "Image Capture Pending"
    assert Session.objects.get(pk=c.pk).status.name == "Complete"


def test_it_reports_sessions_already_at_the_last_status(front_desk_client):
    moving = SessionFactory()
    done = SessionFactory(session_type=moving.session_type, status=status("Complete"))

    response = front_desk_client.post(ADVANCE, {"ids": [moving.pk, done.pk]})

    assert response["Location"] == "/sessions/"
    assert messages_of(response) == [
        "Advanced 1 session.",
        f"1 session is already at the last status and was not advanced: #{done.number}.",
    ]
    done.refresh_from_db()
    assert done.status.name == "Complete"


def test_it_asks_to_select_sessions_first(front_desk_client):
    response = front_desk_client.post(ADVANCE, {"ids": ["abc"], "querystring": "past_due=on"})
    assert response["Location"] == "/sessions/?past_due=on"
    assert messages_of(response) == ["Select the sessions to advance first."]


def test_it_only_advances_with_a_post(front_desk_client):
    assert front_desk_client.get(ADVANCE).status_code == 405


def test_it_keeps_the_redirect_on_the_hub(front_desk_client):
    s = SessionFactory()
    response = front_desk_client.post(ADVANCE, {"ids": [s.pk], "querystring": "//evil.example/?a=1"})
    assert response["Location"].startswith("/sessions/?")


# --- Roles ----------------------------------------------------------------------


def test_it_lets_front_desk_and_managers_select_and_advance(front_desk_client, manager_client):
    SessionFactory()
    for client in (front_desk_client, manager_client):
        html = client.get(LIST).content.decode()
        assert 'name="ids"' in html and 'id="hub-select-all"' in html
        assert "Advance Status" in html


def test_it_lets_photographers_view_and_export_but_not_advance(photographer_client):
    session = SessionFactory()
    response = photographer_client.get(LIST)
    assert response.status_code == 200
    html = response.content.decode()
    assert row_ids(response) == [session.pk]
    assert 'name="ids"' not in html and "Advance Status" not in html
    assert photographer_client.get(EXPORT).status_code == 200
    assert photographer_client.post(ADVANCE, {"ids": [session.pk]}).status_code == 403
    session.refresh_from_db()
    assert session.status.name == "Session Pending"


def test_it_refuses_users_without_a_role(db, client):
    SessionFactory()
    client.force_login(factories.UserFactory(username="visitor"))
    assert client.get(LIST).status_code == 403
    assert client.get(EXPORT).status_code == 403
    assert client.post(ADVANCE, {"ids": ["1"]}).status_code == 403


def test_it_sends_anonymous_visitors_to_log_in(client):
    response = client.get(LIST)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
