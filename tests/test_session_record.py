"""The session record's General and Participants tabs, Notes and Tasks (front desk and managers)."""

from __future__ import annotations

import re
from datetime import date, time, timedelta

import pytest
from django.utils import timezone

from clients.models import FamilyMember
from sessions import services
from sessions.forms import SessionForm
from sessions.models import Session, SessionNote, SessionStatus, SessionTask, StatusChange
from studio.models import ConflictPolicy
from studio.timeutils import make_local, to_local
from tests import factories

pytestmark = pytest.mark.django_db


def form_data(session: Session, **changes) -> dict:
    """POST data of the General form as the page renders it for ``session``, then ``changes``."""
    session.refresh_from_db()
    initial = SessionForm.initial_for(session, list(session.participants.values_list("id", flat=True)))
    initial.update(changes)
    data: dict = {}
    for name, value in initial.items():
        if value is None or value is False:
            continue
        if value is True:
            data[name] = "on"
        elif isinstance(value, time):
            data[name] = value.strftime("%H:%M")
        elif isinstance(value, date):
            data[name] = value.isoformat()
        elif isinstance(value, list):
            data[name] = [str(v) for v in value]
        else:
            data[name] = str(value)
    return data


def html(response) -> str:
    return response.content.decode()


def field_errors(response, name: str) -> list[str]:
    return response.context["form"].errors.get(name, [])


@pytest.fixture
def portrait(db):
    return factories.SessionTypeFactory(name="Family Portrait", default_length_minutes=90)


@pytest.fixture
def session(portrait, front_desk_user):
    client = factories.ClientFactory(last_name="Okafor", first_name="Adaeze", phone="(555) 010-2030",
                                     email="ada@example.com", address="12 Elm Street", city="Springfield")
    return services.session_create(
        client=client, session_type=portrait, starts_at=factories.tomorrow_at(10),
        booked_by=front_desk_user, description="Lawn portraits",
    )


# ---- The General tab as it opens ---------------------------------------------------------


def test_it_shows_client_information_and_every_field_with_the_help_page_labels(front_desk_client, session):
    response = front_desk_client.get(f"/sessions/{session.pk}/")
    assert response.status_code == 200
    page = html(response)
    # Client Information with View Client.
    assert "Adaeze Okafor" in page and "(555) 010-2030" in page and "ada@example.com" in page
    assert "12 Elm Street" in page
    assert re.search(rf'<a class="ribbon-btn" href="/clients/{session.client_id}/"[^>]*>.*?View Client', page, re.S)
    labels = ["Description", "Type", "Session Date", "Start Time", "End Time", "Photographer", "Assistant",
              "Camera Room", "Session Number", "Session Status", "Status Due Date", "File Number", "Reminder",
              "Confirmed", "No Show", "Redo", "On Hold", "Cancelled", "Use Advanced Calendar Options"]
    positions = []
    for label in labels:
        match = re.search(rf"<label[^>]*>{re.escape(label)}</label>", page)
        assert match, label
        positions.append(match.start())
    assert positions == sorted(positions), "fields follow the help page's order"
    assert "Booked By" in page and "Booked On" in page
    assert 'name="booked_by"' not in page and 'name="booked_on"' not in page
    # Studio-zone date and times in date/time inputs, 5-minute steps.
    start = to_local(session.starts_at)
    assert f'type="date" name="session_date" value="{start:%Y-%m-%d}"' in page
    assert 'type="time" name="start_time" value="10:00"' in page and 'step="300"' in page
    assert 'type="time" name="end_time" value="11:30"' in page
    # Tabs and ribbon, each action a CSRF POST.
    for tab in ("General", "Participants", "Notes", "Tasks"):
        assert re.search(rf"</i> {tab}", page), tab
    for label in ("Save", "Save & Close", "View Client", "Change Status", "Confirm", "Hold", "Cancel",
                  "No Show", "Create Redo"):
        assert f'<span class="ribbon-label">{label}</span>' in page, label
    for action in ("confirm", "hold", "cancel", "no-show", "redo"):
        assert re.search(rf'<form method="post" action="/sessions/{session.pk}/{action}/"[^>]*>'
                         r'<input type="hidden" name="csrfmiddlewaretoken"', page), action
    # The type defaults for the page's script.
    assert 'id="session-types"' in page and 'id="form-status-data"' in page


