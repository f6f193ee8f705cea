"""Booking rules through sessions.services: times, type defaults, booked by/on, Confirmed,
the calendar rule, the primary calendar event, and double bookings (incl. DST and races)."""

from __future__ import annotations

import threading
import time as clock
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connections, transaction
from django.utils import timezone

from sessions import conflicts, services
from sessions.conflicts import ConflictError
from sessions.models import CalendarEvent, Session
from studio.models import ConflictPolicy, StudioSettings
from studio.timeutils import make_local, to_local
from tests import factories

CHICAGO = ZoneInfo("America/Chicago")
DAY = date(2030, 6, 12)  # a Wednesday, far from DST changes


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def at(hour: int, minute: int = 0, day: date = DAY) -> datetime:
    return make_local(day, time(hour, minute))


@pytest.fixture
def desk(db):
    return factories.front_desk(username="desk")


@pytest.fixture
def pia(db):
    return factories.photographer(username="pia", first_name="Pia", last_name="Lens")


@pytest.fixture
def plain_type(db):
    return factories.SessionTypeFactory(name="Headshot", default_length_minutes=45)


def book(user, *, starts_at=None, client=None, session_type=None, **fields) -> Session:
    return services.session_create(
        client=client or factories.ClientFactory(),
        session_type=session_type or factories.SessionTypeFactory(),
        starts_at=starts_at or at(10), booked_by=user, **fields,
    )


def set_policy(policy: str) -> None:
    studio = StudioSettings.load()
    studio.conflict_policy = policy
    studio.save()


# End time -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_ends_an_empty_end_time_after_the_types_length(desk, plain_type):
    session = book(desk, session_type=plain_type, starts_at=at(10))
    assert session.ends_at == at(10, 45)
    assert Session.objects.get(pk=session.pk).ends_at == at(10, 45)


@pytest.mark.django_db
def test_it_refuses_an_end_time_not_after_the_start(desk, plain_type):
    with pytest.raises(ValidationError) as exc:
        book(desk, session_type=plain_type, starts_at=at(10), ends_at=at(10))
    assert exc.value.message_dict["ends_at"] == ["End Time must be after Start Time."]
    session = book(desk, session_type=plain_type, starts_at=at(10))
    with pytest.raises(ValidationError) as exc:
        services.session_update(session=session, user=desk, ends_at=at(9))
    assert exc.value.message_dict["ends_at"] == ["End Time must be after Start Time."]
    assert Session.objects.get(pk=session.pk).ends_at == at(10, 45)


# Type defaults --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_fills_the_types_defaults_only_where_the_session_has_none(desk, pia):
    room = factories.ResourceFactory(name="Camera Room A")
    other_room = factories.ResourceFactory(name="Camera Room B")
    helper = factories.assistant(username="sam")
    newborn = factories.SessionTypeFactory(
        name="Newborn", default_length_minutes=120, default_resource=room,
        default_photographer=pia, default_assistant=helper,
    )
    filled = book(desk, session_type=newborn)
    assert (filled.photographer, filled.assistant, filled.camera_room, filled.price_list) == (
        pia, helper, room, newborn.price_list)
    assert filled.ends_at - filled.starts_at == timedelta(minutes=120)

    marco = factories.photographer(username="marco")
    own_list = factories.PriceListFactory(name="Special")
    kept = book(desk, session_type=newborn, starts_at=at(14), photographer=marco, camera_room=other_room,
                price_list=own_list, ends_at=at(15))
    assert (kept.photographer, kept.assistant, kept.camera_room, kept.price_list) == (
        marco, helper, other_room, own_list)
    assert kept.ends_at == at(15)

    outside = book(desk, session_type=newborn, starts_at=at(8), location="Client's home", photographer=marco)
    assert outside.camera_room is None and outside.location == "Client's home"


