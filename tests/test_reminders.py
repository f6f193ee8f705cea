"""On-screen reminders: who sees them, when, dismissing one's own, never for off-calendar sessions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from scheduling.reminders import due_reminders
from sessions.models import ReminderDismissal
from studio.timeutils import to_local
from tests import factories

pytestmark = pytest.mark.django_db

DUE_URL = "/reminders/due.json"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Every test makes users; the production hasher would dominate the run time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def logged_in(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def reminded_session(*, starts_in=timedelta(minutes=20), minutes=30, **kwargs):
    start = timezone.now().replace(microsecond=0) + starts_in
    kwargs.setdefault("reminder", True)
    return factories.SessionFactory(starts_at=start, ends_at=start + timedelta(hours=1),
                                    reminder_minutes=minutes, **kwargs)


@pytest.fixture
def people(db):
    return {
        "photographer": factories.photographer(username="pia"),
        "assistant": factories.assistant(username="axel"),
        "booker": factories.front_desk(username="bea"),
        "other_photographer": factories.photographer(username="otto"),
        "other_desk": factories.front_desk(username="dora"),
    }


def test_it_reminds_the_photographer_the_assistant_and_the_booker(people):
    session = reminded_session(photographer=people["photographer"], assistant=people["assistant"],
                               booked_by=people["booker"])
    for name in ("photographer", "assistant", "booker"):
        assert list(due_reminders(people[name])) == [session], name
    for name in ("other_photographer", "other_desk"):
        assert list(due_reminders(people[name])) == [], name


def test_it_shows_from_the_reminder_time_until_a_quarter_hour_after_the_start(people):
    session = reminded_session(starts_in=timedelta(days=2), minutes=45, photographer=people["photographer"])
    start, user = session.starts_at, people["photographer"]
    assert list(due_reminders(user, now=start - timedelta(minutes=46))) == []
    assert list(due_reminders(user, now=start - timedelta(minutes=45))) == [session]
    assert list(due_reminders(user, now=start - timedelta(minutes=1))) == [session]
    assert list(due_reminders(user, now=start + timedelta(minutes=14))) == [session]
    assert list(due_reminders(user, now=start + timedelta(minutes=15))) == []
    # A reminder two weeks ahead (the longest allowed) shows two weeks ahead.
    session.reminder_minutes = 60 * 24 * 14
    session.save()
    assert list(due_reminders(user, now=start - timedelta(days=13))) == [session]


def test_it_never_reminds_without_reminder_or_off_the_calendar(people):
    user = people["photographer"]
    reminded_session(photographer=user, reminder=False)
    reminded_session(photographer=user, cancelled=True)
    reminded_session(photographer=user, on_hold=True)
    assert list(due_reminders(user)) == []
    assert logged_in(user).get(DUE_URL).json() == []


def test_it_lists_due_reminders_as_json(people):
    client_row = factories.ClientFactory(last_name="Nakamura", first_name="Kei")
    room = factories.ResourceFactory(name="Studio B")
    session = reminded_session(photographer=people["photographer"], client=client_row, camera_room=room,
                               description="Newborn photos")
    response = logged_in(people["photographer"]).get(DUE_URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"]
    local = to_local(session.starts_at)
    [item] = response.json()
    assert item == {
        "id": session.pk,
        "number": session.number,
        "starts_at": local.isoformat(),
        "day": item["day"],
        "time": f"{local:%I:%M %p}".lstrip("0"),
        "starts_in": "starts in 20 minutes",
        "client": "Nakamura, Kei",
        "description": "Newborn photos",
        "place": "Studio B",
        "url": f"/sessions/{session.pk}/",
        "dismiss_url": f"/reminders/{session.pk}/dismiss/",
    }
    assert item["day"] in ("Today", "Tomorrow")


def test_it_dismisses_only_the_users_own_reminder(people):
    session = reminded_session(photographer=people["photographer"], assistant=people["assistant"])
    url = reverse("scheduling:reminder_dismiss", args=[session.pk])
    assert url == f"/reminders/{session.pk}/dismiss/"
    photographer = logged_in(people["photographer"])

    response = photographer.post(url, HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert response.json() == {"dismissed": session.pk}
    assert photographer.get(DUE_URL).json() == []
    assert [r["id"] for r in logged_in(people["assistant"]).get(DUE_URL).json()] == [session.pk]
    # Dismissing twice is harmless.
    assert photographer.post(url, HTTP_ACCEPT="application/json").status_code == 200
    assert ReminderDismissal.objects.filter(session=session).count() == 1


def test_it_dismisses_from_a_plain_form_with_a_message(people):
    session = reminded_session(booked_by=people["booker"])
    client = logged_in(people["booker"])
    response = client.post(reverse("scheduling:reminder_dismiss", args=[session.pk]), {"next": "/sessions/"})
    assert response.status_code == 302 and response.url == "/sessions/"
    response = client.post(reverse("scheduling:reminder_dismiss", args=[session.pk]),
                           {"next": "https://evil.example.com/"})
    assert response.url == reverse("studio:home")
    messages = [str(m) for m in client.get(reverse("studio:home")).context["messages"]]
    assert f"Reminder for session #{session.number} dismissed." in messages


def test_it_refuses_to_dismiss_someone_elses_reminder_or_by_get(people):
    session = reminded_session(photographer=people["photographer"])
    url = reverse("scheduling:reminder_dismiss", args=[session.pk])
    assert logged_in(people["other_photographer"]).post(url).status_code == 404
    assert logged_in(people["photographer"]).get(url).status_code == 405
    assert not ReminderDismissal.objects.exists()


def test_it_needs_a_login(client):
    response = client.get(DUE_URL)
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_it_loads_the_reminder_script_on_every_page(people):
    page = logged_in(people["other_desk"]).get(reverse("studio:home")).content.decode()
    assert 'src="/static/js/reminders.js" data-url="/reminders/due.json" defer' in page
    assert 'id="reminders"' in page


@pytest.mark.parametrize("rows", [3, 30])
def test_it_answers_in_a_fixed_number_of_queries(people, django_assert_max_num_queries, rows):
    user = people["photographer"]
    for i in range(rows):
        reminded_session(photographer=user, starts_in=timedelta(minutes=5 + i), minutes=120)
    client = logged_in(user)
    with django_assert_max_num_queries(6):
        response = client.get(DUE_URL)
    assert len(response.json()) == rows
