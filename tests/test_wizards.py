"""The Scheduling Wizard (/schedule/new/) and the Session Wizard (/clients/<id>/sessions/wizard/).

formtools posts a management form ``<prefix>-current_step`` and each step's
fields prefixed with the step name; ``wizard_goto_step`` goes back.
"""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from django.urls import reverse

from clients.models import Client
from sessions.models import Session
from studio.timeutils import make_local, to_local
from tests import factories

pytestmark = pytest.mark.django_db

WIZARD = "/schedule/new/"
PREFIX = "scheduling_wizard"
DAY = date(2027, 6, 1)  # a Tuesday, far enough ahead of the machine's clock


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Every test makes users; the production hasher would dominate the run time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def post(client, url, step, data=None, prefix=PREFIX, **extra):
    payload = {f"{prefix}-current_step": step}
    payload.update({f"{step}-{name}": value for name, value in (data or {}).items()})
    payload.update(extra)
    return client.post(url, payload)


def text(response) -> str:
    return response.content.decode()


def current_step(response) -> str:
    return response.context["wizard"]["steps"].current


@pytest.fixture
def session_type(db):
    return factories.SessionTypeFactory(name="Family Portrait", default_length_minutes=60)


@pytest.fixture
def photographer(db):
    user = factories.photographer(username="ann", first_name="Ann", last_name="Lens")
    user.staff_profile.display_name = "Ann Lens"
    user.staff_profile.save()
    return user


@pytest.fixture
def room(db):
    return factories.ResourceFactory(name="Studio A")


def session_data(session_type, photographer=None, room=None, **overrides):
    data = {
        "session_type": session_type.pk,
        "session_date": DAY.isoformat(),
        "start_time": "14:30",
        "end_time": "",
        "photographer": photographer.pk if photographer else "",
        "assistant": "",
        "camera_room": room.pk if room else "",
        "location": "",
        "description": "Spring family portrait",
        "reminder_minutes": "30",
    }
    data.update(overrides)
    return data


def details_data(**overrides):
    data = {
        "last_name": "Okafor", "first_name": "Ngozi", "email": "ngozi@example.com", "phone": "(555) 201-3344",
        "address": "12 Elm Street", "city": "Springfield", "state": "IL", "postal_code": "62701",
    }
    for i in range(1, 5):
        data.update({f"member_{i}_first_name": "", f"member_{i}_last_name": "",
                     f"member_{i}_relationship": "child", f"member_{i}_birth_date": ""})
    data.update(overrides)
    return data


# ---- Front desk: the whole way through ------------------------------------------------


def test_it_books_a_new_client_from_start_to_finish(front_desk_client, front_desk_user, session_type,
                                                     photographer, room):
    response = front_desk_client.get(WIZARD)
    assert response.status_code == 200
    assert "Find a client" in text(response) and "Step 1 of 4" in text(response)

    response = post(front_desk_client, WIZARD, "client", {"new_client": "1"})
    assert current_step(response) == "details"
    assert "A new client." in text(response)

    response = post(front_desk_client, WIZARD, "details", details_data(
        member_1_first_name="Ada", member_1_birth_date="2019-04-02",
        member_2_first_name="Obi", member_2_relationship="spouse",
    ))
    assert current_step(response) == "session"
    assert "Free slots" in text(response)
    assert Client.objects.count() == 0  # nothing is saved before the last step

    response = post(front_desk_client, WIZARD, "session",
                    session_data(session_type, photographer, room, reminder="on"))
    assert current_step(response) == "review"
    page = text(response)
    assert "Okafor, Ngozi" in page and "New client" in page
    assert 'id="review-date">Tue Jun 1, 2027<' in page and 'id="review-start">2:30 PM<' in page
    assert "3:30 PM" in page and "60 minutes, the type's length" in page
    assert "Ann Lens" in page and "Studio A" in page
    assert "Ada Okafor (new), Obi Okafor (new)" in page
    assert "30 minutes before" in page

    response = post(front_desk_client, WIZARD, "review", {})
    session = Session.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("photo_sessions:detail", args=[session.pk])
    client = Client.objects.get()
    assert (client.last_name, client.first_name, client.email, client.city) == (
        "Okafor", "Ngozi", "ngozi@example.com", "Springfield")
    assert sorted(m.first_name for m in client.family_members.all()) == ["Ada", "Obi"]
    assert session.client == client
    assert sorted(m.first_name for m in session.participants.all()) == ["Ada", "Obi"]
    assert to_local(session.starts_at) == make_local(DAY, time(14, 30))
    assert session.ends_at - session.starts_at == timedelta(hours=1)
    assert session.photographer == photographer and session.camera_room == room
    assert session.booked_by == front_desk_user
    assert session.description == "Spring family portrait"
    assert session.reminder is True and session.reminder_minutes == 30
    assert session.number > 0
    follow = front_desk_client.get(response.url)
    messages = [str(m) for m in follow.context["messages"]]
    assert messages == [
        f"New client Okafor, Ngozi added. Session #{session.number} booked for Okafor, Ngozi "
        "on Tue Jun 1, 2027 at 2:30 PM."
    ]


