"""The Scheduling Wizard in Chromium, from an empty calendar slot to the session record and back to
the photographer's day; then an on-screen reminder, and the Calendar tab on a phone.
"""

from __future__ import annotations

import re
from datetime import time, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from clients.models import Client
from sessions.models import CalendarEvent, Session
from studio.timeutils import make_local, to_local
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


def next_weekday(days_ahead: int = 7):
    day = timezone.localdate() + timedelta(days=days_ahead)
    while day.isoweekday() > 5:
        day += timedelta(days=1)
    return day


def named_photographer(username: str, name: str):
    user = factories.photographer(username=username, first_name=name.split()[0], last_name=name.split()[1])
    user.staff_profile.display_name = name
    user.staff_profile.save()
    return user


def test_it_books_through_the_wizard_from_an_empty_calendar_slot(page, live_server, login, screenshot):
    desk = factories.front_desk(username="fran", first_name="Fran", last_name="Desk")
    pat = named_photographer("pat", "Pat Lens")
    room = factories.ResourceFactory(name="Studio A")
    factories.SessionTypeFactory(name="Family Portrait", default_length_minutes=60, default_resource=room)
    factories.ClientFactory(last_name="Okafor", first_name="Adaeze", email="ada@example.com")
    day = next_weekday()
    # Pat is busy at 9:00, so the first free slot of the day is 10:00.
    factories.SessionFactory(description="Morning headshots", photographer=pat,
                             starts_at=make_local(day, time(9)), ends_at=make_local(day, time(10)))

    login(desk)
    page.goto(f"{live_server.url}/schedule/new/?date={day.isoformat()}&time=14:30&photographer={pat.pk}")
    expect(page.get_by_role("heading", name="Schedule a session")).to_be_visible()
    screenshot("wizard-01-find-client")

    # Step 1: search, nobody matches, start a new client.
    page.get_by_label("Find a client").fill("Marsh")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_text("No client matches “Marsh”")).to_be_visible()
    screenshot("wizard-02-no-match")
    page.get_by_role("button", name="New client").click()

    # Step 2: contact details and a family member.
    expect(page.get_by_role("heading", name="Client details")).to_be_visible()
    page.get_by_label("Last name").first.fill("Marsh")
    page.get_by_label("First name").first.fill("Lena")
    page.get_by_label("Email").fill("lena@example.com")
    page.get_by_label("Phone").fill("(555) 404-1234")
    rows = page.locator("[data-member-row]")
    expect(rows.nth(1)).to_be_hidden()  # empty rows fold away behind "Add another"
    rows.nth(0).get_by_label("First name").fill("Tom")
    page.get_by_role("button", name="Add another family member").click()
    expect(rows.nth(1)).to_be_visible()
    rows.nth(1).get_by_label("First name").fill("Rosa")
    screenshot("wizard-03-client-details")
    page.get_by_role("button", name="Next").click()

    # Step 3: the slot link filled date, time and photographer; pick an offered free slot instead.
    expect(page.get_by_role("heading", name="Session details")).to_be_visible()
    expect(page.get_by_label("Session Date")).to_have_value(day.isoformat())
    expect(page.get_by_label("Start Time")).to_have_value("14:30")
    expect(page.get_by_label("Photographer")).to_have_value(str(pat.pk))
    chips = page.locator(".slot-chip")
    expect(chips.first).to_have_text("10:00 AM")
    page.get_by_label("Description").fill("Family portrait in the garden")
    chips.first.click()
    expect(page.get_by_label("Start Time")).to_have_value("10:00")
    expect(page.get_by_label("End Time")).to_have_value("11:00")
    expect(chips.first).to_have_class(re.compile(r"\bactive\b"))
    screenshot("wizard-04-session-details")

    # Changing the photographer reloads the chips for the new person (free at 9:00).
    page.get_by_label("Photographer").select_option(label="— None —")
    expect(chips.first).to_have_text("9:00 AM")
    page.get_by_label("Photographer").select_option(str(pat.pk))
    expect(chips.first).to_have_text("10:00 AM")
    page.get_by_role("button", name="Next").click()

    # Step 4: review, then Back keeps everything, then book.
    expect(page.get_by_role("heading", name="Review")).to_be_visible()
    expect(page.locator("#review-start")).to_have_text("10:00 AM")
    expect(page.get_by_text("Tom Marsh (new), Rosa Marsh (new)")).to_be_visible()
    screenshot("wizard-05-review")
    page.get_by_role("button", name="Back").click()
    expect(page.get_by_label("Description")).to_have_value("Family portrait in the garden")
    page.get_by_role("button", name="Next").click()
    page.get_by_role("button", name="Book session").click()

    # The session record, with the message.
    expect(page).to_have_url(re.compile(r"/sessions/\d+/$"))
    session = Session.objects.exclude(description="Morning headshots").get()
    expect(page.get_by_text(f"Session #{session.number} booked for Marsh, Lena")).to_be_visible()
    screenshot("wizard-06-session-record")
    assert to_local(session.starts_at) == make_local(day, time(10))
    assert session.photographer == pat and session.camera_room == room and session.booked_by == desk
    assert sorted(m.first_name for m in session.participants.all()) == ["Rosa", "Tom"]
    assert Client.objects.filter(last_name="Marsh", email="lena@example.com").exists()

    # The photographer's day shows it.
    page.goto(f"{live_server.url}/calendar/staff/{pat.pk}/?view=day&date={day.isoformat()}")
    expect(page.get_by_text("Family portrait in the garden").first).to_be_visible()
    screenshot("wizard-07-photographer-day")