@pytest.mark.django_db
def test_it_fills_the_new_types_defaults_when_the_type_changes(desk, plain_type, pia):
    session = book(desk, session_type=plain_type)
    assert session.photographer is None
    room = factories.ResourceFactory(name="Garden")
    senior = factories.SessionTypeFactory(name="Senior", default_photographer=pia, default_resource=room)
    services.session_update(session=session, user=desk, session_type=senior)
    session.refresh_from_db()
    # Empty before, so filled; the price list came from the first type and stays.
    assert (session.photographer, session.camera_room, session.price_list) == (pia, room, plain_type.price_list)
    assert session.ends_at == at(10, 45)  # the end stays where it was


# Booked by / booked on ------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_records_who_booked_and_when_and_never_lets_a_form_change_it(desk, plain_type):
    before = timezone.now()
    session = book(desk, session_type=plain_type)
    session.refresh_from_db()
    assert session.booked_by == desk
    assert before <= session.booked_on <= timezone.now()
    assert not Session._meta.get_field("booked_by").editable
    assert not Session._meta.get_field("booked_on").editable
    manager = factories.manager(username="boss")
    with pytest.raises(TypeError, match="Not editable on a session: booked_by"):
        services.session_update(session=session, user=manager, booked_by=manager)
    with pytest.raises(TypeError, match="Not editable on a session: booked_on"):
        services.session_update(session=session, user=manager, booked_on=timezone.now())
    services.session_update(session=session, user=manager, description="Changed by the boss")
    session.refresh_from_db()
    assert (session.booked_by, session.description) == (desk, "Changed by the boss")


# Confirmed --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_clears_confirmed_when_a_confirmed_session_moves(desk, plain_type):
    session = book(desk, session_type=plain_type, confirmed=True)
    services.session_update(session=session, user=desk, description="Bring the blue dress")
    session.refresh_from_db()
    assert session.confirmed

    services.session_update(session=session, user=desk, starts_at=at(11), ends_at=at(12))
    session.refresh_from_db()
    assert not session.confirmed
    change = session.log_entries.filter(action="session.changed").first()
    assert change.data["confirmed"] == [True, False]

    services.session_set_flag(session=session, user=desk, flag="confirmed", value=True)
    services.session_update(session=session, user=desk, ends_at=at(12, 30))  # a longer session moves too
    session.refresh_from_db()
    assert not session.confirmed


@pytest.mark.django_db
def test_it_clears_confirmed_in_the_database_even_on_a_plain_save(desk, plain_type):
    session = book(desk, session_type=plain_type, confirmed=True)
    session.description = "Only the words change"
    session.save()
    session.refresh_from_db()
    assert session.confirmed
    session.starts_at += timedelta(days=1)
    session.ends_at += timedelta(days=1)
    session.save()
    session.refresh_from_db()
    assert not session.confirmed
    Session.objects.filter(pk=session.pk).update(confirmed=True)
    Session.objects.filter(pk=session.pk).update(starts_at=at(7), ends_at=at(8))
    assert not Session.objects.get(pk=session.pk).confirmed


# The calendar rule ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_leaves_on_hold_and_cancelled_sessions_off_the_calendar(desk, plain_type):
    shown = book(desk, session_type=plain_type, starts_at=at(9))
    held = book(desk, session_type=plain_type, starts_at=at(11), on_hold=True)
    gone = book(desk, session_type=plain_type, starts_at=at(13))
    services.session_set_flag(session=gone, user=desk, flag="cancelled", value=True)
    assert list(Session.objects.on_calendar()) == [shown]
    assert set(CalendarEvent.objects.on_calendar().values_list("session", flat=True)) == {shown.pk}
    assert held.events.count() == gone.events.count() == 1  # still there, just not shown


@pytest.mark.django_db
def test_it_shows_extra_calendar_rows_only_with_advanced_options_and_not_hidden(desk, plain_type):
    session = book(desk, session_type=plain_type)
    extra = services.event_save(session=session, user=desk, starts_at=at(15), ends_at=at(16),
                                description="Second look")
    hidden = services.event_save(session=session, user=desk, starts_at=at(17), ends_at=at(18), hidden=True)
    primary = session.events.get(is_primary=True)
    assert list(CalendarEvent.objects.on_calendar()) == [primary]
    services.session_update(session=session, user=desk, use_advanced_calendar=True)
    assert set(CalendarEvent.objects.on_calendar()) == {primary, extra}
    assert hidden not in CalendarEvent.objects.on_calendar()
    services.session_set_flag(session=session, user=desk, flag="on_hold", value=True)
    assert not CalendarEvent.objects.on_calendar().exists()