def test_it_finds_an_existing_client_and_saves_corrections(front_desk_client, session_type, photographer):
    client = factories.ClientFactory(last_name="Marsh", first_name="Lena", phone="(555) 000-1111",
                                     email="lena@example.com")
    kid = factories.FamilyMemberFactory(client=client, first_name="Tom")
    factories.FamilyMemberFactory(client=client, first_name="Rosa")
    factories.ClientFactory(last_name="Holt")

    front_desk_client.get(WIZARD)
    response = post(front_desk_client, WIZARD, "client", {"search": "marsh", "client": ""}, wizard_search="1")
    assert current_step(response) == "client"
    page = text(response)
    assert "1 client matches “marsh”" in page
    assert "Marsh, Lena" in page and "Holt" not in page
    assert "Tom, Rosa" in page or "Rosa, Tom" in page
    assert "is-invalid" not in page and "alert-danger" not in page  # a search is not a mistake

    # A phone number finds her too.
    response = post(front_desk_client, WIZARD, "client", {"search": "0001111"}, wizard_search="1")
    assert "Marsh, Lena" in text(response)

    response = post(front_desk_client, WIZARD, "client", {"search": "marsh", "client": client.pk})
    assert current_step(response) == "details"
    page = text(response)
    assert 'value="lena@example.com"' in page and 'value="(555) 000-1111"' in page
    assert "Tom" in page and "Rosa" in page

    response = post(front_desk_client, WIZARD, "details", details_data(
        last_name="Marsh", first_name="Lena", email="lena@example.com", phone="(555) 999-0000",
        version=client.updated_at.isoformat(), participants=[kid.pk],
    ))
    assert current_step(response) == "session"
    response = post(front_desk_client, WIZARD, "session", session_data(session_type, photographer))
    assert current_step(response) == "review"
    assert "Tom Marsh" in text(response) and "New client" not in text(response)
    response = post(front_desk_client, WIZARD, "review", {})
    assert response.status_code == 302

    client.refresh_from_db()
    assert client.phone == "(555) 999-0000" and client.city == "Springfield"
    assert Client.objects.count() == 2
    session = Session.objects.get()
    assert session.client == client
    assert list(session.participants.all()) == [kid]


def test_it_refuses_to_overwrite_a_client_someone_else_changed(front_desk_client, session_type):
    client = factories.ClientFactory(last_name="Marsh", phone="(555) 000-1111")
    front_desk_client.get(WIZARD)
    post(front_desk_client, WIZARD, "client", {"client": client.pk})
    opened = client.updated_at
    post(front_desk_client, WIZARD, "details", details_data(
        last_name="Marsh", first_name=client.first_name, email=client.email, phone="(555) 222-3333",
        version=opened.isoformat()))
    post(front_desk_client, WIZARD, "session", session_data(session_type))
    # Meanwhile somebody else edits the client.
    Client.objects.filter(pk=client.pk).update(notes="Prefers mornings")
    other = Client.objects.get(pk=client.pk)
    other.email = "new@example.com"
    other.save()

    response = post(front_desk_client, WIZARD, "review", {})
    assert response.status_code == 200
    assert current_step(response) == "details"
    assert "after you opened this page. Nothing was saved." in text(response)
    assert "press Next again" in text(response)
    assert Session.objects.count() == 0
    client.refresh_from_db()
    assert client.phone == "(555) 000-1111" and client.email == "new@example.com"