def test_it_shows_the_calendar_tab_only_with_advanced_options(front_desk_client, session):
    from django.urls import reverse

    calendar_url = reverse("photo_sessions:calendar_tab", args=[session.pk])
    assert f'href="{calendar_url}"' not in html(front_desk_client.get(f"/sessions/{session.pk}/"))
    Session.objects.filter(pk=session.pk).update(use_advanced_calendar=True)
    assert f'href="{calendar_url}"' in html(front_desk_client.get(f"/sessions/{session.pk}/"))


def test_it_saves_every_general_field(front_desk_client, front_desk_user, session, portrait):
    photographer = factories.photographer(username="pat")
    assistant = factories.assistant(username="alex")
    room = factories.ResourceFactory(name="Studio B")
    status = SessionStatus.objects.get(name="Retouch Pending")
    day = timezone.localdate() + timedelta(days=9)
    response = front_desk_client.post(f"/sessions/{session.pk}/", form_data(
        session, description="By the lake", session_date=day, start_time=time(14, 5), end_time=time(15, 50),
        photographer=photographer.pk, assistant=assistant.pk, camera_room=room.pk, number=7001,
        status=status.pk, status_due_date=day + timedelta(days=20), file_number="F-17", reminder=True,
        reminder_minutes=45, confirmed=True, no_show=True, redo=True, on_hold=True,
        use_advanced_calendar=True,
    ))
    assert response.status_code == 302
    assert response["Location"] == f"/sessions/{session.pk}/"
    session.refresh_from_db()
    assert session.description == "By the lake"
    assert session.starts_at == make_local(day, time(14, 5))
    assert session.ends_at == make_local(day, time(15, 50))
    assert (session.photographer, session.assistant, session.camera_room) == (photographer, assistant, room)
    assert session.number == 7001 and session.status == status
    assert session.status_due_date == day + timedelta(days=20)
    assert session.file_number == "F-17" and session.reminder and session.reminder_minutes == 45
    assert session.confirmed and session.no_show and session.redo and session.on_hold
    assert session.use_advanced_calendar and not session.cancelled
    assert session.booked_by == front_desk_user
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages == ["Session #7001 saved."]
    change = StatusChange.objects.filter(session=session).first()
    assert change.to_status == status and change.changed_by == front_desk_user


def test_it_sends_save_and_close_to_the_client_or_next(front_desk_client, session):
    response = front_desk_client.post(f"/sessions/{session.pk}/", {**form_data(session), "_close": "1"})
    assert response["Location"] == f"/clients/{session.client_id}/?tab=sessions"
    response = front_desk_client.post(
        f"/sessions/{session.pk}/", {**form_data(session), "_close": "1", "next": "/sessions/?q=okafor"}
    )
    assert response["Location"] == "/sessions/?q=okafor"
    response = front_desk_client.post(
        f"/sessions/{session.pk}/", {**form_data(session), "_close": "1", "next": "https://evil.example/"}
    )
    assert response["Location"] == f"/clients/{session.client_id}/?tab=sessions"
    # Opened with ?next=, the form carries it.
    page = html(front_desk_client.get(f"/sessions/{session.pk}/?next=/sessions/%3Fq%3Dokafor"))
    assert '<input type="hidden" name="next" value="/sessions/?q=okafor">' in page


def test_it_says_so_when_moving_a_confirmed_session_clears_confirmed(front_desk_client, session):
    Session.objects.filter(pk=session.pk).update(confirmed=True)
    response = front_desk_client.post(f"/sessions/{session.pk}/", form_data(
        session, start_time=time(12, 0), end_time=time(13, 0)))
    session.refresh_from_db()
    assert not session.confirmed
    assert [str(m) for m in response.wsgi_request._messages] == [
        f"Session #{session.number} saved.",
        f"Session #{session.number} moved to another time, so it is no longer confirmed. "
        "Confirm it with the client again.",
    ]
    response = front_desk_client.post(f"/sessions/{session.pk}/", form_data(session, confirmed=True,
                                                                           description="Same time"))
    session.refresh_from_db()
    assert session.confirmed


