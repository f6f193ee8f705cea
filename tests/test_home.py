"""The home page: my sessions today, today at the studio, statuses past due, quick links."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from sessions.models import CalendarEvent, SessionStatus
from tests import factories

pytestmark = pytest.mark.django_db


def today_at(hour: int, minute: int = 0):
    return factories.local_dt(timezone.localdate(), hour, minute)


def test_it_shows_the_front_desk_today_at_the_studio(front_desk_client):
    first = factories.SessionFactory(description="Morning minis", starts_at=today_at(9))
    late = factories.SessionFactory(description="Evening family", starts_at=today_at(17))
    cancelled = factories.SessionFactory(description="Called off", starts_at=today_at(12), cancelled=True)
    factories.SessionFactory(description="Tomorrow's", starts_at=factories.tomorrow_at(9))
    factories.SessionFactory(description="Yesterday's",
                             starts_at=factories.local_dt(timezone.localdate() - timedelta(days=1), 9))
    response = front_desk_client.get("/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Today at the studio" in page
    assert [s.pk for s in response.context["studio_sessions"]] == [first.pk, cancelled.pk, late.pk]
    assert page.index("Morning minis") < page.index("Called off") < page.index("Evening family")
    assert "Tomorrow's" not in page and "Yesterday's" not in page
    assert re.search(r'<span class="badge text-bg-danger">Cancelled</span>', page)
    assert "My sessions today" not in page


def test_it_shows_a_photographer_their_own_day_including_extra_calendar_rows(photographer_client,
                                                                            photographer_user):
    mine = factories.SessionFactory(description="Mine as photographer", starts_at=today_at(10),
                                    photographer=photographer_user)
    other = factories.SessionFactory(description="Assisting later", starts_at=factories.tomorrow_at(9),
                                     use_advanced_calendar=True)
    CalendarEvent.objects.create(session=other, description="Second location", starts_at=today_at(15),
                                 ends_at=today_at(16), assistant=photographer_user)
    factories.SessionFactory(description="Someone else's", starts_at=today_at(11))
    factories.SessionFactory(description="Mine but on hold", starts_at=today_at(12),
                             photographer=photographer_user, on_hold=True)
    response = photographer_client.get("/")
    page = response.content.decode()
    assert "My sessions today" in page
    assert [e.session_id for e in response.context["my_events"]] == [mine.pk, other.pk]
    assert "Mine as photographer" in page and "Second location" in page
    assert "Someone else's" not in page and "Mine but on hold" not in page
    assert "Today at the studio" not in page
    assert "Assistant" in page and "Photographer" in page


def test_it_lists_statuses_past_due_with_a_count_and_a_link_to_the_hub(front_desk_client):
    today = timezone.localdate()
    overdue = [
        factories.SessionFactory(status_due_date=today - timedelta(days=n), description=f"Overdue {n}")
        for n in range(1, 24)
    ]
    factories.SessionFactory(status_due_date=today, description="Due today")
    factories.SessionFactory(status_due_date=today - timedelta(days=3), cancelled=True, description="Cancelled")
    factories.SessionFactory(status_due_date=today - timedelta(days=3), description="Final",
                             status=SessionStatus.objects.get(is_final=True))
    response = front_desk_client.get("/")
    page = response.content.decode()
    assert response.context["past_due_count"] == 23
    shown = response.context["past_due"]
    assert len(shown) == 20
    assert shown[0] == overdue[-1]  # the oldest due date first
    assert "Showing 20 of 23" in page
    assert 'href="/sessions/?past_due=on"' in page
    assert "Due today" not in page


def test_it_offers_the_quick_links(front_desk_client):
    page = front_desk_client.get("/").content.decode()
    for href, label in (("/clients/new/", "New client"), ("/sessions/", "Find a session"),
                        ("/calendar/", "Calendar"), ("/schedule/new/", "Scheduling Wizard")):
        assert re.search(rf'href="{re.escape(href)}">\s*<div class="card-body py-3">\s*<i[^>]*></i>\s*'
                         rf'<h2 class="h6 card-title mt-2 mb-1">{label}</h2>', page), label


def test_it_leaves_out_what_a_photographer_cannot_do(photographer_client):
    page = photographer_client.get("/").content.decode()
    assert "New client" not in page and "Scheduling Wizard" not in page
    assert "Find a session" in page


def test_it_greets_a_user_without_a_role_without_session_lists(client, django_user_model):
    user = django_user_model.objects.create_user(username="nobody", password="x-long-password-1")
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Welcome, nobody" in page
    assert "Statuses past due" not in page and "Today at the studio" not in page


@pytest.mark.parametrize("rows", [3, 30])
def test_it_keeps_the_home_queries_flat(front_desk_client, front_desk_user, django_assert_max_num_queries, rows):
    today = timezone.localdate()
    for i in range(rows):
        session = factories.SessionFactory(starts_at=today_at(8, i % 60), photographer=front_desk_user,
                                           status_due_date=today - timedelta(days=1 + i))
        member = factories.FamilyMemberFactory(client=session.client)
        session.participants.add(member)
    with django_assert_max_num_queries(11):
        response = front_desk_client.get("/")
    assert response.status_code == 200
    assert len(response.context["studio_sessions"]) == rows
    assert len(response.context["my_events"]) == rows