# ---- Back and forward -------------------------------------------------------------------


def test_it_keeps_what_was_typed_going_back_and_forward(front_desk_client, session_type, photographer):
    front_desk_client.get(WIZARD)
    post(front_desk_client, WIZARD, "client", {"new_client": "1"})
    post(front_desk_client, WIZARD, "details", details_data(last_name="Vance", member_1_first_name="Kit"))
    response = post(front_desk_client, WIZARD, "session",
                    session_data(session_type, photographer, description="Graduation"))
    assert current_step(response) == "review"

    # Back from review: the session step shows what was typed.
    response = post(front_desk_client, WIZARD, "review", {}, wizard_goto_step="session")
    assert current_step(response) == "session"
    page = text(response)
    assert 'value="Graduation"' in page and 'value="14:30"' in page and 'value="2027-06-01"' in page

    # Back again with a half-finished change: kept too, and not judged yet.
    response = post(front_desk_client, WIZARD, "session",
                    session_data(session_type, photographer, description="Graduation, cap and gown",
                                 start_time=""), wizard_goto_step="details")
    assert current_step(response) == "details"
    page = text(response)
    assert 'value="Vance"' in page and 'value="Kit"' in page

    # Forward: the session step still has the change, and now says what is missing.
    response = post(front_desk_client, WIZARD, "details", details_data(last_name="Vance", member_1_first_name="Kit"))
    assert current_step(response) == "session"
    page = text(response)
    assert 'value="Graduation, cap and gown"' in page
    assert "Enter the start time or pick a free slot." in page


def test_it_forgets_client_details_when_another_client_is_picked(front_desk_client):
    first = factories.ClientFactory(last_name="Adler", email="adler@example.com")
    second = factories.ClientFactory(last_name="Brook", email="brook@example.com")
    front_desk_client.get(WIZARD)
    post(front_desk_client, WIZARD, "client", {"client": first.pk})
    post(front_desk_client, WIZARD, "details", details_data(last_name="Adler", email="adler@example.com"),
         wizard_goto_step="client")
    response = post(front_desk_client, WIZARD, "client", {"client": second.pk})
    assert current_step(response) == "details"
    assert 'value="brook@example.com"' in text(response)
    assert "adler@example.com" not in text(response)


# ---- Bad input, step by step --------------------------------------------------------------


