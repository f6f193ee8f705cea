"""The week view in Chromium: items in their type colours, click-through to the
session, click an empty slot to book there, and the same week on a phone."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests import factories
from tests.factories import local_dt


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def a_wednesday_ahead() -> date:
    day = timezone.localdate() + timedelta(days=14)
    return day + timedelta(days=(2 - day.weekday()) % 7)


@pytest.fixture
def week(db):
    day = a_wednesday_ahead()
    photographer = factories.photographer(username="pat", first_name="Pat", last_name="Lens")
    room = factories.ResourceFactory(name="Studio A")
    family = factories.SessionTypeFactory(name="Family portrait", color="#f3d250")  # light: black text
    headshot = factories.SessionTypeFactory(name="Headshot", color="#1f3347")  # dark: white text
    smith = factories.SessionFactory(
        starts_at=local_dt(day, 10), ends_at=local_dt(day, 11, 30), description="Smith family",
        client=factories.ClientFactory(last_name="Smith", first_name="Jane"), session_type=family,
        photographer=photographer, camera_room=room, confirmed=True,
    )
    team = factories.SessionFactory(
        starts_at=local_dt(day + timedelta(days=1), 14), ends_at=local_dt(day + timedelta(days=1), 15),
        description="Team headshots", client=factories.ClientFactory(last_name="Acme", first_name=""),
        session_type=headshot, photographer=photographer,
    )
    return {"day": day, "photographer": photographer, "smith": smith, "team": team}


def test_it_shows_the_week_and_books_from_it(page, live_server, login, screenshot, week):
    day = week["day"]
    smith, team = week["smith"], week["team"]
    login(factories.front_desk(username="desk", first_name="Dana", last_name="Reyes"))
    page.goto(f"{live_server.url}/calendar/?view=week&date={day.isoformat()}")

    item = page.locator(f'.cal-item[data-session="{smith.pk}"]')
    expect(item).to_be_visible()
    expect(item).to_contain_text("10:00 – 11:30 AM")
    expect(item).to_contain_text("Smith family")
    expect(item).to_contain_text(f"Smith, Jane · #{smith.number}")
    expect(item).to_contain_text("Confirmed")
    expect(item).to_have_css("background-color", "rgb(243, 210, 80)")
    expect(item).to_have_css("color", "rgb(0, 0, 0)")
    other = page.locator(f'.cal-item[data-session="{team.pk}"]')
    expect(other).to_be_visible()
    expect(other).to_have_css("background-color", "rgb(31, 51, 71)")
    expect(other).to_have_css("color", "rgb(255, 255, 255)")
    # The item sits in its own day's column, lower than the 9 AM line.
    column = page.locator(f'.cal-col[data-day="{day.isoformat()}"]')
    assert column.locator(f'.cal-item[data-session="{smith.pk}"]').count() == 1
    nine = column.locator('.cal-slot[data-slot="9:00 AM"]').bounding_box()
    box = item.bounding_box()
    assert box["y"] > nine["y"] + nine["height"] * 1.5
    screenshot("calendar-week-desktop")

    # Clicking an item opens the session.
    item.click()
    page.wait_for_url(f"**/sessions/{smith.pk}/")

    # Clicking an empty slot opens the Scheduling Wizard at that date and time.
    page.go_back()
    thursday = page.locator(f'.cal-col[data-day="{(day + timedelta(days=1)).isoformat()}"]')
    thursday.locator('.cal-slot[data-slot="11:30 AM"]').click()
    page.wait_for_url(re.compile(r"/schedule/new/"))
    assert f"date={(day + timedelta(days=1)).isoformat()}" in page.url
    assert "time=11:30" in page.url


def test_it_books_a_photographer_from_their_column(page, live_server, login, week):
    day, photographer = week["day"], week["photographer"]
    login(factories.front_desk(username="desk"))
    page.goto(f"{live_server.url}/calendar/?view=day&date={day.isoformat()}&group=person")
    column = page.locator(f'.cal-col[data-column="person-{photographer.pk}"]')
    expect(column.locator(f'.cal-item[data-session="{week["smith"].pk}"]')).to_be_visible()
    column.locator('.cal-slot[data-slot="3:00 PM"]').click()
    page.wait_for_url(re.compile(r"/schedule/new/"))
    assert f"date={day.isoformat()}" in page.url
    assert "time=15:00" in page.url
    assert f"photographer={photographer.pk}" in page.url


def test_it_fits_the_week_on_a_phone(page, live_server, login, screenshot, week):
    day, smith = week["day"], week["smith"]
    login(factories.front_desk(username="desk"))
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/calendar/?view=week&date={day.isoformat()}")
    # The grid gives way to a list by day; nothing is wider than the screen.
    expect(page.locator(".cal-scroll")).to_be_hidden()
    entry = page.locator(f'.cal-agenda-item[data-event="{smith.events.get(is_primary=True).pk}"]')
    expect(entry).to_be_visible()
    expect(entry).to_contain_text("10:00 – 11:30 AM")
    expect(entry).to_contain_text("Confirmed")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot("calendar-week-phone")
    # The filters live in an off-canvas panel.
    page.get_by_role("button", name=re.compile("Filters")).click()
    expect(page.locator("#cal-sidebar.show")).to_be_visible()
    expect(page.get_by_label("Studio A")).to_be_visible()
    page.wait_for_timeout(400)  # let the panel finish sliding in
    screenshot("calendar-week-phone-filters")
    page.keyboard.press("Escape")

    # The day view keeps the time grid, scrolled to the morning, and entries open the session.
    page.goto(f"{live_server.url}/calendar/?view=day&date={day.isoformat()}")
    item = page.locator(f'.cal-item[data-session="{smith.pk}"]')
    expect(item).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot("calendar-day-phone")
    item.click()
    page.wait_for_url(f"**/sessions/{smith.pk}/")
