"""Django admin for Managers: every model, session writes through the services, actions."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from django import forms
from django.contrib import admin
from django.contrib.auth.models import Group
from django.forms import MultiWidget
from django.urls import reverse
from django.utils import timezone

from clients.models import Client
from sessions import services
from sessions.models import (
    CalendarEvent,
    Session,
    SessionLogEntry,
    SessionParticipant,
    SessionStatus,
    SessionTask,
    StatusChange,
)
from studio.models import ConflictPolicy, StudioSettings
from studio.timeutils import to_local
from tests import factories

pytestmark = pytest.mark.django_db

REGISTERED = sorted(admin.site._registry, key=lambda m: m._meta.label)
NO_ADD = {"photo_sessions.StatusChange", "photo_sessions.SessionLogEntry", "photo_sessions.ReminderDismissal",
          "studio.StudioSettings"}
DAY = timezone.localdate() + timedelta(days=14)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Every test makes users; the production hasher would dominate the run time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def changelist(model) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def add_url(model) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")


def change_url(obj) -> str:
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def at(hour: int, minute: int = 0, day: date = DAY) -> datetime:
    return factories.local_dt(day, hour, minute)


def form_data(response) -> dict:
    """What the browser would post back for an admin change page, unchanged."""
    data: dict = {}

    def put(bound_field):
        widget = bound_field.field.widget
        value = bound_field.value()
        if isinstance(widget, MultiWidget):
            parts = widget.decompress(value) if not isinstance(value, list) else value
            for index, part in enumerate(parts):
                key = f"{bound_field.html_name}_{index}"
                if hasattr(part, "strftime"):
                    part = part.strftime("%Y-%m-%d" if isinstance(part, date) else "%H:%M:%S")
                data[key] = "" if part is None else part
            return
        if isinstance(bound_field.field, forms.BooleanField):
            if value:
                data[bound_field.html_name] = "on"
            return
        if isinstance(value, (list, tuple)):
            data[bound_field.html_name] = [str(v) for v in value]
            return
        if hasattr(value, "pk"):
            value = value.pk
        if isinstance(value, date) and not isinstance(value, datetime):
            value = value.isoformat()
        data[bound_field.html_name] = "" if value is None else value

    for bound_field in response.context["adminform"].form:
        put(bound_field)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for bound_field in formset.management_form:
            data[bound_field.html_name] = bound_field.value()
        for form in formset.forms:
            for bound_field in form:
                put(bound_field)
    return data


@pytest.fixture
def catalogue(db):
    room = factories.ResourceFactory(name="Camera Room A")
    session_type = factories.SessionTypeFactory(name="Family Portrait", default_length_minutes=90,
                                                default_resource=room)
    return session_type, room


@pytest.fixture
def booked(manager_user, catalogue):
    """A booked session with a household of two and a photographer."""
    session_type, room = catalogue
    photographer = factories.photographer(username="pia", first_name="Pia", last_name="Lens")
    household = factories.ClientFactory(last_name="Okafor", first_name="Ada")
    member = factories.FamilyMemberFactory(client=household, first_name="Tobi")
    session = services.session_create(
        client=household, session_type=session_type, starts_at=at(10), booked_by=manager_user,
        photographer=photographer, description="Family on the lawn", participants=[member],
    )
    return session


# Who gets in -------------------------------------------------------------------------------


def test_it_gives_managers_every_changelist_and_add_page(manager_client, booked):
    for model in REGISTERED:
        response = manager_client.get(changelist(model), follow=True)
        assert response.status_code == 200, model._meta.label
        response = manager_client.get(add_url(model))
        expected = 403 if model._meta.label in NO_ADD else 200
        assert response.status_code == expected, model._meta.label


def test_it_opens_every_change_page_for_managers(manager_client, booked):
    SessionTask.objects.create(session=booked, title="Order prints")
    services.note_add(session=booked, author=None, text="Grandma joins at eleven")
    for model in REGISTERED:
        obj = model._default_manager.order_by("pk").first()
        if obj is None:
            continue
        response = manager_client.get(change_url(obj))
        assert response.status_code == 200, model._meta.label


@pytest.mark.parametrize("who", ["front_desk_client", "photographer_client"])
def test_it_sends_front_desk_and_photographers_to_the_admin_login(request, who):
    browser = request.getfixturevalue(who)
    for url in ["/admin/", changelist(Session), add_url(Session), changelist(StudioSettings)]:
        response = browser.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/admin/login/"), url


def test_it_shows_an_is_staff_front_desk_user_only_what_their_permissions_allow(client, catalogue):
    clerk = factories.front_desk(username="fd-staff", is_staff=True)
    client.force_login(clerk)
    assert client.get(changelist(Session)).status_code == 200
    assert client.get(add_url(Session)).status_code == 200
    assert client.get(changelist(Client)).status_code == 200
    assert client.get(changelist(StudioSettings)).status_code == 403
    assert client.get(add_url(SessionStatus)).status_code == 403
    models = {m["object_name"] for app in client.get("/admin/").context["app_list"] for m in app["models"]}
    assert {"Session", "Client", "CalendarEvent"} <= models
    assert not models & {"StudioSettings", "User", "PriceList"} - {"PriceList"}
    assert "SessionStatus" in models  # view only


# Changelists stay at a fixed number of queries ----------------------------------------------


def make_sessions(count: int, session_type, room):
    from django.contrib.auth import get_user_model

    from studio.models import StaffProfile

    for i in range(count):
        photographer = get_user_model().objects.create(username=f"staff{i}", first_name=f"Staff {i}")
        StaffProfile.objects.create(user=photographer, display_name=f"Staff {i}", is_photographer=True)
        session_type = factories.SessionTypeFactory(default_photographer=photographer, default_resource=room)
        household = factories.ClientFactory()
        session = factories.SessionFactory(
            client=household, session_type=session_type, camera_room=room, photographer=photographer,
            starts_at=at(8) + timedelta(days=i), ends_at=at(9) + timedelta(days=i),
        )
        factories.FamilyMemberFactory(client=household)
        SessionParticipant.objects.create(session=session, family_member=household.family_members.first())
        StatusChange.objects.create(session=session, to_status=session.status, changed_by=photographer)
        factories.SessionNoteFactory(session=session, author=photographer)
        factories.SessionTaskFactory(session=session, assignee=photographer)
        SessionLogEntry.objects.create(session=session, user=photographer, action="session.created")


LISTED = [Session, CalendarEvent, StatusChange, SessionLogEntry, SessionParticipant, Client,
          "clients.FamilyMember", "photo_sessions.SessionNote", "photo_sessions.SessionTask",
          "scheduling.SessionType", "studio.StaffProfile", "auth.User"]


@pytest.mark.parametrize("rows", [3, 30])
def test_it_lists_every_model_in_a_fixed_number_of_queries(manager_client, catalogue, rows,
                                                           django_assert_max_num_queries):
    from django.apps import apps

    make_sessions(rows, *catalogue)
    for model in LISTED:
        model = apps.get_model(model) if isinstance(model, str) else model
        with django_assert_max_num_queries(14):
            response = manager_client.get(changelist(model))
        assert response.status_code == 200, model._meta.label
        assert response.context["cl"].result_count >= min(rows, 3), model._meta.label


def test_it_finds_a_session_by_number_and_by_client_name(manager_client, booked):
    other = factories.SessionFactory(description="Another family")
    response = manager_client.get(changelist(Session), {"q": f"#{booked.number}"})
    assert list(response.context["cl"].result_list) == [booked]
    response = manager_client.get(changelist(Session), {"q": "okafor"})
    assert list(response.context["cl"].result_list) == [booked]
    assert other not in response.context["cl"].result_list


# Booking a session in the admin -------------------------------------------------------------


def add_data(client_obj, session_type, **extra) -> dict:
    data = {
        "client": client_obj.pk, "description": "Spring portraits", "session_type": session_type.pk,
        "starts_at_0": DAY.isoformat(), "starts_at_1": "14:00", "ends_at_0": "", "ends_at_1": "",
        "status": SessionStatus.initial().pk, "reminder_minutes": "30", "location": "",
        "allow_conflicts": "", "seen_updated_at": "",
    }
    data.update(extra)
    return {k: v for k, v in data.items() if v is not None}


def test_it_books_a_session_through_the_service(manager_client, manager_user, catalogue):
    session_type, room = catalogue
    household = factories.ClientFactory(last_name="Nguyen")
    response = manager_client.post(add_url(Session), add_data(household, session_type))
    assert response.status_code == 302, response.context["adminform"].form.errors
    session = Session.objects.get(client=household)
    assert session.booked_by == manager_user
    assert session.number >= StudioSettings.load().first_session_number
    assert to_local(session.ends_at) == to_local(at(14)) + timedelta(minutes=90)
    assert session.camera_room == room  # the type's default room
    assert session.status_changes.get().to_status == SessionStatus.initial()
    assert session.log_entries.filter(action="session.created").exists()
    event = session.events.get(is_primary=True)
    assert (event.starts_at, event.ends_at, event.resource) == (session.starts_at, session.ends_at, room)


def test_it_shows_a_double_booking_under_block_as_a_readable_error(manager_client, booked, block_conflicts):
    session_type = booked.session_type
    household = factories.ClientFactory(last_name="Silva")
    data = add_data(household, session_type, starts_at_1="10:30", photographer=booked.photographer.pk)
    response = manager_client.post(add_url(Session), data)
    assert response.status_code == 200
    text = response.content.decode()
    when = to_local(booked.starts_at)
    assert f"Pia Lens is already booked for session #{booked.number}" in text
    assert f"on {when:%a %b %d, %Y} from 10:00 AM to 11:30 AM" in text
    assert "The studio&#x27;s conflict policy blocks double bookings" in text
    assert not Session.objects.filter(client=household).exists()
    assert response.context["adminform"].form["description"].value() == "Spring portraits"


def test_it_asks_before_a_double_booking_and_books_anyway_when_ticked(manager_client, booked, ask_conflicts):
    household = factories.ClientFactory(last_name="Silva")
    data = add_data(household, booked.session_type, starts_at_1="10:30")  # same room by type default
    response = manager_client.post(add_url(Session), data)
    assert response.status_code == 200
    assert "Camera Room A is already booked for session" in response.content.decode()
    assert response.context["adminform"].form.errors["allow_conflicts"] == [
        "Tick Book anyway to save with these double bookings."
    ]
    assert not Session.objects.filter(client=household).exists()
    response = manager_client.post(add_url(Session), {**data, "allow_conflicts": "on"})
    assert response.status_code == 302
    assert Session.objects.filter(client=household).count() == 1


def test_it_changes_the_number_to_a_free_one_and_names_the_holder_of_a_taken_one(manager_client, booked):
    other = factories.SessionFactory(description="Headshots")
    url = change_url(booked)
    data = form_data(manager_client.get(url))
    response = manager_client.post(url, {**data, "number": str(other.number)})
    assert response.status_code == 200
    when = to_local(other.starts_at)
    assert response.context["adminform"].form.errors["number"] == [
        f"Session number {other.number} is already used by session #{other.number}: "
        f"{other.client}, Headshots on {when:%b %d, %Y}."
    ]
    booked.refresh_from_db()
    assert booked.number != other.number

    response = manager_client.post(url, {**data, "number": "777777"})
    assert response.status_code == 302
    booked.refresh_from_db()
    assert booked.number == 777777


def test_it_refuses_a_stale_edit_instead_of_overwriting(manager_client, manager_user, booked):
    url = change_url(booked)
    data = form_data(manager_client.get(url))
    services.session_update(session=Session.objects.get(pk=booked.pk), user=manager_user,
                            description="Changed meanwhile")
    response = manager_client.post(url, {**data, "description": "My edit"})
    assert response.status_code == 200
    assert "after you opened it. Your changes were not saved" in response.content.decode()
    booked.refresh_from_db()
    assert booked.description == "Changed meanwhile"


def test_it_clears_confirmed_when_the_admin_moves_a_session(manager_client, manager_user, booked):
    services.session_set_flag(session=booked, user=manager_user, flag="confirmed", value=True)
    url = change_url(booked)
    data = form_data(manager_client.get(url))
    assert data["confirmed"] == "on"
    response = manager_client.post(url, {**data, "starts_at_1": "15:00:00", "ends_at_1": "16:00:00"})
    assert response.status_code == 302
    booked.refresh_from_db()
    assert not booked.confirmed
    assert to_local(booked.starts_at).time() == time(15, 0)
    assert booked.events.get(is_primary=True).starts_at == booked.starts_at


def test_it_keeps_booked_by_and_booked_on_out_of_the_form(manager_client, booked):
    response = manager_client.get(change_url(booked))
    form = response.context["adminform"].form
    assert "booked_by" not in form.fields and "booked_on" not in form.fields
    assert booked.booked_by.staff_profile.display_name in response.content.decode()
    assert "number" in form.fields
    add_form = manager_client.get(add_url(Session)).context["adminform"].form
    assert "number" not in add_form.fields
    assert add_form.initial["status"] == SessionStatus.initial().pk


def test_it_changes_status_in_the_admin_with_history(manager_client, manager_user, booked):
    url = change_url(booked)
    data = form_data(manager_client.get(url))
    nxt = booked.status.next_status()
    response = manager_client.post(url, {**data, "status": nxt.pk, "status_due_date": ""})
    assert response.status_code == 302
    change = booked.status_changes.order_by("-id").first()
    assert (change.from_status, change.to_status, change.changed_by) == (SessionStatus.initial(), nxt, manager_user)


def test_it_names_staff_by_display_name_in_autocompletes(manager_client, booked):
    response = manager_client.get("/admin/autocomplete/", {
        "app_label": "photo_sessions", "model_name": "session", "field_name": "photographer", "term": "pia",
    })
    assert response.status_code == 200
    assert [r["text"] for r in response.json()["results"]] == ["Pia Lens"]
    page = manager_client.get(change_url(booked)).content.decode()
    assert f'<option value="{booked.photographer_id}" selected>Pia Lens</option>' in page


# Inlines ---------------------------------------------------------------------------------------


def test_it_offers_only_the_clients_own_family_as_participants(manager_client, booked):
    stranger = factories.FamilyMemberFactory(first_name="Stranger")
    sibling = factories.FamilyMemberFactory(client=booked.client, first_name="Kemi")
    response = manager_client.get(change_url(booked))
    text = response.content.decode()
    assert "Kemi" in text and "Stranger" not in text
    data = form_data(response)
    prefix = "sessionparticipant_set"
    total = int(data[f"{prefix}-TOTAL_FORMS"])
    new = f"{prefix}-{total - 1}"
    response = manager_client.post(change_url(booked), {**data, f"{new}-family_member": stranger.pk})
    assert response.status_code == 200
    assert not booked.participants.filter(pk=stranger.pk).exists()
    response = manager_client.post(change_url(booked), {**data, f"{new}-family_member": sibling.pk})
    assert response.status_code == 302
    assert set(booked.participants.values_list("first_name", flat=True)) == {"Tobi", "Kemi"}


def test_it_shows_the_primary_calendar_row_read_only(manager_client, booked):
    primary = booked.events.get(is_primary=True)
    response = manager_client.get(change_url(booked))
    prefixes = [inline.formset.prefix for inline in response.context["inline_admin_formsets"]]
    assert "events" in prefixes
    primary_inline = response.context["inline_admin_formsets"][prefixes.index("events")]
    assert not primary_inline.has_change_permission and not primary_inline.has_delete_permission
    # On its own page the primary row can be looked at but not changed or deleted.
    assert manager_client.get(change_url(primary)).status_code == 200
    assert manager_client.post(change_url(primary), {"description": "x"}).status_code == 403
    delete = reverse("admin:photo_sessions_calendarevent_delete", args=[primary.pk])
    assert manager_client.post(delete, {"post": "yes"}).status_code == 403
    assert CalendarEvent.objects.filter(pk=primary.pk).exists()


def test_it_adds_an_extra_calendar_row_through_the_service(manager_client, booked, block_conflicts):
    url = change_url(booked)
    data = form_data(manager_client.get(url))
    prefix = "events-2"
    data.update({
        f"{prefix}-TOTAL_FORMS": "1", f"{prefix}-0-id": "", f"{prefix}-0-session": booked.pk,
        f"{prefix}-0-description": "Second look outdoors",
        f"{prefix}-0-starts_at_0": (DAY + timedelta(days=1)).isoformat(), f"{prefix}-0-starts_at_1": "09:00",
        f"{prefix}-0-ends_at_0": (DAY + timedelta(days=1)).isoformat(), f"{prefix}-0-ends_at_1": "10:00",
        f"{prefix}-0-location": "City park",
    })
    response = manager_client.post(url, data)
    assert response.status_code == 302
    extra = booked.events.get(is_primary=False)
    assert (extra.description, extra.location) == ("Second look outdoors", "City park")
    assert booked.log_entries.filter(action="event.added").exists()


def test_it_adds_notes_and_ticks_tasks_done_with_who_and_when(manager_client, manager_user, booked):
    task = SessionTask.objects.create(session=booked, title="Order prints")
    url = change_url(booked)
    data = form_data(manager_client.get(url))
    total = int(data["notes-TOTAL_FORMS"])
    data[f"notes-{total - 1}-text"] = "Bring the blue dress"
    task_index = next(i for i in range(int(data["tasks-TOTAL_FORMS"])) if data.get(f"tasks-{i}-id") == task.pk)
    data[f"tasks-{task_index}-done"] = "on"
    response = manager_client.post(url, data)
    assert response.status_code == 302
    note = booked.notes.get()
    assert (note.text, note.author) == ("Bring the blue dress", manager_user)
    task.refresh_from_db()
    assert task.done and task.done_at is not None and task.done_by == manager_user


def test_it_adds_a_calendar_row_on_its_own_page_and_refuses_a_clash(manager_client, booked, block_conflicts):
    other = factories.SessionFactory(description="Headshots", starts_at=at(13), ends_at=at(14))
    data = {
        "session": other.pk, "description": "Second look", "location": "City park",
        "starts_at_0": DAY.isoformat(), "starts_at_1": "10:30", "ends_at_0": DAY.isoformat(), "ends_at_1": "11:00",
        "photographer": booked.photographer_id,
    }
    Session.objects.filter(pk=other.pk).update(use_advanced_calendar=True)
    response = manager_client.post(add_url(CalendarEvent), data)
    assert response.status_code == 200
    assert f"Pia Lens is already booked for session #{booked.number}" in response.content.decode()
    assert not other.events.filter(is_primary=False).exists()
    response = manager_client.post(add_url(CalendarEvent), {**data, "starts_at_1": "15:00", "ends_at_1": "16:00"})
    assert response.status_code == 302
    row = other.events.get(is_primary=False)
    assert (row.description, to_local(row.starts_at).time()) == ("Second look", time(15, 0))
    assert other.log_entries.filter(action="event.added").exists()


def test_it_ticks_a_task_done_on_its_own_page(manager_client, manager_user, booked):
    task = SessionTask.objects.create(session=booked, title="Send the gallery link")
    data = form_data(manager_client.get(change_url(task)))
    response = manager_client.post(change_url(task), {**data, "done": "on"})
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.done and task.done_by == manager_user and task.done_at is not None
    response = manager_client.post(change_url(task), {**data, "done": ""})
    task.refresh_from_db()
    assert not task.done and task.done_at is None and task.done_by is None


# Actions --------------------------------------------------------------------------------------


def run_action(browser, action: str, sessions) -> list[str]:
    response = browser.post(changelist(Session), {
        "action": action, "_selected_action": [s.pk for s in sessions],
    }, follow=True)
    assert response.status_code == 200
    return [str(m) for m in response.context["messages"]]


def test_it_confirms_cancels_and_advances_through_the_services(manager_client, manager_user, booked):
    msgs = run_action(manager_client, "confirm_sessions", [booked])
    booked.refresh_from_db()
    assert booked.confirmed
    assert msgs == [f"Confirmed 1 session(s): #{booked.number}."]

    msgs = run_action(manager_client, "advance_status", [booked])
    booked.refresh_from_db()
    assert booked.status == SessionStatus.initial().next_status()
    assert msgs == [f"Advanced 1 session(s): #{booked.number} → {booked.status}."]
    assert booked.status_changes.filter(changed_by=manager_user).count() == 2

    msgs = run_action(manager_client, "cancel_sessions", [booked])
    booked.refresh_from_db()
    assert booked.cancelled
    assert not Session.objects.on_calendar().filter(pk=booked.pk).exists()


def test_it_reports_the_last_status_and_clashes_from_actions(manager_client, manager_user, booked,
                                                            block_conflicts):
    final = SessionStatus.objects.filter(is_final=True).get()
    services.status_change(session=booked, to_status=final, user=manager_user)
    msgs = run_action(manager_client, "advance_status", [booked])
    assert msgs == [f"1 session(s) already at the last status: #{booked.number}."]

    services.session_set_flag(session=booked, user=manager_user, flag="cancelled", value=True)
    taker = services.session_create(
        client=factories.ClientFactory(), session_type=booked.session_type, starts_at=booked.starts_at,
        booked_by=manager_user,
    )
    msgs = run_action(manager_client, "restore_sessions", [booked])
    booked.refresh_from_db()
    assert booked.cancelled
    assert len(msgs) == 1 and msgs[0].startswith(f"#{booked.number}: Camera Room A is already booked for "
                                                 f"session #{taker.number}")


# Studio settings: one row --------------------------------------------------------------------


def test_it_edits_the_single_studio_settings_row_and_never_adds_or_deletes_it(manager_client):
    row = StudioSettings.load()
    response = manager_client.get(changelist(StudioSettings))
    assert response.status_code == 302 and response["Location"] == change_url(row)
    assert manager_client.get(add_url(StudioSettings)).status_code == 403
    delete = reverse("admin:studio_studiosettings_delete", args=[row.pk])
    assert manager_client.post(delete, {"post": "yes"}).status_code == 403
    data = form_data(manager_client.get(change_url(row)))
    data.update({"work_days": ["1", "2", "3", "4", "5"], "conflict_policy": ConflictPolicy.BLOCK,
                 "opens_at": "08:30", "closes_at": "17:00"})
    response = manager_client.post(change_url(row), data)
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.work_days == [1, 2, 3, 4, 5] and row.conflict_policy == ConflictPolicy.BLOCK
    response = manager_client.post(change_url(row), {**data, "work_days": [], "closes_at": "08:00"})
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["work_days"] == ["Choose at least one work day."]
    assert errors["closes_at"] == ["Closing time must be after opening time."]
    assert StudioSettings.objects.count() == 1


def test_it_shows_the_staff_profile_on_the_user_page(manager_client, photographer_user):
    response = manager_client.get(change_url(photographer_user))
    assert response.status_code == 200
    assert "studio staff profile" in response.content.decode().lower()
    assert Group.objects.get(name="Managers").user_set.filter(username="manager").exists()


def test_it_grants_managers_models_added_after_the_groups_migration(db):
    # ReminderDismissal came in 0005, after 0004 made the groups; post_migrate keeps them in step.
    from django.contrib.auth.models import Group

    managers = Group.objects.get(name="Managers")
    assert managers.permissions.filter(codename="view_reminderdismissal").exists()
    assert not Group.objects.get(name="Front desk").permissions.filter(codename="delete_session").exists()