def test_it_explains_what_is_missing_on_each_step(front_desk_client, session_type, room):
    front_desk_client.get(WIZARD)
    response = post(front_desk_client, WIZARD, "client", {"search": ""})
    assert current_step(response) == "client"
    assert "Find the client and press Select, or start a new client." in text(response)

    post(front_desk_client, WIZARD, "client", {"new_client": "1"})
    response = post(front_desk_client, WIZARD, "details", details_data(
        last_name="  ", email="not-an-email", member_2_birth_date="2020-01-01",
        member_3_first_name="Zed", member_3_birth_date="2999-01-01"))
    assert current_step(response) == "details"
    errors = response.context["form"].errors
    assert errors["last_name"] == ["Enter the client's last name."]
    assert errors["email"] == ["Enter a valid email address."]
    assert errors["member_2_first_name"] == ["Enter the family member's first name."]
    assert errors["member_3_birth_date"] == ["A birth date cannot be in the future."]
    assert 'value="not-an-email"' in text(response)  # what was typed stays

    post(front_desk_client, WIZARD, "details", details_data())
    response = post(front_desk_client, WIZARD, "session", session_data(
        session_type, room=room, start_time="", end_time="10:00", location="Lakeside park",
        reminder="on", reminder_minutes=""))
    errors = response.context["form"].errors
    assert errors["start_time"] == ["Enter the start time or pick a free slot."]
    assert errors["location"] == ["Choose a camera room or type a location, not both."]
    assert errors["reminder_minutes"] == ["Enter how many minutes ahead the reminder should appear."]

    response = post(front_desk_client, WIZARD, "session", session_data(
        session_type, start_time="15:00", end_time="14:00", session_date="2027-02-30"))
    errors = response.context["form"].errors
    assert errors["session_date"] == ["Enter a valid date."]
    response = post(front_desk_client, WIZARD, "session", session_data(session_type, start_time="15:00",
                                                                       end_time="14:00"))
    assert response.context["form"].errors["end_time"] == ["End Time must be after Start Time."]
    response = post(front_desk_client, WIZARD, "session", {**session_data(session_type), "session_type": 999999})
    assert response.context["form"].errors["session_type"] == ["Choose one of the session types in the list."]
    assert Session.objects.count() == 0


def test_it_says_a_time_skipped_by_daylight_saving_does_not_exist(front_desk_client, session_type):
    client = factories.ClientFactory()
    url = reverse("scheduling:session_wizard", args=[client.pk])
    front_desk_client.get(url)
    response = post(front_desk_client, url, "session",
                    session_data(session_type, session_date="2027-03-14", start_time="02:30"),
                    prefix=f"session_wizard_{client.pk}")
    assert response.status_code == 200
    assert response.context["form"].errors["start_time"] == [
        "02:30 AM does not exist on March 14, 2027: the clocks go forward that night."
    ]
    assert Session.objects.count() == 0


# ---- Prefill from the calendar -----------------------------------------------------------------


def test_it_prefills_the_session_from_the_calendar_slot_link(front_desk_client, session_type, photographer, room):
    assistant = factories.assistant(username="sam")
    response = front_desk_client.get(
        WIZARD, {"date": "2027-06-01", "time": "14:30", "photographer": photographer.pk,
                 "assistant": assistant.pk, "resource": room.pk})
    assert response.status_code == 200
    assert "Booking Tue Jun 1 at 2:30 PM with Ann Lens. First find or add the client." in text(response)
    post(front_desk_client, WIZARD, "client", {"new_client": "1"})
    response = post(front_desk_client, WIZARD, "details", details_data())
    form = response.context["form"]
    assert form["session_date"].value() == "2027-06-01"
    assert form["start_time"].value() == "14:30"
    assert str(form["photographer"].value()) == str(photographer.pk)
    assert str(form["assistant"].value()) == str(assistant.pk)
    assert str(form["camera_room"].value()) == str(room.pk)
    page = text(response)
    assert 'value="2027-06-01"' in page and 'value="14:30"' in page
    # The offered slots are the photographer's free ones from that day on.
    assert "Tue, Jun 1" in page and 'data-time="14:30"' in page


def test_it_ignores_nonsense_in_the_prefill(front_desk_client, session_type):
    response = front_desk_client.get(WIZARD, {"date": "2027-13-45", "time": "25:99", "photographer": "x",
                                              "client": "abc"})
    assert response.status_code == 200
    post(front_desk_client, WIZARD, "client", {"new_client": "1"})
    form = post(front_desk_client, WIZARD, "details", details_data()).context["form"]
    assert form["start_time"].value() in (None, "")
    assert form["photographer"].value() in (None, "")


def test_it_preselects_the_client_from_the_query(front_desk_client):
    client = factories.ClientFactory(last_name="Quill", first_name="Ida")
    response = front_desk_client.get(WIZARD, {"client": client.pk})
    page = text(response)
    assert "Selected client" in page and "Continue with Ida Quill" in page
    response = post(front_desk_client, WIZARD, "client", {"client": client.pk})
    assert current_step(response) == "details"


