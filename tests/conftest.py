"""Shared fixtures: one user per role, logged-in clients, the studio settings."""

from __future__ import annotations

import importlib

import pytest

from studio.models import ConflictPolicy, StudioSettings
from tests import factories


@pytest.fixture
def manager_user(db):
    return factories.manager(username="manager")


@pytest.fixture
def front_desk_user(db):
    return factories.front_desk(username="frontdesk")


@pytest.fixture
def photographer_user(db):
    return factories.photographer(username="photographer")


@pytest.fixture
def assistant_user(db):
    return factories.assistant(username="assistant")


def _logged_in(client_class, user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def manager_client(manager_user):
    return _logged_in(None, manager_user)


@pytest.fixture
def front_desk_client(front_desk_user):
    return _logged_in(None, front_desk_user)


@pytest.fixture
def photographer_client(photographer_user):
    return _logged_in(None, photographer_user)


@pytest.fixture
def studio_settings(db) -> StudioSettings:
    return StudioSettings.load()


@pytest.fixture
def block_conflicts(studio_settings):
    studio_settings.conflict_policy = ConflictPolicy.BLOCK
    studio_settings.save()
    return studio_settings


@pytest.fixture
def ask_conflicts(studio_settings):
    studio_settings.conflict_policy = ConflictPolicy.ASK
    studio_settings.save()
    return studio_settings


def ensure_reference_data() -> None:
    """Statuses, groups and the settings row that migrations create.

    Transactional tests (live_server, races) flush every table afterwards;
    later tests must still find the data a migrated database always has.
    """
    from django.apps import apps
    from django.contrib.auth.models import Group

    from sessions.models import SessionStatus

    if SessionStatus.objects.exists() and Group.objects.exists() and StudioSettings.objects.exists():
        return
    for name in ("0003_statuses", "0004_groups"):
        module = importlib.import_module(f"sessions.migrations.{name}")
        forward = module.Migration.operations[0].code
        forward(apps, None)
    StudioSettings.load()


@pytest.fixture(autouse=True)
def _reference_data(request):
    marker = request.node.get_closest_marker("django_db")
    transactional = (marker is not None and marker.kwargs.get("transaction")) or any(
        name in request.fixturenames for name in ("transactional_db", "live_server")
    )
    if transactional:
        request.getfixturevalue("transactional_db")
    elif marker is not None or "db" in request.fixturenames:
        request.getfixturevalue("db")
    else:
        return
    ensure_reference_data()


@pytest.fixture(autouse=True)
def _test_settings(settings):
    # Tests pin the zone so DST dates are known (US: Mar 8 / Nov 1 2026).
    settings.TIME_ZONE = "America/Chicago"
    # The production hasher costs ~0.3 s per test user; strength is not under test here.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