# The primary calendar event --------------------------------------------------------------------


def assert_mirrors(session: Session) -> None:
    session.refresh_from_db()
    event = CalendarEvent.objects.get(session=session, is_primary=True)
    assert (event.starts_at, event.ends_at, event.photographer_id, event.assistant_id, event.resource_id,
            event.location, event.description) == (
        session.starts_at, session.ends_at, session.photographer_id, session.assistant_id,
        session.camera_room_id, session.location, session.description)


@pytest.mark.django_db
def test_it_keeps_the_primary_calendar_event_in_step_with_the_session(desk, plain_type, pia):
    room = factories.ResourceFactory(name="Camera Room A")
    session = book(desk, session_type=plain_type, photographer=pia, camera_room=room, description="Lee family")
    assert_mirrors(session)
    helper = factories.assistant(username="sam")
    services.session_update(session=session, user=desk, starts_at=at(13), ends_at=at(14, 30), assistant=helper,
                            photographer=None, camera_room=None, location="Lincoln Park",
                            description="Lee family outdoors")
    assert_mirrors(session)
    assert CalendarEvent.objects.filter(session=session).count() == 1


@pytest.mark.django_db
def test_it_adds_the_primary_event_for_rows_loaded_in_bulk(plain_type, pia):
    from sessions.models import SessionStatus

    status = SessionStatus.initial()
    rows = [Session(client=factories.ClientFactory(), session_type=plain_type, starts_at=at(9 + i),
                    ends_at=at(9 + i, 45), photographer=pia, status=status, description=f"Bulk {i}")
            for i in range(3)]
    created = Session.objects.bulk_create(rows)
    assert all(isinstance(s.number, int) and s.number > 0 for s in created)
    assert len({s.number for s in created}) == 3
    for session in created:
        assert_mirrors(session)


@pytest.mark.django_db
def test_it_refuses_to_move_the_primary_event_on_its_own(desk, plain_type):
    session = book(desk, session_type=plain_type)
    event = session.events.get(is_primary=True)
    with pytest.raises(IntegrityError, match="The primary calendar event follows its session"):
        with transaction.atomic():
            CalendarEvent.objects.filter(pk=event.pk).update(starts_at=at(6), ends_at=at(7))
    with pytest.raises(ValidationError) as exc:
        services.event_save(session=session, user=desk, event=event, starts_at=at(6), ends_at=at(7))
    assert exc.value.messages == ["The primary calendar row follows the General tab; edit the session there."]
    with pytest.raises(ValidationError) as exc:
        services.event_delete(event=event, user=desk)
    assert exc.value.messages == ["The primary calendar row cannot be removed; cancel the session instead."]
    assert_mirrors(session)


# Double bookings --------------------------------------------------------------------------------


def clash_text(who: str, holder: Session) -> str:
    start, end = to_local(holder.starts_at), to_local(holder.ends_at)
    return (f"{who} is already booked for session #{holder.number} "
            f"({holder.client}, {holder.description or holder.session_type}) "
            f"on {start:%a %b %d, %Y} from {start:%I:%M %p} to {end:%I:%M %p}.")


@pytest.mark.django_db
def test_it_blocks_a_double_booking_and_names_who_which_session_and_when(desk, plain_type, pia):
    set_policy(ConflictPolicy.BLOCK)
    first = book(desk, session_type=plain_type, photographer=pia, description="Okafor headshots")
    with pytest.raises(ConflictError) as exc:
        book(desk, session_type=plain_type, photographer=pia, starts_at=at(10, 30))
    assert exc.value.messages == [clash_text("Pia Lens", first)]
    assert exc.value.messages == [
        f"Pia Lens is already booked for session #{first.number} ({first.client}, Okafor headshots) "
        "on Wed Jun 12, 2030 from 10:00 AM to 10:45 AM."
    ]
    assert not exc.value.can_override
    assert exc.value.clashes[0].session == first
    with pytest.raises(ConflictError):
        book(desk, session_type=plain_type, photographer=pia, starts_at=at(10, 30), allow_conflicts=True)
    assert Session.objects.count() == 1
    # Back to back is fine.
    book(desk, session_type=plain_type, photographer=pia, starts_at=at(10, 45))


