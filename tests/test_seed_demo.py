"""manage.py seed_demo: a believable, clean and repeatable demo studio."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.db.models import Count, F, Q
from django.utils import timezone

from clients.models import Client, FamilyMember
from scheduling.models import PriceList, Resource, SessionType
from sessions.models import CalendarEvent, Session, SessionParticipant, StatusChange
from studio.models import StaffProfile, StudioSettings
from studio.timeutils import to_local

pytestmark = pytest.mark.django_db

SESSIONS, CLIENTS = 250, 40

CLASHES = """
with ev as (
  select e.* from photo_sessions_calendarevent e join photo_sessions_session s on s.id = e.session_id
  where not s.on_hold and not s.cancelled and not e.hidden and (e.is_primary or s.use_advanced_calendar)
), people as (
  select session_id, starts_at, ends_at, photographer_id as who from ev where photographer_id is not null
  union all select session_id, starts_at, ends_at, assistant_id from ev where assistant_id is not null
)
select
  (select count(*) from people a join people b on a.who = b.who and a.session_id < b.session_id
     and a.starts_at < b.ends_at and b.starts_at < a.ends_at),
  (select count(*) from ev a join ev b on a.resource_id = b.resource_id and a.session_id < b.session_id
     and a.starts_at < b.ends_at and b.starts_at < a.ends_at
     join scheduling_resource r on r.id = a.resource_id and r.show_on_calendar)