def test_it_books_for_a_known_client_on_a_phone(page, live_server, login, screenshot):
    page.set_viewport_size({"width": 390, "height": 844})
    desk = factories.front_desk(username="fran")
    factories.SessionTypeFactory(name="Headshot", default_length_minutes=30)
    client = factories.ClientFactory(last_name="Okafor", first_name="Adaeze", email="ada@example.com")
    factories.FamilyMemberFactory(client=client, first_name="Chidi")
    login(desk)
    page.goto(f"{live_server.url}/schedule/new/")
    page.get_by_label("Find a client").fill("okafor")
    page.get_by_label("Find a client").press("Enter")
    expect(page.get_by_text("1 client matches “okafor”")).to_be_visible()
    screenshot("wizard-phone-01-match")
    page.get_by_role("button", name="Select Okafor, Adaeze").click()
    expect(page.get_by_label("Email")).to_have_value("ada@example.com")
    page.get_by_label("Chidi").check()
    screenshot("wizard-phone-02-details")
    page.get_by_role("button", name="Next").click()
    page.locator(".slot-chip").first.click()
    screenshot("wizard-phone-03-session")
    page.get_by_role("button", name="Next").click()
    screenshot("wizard-phone-04-review")
    page.get_by_role("button", name="Book session").click()
    expect(page).to_have_url(re.compile(r"/sessions/\d+/$"))
    assert [m.first_name for m in Session.objects.get().participants.all()] == ["Chidi"]


def test_it_shows_a_reminder_on_any_page_and_dismisses_it(page, live_server, login, screenshot):
    pat = named_photographer("pat", "Pat Lens")
    start = timezone.now().replace(second=0, microsecond=0) + timedelta(minutes=20)
    client = factories.ClientFactory(last_name="Nakamura", first_name="Kei")
    session = factories.SessionFactory(client=client, description="Newborn photos", photographer=pat,
                                       reminder=True, reminder_minutes=30, starts_at=start,
                                       ends_at=start + timedelta(hours=1))
    login(pat)
    page.goto(f"{live_server.url}/clients/")
    alert = page.locator("#reminders [data-reminder]")
    expect(alert).to_contain_text(re.compile(rf"Session #{session.number} starts in (19|20) minutes"))
    expect(alert).to_contain_text("Today at")
    expect(alert).to_contain_text("Nakamura, Kei · Newborn photos")
    screenshot("reminder-01-shown")
    alert.get_by_role("button", name=re.compile("Dismiss")).click()
    expect(alert).to_have_count(0)
    page.reload()
    page.wait_for_load_state("networkidle")
    expect(page.locator("#reminders [data-reminder]")).to_have_count(0)


def test_it_plans_extra_calendar_rows_on_the_calendar_tab(page, live_server, login, screenshot):
    page.set_viewport_size({"width": 390, "height": 844})
    desk = factories.front_desk(username="fran")
    pat = named_photographer("pat", "Pat Lens")
    day = next_weekday()
    session = factories.SessionFactory(description="Wedding", photographer=pat, use_advanced_calendar=True,
                                       starts_at=make_local(day, time(10)), ends_at=make_local(day, time(12)))
    login(desk)
    page.goto(f"{live_server.url}/sessions/{session.pk}/calendar/")
    expect(page.get_by_text("Primary", exact=True)).to_be_visible()
    page.get_by_role("button", name="Add row").first.click()
    panel = page.locator("#panel-add")
    panel.get_by_label("Description").fill("Reception")
    panel.get_by_label("Start Time").fill("18:00")
    panel.get_by_label("End Time").fill("21:00")
    panel.get_by_label("or outside location").fill("Lakeside Hall")
    screenshot("calendar-tab-01-add")
    panel.get_by_role("button", name="Add row").click()
    expect(page.get_by_text("Calendar row added")).to_be_visible()
    row = CalendarEvent.objects.get(session=session, is_primary=False)
    item = page.locator(f"#event-{row.pk}")
    item.get_by_role("button", name="Copy").click()
    item.get_by_label("Copy to date").fill((day + timedelta(days=7)).isoformat())
    item.get_by_role("button", name="Copy row").click()
    expect(page.get_by_text("Row copied to")).to_be_visible()
    screenshot("calendar-tab-02-rows")
    assert session.events.filter(is_primary=False).count() == 2