@pytest.mark.django_db
def test_it_counts_a_person_as_assistant_and_a_tracked_room(desk, plain_type, pia):
    set_policy(ConflictPolicy.BLOCK)
    room = factories.ResourceFactory(name="Camera Room A")
    first = book(desk, session_type=plain_type, assistant=pia, camera_room=room)
    with pytest.raises(ConflictError) as exc:
        book(desk, session_type=plain_type, photographer=pia, camera_room=room, starts_at=at(10, 15))
    assert exc.value.messages == [clash_text("Pia Lens", first), clash_text("Camera Room A", first)]


@pytest.mark.django_db
def test_it_asks_under_the_ask_policy_and_books_anyway_when_told(desk, plain_type, pia):
    set_policy(ConflictPolicy.ASK)
    first = book(desk, session_type=plain_type, photographer=pia)
    with pytest.raises(ConflictError) as exc:
        book(desk, session_type=plain_type, photographer=pia, starts_at=at(10, 30))
    assert exc.value.can_override
    assert exc.value.messages == [clash_text("Pia Lens", first)]
    second = book(desk, session_type=plain_type, photographer=pia, starts_at=at(10, 30), allow_conflicts=True)
    assert Session.objects.on_calendar().count() == 2
    with pytest.raises(ConflictError):
        services.session_update(session=second, user=desk, starts_at=at(10, 15), ends_at=at(11))
    services.session_update(session=second, user=desk, starts_at=at(10, 15), ends_at=at(11), allow_conflicts=True)


@pytest.mark.django_db
def test_it_checks_nothing_under_the_allow_policy(desk, plain_type, pia):
    set_policy(ConflictPolicy.ALLOW)
    room = factories.ResourceFactory(name="Camera Room A")
    book(desk, session_type=plain_type, photographer=pia, camera_room=room)
    book(desk, session_type=plain_type, photographer=pia, camera_room=room)
    assert Session.objects.on_calendar().count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize("flag", ["cancelled", "on_hold"])
def test_it_frees_the_slot_of_a_cancelled_or_held_session(desk, plain_type, pia, flag):
    set_policy(ConflictPolicy.BLOCK)
    first = book(desk, session_type=plain_type, photographer=pia)
    services.session_set_flag(session=first, user=desk, flag=flag, value=True)
    second = book(desk, session_type=plain_type, photographer=pia)
    # Putting the first one back would now double-book Pia.
    with pytest.raises(ConflictError) as exc:
        services.session_set_flag(session=first, user=desk, flag=flag, value=False)
    assert exc.value.messages == [clash_text("Pia Lens", second)]
    first.refresh_from_db()
    assert getattr(first, flag)


@pytest.mark.django_db
def test_it_never_counts_a_resource_that_is_not_on_the_calendar(desk, plain_type):
    set_policy(ConflictPolicy.BLOCK)
    kit = factories.ResourceFactory(name="Backdrop Kit", kind="equipment", show_on_calendar=False)
    book(desk, session_type=plain_type, camera_room=kit)
    book(desk, session_type=plain_type, camera_room=kit)
    assert Session.objects.filter(camera_room=kit).count() == 2


@pytest.mark.django_db
def test_it_checks_the_extra_calendar_rows_too(desk, plain_type, pia):
    set_policy(ConflictPolicy.BLOCK)
    first = book(desk, session_type=plain_type, photographer=pia, use_advanced_calendar=True)
    services.event_save(session=first, user=desk, starts_at=at(15), ends_at=at(16), photographer=pia,
                        description="Second look")
    with pytest.raises(ConflictError) as exc:
        book(desk, session_type=plain_type, photographer=pia, starts_at=at(15, 30))
    assert exc.value.clashes[0].event.description == "Second look"


# Daylight saving time (America/Chicago) ---------------------------------------------------------