"""


def seed(**options) -> str:
    out = StringIO()
    call_command("seed_demo", sessions=options.get("sessions", SESSIONS),
                 clients=options.get("clients", CLIENTS), stdout=out)
    return out.getvalue()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def seeded(db):
    return seed()


def test_it_creates_the_demo_logins_with_their_roles(seeded):
    User = get_user_model()
    manager = User.objects.get(username="manager")
    assert manager.check_password("studio-demo") and manager.is_staff
    assert manager.groups.filter(name="Managers").exists()
    frontdesk = User.objects.get(username="frontdesk")
    assert frontdesk.check_password("studio-demo") and not frontdesk.is_staff
    assert frontdesk.has_perm("photo_sessions.add_session")
    photographers = StaffProfile.objects.photographers()
    assert photographers.count() >= 3
    assert all(p.user.check_password("studio-demo") for p in photographers)
    assert all(p.user.groups.filter(name="Photographers").exists() for p in photographers)
    assert StaffProfile.objects.assistants().exists()
    assert StaffProfile.objects.count() == 6
    assert len(set(StaffProfile.objects.values_list("color", flat=True))) == 6
    assert "Demo logins (password: studio-demo):" in seeded
    assert "manager    Morgan Reyes (Managers): the studio pages and /admin/" in seeded


def test_it_builds_the_catalogue(seeded):
    assert set(Resource.objects.values_list("name", "kind")) == {
        ("Camera Room A", "camera_room"), ("Camera Room B", "camera_room"),
        ("Outdoor Garden", "location"), ("Backdrop Kit", "equipment"),
    }
    types = {t.name: t for t in SessionType.objects.select_related("price_list")}
    assert set(types) == {"Family Portrait", "Newborn", "Senior Portrait", "Headshot", "Wedding Consultation",
                          "Pet Portrait", "Maternity", "Mini Session"}
    assert types["Newborn"].default_length_minutes == 120
    assert types["Mini Session"].default_length_minutes == 20
    assert len({t.color for t in types.values()}) == 8
    assert all(t.price_list is not None for t in types.values())
    assert PriceList.objects.count() == 6
    settings = StudioSettings.load()
    assert settings.default_session_type == types["Family Portrait"]
    assert settings.studio_name == "Lumen & Oak Portrait Studio"


def test_it_books_sessions_that_look_real(seeded):
    today = timezone.localdate()
    settings = StudioSettings.load()
    assert Client.objects.count() == CLIENTS
    assert FamilyMember.objects.count() >= CLIENTS
    sessions = list(Session.objects.select_related("status", "client"))
    assert len(sessions) == SESSIONS
    numbers = [s.number for s in sessions]
    assert len(set(numbers)) == SESSIONS and min(numbers) >= settings.first_session_number

    days = [to_local(s.starts_at).date() for s in sessions]
    assert today - timedelta(days=183) <= min(days) and max(days) <= today + timedelta(days=183 + 21)
    assert sum(d < today for d in days) > SESSIONS * 0.35 and sum(d >= today for d in days) > SESSIONS * 0.35
    assert all(settings.opens_at <= to_local(s.starts_at).time() and to_local(s.ends_at).time() <= settings.closes_at
               for s in sessions)
    assert sum(settings.is_work_day(d) for d in days) >= SESSIONS * 0.95

    past = [s for s in sessions if s.starts_at < timezone.now() and not (s.cancelled or s.on_hold)]
    assert sum(s.confirmed for s in past) >= len(past) * 0.8
    assert 0.03 <= sum(s.cancelled for s in sessions) / SESSIONS <= 0.12
    assert 0.005 <= sum(s.on_hold for s in sessions) / SESSIONS <= 0.07
    assert not any(s.confirmed for s in sessions if s.cancelled or s.on_hold)
    assert {s.status.name for s in past} > {"Session Pending", "Complete"}
    assert all(s.status.is_initial for s in sessions if s.starts_at > timezone.now())


def test_it_links_redos_to_an_earlier_session_of_the_same_client(seeded):
    redos = Session.objects.filter(redo=True).select_related("redo_of")
    assert redos.count() == round(SESSIONS * 0.02)
    for redo in redos:
        assert redo.redo_of.client_id == redo.client_id
        assert redo.redo_of.starts_at < redo.starts_at
        assert redo.description.startswith("Redo: ")


def test_it_keeps_status_history_in_step_with_each_session(seeded):
    last = {c.session_id: c for c in StatusChange.objects.order_by("session_id", "changed_at", "id")}
    sessions = Session.objects.all()
    assert set(last) == set(sessions.values_list("pk", flat=True))
    for session in sessions:
        change = last[session.pk]
        assert change.to_status_id == session.status_id
        assert change.due_date == session.status_due_date
    first = StatusChange.objects.filter(from_status__isnull=True)
    assert first.count() == SESSIONS  # the booking itself
    assert StatusChange.objects.filter(from_status__isnull=False).exclude(completed_on=None).exists()
    assert not Session.objects.filter(booked_by=None).exists()
    assert not Session.objects.filter(booked_on__gt=F("starts_at")).exists()


def test_it_never_double_books_a_person_or_a_tracked_room(seeded):
    with connection.cursor() as cursor:
        cursor.execute(CLASHES)
        assert cursor.fetchone() == (0, 0)


def test_it_mirrors_every_session_in_its_primary_calendar_event(seeded):
    assert CalendarEvent.objects.filter(is_primary=True).count() == SESSIONS
    mismatched = CalendarEvent.objects.filter(is_primary=True).exclude(
        starts_at=F("session__starts_at"), ends_at=F("session__ends_at"), location=F("session__location"),
    )
    assert not mismatched.exists()
    extra = CalendarEvent.objects.filter(is_primary=False)
    assert not extra.exclude(session__use_advanced_calendar=True).exists()


def test_it_adds_participants_notes_and_tasks_from_the_household(seeded):
    assert SessionParticipant.objects.count() >= SESSIONS
    assert not SessionParticipant.objects.exclude(family_member__client=F("session__client")).exists()
    with_participants = Session.objects.annotate(n=Count("participants")).filter(n__gt=0).count()
    assert with_participants >= SESSIONS * 0.9
    counts = Session.objects.aggregate(notes=Count("notes"), tasks=Count("tasks", filter=Q(tasks__done=True)))
    assert counts["notes"] > 0 and counts["tasks"] > 0


def test_it_is_idempotent_and_tops_up(seeded):
    before = (Session.objects.count(), Client.objects.count(), FamilyMember.objects.count(),
              StatusChange.objects.count(), Resource.objects.count(), SessionType.objects.count(),
              get_user_model().objects.count())
    out = seed()
    assert "Demo data already there" in out
    after = (Session.objects.count(), Client.objects.count(), FamilyMember.objects.count(),
             StatusChange.objects.count(), Resource.objects.count(), SessionType.objects.count(),
             get_user_model().objects.count())
    assert after == before

    out = seed(sessions=SESSIONS + 100)
    assert "Added 100 sessions and 0 client households" in out
    assert Session.objects.count() == SESSIONS + 100
    assert Client.objects.count() == CLIENTS
    with connection.cursor() as cursor:
        cursor.execute(CLASHES)
        assert cursor.fetchone() == (0, 0)