def test_it_fills_an_empty_end_time_from_the_type_length(front_desk_client, session, portrait):
    data = form_data(session, start_time=time(9, 0))
    data["end_time"] = ""
    front_desk_client.post(f"/sessions/{session.pk}/", data)
    session.refresh_from_db()
    assert session.ends_at - session.starts_at == timedelta(minutes=portrait.default_length_minutes)
    assert to_local(session.starts_at).time() == time(9, 0)


def test_it_refuses_an_end_time_before_the_start_and_keeps_what_was_typed(front_desk_client, session):
    before = session.starts_at
    response = front_desk_client.post(f"/sessions/{session.pk}/", form_data(
        session, description="Typed but refused", start_time=time(15, 0), end_time=time(14, 0),
    ))
    assert response.status_code == 200
    assert field_errors(response, "end_time") == ["End Time must be after Start Time."]
    page = html(response)
    assert 'value="Typed but refused"' in page and 'value="15:00"' in page and 'value="14:00"' in page
    assert "Nothing was saved" in page
    session.refresh_from_db()
    assert session.starts_at == before and session.description == "Lawn portraits"


def test_it_shows_a_time_skipped_by_daylight_saving_as_a_field_error(front_desk_client, session):
    response = front_desk_client.post(f"/sessions/{session.pk}/", form_data(
        session, session_date=date(2027, 3, 14), start_time=time(2, 30), end_time=time(4, 0),
    ))
    assert response.status_code == 200
    assert field_errors(response, "start_time") == [
        "02:30 AM does not exist on March 14, 2027: the clocks go forward that night."
    ]


def test_it_refuses_a_camera_room_and_a_typed_location_together(front_desk_client, session):
    room = factories.ResourceFactory(name="Studio C")
    response = front_desk_client.post(
        f"/sessions/{session.pk}/", form_data(session, camera_room=room.pk, location="The park")
    )
    assert field_errors(response, "location") == ["Choose a camera room or type a location, not both."]
    response = front_desk_client.post(f"/sessions/{session.pk}/", form_data(session, location="The park"))
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.location == "The park" and session.camera_room is None


def test_it_names_the_session_that_holds_a_number_and_loses_nothing(front_desk_client, session):
    holder = factories.SessionFactory(number=4321, description="Senior pictures", starts_at=factories.tomorrow_at(15))
    response = front_desk_client.post(f"/sessions/{session.pk}/", form_data(
        session, number=4321, description="Changed too", file_number="F-9", start_time=time(11, 0),
        end_time=time(12, 0),
    ))
    assert response.status_code == 200
    when = to_local(holder.starts_at)
    assert field_errors(response, "number") == [
        f"Session number 4321 is already used by session #4321: {holder.client}, Senior pictures "
        f"on {when:%b %d, %Y}."
    ]
    page = html(response)
    for typed in ('value="4321"', 'value="Changed too"', 'value="F-9"', 'value="11:00"', 'value="12:00"'):
        assert typed in page
    session.refresh_from_db()
    assert session.number != 4321 and session.description == "Lawn portraits"


def test_it_refuses_a_stale_save_and_keeps_the_typed_values(front_desk_client, manager_user, session):
    data = form_data(session, description="My version")
    services.session_update(session=Session.objects.get(pk=session.pk), user=manager_user,
                            description="Their version")
    response = front_desk_client.post(f"/sessions/{session.pk}/", data)
    assert response.status_code == 200
    errors = response.context["form"].non_field_errors()
    assert len(errors) == 1
    assert errors[0].startswith("This session was changed by ")
    assert "Your changes were not saved; reload the session to see the latest version." in errors[0]
    assert 'value="My version"' in html(response)
    session.refresh_from_db()
    assert session.description == "Their version"


