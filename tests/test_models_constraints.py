"""Rules the database keeps whichever way a row is written, and the studio's time helpers."""

from __future__ import annotations

from datetime import UTC, date, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F

from clients.models import Client, FamilyMember
from scheduling.models import SessionType
from sessions.models import CalendarEvent, Session, SessionNote, SessionStatus, SessionTask
from studio.models import StaffProfile, StudioSettings
from studio.timeutils import NonexistentTime, add_work_days, day_bounds, make_local, to_local
from tests import factories

pytestmark = pytest.mark.django_db

SPRING_FORWARD = date(2026, 3, 8)
FALL_BACK = date(2026, 11, 1)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def session(db) -> Session:
    return factories.SessionFactory()


def refused(constraint: str, write) -> None:
    with pytest.raises(IntegrityError) as exc:
        with transaction.atomic():
            write()
    assert constraint in str(exc.value)


# Sessions -----------------------------------------------------------------------------------


def test_it_refuses_an_end_before_the_start_in_the_database(session):
    refused("session_ends_after_start",
            lambda: Session.objects.filter(pk=session.pk).update(ends_at=F("starts_at")))
    refused("session_ends_after_start",
            lambda: Session.objects.filter(pk=session.pk).update(ends_at=F("starts_at") - timedelta(hours=1)))


def test_it_refuses_bad_numbers_in_the_database(session):
    other = factories.SessionFactory()
    refused("session_number_positive", lambda: Session.objects.filter(pk=session.pk).update(number=0))
    refused("photo_sessions_session_number_key",
            lambda: Session.objects.filter(pk=session.pk).update(number=other.number))


def test_it_refuses_a_room_and_a_typed_location_together(session):
    room = factories.ResourceFactory()
    refused("session_room_or_location",
            lambda: Session.objects.filter(pk=session.pk).update(camera_room=room, location="Lincoln Park"))


def test_it_refuses_an_inconsistent_redo(session):
    earlier = factories.SessionFactory()
    refused("session_redo_of_consistent",
            lambda: Session.objects.filter(pk=session.pk).update(redo=False, redo_of=earlier))
    refused("session_redo_of_consistent",
            lambda: Session.objects.filter(pk=session.pk).update(redo=True, redo_of=session))
    Session.objects.filter(pk=session.pk).update(redo=True, redo_of=earlier)


def test_it_caps_reminders_at_two_weeks(session):
    refused("session_reminder_within_two_weeks",
            lambda: Session.objects.filter(pk=session.pk).update(reminder_minutes=60 * 24 * 14 + 1))


# Calendar events ------------------------------------------------------------------------------


def test_it_keeps_calendar_rows_sane(session):
    refused("event_one_primary_per_session", lambda: CalendarEvent.objects.create(
        session=session, is_primary=True, starts_at=session.starts_at, ends_at=session.ends_at))
    refused("event_ends_after_start", lambda: CalendarEvent.objects.create(
        session=session, starts_at=session.ends_at, ends_at=session.starts_at))
    room = factories.ResourceFactory()
    refused("event_resource_or_location", lambda: CalendarEvent.objects.create(
        session=session, starts_at=session.starts_at, ends_at=session.ends_at, resource=room, location="Park"))


def test_it_keeps_the_primary_row_following_its_session(session):
    event = session.events.get(is_primary=True)
    refused("The primary calendar event follows its session",
            lambda: CalendarEvent.objects.filter(pk=event.pk).update(ends_at=F("ends_at") + timedelta(hours=1)))
    refused("The primary calendar event follows its session",
            lambda: CalendarEvent.objects.filter(pk=event.pk).update(is_primary=False))
    CalendarEvent.objects.filter(pk=event.pk).update(hidden=False)  # harmless fields may be written


# Studio settings, statuses, catalogue, clients ------------------------------------------------


def test_it_keeps_one_studio_settings_row_with_sane_hours_and_days(db):
    row = StudioSettings.load()
    refused("studiosettings_single_row", lambda: StudioSettings.objects.create(id=2))
    refused("studiosettings_open_hours",
            lambda: StudioSettings.objects.filter(pk=row.pk).update(opens_at=time(18), closes_at=time(9)))
    refused("studiosettings_work_days_valid", lambda: StudioSettings.objects.filter(pk=row.pk).update(work_days=[]))
    refused("studiosettings_work_days_valid",
            lambda: StudioSettings.objects.filter(pk=row.pk).update(work_days=[1, 8]))
    row.opens_at, row.closes_at, row.work_days = time(18), time(9), []
    with pytest.raises(ValidationError) as exc:
        row.full_clean()
    assert exc.value.message_dict["closes_at"] == ["Closing time must be after opening time."]
    row.opens_at, row.closes_at, row.work_days = time(9), time(17), [5, 1, 3, 1]
    row.full_clean()
    assert row.work_days == [1, 3, 5]


