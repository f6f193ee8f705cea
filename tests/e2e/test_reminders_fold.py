"""Many reminders at once fold behind one button instead of filling the page."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


def test_it_shows_the_soonest_three_reminders_and_folds_the_rest(page, live_server, login, screenshot):
    desk = factories.front_desk(username="fran")
    now = timezone.now().replace(second=0, microsecond=0)
    for minutes in (10, 15, 20, 25, 30):
        start = now + timedelta(minutes=minutes)
        factories.SessionFactory(booked_by=desk, reminder=True, reminder_minutes=45,
                                 starts_at=start, ends_at=start + timedelta(hours=1))
    login(desk)
    page.goto(f"{live_server.url}/clients/")
    alerts = page.locator("#reminders [data-reminder]")
    expect(alerts).to_have_count(5)
    expect(page.locator("#reminders [data-reminder]:visible")).to_have_count(3)
    more = page.get_by_role("button", name="Show 2 more reminders")
    expect(more).to_be_visible()
    screenshot("reminders-folded")
    more.click()
    expect(page.locator("#reminders [data-reminder]:visible")).to_have_count(5)
    page.get_by_role("button", name="Show fewer reminders").click()
    expect(page.locator("#reminders [data-reminder]:visible")).to_have_count(3)
    alerts.first.get_by_role("button", name=re.compile("Dismiss")).click()
    expect(alerts).to_have_count(4)
    expect(page.get_by_role("button", name="Show 1 more reminder")).to_be_visible()
