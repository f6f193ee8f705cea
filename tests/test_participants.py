"""Participants: family members of the session's own client, in the services and the database."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from sessions import services
from sessions.models import Session, SessionParticipant
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def desk(db):
    return factories.front_desk(username="desk")


@pytest.fixture
def household(db):
    client = factories.ClientFactory(last_name="Okafor", first_name="Ada")
    ada = factories.FamilyMemberFactory(client=client, first_name="Ada", relationship="self")
    tobi = factories.FamilyMemberFactory(client=client, first_name="Tobi")
    return client, ada, tobi


@pytest.fixture
def stranger(db):
    other = factories.ClientFactory(last_name="Silva", first_name="Rui")
    return factories.FamilyMemberFactory(client=other, first_name="Marta")


def book(user, client, *, starts_at=None, **fields) -> Session:
    return services.session_create(client=client, session_type=factories.SessionTypeFactory(),
                                   starts_at=starts_at or factories.tomorrow_at(10), booked_by=user, **fields)


def names(session: Session) -> set[str]:
    return set(session.participants.values_list("first_name", flat=True))


def test_it_books_the_chosen_family_members(desk, household):
    client, ada, tobi = household
    session = book(desk, client, participants=[ada, tobi])
    assert names(session) == {"Ada", "Tobi"}


def test_it_refuses_someone_from_another_household_when_booking(desk, household, stranger):
    client, ada, _ = household
    with pytest.raises(ValidationError) as exc:
        book(desk, client, participants=[ada, stranger])
    assert exc.value.message_dict == {"participants": ["Not in Okafor, Ada's household: Marta Silva."]}
    assert not Session.objects.exists()


def test_it_replaces_the_participants_and_refuses_strangers(desk, household, stranger):
    client, ada, tobi = household
    session = book(desk, client, participants=[ada])
    services.participants_set(session=session, family_members=[tobi], user=desk)
    assert names(session) == {"Tobi"}
    with pytest.raises(ValidationError) as exc:
        services.participants_set(session=session, family_members=[tobi, stranger], user=desk)
    assert exc.value.message_dict == {"participants": ["Not in Okafor, Ada's household: Marta Silva."]}
    assert names(session) == {"Tobi"}
    services.participants_set(session=session, family_members=[], user=desk)
    assert names(session) == set()


def test_it_refuses_a_stranger_in_the_database_too(desk, household, stranger):
    client, ada, _ = household
    session = book(desk, client, participants=[ada])
    with pytest.raises(IntegrityError, match="Participants must be family members of the session's own client"):
        with transaction.atomic():
            session.participants.add(stranger)
    with pytest.raises(IntegrityError):
        with transaction.atomic():
            SessionParticipant.objects.create(session=session, family_member=stranger)
    assert names(session) == {"Ada"}


def test_it_explains_a_stranger_in_model_validation(desk, household, stranger):
    client, _, _ = household
    session = book(desk, client)
    row = SessionParticipant(session=session, family_member=stranger)
    with pytest.raises(ValidationError) as exc:
        row.full_clean()
    assert exc.value.message_dict["family_member"] == ["Marta Silva is not a member of Okafor, Ada's household."]


def test_it_drops_the_old_households_participants_when_the_client_changes(desk, household, stranger):
    client, ada, tobi = household
    session = book(desk, client, participants=[ada, tobi])
    services.session_update(session=session, user=desk, client=stranger.client, participants=[stranger])
    assert names(session) == {"Marta"}

    plain = book(desk, client, participants=[ada], starts_at=factories.tomorrow_at(14))
    plain.client = stranger.client
    plain.save()  # the database drops them even without the service
    assert names(plain) == set()


def test_it_keeps_participants_when_the_client_stays(desk, household):
    client, ada, tobi = household
    session = book(desk, client, participants=[ada, tobi])
    services.session_update(session=session, user=desk, description="Okafor family portraits")
    assert names(session) == {"Ada", "Tobi"}


def test_it_refuses_a_client_change_that_keeps_old_participants(desk, household, stranger):
    client, ada, _ = household
    session = book(desk, client, participants=[ada])
    with pytest.raises(ValidationError) as exc:
        services.session_update(session=session, user=desk, client=stranger.client, participants=[ada])
    assert exc.value.message_dict == {"participants": ["Not in Silva, Rui's household: Ada Okafor."]}
    session.refresh_from_db()
    assert session.client == client and names(session) == {"Ada"}