@pytest.mark.django_db
def test_it_sees_a_clash_across_the_spring_forward_gap(desk, plain_type, pia):
    set_policy(ConflictPolicy.BLOCK)
    spring = date(2026, 3, 8)
    night = book(desk, session_type=plain_type, photographer=pia, starts_at=make_local(spring, time(1, 30)),
                 ends_at=make_local(spring, time(3, 30)), description="Night owls")
    assert night.ends_at.astimezone(UTC) - night.starts_at.astimezone(UTC) == timedelta(hours=1)  # no 2:xx
    with pytest.raises(ConflictError) as exc:
        book(desk, session_type=plain_type, photographer=pia, starts_at=make_local(spring, time(3, 0)),
             ends_at=make_local(spring, time(4, 0)))
    assert exc.value.messages == [
        f"Pia Lens is already booked for session #{night.number} ({night.client}, {night.description}) "
        "on Sun Mar 08, 2026 from 01:30 AM to 03:30 AM."
    ]
    book(desk, session_type=plain_type, photographer=pia, starts_at=make_local(spring, time(3, 30)),
         ends_at=make_local(spring, time(4, 30)))


@pytest.mark.django_db
def test_it_tells_the_two_one_oclocks_of_the_fall_back_night_apart(desk, plain_type, pia):
    set_policy(ConflictPolicy.BLOCK)
    fall = date(2026, 11, 1)
    first_one = make_local(fall, time(1, 0))  # the first (daylight) 1:00
    assert first_one.utcoffset() == timedelta(hours=-5)
    early = book(desk, session_type=plain_type, photographer=pia, starts_at=first_one,
                 ends_at=make_local(fall, time(1, 59)))
    second_one = datetime(2026, 11, 1, 1, 0, fold=1, tzinfo=CHICAGO)
    assert second_one.utcoffset() == timedelta(hours=-6)
    late = book(desk, session_type=plain_type, photographer=pia, starts_at=second_one,
                ends_at=datetime(2026, 11, 1, 1, 59, fold=1, tzinfo=CHICAGO))
    assert late.starts_at.astimezone(UTC) - early.starts_at.astimezone(UTC) == timedelta(hours=1)
    # 12:30 to the second 1:30 is two hours and overlaps both.
    with pytest.raises(ConflictError) as exc:
        book(desk, session_type=plain_type, photographer=pia, starts_at=make_local(fall, time(0, 30)),
             ends_at=datetime(2026, 11, 1, 1, 30, fold=1, tzinfo=CHICAGO))
    assert [c.session for c in exc.value.clashes] == [early, late]


# Two requests booking the same person at the same moment ----------------------------------------


@pytest.mark.django_db(transaction=True)
def test_it_lets_only_one_of_two_simultaneous_bookings_through(monkeypatch):
    desk = factories.front_desk(username="desk")
    pia = factories.photographer(username="pia", first_name="Pia", last_name="Lens")
    session_type = factories.SessionTypeFactory(name="Headshot", default_length_minutes=60)
    households = [factories.ClientFactory(), factories.ClientFactory()]
    set_policy(ConflictPolicy.BLOCK)
    barrier = threading.Barrier(2, timeout=20)
    lock = conflicts._lock

    def meet_then_lock(slots, tracked):
        barrier.wait()  # both requests are checking at the same moment
        lock(slots, tracked)
        clock.sleep(0.3)  # without the lock the other would check now and see nothing

    monkeypatch.setattr(conflicts, "_lock", meet_then_lock)
    results: list = [None, None]

    def run(i: int) -> None:
        try:
            results[i] = services.session_create(
                client=households[i], session_type=session_type, starts_at=at(10, 30 * i),
                ends_at=at(11, 30 * i), booked_by=desk, photographer=pia,
            )
        except Exception as exc:  # reported below
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    booked = [r for r in results if isinstance(r, Session)]
    refused = [r for r in results if isinstance(r, ConflictError)]
    assert len(booked) == 1 and len(refused) == 1, results
    assert refused[0].messages == [clash_text("Pia Lens", Session.objects.get())]
    assert Session.objects.on_calendar().count() == 1
