"""The issue's "done when" story, through the real pages, under the "block" policy.

A front desk user books through the wizard from an empty calendar slot, sees
the session on the photographer's own page and feed, cancels it, and books
another session in the freed slot.
"""

from datetime import date, time

import pytest

from sessions.models import Session
from studio.timeutils import make_local
from tests import factories
from tests.test_wizards import details_data, post, session_data

pytestmark = pytest.mark.django_db

DAY = date(2027, 6, 1)
WIZARD = "/schedule/new/"


def book_through_wizard(browser, session_type, photographer, last_name: str) -> Session:
    response = browser.get(f"{WIZARD}?date={DAY.isoformat()}&time=14:30&photographer={photographer.pk}")
    assert response.status_code == 200
    post(browser, WIZARD, "client", {"new_client": "1"})
    post(browser, WIZARD, "details", details_data(last_name=last_name, email=f"{last_name}@example.com"))
    post(browser, WIZARD, "session", session_data(session_type, photographer))
    response = post(browser, WIZARD, "review", {})
    assert response.status_code == 302, response.content.decode()[:2000]
    return Session.objects.get(client__last_name=last_name)


def test_it_books_from_a_slot_cancels_and_rebooks_the_freed_slot(front_desk_client, block_conflicts):
    session_type = factories.SessionTypeFactory(name="Family Portrait", default_length_minutes=60)
    ann = factories.photographer(username="ann", first_name="Ann", last_name="Lens")
    day_view = f"/calendar/staff/{ann.pk}/?view=day&date={DAY.isoformat()}"

    # The empty 2:30 PM slot on Ann's day links to the wizard with date, time and person.
    page = front_desk_client.get(day_view).content.decode()
    assert f"/schedule/new/?date={DAY.isoformat()}&amp;time=14:30&amp;photographer={ann.pk}" in page

    first = book_through_wizard(front_desk_client, session_type, ann, "Okafor")
    assert first.starts_at == make_local(DAY, time(14, 30)) and first.photographer == ann

    page = front_desk_client.get(day_view).content.decode()
    assert f"#{first.number}" in page
    feed = front_desk_client.get(f"/feeds/staff/{ann.staff_profile.ical_token}.ics").content.decode()
    assert f"event-{first.events.get().pk}@studio-sessions" in feed

    # While it stands, the same slot is refused under "block".
    post(front_desk_client, WIZARD, "client", {"new_client": "1"})
    post(front_desk_client, WIZARD, "details", details_data(last_name="Clash"))
    post(front_desk_client, WIZARD, "session", session_data(session_type, ann))
    response = post(front_desk_client, WIZARD, "review", {})
    assert response.status_code == 200
    assert f"is already booked for session #{first.number}" in response.content.decode()
    assert not Session.objects.filter(client__last_name="Clash").exists()

    response = front_desk_client.post(f"/sessions/{first.pk}/cancel/", {"value": "1"}, follow=True)
    assert "is cancelled: its time is free on the calendar." in response.content.decode()
    first.refresh_from_db()
    assert first.cancelled

    page = front_desk_client.get(day_view).content.decode()
    assert f"#{first.number}" not in page
    feed = front_desk_client.get(f"/feeds/staff/{ann.staff_profile.ical_token}.ics").content.decode()
    assert f"event-{first.events.get().pk}@studio-sessions" not in feed

    second = book_through_wizard(front_desk_client, session_type, ann, "Marsh")
    assert second.starts_at == first.starts_at and second.photographer == ann
    assert f"#{second.number}" in front_desk_client.get(day_view).content.decode()