def test_it_fills_date_and_time_from_a_slot_chip_without_javascript(front_desk_client, session_type, photographer):
    client = factories.ClientFactory()
    url = reverse("scheduling:session_wizard", args=[client.pk])
    prefix = f"session_wizard_{client.pk}"
    page = text(front_desk_client.get(url))
    assert "slot-chip" in page
    response = post(front_desk_client, url, "session", session_data(session_type, photographer, start_time=""),
                    prefix=prefix, wizard_slot="2027-06-02T11:00-12:00")
    assert current_step(response) == "session"
    page = text(response)
    assert 'value="2027-06-02"' in page and 'value="11:00"' in page and 'value="12:00"' in page
    assert "is-invalid" not in page


# ---- Conflicts on review ------------------------------------------------------------------------


def book_through_review(front_desk_client, session_type, photographer):
    front_desk_client.get(WIZARD)
    post(front_desk_client, WIZARD, "client", {"new_client": "1"})
    post(front_desk_client, WIZARD, "details", details_data())
    return post(front_desk_client, WIZARD, "session", session_data(session_type, photographer))


def test_it_refuses_a_double_booking_under_the_block_policy(front_desk_client, block_conflicts, session_type,
                                                            photographer):
    other = factories.SessionFactory(photographer=photographer, starts_at=make_local(DAY, time(14)),
                                     ends_at=make_local(DAY, time(15)))
    response = book_through_review(front_desk_client, session_type, photographer)
    assert current_step(response) == "review"
    page = text(response)
    assert f"Ann Lens is already booked for session #{other.number}" in page
    assert "The studio does not allow double bookings." in page
    assert "Book anyway" not in page

    response = post(front_desk_client, WIZARD, "review", {"book_anyway": "1"})
    assert response.status_code == 200
    assert current_step(response) == "review"
    assert "The session was not booked: it clashes with the bookings below." in text(response)
    assert Session.objects.count() == 1 and Client.objects.count() == 1  # the new client was rolled back too


def test_it_books_anyway_under_the_ask_policy(front_desk_client, ask_conflicts, session_type, photographer):
    other = factories.SessionFactory(photographer=photographer, starts_at=make_local(DAY, time(14)),
                                     ends_at=make_local(DAY, time(15)))
    response = book_through_review(front_desk_client, session_type, photographer)
    page = text(response)
    assert f"Ann Lens is already booked for session #{other.number}" in page
    assert "Book anyway" in page

    # Pressing Book without the override (a stale page) is refused and explained.
    response = post(front_desk_client, WIZARD, "review", {})
    assert "The session was not booked: it clashes with the bookings below." in text(response)
    assert Session.objects.count() == 1

    response = post(front_desk_client, WIZARD, "review", {"book_anyway": "1"})
    assert response.status_code == 302
    assert Session.objects.count() == 2
    assert Session.objects.exclude(pk=other.pk).get().photographer == photographer


def test_it_books_straight_through_when_there_is_no_clash(front_desk_client, block_conflicts, session_type,
                                                          photographer):
    factories.SessionFactory(photographer=photographer, starts_at=make_local(DAY, time(13)),
                             ends_at=make_local(DAY, time(14, 30)))  # ends as ours starts
    response = book_through_review(front_desk_client, session_type, photographer)
    assert "Double booking" not in text(response)
    assert post(front_desk_client, WIZARD, "review", {}).status_code == 302


# ---- The Session Wizard from a client record -------------------------------------------------------


