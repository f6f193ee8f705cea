"""factory-boy factories for every model tests need."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from clients.models import Client, FamilyMember
from scheduling.models import PriceList, Resource, ResourceKind, SessionType
from sessions.models import Session, SessionNote, SessionStatus, SessionTask
from studio.models import StaffProfile
from studio.timeutils import make_local

User = get_user_model()
PASSWORD = "correct horse battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.set([Group.objects.get(name=name) for name in extracted])
        if create:
            self.save()


class StaffProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffProfile
        django_get_or_create = ("user",)

    user = factory.SubFactory(UserFactory)
    display_name = factory.LazyAttribute(lambda p: f"{p.user.first_name} {p.user.last_name}")
    color = "#3366cc"
    is_photographer = True
    is_assistant = False
    show_on_calendar = True


def manager(**kwargs):
    user = UserFactory(groups=["Managers"], is_staff=True, **kwargs)
    StaffProfileFactory(user=user, is_photographer=False)
    return user


def front_desk(**kwargs):
    user = UserFactory(groups=["Front desk"], **kwargs)
    StaffProfileFactory(user=user, is_photographer=False)
    return user


def photographer(**kwargs):
    user = UserFactory(groups=["Photographers"], **kwargs)
    StaffProfileFactory(user=user, is_photographer=True)
    return user


def assistant(**kwargs):
    user = UserFactory(groups=["Photographers"], **kwargs)
    StaffProfileFactory(user=user, is_photographer=False, is_assistant=True)
    return user


class ClientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Client

    last_name = factory.Faker("last_name")
    first_name = factory.Faker("first_name")
    email = factory.LazyAttribute(lambda c: f"{c.first_name}.{c.last_name}@example.com".lower())
    phone = factory.Sequence(lambda n: f"(555) 01{n % 10}-{n:04d}")
    address = factory.Faker("street_address")
    city = factory.Faker("city")
    state = "IL"
    postal_code = "60601"


class FamilyMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FamilyMember

    client = factory.SubFactory(ClientFactory)
    first_name = factory.Faker("first_name")
    relationship = "child"


class PriceListFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PriceList
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Price list {n}")


class ResourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Resource
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Camera Room {n}")
    kind = ResourceKind.CAMERA_ROOM
    show_on_calendar = True


class SessionTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SessionType
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Portrait {n}")
    color = "#1f77b4"
    default_length_minutes = 60
    price_list = factory.SubFactory(PriceListFactory)


def local_dt(day, hour: int, minute: int = 0) -> datetime:
    """An aware datetime at a wall-clock time in the studio's zone."""
    return make_local(day, time(hour, minute))


def tomorrow_at(hour: int, minute: int = 0) -> datetime:
    return local_dt(timezone.localdate() + timedelta(days=1), hour, minute)


class SessionFactory(factory.django.DjangoModelFactory):
    """Rows straight into the table: the database still numbers them and adds the primary event.

    Use sessions.services.session_create to exercise the booking rules.
    """

    class Meta:
        model = Session
        skip_postgeneration_save = True

    client = factory.SubFactory(ClientFactory)
    session_type = factory.SubFactory(SessionTypeFactory)
    description = factory.Faker("sentence", nb_words=3)
    starts_at = factory.LazyFunction(lambda: tomorrow_at(10))
    ends_at = factory.LazyAttribute(lambda s: s.starts_at + timedelta(hours=1))
    status = factory.LazyFunction(SessionStatus.initial)
    status_due_date = factory.LazyFunction(timezone.localdate)

    @factory.post_generation
    def refresh(self, create, extracted, **kwargs):
        if create:
            self.refresh_from_db(fields=["number"])


class SessionNoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SessionNote

    session = factory.SubFactory(SessionFactory)
    text = factory.Faker("sentence")


class SessionTaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SessionTask

    session = factory.SubFactory(SessionFactory)
    title = factory.Faker("sentence", nb_words=4)