def test_it_recomputes_the_due_date_when_the_status_changes_and_keeps_a_typed_one(front_desk_client, session):
    status = SessionStatus.objects.get(name="Sales Presentation Pending")
    front_desk_client.post(f"/sessions/{session.pk}/", form_data(session, status=status.pk))
    session.refresh_from_db()
    assert session.status == status
    assert session.status_due_date == services.due_date_for(status)
    other = SessionStatus.objects.get(name="Retouch Pending")
    typed = timezone.localdate() + timedelta(days=40)
    front_desk_client.post(f"/sessions/{session.pk}/", form_data(session, status=other.pk, status_due_date=typed))
    session.refresh_from_db()
    assert session.status == other and session.status_due_date == typed


def test_it_fills_the_types_defaults_where_the_session_has_none(front_desk_client, session):
    photographer = factories.photographer(username="pat")
    room = factories.ResourceFactory(name="Studio D")
    headshot = factories.SessionTypeFactory(
        name="Headshot", default_length_minutes=30, default_photographer=photographer, default_resource=room,
    )
    front_desk_client.post(f"/sessions/{session.pk}/", form_data(session, session_type=headshot.pk))
    session.refresh_from_db()
    assert session.session_type == headshot
    assert session.photographer == photographer and session.camera_room == room


def test_it_embeds_each_types_length_and_defaults_for_the_page(front_desk_client, session):
    photographer = factories.photographer(username="pat")
    headshot = factories.SessionTypeFactory(name="Headshot", default_length_minutes=30,
                                            default_photographer=photographer)
    response = front_desk_client.get(f"/sessions/{session.pk}/")
    assert response.context["types_json"][str(headshot.pk)] == {
        "length": 30, "photographer": photographer.pk, "assistant": None, "camera_room": None,
    }


# ---- Conflicts ---------------------------------------------------------------------------


@pytest.fixture
def busy_photographer(session):
    photographer = factories.photographer(username="pat", first_name="Pat", last_name="Lens")
    other = factories.SessionFactory(
        description="Other family", starts_at=factories.tomorrow_at(13), photographer=photographer,
    )
    return photographer, other


def test_it_names_each_clash_and_offers_book_anyway_under_ask(front_desk_client, session, busy_photographer,
                                                             ask_conflicts):
    photographer, other = busy_photographer
    data = form_data(session, photographer=photographer.pk, start_time=time(13, 30), end_time=time(14, 30),
                     description="Clashing")
    response = front_desk_client.post(f"/sessions/{session.pk}/", data)
    assert response.status_code == 409
    page = html(response)
    assert f"Pat Lens is already booked for session #{other.number}" in page
    assert 'name="allow_conflicts" value="1"' in page and "Book anyway" in page
    assert 'value="Clashing"' in page
    session.refresh_from_db()
    assert session.photographer is None
    response = front_desk_client.post(f"/sessions/{session.pk}/", {**data, "allow_conflicts": "1"})
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.photographer == photographer and session.description == "Clashing"


def test_it_refuses_a_clash_under_block_without_book_anyway(front_desk_client, session, busy_photographer,
                                                            block_conflicts):
    photographer, other = busy_photographer
    data = form_data(session, photographer=photographer.pk, start_time=time(13, 30), end_time=time(14, 30))
    response = front_desk_client.post(f"/sessions/{session.pk}/", {**data, "allow_conflicts": "1"})
    assert response.status_code == 409
    page = html(response)
    assert f"Pat Lens is already booked for session #{other.number}" in page
    assert "Book anyway" not in page
    assert "The studio does not allow double bookings." in page
    session.refresh_from_db()
    assert session.photographer is None


def test_it_books_without_asking_under_allow(front_desk_client, session, busy_photographer, studio_settings):
    studio_settings.conflict_policy = ConflictPolicy.ALLOW
    studio_settings.save()
    photographer, _ = busy_photographer
    data = form_data(session, photographer=photographer.pk, start_time=time(13, 30), end_time=time(14, 30))
    assert front_desk_client.post(f"/sessions/{session.pk}/", data).status_code == 302