def test_it_starts_the_session_wizard_at_the_session(front_desk_client, front_desk_user, session_type, photographer):
    client = factories.ClientFactory(last_name="Ito", first_name="Mei")
    member = factories.FamilyMemberFactory(client=client, first_name="Kenji")
    factories.FamilyMemberFactory(client=client, first_name="Yui")
    url = reverse("scheduling:session_wizard", args=[client.pk])
    assert url == f"/clients/{client.pk}/sessions/wizard/"
    prefix = f"session_wizard_{client.pk}"

    response = front_desk_client.get(url)
    assert response.status_code == 200
    page = text(response)
    assert "New session for Ito, Mei" in page and "Step 1 of 2" in page
    assert "Find a client" not in page and "Kenji" in page

    response = post(front_desk_client, url, "session",
                    {**session_data(session_type, photographer), "participants": [member.pk]}, prefix=prefix)
    assert current_step(response) == "review"
    assert "Kenji Ito" in text(response)
    response = post(front_desk_client, url, "review", {}, prefix=prefix)
    session = Session.objects.get()
    assert response.url == reverse("photo_sessions:detail", args=[session.pk])
    assert session.client == client and list(session.participants.all()) == [member]
    assert session.booked_by == front_desk_user
    assert Client.objects.count() == 1


def test_it_404s_the_session_wizard_of_a_missing_client(front_desk_client):
    assert front_desk_client.get(reverse("scheduling:session_wizard", args=[999999])).status_code == 404


def test_it_applies_the_type_defaults_when_fields_are_left_empty(front_desk_client, photographer, room):
    session_type = factories.SessionTypeFactory(default_length_minutes=90, default_photographer=photographer,
                                                default_resource=room)
    client = factories.ClientFactory()
    url = reverse("scheduling:session_wizard", args=[client.pk])
    prefix = f"session_wizard_{client.pk}"
    front_desk_client.get(url)
    response = post(front_desk_client, url, "session", session_data(session_type), prefix=prefix)
    page = text(response)
    assert "Ann Lens <span class=\"text-body-secondary small\">(the type's default)" in page
    assert "90 minutes" in page
    post(front_desk_client, url, "review", {}, prefix=prefix)
    session = Session.objects.get()
    assert session.photographer == photographer and session.camera_room == room
    assert session.ends_at - session.starts_at == timedelta(minutes=90)


# ---- Roles and queries ------------------------------------------------------------------------------


def test_it_lets_managers_in_and_keeps_photographers_out(manager_client, photographer_client):
    client = factories.ClientFactory()
    assert manager_client.get(WIZARD).status_code == 200
    assert photographer_client.get(WIZARD).status_code == 403
    assert photographer_client.get(reverse("scheduling:session_wizard", args=[client.pk])).status_code == 403
    assert photographer_client.post(WIZARD, {f"{PREFIX}-current_step": "client"}).status_code == 403


def test_it_rejects_a_post_without_the_management_form(front_desk_client):
    front_desk_client.get(WIZARD)
    assert front_desk_client.post(WIZARD, {"client-new_client": "1"}).status_code == 400


@pytest.mark.parametrize("rows", [3, 30])
def test_it_searches_clients_in_a_fixed_number_of_queries(front_desk_client, django_assert_max_num_queries, rows):
    for i in range(rows):
        factories.FamilyMemberFactory(client=factories.ClientFactory(last_name=f"Rivera{i:02d}"))
    front_desk_client.get(WIZARD)
    with django_assert_max_num_queries(12):
        response = post(front_desk_client, WIZARD, "client", {"search": "rivera"}, wizard_search="1")
    assert f"{rows} clients match" in text(response)


@pytest.mark.parametrize("rows", [3, 30])
def test_it_shows_the_session_step_in_a_fixed_number_of_queries(front_desk_client, django_assert_max_num_queries,
                                                                photographer, rows):
    session_type = factories.SessionTypeFactory()
    for i in range(rows):
        factories.SessionFactory(photographer=photographer, starts_at=make_local(DAY + timedelta(days=i), time(9)),
                                 ends_at=make_local(DAY + timedelta(days=i), time(10)))
        factories.SessionTypeFactory()
        factories.ResourceFactory()
        factories.photographer()
    client = factories.ClientFactory()
    url = reverse("scheduling:session_wizard", args=[client.pk])
    with django_assert_max_num_queries(20):
        response = front_desk_client.get(url, {"date": DAY.isoformat(), "photographer": photographer.pk,
                                               "type": session_type.pk})
    assert "slot-chip" in text(response)
