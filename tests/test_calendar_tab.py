"""The session record's Calendar tab (Advanced Calendar Options): rows, actions, conflicts, roles."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from django.urls import reverse

from sessions.models import CalendarEvent, Session
from studio.timeutils import make_local, to_local
from tests import factories

pytestmark = pytest.mark.django_db

DAY = date(2027, 6, 1)  # a Tuesday


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Every test makes users; the production hasher would dominate the run time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def ann(db):
    user = factories.photographer(username="ann")
    user.staff_profile.display_name = "Ann Lens"
    user.staff_profile.save()
    return user


@pytest.fixture
def ben(db):
    user = factories.photographer(username="ben")
    user.staff_profile.display_name = "Ben Shutter"
    user.staff_profile.save()
    return user


@pytest.fixture
def room(db):
    return factories.ResourceFactory(name="Studio A")


@pytest.fixture
def session(ann, room):
    return factories.SessionFactory(
        description="Wedding", photographer=ann, camera_room=room, use_advanced_calendar=True,
        starts_at=make_local(DAY, time(10)), ends_at=make_local(DAY, time(12)),
    )


def tab(session) -> str:
    return reverse("photo_sessions:calendar_tab", args=[session.pk])


def action(name, session, event=None) -> str:
    args = [session.pk] if event is None else [session.pk, event.pk]
    return reverse(f"photo_sessions:calendar_event_{name}", args=args)


def extra_row(session, **kwargs) -> CalendarEvent:
    kwargs.setdefault("starts_at", make_local(DAY, time(15)))
    kwargs.setdefault("ends_at", make_local(DAY, time(16)))
    return CalendarEvent.objects.create(session=session, **kwargs)


def row_data(prefix, **overrides) -> dict:
    data = {
        "description": "Reception", "event_date": "2027-06-01", "start_time": "18:00", "end_time": "21:00",
        "photographer": "", "assistant": "", "resource": "", "location": "Lakeside Hall", "hidden": "",
    }
    data.update(overrides)
    return {f"{prefix}-{name}": value for name, value in data.items()}


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


# ---- Showing the tab ---------------------------------------------------------------------


def test_it_lists_the_primary_row_first_and_not_removable(front_desk_client, session, ann):
    extra = extra_row(session, description="Getting ready", photographer=ann)
    url = tab(session)
    assert url == f"/sessions/{session.pk}/calendar/"
    response = front_desk_client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert [row["event"].pk for row in response.context["rows"]] == [session.events.get(is_primary=True).pk, extra.pk]
    assert "Primary" in page and "edit on the" in page and "General tab" in page
    assert "Tue Jun 1, 2027, 10:00 AM – 12:00 PM" in page
    assert "Getting ready" in page and "Ann Lens" in page
    # Remove is offered for the extra row only.
    assert action("delete", session, extra) in page
    primary = session.events.get(is_primary=True)
    assert action("delete", session, primary) not in page
    assert action("edit", session, primary) not in page
    assert "Add row" in page


def test_it_sends_sessions_without_advanced_options_to_the_general_tab(front_desk_client, session):
    Session.objects.filter(pk=session.pk).update(use_advanced_calendar=False)
    response = front_desk_client.get(tab(session))
    assert response.status_code == 302
    assert response.url == reverse("photo_sessions:detail", args=[session.pk])
    response = front_desk_client.post(action("add", session), row_data("new"))
    assert response.status_code == 302
    assert session.events.count() == 1
    follow = front_desk_client.get(reverse("studio:home"))
    assert any("does not use Advanced Calendar Options" in m for m in messages_of(follow))


def test_it_shows_photographers_the_rows_read_only(photographer_client, session):
    extra = extra_row(session)
    response = photographer_client.get(tab(session))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Add row" not in page and action("delete", session, extra) not in page
    assert photographer_client.post(action("add", session), row_data("new")).status_code == 403
    assert photographer_client.post(action("delete", session, extra)).status_code == 403
    assert photographer_client.post(action("hide", session, extra)).status_code == 403
    assert photographer_client.post(action("copy", session, extra), {f"c{extra.pk}-to_date": "2027-06-08"}).status_code == 403
    assert photographer_client.post(action("make_primary", session, extra)).status_code == 403
    assert session.events.count() == 2


def test_it_only_accepts_posts_for_actions(front_desk_client, session):
    extra = extra_row(session)
    assert front_desk_client.get(action("delete", session, extra)).status_code == 405
    assert front_desk_client.get(action("add", session)).status_code == 405


# ---- Add, edit, hide, remove -------------------------------------------------------------------


def test_it_adds_a_row(front_desk_client, session, ben):
    response = front_desk_client.post(action("add", session), row_data("new", photographer=ben.pk))
    assert response.status_code == 302 and response.url == tab(session)
    event = session.events.get(is_primary=False)
    assert event.description == "Reception" and event.location == "Lakeside Hall"
    assert to_local(event.starts_at) == make_local(DAY, time(18))
    assert to_local(event.ends_at) == make_local(DAY, time(21))
    assert event.photographer == ben and not event.hidden
    follow = front_desk_client.get(response.url)
    assert messages_of(follow) == ["Calendar row added: Tue Jun 1, 2027, 6:00 PM – 9:00 PM."]
    assert session.log_entries.filter(action="event.added").exists()


def test_it_explains_bad_input_and_keeps_what_was_typed(front_desk_client, session, room):
    response = front_desk_client.post(action("add", session), row_data(
        "new", description="Speeches", start_time="21:00", end_time="20:00", resource=room.pk))
    assert response.status_code == 200
    form = response.context["add_form"]
    assert form.errors["end_time"] == ["End Time must be after Start Time."]
    assert form.errors["location"] == ["Choose a resource or type an outside location, not both."]
    page = response.content.decode()
    assert 'value="Speeches"' in page and 'id="panel-add"' in page and 'class="collapse show" id="panel-add"' in page

    response = front_desk_client.post(action("add", session), row_data(
        "new", event_date="2027-03-14", start_time="02:30", end_time="04:00"))
    assert response.context["add_form"].errors["start_time"] == [
        "02:30 AM does not exist on March 14, 2027: the clocks go forward that night."
    ]
    response = front_desk_client.post(action("add", session), row_data("new", event_date="", start_time="x"))
    errors = response.context["add_form"].errors
    assert errors["event_date"] == ["Enter the date."] and errors["start_time"] == ["Enter a valid time."]
    assert session.events.count() == 1


def test_it_edits_a_row(front_desk_client, session):
    extra = extra_row(session, description="Getting ready")
    response = front_desk_client.post(action("edit", session, extra), row_data(
        f"e{extra.pk}", description="Getting ready at home", start_time="07:30", end_time="09:00",
        location="Bride's home"))
    assert response.status_code == 302
    extra.refresh_from_db()
    assert extra.description == "Getting ready at home" and extra.location == "Bride's home"
    assert to_local(extra.starts_at) == make_local(DAY, time(7, 30))

    response = front_desk_client.post(action("edit", session, extra), row_data(f"e{extra.pk}", end_time=""))
    assert response.status_code == 200
    assert response.context["rows"][1]["form"].errors["end_time"] == ["Enter the end time."]
    assert response.context["rows"][1]["edit_open"] is True


def test_it_refuses_to_edit_or_remove_the_primary_row(front_desk_client, session):
    primary = session.events.get(is_primary=True)
    response = front_desk_client.post(action("edit", session, primary), row_data(f"e{primary.pk}"), follow=True)
    assert "The primary row follows the General tab" in messages_of(response)[0]
    response = front_desk_client.post(action("delete", session, primary), follow=True)
    assert messages_of(response) == ["The primary calendar row cannot be removed; cancel the session instead."]
    response = front_desk_client.post(action("hide", session, primary), follow=True)
    assert "The primary row cannot be hidden" in messages_of(response)[0]
    primary.refresh_from_db()
    assert to_local(primary.starts_at) == make_local(DAY, time(10)) and not primary.hidden


def test_it_hides_and_shows_a_row(front_desk_client, session):
    extra = extra_row(session)
    response = front_desk_client.post(action("hide", session, extra), {"hidden": "1"}, follow=True)
    extra.refresh_from_db()
    assert extra.hidden
    assert not CalendarEvent.objects.on_calendar().filter(pk=extra.pk).exists()
    assert messages_of(response) == [
        "Row Tue Jun 1, 2027, 3:00 PM – 4:00 PM hidden: it stays on the session but not on the calendar."]
    assert "Hidden" in response.content.decode()
    front_desk_client.post(action("hide", session, extra), {"hidden": "0"})
    extra.refresh_from_db()
    assert not extra.hidden
    assert CalendarEvent.objects.on_calendar().filter(pk=extra.pk).exists()


def test_it_removes_a_row(front_desk_client, session):
    extra = extra_row(session)
    response = front_desk_client.post(action("delete", session, extra), follow=True)
    assert not CalendarEvent.objects.filter(pk=extra.pk).exists()
    assert messages_of(response) == ["Calendar row Tue Jun 1, 2027, 3:00 PM – 4:00 PM removed."]


def test_it_404s_rows_of_another_session(front_desk_client, session):
    other = factories.SessionFactory(use_advanced_calendar=True)
    foreign = extra_row(other)
    assert front_desk_client.post(action("delete", session, foreign)).status_code == 404
    assert CalendarEvent.objects.filter(pk=foreign.pk).exists()


# ---- Copy and make primary -----------------------------------------------------------------------------


def test_it_copies_a_row_to_another_date(front_desk_client, session, ann, room):
    primary = session.events.get(is_primary=True)
    response = front_desk_client.post(action("copy", session, primary), {f"c{primary.pk}-to_date": "2027-06-08"},
                                      follow=True)
    copy = session.events.get(is_primary=False)
    assert to_local(copy.starts_at) == make_local(date(2027, 6, 8), time(10))
    assert to_local(copy.ends_at) == make_local(date(2027, 6, 8), time(12))
    assert copy.photographer == ann and copy.resource == room
    assert messages_of(response) == ["Row copied to Tue Jun 8, 2027, 10:00 AM – 12:00 PM."]

    response = front_desk_client.post(action("copy", session, primary), {f"c{primary.pk}-to_date": ""})
    assert response.status_code == 200
    assert response.context["rows"][0]["copy_form"].errors["to_date"] == ["Choose the date to copy the row to."]
    assert response.context["rows"][0]["copy_open"] is True


def test_it_explains_a_copy_onto_a_time_the_clocks_skip(front_desk_client, session):
    early = extra_row(session, starts_at=make_local(DAY, time(2, 30)), ends_at=make_local(DAY, time(3, 30)))
    response = front_desk_client.post(action("copy", session, early), {f"c{early.pk}-to_date": "2027-03-14"})
    assert response.status_code == 200
    row = next(r for r in response.context["rows"] if r["event"].pk == early.pk)
    assert row["copy_form"].errors["to_date"] == [
        "02:30 AM does not exist on March 14, 2027: the clocks go forward that night."]
    assert session.events.count() == 2


def test_it_makes_a_rows_photographer_the_primary_photographer(front_desk_client, session, ben):
    extra = extra_row(session, photographer=ben)
    page = front_desk_client.get(tab(session)).content.decode()
    assert action("make_primary", session, extra) in page
    response = front_desk_client.post(action("make_primary", session, extra), follow=True)
    session.refresh_from_db()
    assert session.photographer == ben
    assert session.events.get(is_primary=True).photographer == ben  # kept in step by the database
    assert messages_of(response) == [f"Ben Shutter is now the primary photographer of session #{session.number}."]
    empty = extra_row(session)
    response = front_desk_client.post(action("make_primary", session, empty), follow=True)
    assert messages_of(response) == ["This calendar row has no photographer."]


# ---- Conflicts --------------------------------------------------------------------------------------------


def test_it_asks_before_double_booking_and_books_anyway(front_desk_client, ask_conflicts, session, ben):
    busy = factories.SessionFactory(photographer=ben, starts_at=make_local(DAY, time(18)),
                                    ends_at=make_local(DAY, time(19)))
    data = row_data("new", photographer=ben.pk)
    response = front_desk_client.post(action("add", session), data)
    assert response.status_code == 409
    page = response.content.decode()
    assert f"Ben Shutter is already booked for session #{busy.number}" in page
    assert "Book anyway" in page
    assert 'name="new-description" value="Reception"' in page  # the replay carries what was typed
    assert session.events.count() == 1

    response = front_desk_client.post(action("add", session), {**data, "allow_conflicts": "1"})
    assert response.status_code == 302
    assert session.events.filter(is_primary=False, photographer=ben).exists()


def test_it_blocks_double_booking_under_the_block_policy(front_desk_client, block_conflicts, session, ben):
    factories.SessionFactory(photographer=ben, starts_at=make_local(DAY, time(18)), ends_at=make_local(DAY, time(19)))
    extra = extra_row(session, photographer=ben, hidden=True, starts_at=make_local(DAY, time(18)),
                      ends_at=make_local(DAY, time(20)))
    response = front_desk_client.post(action("add", session), {**row_data("new", photographer=ben.pk),
                                                               "allow_conflicts": "1"})
    assert response.status_code == 409
    page = response.content.decode()
    assert "The studio does not allow double bookings." in page and "Book anyway" not in page
    # Showing a hidden row again is a booking too.
    response = front_desk_client.post(action("hide", session, extra), {"hidden": "0"})
    assert response.status_code == 409
    extra.refresh_from_db()
    assert extra.hidden
    # So is copying a row onto a busy day.
    response = front_desk_client.post(action("copy", session, extra), {f"c{extra.pk}-to_date": "2027-06-01"})
    assert response.status_code == 409
    assert session.events.count() == 2


# ---- Queries ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("rows", [3, 30])
def test_it_shows_the_tab_in_a_fixed_number_of_queries(front_desk_client, django_assert_max_num_queries, session,
                                                       ann, ben, rows):
    for i in range(rows):
        extra_row(session, photographer=ann if i % 2 else ben, resource=factories.ResourceFactory(),
                  starts_at=make_local(DAY + timedelta(days=i), time(9)),
                  ends_at=make_local(DAY + timedelta(days=i), time(10)))
    with django_assert_max_num_queries(20):
        response = front_desk_client.get(tab(session))
    assert len(response.context["rows"]) == rows + 1
