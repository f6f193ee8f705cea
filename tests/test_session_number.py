"""Session numbers: from the sequence, editable to any free number, unique even under races."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.utils import timezone

from sessions import services
from sessions.models import Session
from studio.models import ConflictPolicy, StudioSettings
from studio.timeutils import to_local
from tests import factories


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def sequence_value() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT last_value FROM photo_sessions_session_number_seq")
        return cursor.fetchone()[0]


def raise_floor(by: int = 1000) -> int:
    """A first session number above anything the sequence has handed out yet."""
    studio = StudioSettings.load()
    studio.first_session_number = max(sequence_value(), Session.objects.order_by("-number")
                                       .values_list("number", flat=True).first() or 0) + by
    studio.save()
    return studio.first_session_number


def book(user, *, when=None, **fields) -> Session:
    return services.session_create(
        client=fields.pop("client", None) or factories.ClientFactory(),
        session_type=fields.pop("session_type", None) or factories.SessionTypeFactory(),
        starts_at=when or factories.tomorrow_at(10), booked_by=user, **fields,
    )


def taken_message(number: int, holder: Session) -> str:
    when = to_local(holder.starts_at)
    return (f"Session number {number} is already used by session #{holder.number}: "
            f"{holder.client}, {holder.description or holder.session_type} on {when:%b %d, %Y}.")


@pytest.mark.django_db
def test_it_numbers_new_sessions_from_the_studios_first_number(manager_user):
    assert StudioSettings._meta.get_field("first_session_number").default == 1000
    first = raise_floor()
    one = book(manager_user)
    two = book(manager_user, when=factories.tomorrow_at(12))
    assert (one.number, two.number) == (first, first + 1)
    assert Session.objects.get(pk=one.pk).number == first


@pytest.mark.django_db
def test_it_lets_staff_change_the_number_to_any_unused_one(front_desk_user):
    session = book(front_desk_user)
    free = raise_floor() + 500
    services.session_update(session=session, user=front_desk_user, number=free)
    session.refresh_from_db()
    assert session.number == free
    entry = session.log_entries.filter(action="session.changed").get()
    assert entry.data["number"][1] == free


@pytest.mark.django_db
def test_it_names_the_session_that_holds_a_taken_number(front_desk_user):
    holder = book(front_desk_user, description="Smith family portraits")
    other = book(front_desk_user, when=factories.tomorrow_at(14))
    with pytest.raises(ValidationError) as exc:
        services.session_update(session=other, user=front_desk_user, number=holder.number)
    assert exc.value.message_dict == {"number": [taken_message(holder.number, holder)]}
    other.refresh_from_db()
    assert other.number != holder.number

    with pytest.raises(ValidationError) as exc:
        book(front_desk_user, number=holder.number)
    assert exc.value.message_dict["number"] == [taken_message(holder.number, holder)]
    assert Session.objects.count() == 2


@pytest.mark.django_db
def test_it_refuses_numbers_that_are_not_positive(front_desk_user):
    session = book(front_desk_user)
    with pytest.raises(ValidationError) as exc:
        services.session_update(session=session, user=front_desk_user, number=0)
    assert exc.value.message_dict["number"] == ["Session number must be a positive whole number."]


@pytest.mark.django_db
def test_it_skips_numbers_given_by_hand(front_desk_user):
    first = raise_floor()
    one = book(front_desk_user)
    two = book(front_desk_user, when=factories.tomorrow_at(12))
    assert (one.number, two.number) == (first, first + 1)
    services.session_update(session=two, user=front_desk_user, number=first + 3)  # ahead of the sequence
    three = book(front_desk_user, when=factories.tomorrow_at(14))
    four = book(front_desk_user, when=factories.tomorrow_at(16))
    assert three.number == first + 2
    assert four.number == first + 4  # first + 3 was taken by hand


# Races: real concurrent transactions, one connection per thread ------------------------------


def run_in_threads(count: int, work) -> list:
    """Run work(i) in ``count`` threads at once; each result or exception, in order."""
    barrier = threading.Barrier(count, timeout=20)
    results: list = [None] * count

    def runner(index: int) -> None:
        try:
            barrier.wait()
            results[index] = work(index)
        except Exception as exc:  # reported to the test, which asserts on it
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=runner, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    return results


@pytest.mark.django_db(transaction=True)
def test_it_never_hands_out_a_number_twice_when_creates_race():
    user = factories.front_desk(username="racer")
    session_type = factories.SessionTypeFactory()
    clients = [factories.ClientFactory() for _ in range(6)]
    first = raise_floor()
    StudioSettings.objects.filter(pk=1).update(conflict_policy=ConflictPolicy.BLOCK)
    start = timezone.now() + timedelta(days=3)

    def create(i: int) -> int:
        numbers = []
        for k in range(4):
            session = services.session_create(client=clients[i], session_type=session_type,
                                               starts_at=start + timedelta(hours=k), booked_by=user)
            numbers.append(session.number)
        return numbers

    results = run_in_threads(6, create)
    errors = [r for r in results if isinstance(r, Exception)]
    assert errors == []
    numbers = sorted(n for batch in results for n in batch)
    assert numbers == list(range(first, first + 24))
    assert Session.objects.count() == 24


@pytest.mark.django_db(transaction=True)
def test_it_lets_exactly_one_of_two_racing_updates_take_a_number(monkeypatch):
    user = factories.front_desk(username="racer")
    one = factories.SessionFactory(description="Garcia headshots")
    two = factories.SessionFactory(description="Chen newborn", starts_at=factories.tomorrow_at(14),
                                   ends_at=factories.tomorrow_at(15))
    wanted = raise_floor() + 7
    barrier = threading.Barrier(2, timeout=20)
    validate = services._validate_number

    def validate_then_wait(session):
        validate(session)  # both see the number free ...
        barrier.wait()  # ... before either writes it

    monkeypatch.setattr(services, "_validate_number", validate_then_wait)

    def update(i: int) -> Session:
        session = Session.objects.get(pk=(one, two)[i].pk)
        return services.session_update(session=session, user=user, number=wanted)

    results = run_in_threads(2, update)
    winners = [r for r in results if isinstance(r, Session)]
    losers = [r for r in results if isinstance(r, ValidationError)]
    assert len(winners) == 1 and len(losers) == 1, results
    holder = Session.objects.get(number=wanted)
    assert holder.pk == winners[0].pk
    assert losers[0].message_dict == {"number": [taken_message(wanted, holder)]}
    loser = Session.objects.exclude(pk=holder.pk).get()
    assert loser.number != wanted
