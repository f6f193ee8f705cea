"""New Session from a client: a blank session record, or the Session Wizard by preference."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from clients.models import FamilyMember
from sessions import views
from sessions.models import Session, SessionStatus
from studio.models import StudioSettings, UserPreferences
from studio.timeutils import make_local, to_local
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_record(db):
    return factories.ClientFactory(last_name="Okafor", first_name="Adaeze")


@pytest.fixture
def no_wizard(front_desk_user):
    return UserPreferences.objects.create(user=front_desk_user, use_session_wizard=False)


@pytest.fixture
def portrait(db):
    photographer = factories.photographer(username="pat")
    room = factories.ResourceFactory(name="Studio A")
    return factories.SessionTypeFactory(name="Family Portrait", default_length_minutes=90,
                                        default_photographer=photographer, default_resource=room)


def new_url(client) -> str:
    return f"/clients/{client.pk}/sessions/new/"


def post_data(**changes) -> dict:
    day = timezone.localdate() + timedelta(days=5)
    data = {
        "description": "Okafor family", "session_date": day.isoformat(), "start_time": "10:00",
        "end_time": "11:00", "status": str(SessionStatus.initial().pk), "reminder_minutes": "30",
    }
    data.update(changes)
    return data


def test_it_opens_the_session_wizard_when_the_preference_is_on(front_desk_client, client_record, monkeypatch):
    monkeypatch.setattr(views, "wizard_url", lambda client: f"/clients/{client.pk}/sessions/wizard/")
    response = front_desk_client.get(new_url(client_record))
    assert response.status_code == 302
    assert response["Location"] == f"/clients/{client_record.pk}/sessions/wizard/"


def test_it_finds_the_session_wizard_by_its_url_name(client_record):
    try:
        expected = reverse("scheduling:session_wizard", kwargs={"client_id": client_record.pk})
    except NoReverseMatch:
        assert views.wizard_url(client_record) in (None, reverse("scheduling:session_wizard")
                                                   + f"?client={client_record.pk}")
        return
    assert views.wizard_url(client_record) == expected


def test_it_opens_a_blank_session_when_the_wizard_is_not_built(front_desk_client, client_record, monkeypatch):
    monkeypatch.setattr(views, "wizard_url", lambda client: None)
    assert front_desk_client.get(new_url(client_record)).status_code == 200


def test_it_starts_a_blank_session_with_today_the_next_half_hour_and_the_default_type(
        front_desk_client, client_record, no_wizard, portrait, monkeypatch):
    factories.SessionTypeFactory(name="AAA first by name", sort_order=0)
    studio = StudioSettings.load()
    studio.default_session_type = portrait
    studio.save()
    day = timezone.localdate() + timedelta(days=1)
    fixed = make_local(day, time(9, 47)).astimezone(UTC)
    monkeypatch.setattr(views.timezone, "now", lambda: fixed)
    response = front_desk_client.get(new_url(client_record))
    assert response.status_code == 200
    initial = response.context["form"].initial
    assert initial["session_date"] == day
    assert initial["start_time"] == time(10, 0)
    assert initial["end_time"] == time(11, 30)
    assert initial["session_type"] == portrait.pk
    assert initial["photographer"] == portrait.default_photographer_id
    assert initial["camera_room"] == portrait.default_resource_id
    assert initial["status"] == SessionStatus.initial().pk
    page = response.content.decode()
    assert "New Session for" in page and "Adaeze Okafor" in page
    assert 'placeholder="Assigned when saved"' in page
    assert 'name="booked_by"' not in page
    assert "Session Pending" in page


def test_it_falls_back_to_the_first_active_type(front_desk_client, client_record, no_wizard):
    first = factories.SessionTypeFactory(name="Headshot", sort_order=1)
    factories.SessionTypeFactory(name="Retired", sort_order=0, active=False)
    factories.SessionTypeFactory(name="Wedding", sort_order=5)
    response = front_desk_client.get(new_url(client_record))
    assert response.context["form"].initial["session_type"] == first.pk


def test_it_books_the_session_and_opens_it(front_desk_client, front_desk_user, client_record, no_wizard,
                                           portrait):
    chidi = factories.FamilyMemberFactory(client=client_record, first_name="Chidi")
    response = front_desk_client.post(new_url(client_record), post_data(
        session_type=str(portrait.pk), participants=[str(chidi.pk)], file_number="F-1",
    ))
    session = Session.objects.get(client=client_record)
    assert response.status_code == 302 and response["Location"] == f"/sessions/{session.pk}/"
    assert session.booked_by == front_desk_user and session.description == "Okafor family"
    assert session.photographer == portrait.default_photographer  # the type's default, filled by the service
    assert session.camera_room == portrait.default_resource
    assert list(session.participants.all()) == [chidi]
    assert to_local(session.starts_at).time() == time(10, 0)
    assert session.status == SessionStatus.initial() and session.status_due_date is not None
    msg = [str(m) for m in response.wsgi_request._messages]
    assert msg[0].startswith(f"Session #{session.number} booked for ")


def test_it_saves_and_closes_to_the_client(front_desk_client, client_record, no_wizard, portrait):
    response = front_desk_client.post(new_url(client_record), {**post_data(session_type=str(portrait.pk)),
                                                                "_close": "1"})
    assert response["Location"] == f"/clients/{client_record.pk}/?tab=sessions"


def test_it_fills_an_empty_end_time_and_takes_a_typed_number(front_desk_client, client_record, no_wizard,
                                                             portrait):
    front_desk_client.post(new_url(client_record), post_data(
        session_type=str(portrait.pk), end_time="", number="8800",
    ))
    session = Session.objects.get(client=client_record)
    assert session.number == 8800
    assert session.ends_at - session.starts_at == timedelta(minutes=90)


def test_it_refuses_a_number_in_use_and_keeps_everything(front_desk_client, client_record, no_wizard, portrait):
    holder = factories.SessionFactory(number=4321, description="Senior pictures")
    response = front_desk_client.post(new_url(client_record), post_data(
        session_type=str(portrait.pk), number="4321", description="Keep me", new_member_first_name="Amara",
    ))
    assert response.status_code == 200
    errors = response.context["form"].errors["number"]
    assert errors == [
        f"Session number 4321 is already used by session #4321: {holder.client}, Senior pictures on "
        f"{to_local(holder.starts_at):%b %d, %Y}."
    ]
    page = response.content.decode()
    assert 'value="Keep me"' in page and 'value="Amara"' in page
    assert not Session.objects.filter(client=client_record).exists()
    assert not FamilyMember.objects.filter(first_name="Amara").exists()


def test_it_adds_a_new_family_member_with_the_session(front_desk_client, client_record, no_wizard, portrait):
    response = front_desk_client.post(new_url(client_record), post_data(
        session_type=str(portrait.pk), new_member_first_name="Amara", new_member_relationship="grandparent",
    ))
    assert response.status_code == 302
    session = Session.objects.get(client=client_record)
    amara = FamilyMember.objects.get(first_name="Amara")
    assert amara.client == client_record and list(session.participants.all()) == [amara]


def test_it_offers_book_anyway_on_a_clash(front_desk_client, client_record, no_wizard, portrait, ask_conflicts):
    day = timezone.localdate() + timedelta(days=5)
    busy = factories.SessionFactory(starts_at=make_local(day, time(10, 30)),
                                    photographer=portrait.default_photographer)
    data = post_data(session_type=str(portrait.pk), session_date=day.isoformat())
    response = front_desk_client.post(new_url(client_record), data)
    assert response.status_code == 409
    page = response.content.decode()
    assert f"is already booked for session #{busy.number}" in page and "Book anyway" in page
    assert not Session.objects.filter(client=client_record).exists()
    response = front_desk_client.post(new_url(client_record), {**data, "allow_conflicts": "1"})
    assert response.status_code == 302
    assert Session.objects.filter(client=client_record).count() == 1


def test_it_shows_missing_fields_with_clear_messages(front_desk_client, client_record, no_wizard, portrait):
    response = front_desk_client.post(new_url(client_record), {"session_type": str(portrait.pk),
                                                               "status": str(SessionStatus.initial().pk)})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["session_date"] == ["Enter the session date."]
    assert errors["start_time"] == ["Enter the start time."]


def test_it_answers_404_for_a_missing_client(front_desk_client, no_wizard):
    assert front_desk_client.get("/clients/999999/sessions/new/").status_code == 404


def test_it_starts_after_midnight_when_the_next_half_hour_is_tomorrow(front_desk_client, client_record,
                                                                     no_wizard, portrait, monkeypatch):
    day = timezone.localdate() + timedelta(days=3)
    fixed = datetime.combine(day, time(23, 50)).replace(tzinfo=to_local(timezone.now()).tzinfo).astimezone(UTC)
    monkeypatch.setattr(views.timezone, "now", lambda: fixed)
    initial = front_desk_client.get(new_url(client_record)).context["form"].initial
    assert (initial["session_date"], initial["start_time"]) == (day + timedelta(days=1), time(0, 0))