# ---- Participants ----------------------------------------------------------------------------


def test_it_lists_only_this_clients_family_and_saves_participants(front_desk_client, session):
    chidi = factories.FamilyMemberFactory(client=session.client, first_name="Chidi")
    ngozi = factories.FamilyMemberFactory(client=session.client, first_name="Ngozi")
    stranger = factories.FamilyMemberFactory(first_name="Stranger")
    page = html(front_desk_client.get(f"/sessions/{session.pk}/"))
    assert "Chidi Okafor" in page and "Ngozi Okafor" in page and "Stranger" not in page
    response = front_desk_client.post(f"/sessions/{session.pk}/", form_data(session, participants=[chidi.pk]))
    assert response.status_code == 302
    assert list(session.participants.all()) == [chidi]
    response = front_desk_client.post(
        f"/sessions/{session.pk}/", form_data(session, participants=[ngozi.pk, stranger.pk])
    )
    assert response.status_code == 200
    assert field_errors(response, "participants") == [
        f"Select a valid choice. {stranger.pk} is not one of the available choices."
    ]
    assert list(session.participants.all()) == [chidi]


def test_it_adds_a_family_member_in_place_and_keeps_general_edits(front_desk_client, session):
    chidi = factories.FamilyMemberFactory(client=session.client, first_name="Chidi")
    data = form_data(session, participants=[chidi.pk], description="Edited with the new member",
                     new_member_first_name="Amara", new_member_relationship="grandparent",
                     new_member_birth_date=date(1950, 4, 2))
    response = front_desk_client.post(f"/sessions/{session.pk}/", {**data, "_add_member": "1"})
    assert response.status_code == 302
    assert response["Location"] == f"/sessions/{session.pk}/#participants"
    amara = FamilyMember.objects.get(first_name="Amara")
    assert amara.client == session.client and amara.relationship == "grandparent"
    assert amara.birth_date == date(1950, 4, 2)
    assert set(session.participants.all()) == {chidi, amara}
    session.refresh_from_db()
    assert session.description == "Edited with the new member"
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages == [f"Amara Okafor added to the household and ticked as a participant. "
                        f"Session #{session.number} saved."]


def test_it_creates_no_family_member_when_the_save_fails(front_desk_client, session):
    data = form_data(session, new_member_first_name="Amara", start_time=time(15, 0), end_time=time(14, 0))
    response = front_desk_client.post(f"/sessions/{session.pk}/", {**data, "_add_member": "1"})
    assert response.status_code == 200
    assert not FamilyMember.objects.filter(first_name="Amara").exists()
    assert 'value="Amara"' in html(response)


def test_it_asks_for_a_first_name_when_only_a_birth_date_is_typed(front_desk_client, session):
    data = form_data(session, new_member_birth_date=date(2020, 1, 1))
    response = front_desk_client.post(f"/sessions/{session.pk}/", data)
    assert field_errors(response, "new_member_first_name") == ["Enter the family member's first name."]


# ---- Notes tab --------------------------------------------------------------------------------


def test_it_shows_notes_newest_first_status_history_and_log(front_desk_client, front_desk_user, session):
    SessionNote.objects.create(session=session, author=front_desk_user, text="Older note",
                               created_at=timezone.now() - timedelta(hours=2))
    SessionNote.objects.create(session=session, author=front_desk_user, text="Newer note")
    services.status_change(session=session, to_status=SessionStatus.objects.get(name="Image Capture Pending"),
                           user=front_desk_user)
    response = front_desk_client.get(f"/sessions/{session.pk}/notes/")
    assert response.status_code == 200
    page = html(response)
    assert page.index("Newer note") < page.index("Older note")
    assert front_desk_user.staff_profile.display_name in page
    assert re.search(r'<span class="fw-normal">Session Pending</span> <i class="bi bi-arrow-right" '
                     r'aria-label="to"></i> Image Capture Pending</div>', page)
    assert "Status changed" in page and "Session Pending → Image Capture Pending" in page
    assert "Booked" in page and f"Session #{session.number}, Family Portrait" in page


