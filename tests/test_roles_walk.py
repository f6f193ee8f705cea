"""Every staff page, walked as anonymous, photographer, front desk and manager (GET and POST).

The walk is a table; URLs of pages that are not built yet (they do not
resolve) are left out, so re-running it picks them up once they exist.
Photographers may look at clients and sessions, and add notes and complete
to-dos only on sessions they work on; front desk and managers do everything.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import time
from typing import Any

import pytest
from django.test import Client
from django.urls import Resolver404, resolve

from sessions import services
from sessions.models import Session, SessionStatus
from tests import factories
from tests.test_session_record import form_data

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "photographer", "front_desk", "manager")
VIEW = {"photographer": 200, "front_desk": 200, "manager": 200}
EDIT_PAGE = {"photographer": 403, "front_desk": 200, "manager": 200}
EDIT_POST = {"photographer": 403, "front_desk": 302, "manager": 302}
ALL_POST = {"photographer": 302, "front_desk": 302, "manager": 302}


@dataclass
class Step:
    name: str
    method: str
    path: str
    expect: dict[str, int]
    data: Any = field(default=None)  # a dict, or a callable returning one at request time


@pytest.fixture
def world(photographer_user, front_desk_user, manager_user):
    pat = photographer_user
    client = factories.ClientFactory(last_name="Okafor")
    member = factories.FamilyMemberFactory(client=client, first_name="Chidi")
    kind = factories.SessionTypeFactory(name="Family Portrait")
    mine = services.session_create(client=client, session_type=kind, starts_at=factories.tomorrow_at(9),
                                   booked_by=front_desk_user, photographer=pat, description="Pat's session")
    other = services.session_create(client=client, session_type=kind, starts_at=factories.tomorrow_at(13),
                                    booked_by=front_desk_user, description="Someone else's")
    # With advanced options on, the Calendar tab (another page) is part of the walk.
    Session.objects.filter(pk=mine.pk).update(use_advanced_calendar=True)
    mine_task = services.task_create(session=mine, user=front_desk_user, title="Cull the images")
    other_task = services.task_create(session=other, user=front_desk_user, title="Order prints")
    return {"client": client, "member": member, "kind": kind, "mine": mine, "other": other,
            "mine_task": mine_task, "other_task": other_task}


def steps(w: dict) -> list[Step]:
    c, mine, other = w["client"], w["mine"], w["other"]
    m, o = mine.pk, other.pk
    status = SessionStatus.objects.get(name="Image Capture Pending").pk
    new_session = {
        "description": "Walked", "session_type": w["kind"].pk, "session_date": "2030-06-04",
        "start_time": "10:00", "end_time": "11:00", "status": SessionStatus.initial().pk,
        "reminder_minutes": "30",
    }
    return [
        # Clients (built by the clients pages).
        Step("client list", "GET", "/clients/", VIEW),
        Step("client detail", "GET", f"/clients/{c.pk}/", VIEW),
        Step("client create page", "GET", "/clients/new/", EDIT_PAGE),
        Step("client create refused input", "POST", "/clients/new/", EDIT_PAGE, {"last_name": ""}),
        Step("client edit page", "GET", f"/clients/{c.pk}/edit/", EDIT_PAGE),
        # New Session from a client (blank record; the wizard is walked by its own tests).
        Step("new session page", "GET", f"/clients/{c.pk}/sessions/new/?blank=1", EDIT_PAGE),
        Step("new session save", "POST", f"/clients/{c.pk}/sessions/new/", EDIT_POST, new_session),
        # The session record.
        Step("session detail", "GET", f"/sessions/{m}/", VIEW),
        Step("session save", "POST", f"/sessions/{m}/", EDIT_POST,
             lambda: form_data(Session.objects.get(pk=m), description="Walked", start_time=time(9, 0),
                               end_time=time(10, 0))),
        Step("session notes", "GET", f"/sessions/{m}/notes/", VIEW),
        Step("note on my session", "POST", f"/sessions/{m}/notes/add/", ALL_POST, {"text": "Walked."}),
        Step("note on another session", "POST", f"/sessions/{o}/notes/add/", EDIT_POST, {"text": "Walked."}),
        Step("session tasks", "GET", f"/sessions/{m}/tasks/", VIEW),
        Step("add task", "POST", f"/sessions/{m}/tasks/add/", EDIT_POST, {"title": "Walked"}),
        Step("complete task on my session", "POST", f"/sessions/{m}/tasks/{w['mine_task'].pk}/done/", ALL_POST,
             {"done": "1"}),
        Step("complete task on another session", "POST", f"/sessions/{o}/tasks/{w['other_task'].pk}/done/",
             EDIT_POST, {"done": "1"}),
        Step("calendar tab", "GET", f"/sessions/{m}/calendar/", VIEW),
        Step("change status page", "GET", f"/sessions/{m}/status/", EDIT_PAGE),
        Step("change status", "POST", f"/sessions/{m}/status/", EDIT_POST,
             {"change-completed_on": "2030-01-02", "change-to_status": status}),
        Step("confirm", "POST", f"/sessions/{m}/confirm/", EDIT_POST, {"value": "1"}),
        Step("hold", "POST", f"/sessions/{m}/hold/", EDIT_POST, {"value": "1"}),
        Step("release", "POST", f"/sessions/{m}/hold/", EDIT_POST, {"value": "0"}),
        Step("no show", "POST", f"/sessions/{m}/no-show/", EDIT_POST, {"value": "1"}),
        Step("create redo", "POST", f"/sessions/{o}/redo/", EDIT_POST, {}),
        Step("cancel", "POST", f"/sessions/{m}/cancel/", EDIT_POST, {"value": "1"}),
        Step("restore", "POST", f"/sessions/{m}/cancel/", EDIT_POST, {"value": "0"}),
        # The sessions hub.
        Step("hub", "GET", "/sessions/", VIEW),
        Step("hub CSV export", "GET", "/sessions/export.csv", VIEW),
        Step("hub advance status", "POST", "/sessions/advance-status/", EDIT_POST, {"ids": [o]}),
        # Home and preferences.
        Step("home", "GET", "/", VIEW),
        Step("preferences", "GET", "/preferences/", VIEW),
        Step("save preferences", "POST", "/preferences/", ALL_POST,
             {"use_session_wizard": "on", "default_calendar_view": "week"}),
    ]


def resolves(path: str) -> bool:
    try:
        resolve(path.split("?")[0])
    except Resolver404:
        return False
    return True


@pytest.mark.parametrize("role", ROLES)
def test_it_walks_every_staff_page(role, world, photographer_user, front_desk_user, manager_user):
    browser = Client()
    user = {"photographer": photographer_user, "front_desk": front_desk_user, "manager": manager_user}.get(role)
    if user is not None:
        browser.force_login(user)
    walked, results = 0, []
    for step in steps(world):
        if not resolves(step.path):
            continue
        data = step.data() if callable(step.data) else step.data
        if step.method == "GET":
            response = browser.get(step.path)
        else:
            response = browser.post(step.path, data or {})
        walked += 1
        if role == "anonymous":
            ok = response.status_code == 302 and response["Location"].startswith("/accounts/login/?next=")
            expected = "302 to login"
        else:
            expected = step.expect[role]
            ok = response.status_code == expected
        if not ok:
            results.append(f"{step.method} {step.path} ({step.name}): {response.status_code}, expected {expected}")
    assert results == []
    assert walked >= 28


def test_it_renders_the_record_read_only_for_a_photographer(photographer_client, world):
    page = photographer_client.get(f"/sessions/{world['mine'].pk}/").content.decode()
    assert "You can look at this session but not change it." in page
    assert 'id="ribbon-save"' not in page and "Save &amp; Close" not in page and "Save & Close" not in page
    for name in ("description", "session_date", "start_time", "number", "participants"):
        tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', page)
        assert tag and " disabled" in tag.group(0), name
    assert re.search(r'<select name="session_type"[^>]*disabled', page)
    for action in ("confirm", "hold", "cancel", "no-show", "redo", "status"):
        assert f'/sessions/{world["mine"].pk}/{action}/' not in page
    assert 'name="new_member_first_name"' not in page
    # Notes and to-dos on their own session, not on others.
    notes = photographer_client.get(f"/sessions/{world['mine'].pk}/notes/").content.decode()
    assert "Add Note" in notes
    others = photographer_client.get(f"/sessions/{world['other'].pk}/notes/").content.decode()
    assert "Add Note" not in others
    tasks = photographer_client.get(f"/sessions/{world['mine'].pk}/tasks/").content.decode()
    assert "Mark done" in tasks and "Add a to-do" not in tasks
    other_tasks = photographer_client.get(f"/sessions/{world['other'].pk}/tasks/").content.decode()
    assert "Mark done" not in other_tasks


def test_it_lets_an_assistant_of_a_calendar_row_add_notes(client, world, assistant_user):
    from sessions.models import CalendarEvent

    other = world["other"]
    Session.objects.filter(pk=other.pk).update(use_advanced_calendar=True)
    CalendarEvent.objects.create(session=other, starts_at=other.starts_at, ends_at=other.ends_at,
                                 assistant=assistant_user, description="Second set")
    client.force_login(assistant_user)
    response = client.post(f"/sessions/{other.pk}/notes/add/", {"text": "On my way."})
    assert response.status_code == 302
    assert other.notes.get().author == assistant_user