def test_it_allows_one_initial_status(db):
    assert SessionStatus.objects.filter(is_initial=True).count() == 1
    refused("sessionstatus_one_initial", lambda: SessionStatus.objects.create(name="Also first", is_initial=True))


def test_it_refuses_blank_names_and_bad_colours(db):
    refused("client_last_name_required", lambda: Client.objects.create(last_name=""))
    client = factories.ClientFactory()
    refused("familymember_first_name_required", lambda: FamilyMember.objects.create(client=client, first_name=""))
    refused("sessiontype_color_hex", lambda: SessionType.objects.create(name="Odd", color="blue"))
    refused("sessiontype_length_min", lambda: SessionType.objects.create(name="Tiny", default_length_minutes=4))
    user = factories.UserFactory()
    refused("staffprofile_color_hex", lambda: StaffProfile.objects.create(user=user, display_name="X", color="#12345"))


def test_it_refuses_empty_notes_and_undated_done_tasks(session):
    refused("note_text_required", lambda: SessionNote.objects.create(session=session, text=""))
    refused("task_title_required", lambda: SessionTask.objects.create(session=session, title=""))
    refused("task_done_has_time", lambda: SessionTask.objects.create(session=session, title="Prints", done=True))


def test_it_numbers_rows_inserted_in_plain_sql(session):
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO photo_sessions_session (client_id, description, session_type_id, starts_at, ends_at,"
            " location, status_id, booked_on, file_number, reminder, reminder_minutes, confirmed, no_show, redo,"
            " on_hold, cancelled, use_advanced_calendar, updated_at)"
            " SELECT client_id, 'By hand', session_type_id, starts_at, ends_at, '', status_id, now(), '', false, 30,"
            " false, false, false, false, false, false, now() FROM photo_sessions_session WHERE id = %s"
            " RETURNING id, number", [session.pk],
        )
        pk, number = cursor.fetchone()
    assert number > session.number
    assert CalendarEvent.objects.filter(session_id=pk, is_primary=True, description="By hand").exists()


# The studio's clock ---------------------------------------------------------------------------


def elapsed(start, end) -> timedelta:
    """Real time between two instants (Python subtracts same-zone datetimes on the wall clock)."""
    return end.astimezone(UTC) - start.astimezone(UTC)


def test_it_refuses_a_time_the_clocks_skip():
    with pytest.raises(NonexistentTime) as exc:
        make_local(SPRING_FORWARD, time(2, 30))
    assert str(exc.value) == "02:30 AM does not exist on March 08, 2026: the clocks go forward that night."
    assert make_local(SPRING_FORWARD, time(3, 0)).utcoffset() == timedelta(hours=-5)
    assert make_local(SPRING_FORWARD, time(1, 59)).utcoffset() == timedelta(hours=-6)


def test_it_reads_a_repeated_time_as_the_first_one():
    first = make_local(FALL_BACK, time(1, 30))
    assert first.utcoffset() == timedelta(hours=-5)
    assert elapsed(first, make_local(FALL_BACK, time(2, 0))) == timedelta(hours=1, minutes=30)


def test_it_makes_dst_days_23_and_25_hours_long():
    assert elapsed(*day_bounds(SPRING_FORWARD)) == timedelta(hours=23)
    assert elapsed(*day_bounds(FALL_BACK)) == timedelta(hours=25)
    start, end = day_bounds(date(2026, 6, 1))
    assert elapsed(start, end) == timedelta(hours=24)
    assert to_local(start).time() == time(0, 0) and to_local(start).date() == date(2026, 6, 1)


def test_it_counts_work_days_from_the_studio_settings(db):
    row = StudioSettings.load()
    assert row.work_days == [1, 2, 3, 4, 5, 6]
    friday = date(2026, 6, 5)
    assert add_work_days(friday, 1, row.work_days) == date(2026, 6, 6)
    assert row.is_work_day(friday) and not row.is_work_day(date(2026, 6, 7))