def test_it_adds_a_note_and_refuses_an_empty_one(front_desk_client, front_desk_user, session):
    response = front_desk_client.post(f"/sessions/{session.pk}/notes/add/", {"text": "  Bring the dog.  "})
    assert response.status_code == 302 and response["Location"] == f"/sessions/{session.pk}/notes/"
    note = SessionNote.objects.get(session=session)
    assert note.text == "Bring the dog." and note.author == front_desk_user
    response = front_desk_client.post(f"/sessions/{session.pk}/notes/add/", {"text": "   "})
    assert response.status_code == 200
    assert response.context["note_form"].errors["text"] == ["Write the note before adding it."]
    assert SessionNote.objects.filter(session=session).count() == 1


# ---- Tasks tab ----------------------------------------------------------------------------------


def test_it_adds_completes_and_reopens_a_task(front_desk_client, front_desk_user, session):
    due = timezone.localdate() + timedelta(days=3)
    response = front_desk_client.post(f"/sessions/{session.pk}/tasks/add/", {
        "title": "Order the prints", "due_date": due.isoformat(), "assignee": front_desk_user.pk,
    })
    assert response.status_code == 302 and response["Location"] == f"/sessions/{session.pk}/tasks/"
    task = SessionTask.objects.get(session=session)
    assert (task.title, task.due_date, task.assignee, task.created_by) == (
        "Order the prints", due, front_desk_user, front_desk_user)
    page = html(front_desk_client.get(f"/sessions/{session.pk}/tasks/"))
    assert "Order the prints" in page and f"Due {due:%b} {due.day}, {due:%Y}" in page
    response = front_desk_client.post(f"/sessions/{session.pk}/tasks/{task.pk}/done/", {"done": "1"})
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.done and task.done_by == front_desk_user and task.done_at
    front_desk_client.post(f"/sessions/{session.pk}/tasks/{task.pk}/done/", {"done": "0"})
    task.refresh_from_db()
    assert not task.done and task.done_at is None


def test_it_refuses_an_empty_task_and_a_task_of_another_session(front_desk_client, session):
    response = front_desk_client.post(f"/sessions/{session.pk}/tasks/add/", {"title": " "})
    assert response.status_code == 200
    assert response.context["task_form"].errors["title"] == ["Enter what needs to be done."]
    other = factories.SessionTaskFactory()
    response = front_desk_client.post(f"/sessions/{session.pk}/tasks/{other.pk}/done/", {"done": "1"})
    assert response.status_code == 404


# ---- Query counts --------------------------------------------------------------------------------


def _fill(session, user, rows: int) -> None:
    members = factories.FamilyMemberFactory.create_batch(rows, client=session.client)
    services.participants_set(session=session, family_members=members, user=user)
    for i in range(rows):
        SessionNote.objects.create(session=session, author=user, text=f"Note {i}")
        services.task_create(session=session, user=user, title=f"Task {i}", assignee=user)
        services.session_update(session=Session.objects.get(pk=session.pk), user=user, file_number=f"F{i}")
    statuses = list(SessionStatus.objects.order_by("sort_order"))
    for i in range(rows):
        services.status_change(session=session, to_status=statuses[i % len(statuses)], user=user)


@pytest.mark.parametrize("rows", [3, 30])
def test_it_keeps_the_record_queries_flat(front_desk_client, front_desk_user, session,
                                          django_assert_max_num_queries, rows):
    _fill(session, front_desk_user, rows)
    with django_assert_max_num_queries(24):
        assert front_desk_client.get(f"/sessions/{session.pk}/").status_code == 200
    with django_assert_max_num_queries(16):
        response = front_desk_client.get(f"/sessions/{session.pk}/notes/")
        assert response.status_code == 200
    assert html(response).count('class="note"') == rows
    with django_assert_max_num_queries(15):
        response = front_desk_client.get(f"/sessions/{session.pk}/tasks/")
        assert response.status_code == 200
    assert html(response).count('class="task"') == rows
