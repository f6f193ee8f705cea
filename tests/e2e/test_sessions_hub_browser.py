"""The sessions hub in a real browser: filters, select all, mixed-type Advance Status, phone layout."""

from __future__ import annotations

import re
from datetime import date, timedelta

from django.utils import timezone

from sessions.models import SessionStatus
from tests import factories


def _studio(n: int = 14):
    ann = factories.photographer(username="ann", first_name="Ann", last_name="Adams")
    ann.staff_profile.display_name = "Ann Adams"
    ann.staff_profile.save()
    portrait = factories.SessionTypeFactory(name="Family Portrait", color="#e8590c")
    wedding = factories.SessionTypeFactory(name="Wedding", color="#6f42c1")
    room = factories.ResourceFactory(name="Camera Room A")
    retouch = SessionStatus.objects.get(name="Retouch Pending")
    names = ["Lopez", "Nguyen", "Okafor", "Schmidt", "Tanaka", "Brown", "Kowalski"]
    today = timezone.localdate()
    sessions = []
    for i in range(n):
        day = date(2026, 6, 1) + timedelta(days=i)
        sessions.append(factories.SessionFactory(
            client=factories.ClientFactory(last_name=names[i % len(names)]),
            session_type=wedding if i % 3 == 0 else portrait,
            description=["Spring family photos", "Ceremony and reception", "Headshots", "Newborn"][i % 4],
            starts_at=factories.local_dt(day, 9 + i % 8), photographer=ann if i % 2 else None,
            camera_room=room if i % 2 else None, location="" if i % 2 else "Lincoln Park",
            confirmed=i % 4 == 1, on_hold=i == 5, cancelled=i == 7, redo=i == 3,
            status=retouch if i % 5 == 0 else SessionStatus.initial(),
            status_due_date=today - timedelta(days=3) if i % 5 == 0 else today + timedelta(days=4),
        ))
    return sessions


def test_it_filters_selects_all_and_advances_after_the_mixed_type_warning(page, live_server, login, screenshot):
    sessions = _studio()
    login(factories.front_desk(username="desk"))
    page.goto(f"{live_server.url}/sessions/")
    assert "14 sessions" in page.locator("#hub-count").inner_text()
    assert page.get_by_role("button", name="Advance Status").first.is_disabled()
    screenshot("sessions_hub_desktop")

    page.get_by_label("Search").fill("Lopez")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url(re.compile(r"q=Lopez"))
    rows = page.locator("tr.hub-row")
    assert rows.count() == 2  # i = 0 (Wedding) and i = 7 (Family Portrait)

    page.locator("#hub-select-all").check()
    assert page.locator("#hub-selection-bar").is_visible()
    assert page.locator("[data-hub-selected-count]").inner_text() == "2"
    screenshot("sessions_hub_selected")
    page.locator("#hub-selection-bar").get_by_role("button", name="Advance Status").click()
    page.wait_for_url(re.compile(r"/sessions/advance-status/$"))
    assert "The selected sessions are of different types." in page.locator("#mixed-types-warning").inner_text()
    screenshot("sessions_hub_advance_confirm")

    page.get_by_role("button", name="Advance anyway").click()
    page.wait_for_url(re.compile(r"/sessions/\?q=Lopez"))
    assert "Advanced 2 sessions." in page.locator(".messages").inner_text()
    lopez = [s for s in sessions if s.client.last_name == "Lopez"]
    for s in lopez:
        before = s.status.name
        s.refresh_from_db()
        assert s.status.name != before


def test_it_fits_a_phone_with_the_filters_folded(page, live_server, login, screenshot):
    _studio(6)
    login(factories.front_desk(username="desk"))
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/sessions/")
    assert page.locator("#filter-form").is_hidden()
    screenshot("sessions_hub_phone")
    page.locator("button[aria-controls=hub-filter-body]").click()
    page.locator("#filter-form").wait_for(state="visible")
    screenshot("sessions_hub_phone_filters")
    page.get_by_label("Select all").check()
    assert page.locator("[data-hub-selected-count]").inner_text() == "6"
    page.locator("#hub-selection-bar").scroll_into_view_if_needed()
    screenshot("sessions_hub_phone_selected")
    # Nothing wider than the screen but the table, which scrolls in its own box.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
