"""A front-desk user books a session from a client record, as the help page tells it.

Client record → Session (ribbon) → General tab by its labels → Participants →
Save & Close → the client lists the session → open it → a Session Number
already in use is refused naming its holder, with everything typed kept →
Change Status → Cancel.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from sessions.models import Session, SessionStatus
from studio.models import UserPreferences
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


def next_weekday(days_ahead: int = 7):
    day = timezone.localdate() + timedelta(days=days_ahead)
    while day.isoweekday() > 5:
        day += timedelta(days=1)
    return day


def test_it_books_a_session_from_a_client_record(page, live_server, login, screenshot):
    desk = factories.front_desk(username="fran", first_name="Fran", last_name="Desk")
    UserPreferences.objects.create(user=desk, use_session_wizard=False)
    photographer = factories.photographer(username="pat", first_name="Pat", last_name="Lens")
    assistant = factories.assistant(username="alex", first_name="Alex", last_name="Grip")
    room = factories.ResourceFactory(name="Studio A")
    factories.SessionTypeFactory(name="Headshot", default_length_minutes=30)
    portrait = factories.SessionTypeFactory(
        name="Family Portrait", default_length_minutes=90, default_resource=room,
        default_photographer=photographer,
    )
    client = factories.ClientFactory(last_name="Okafor", first_name="Adaeze", phone="(555) 010-2030",
                                     email="ada@example.com")
    factories.FamilyMemberFactory(client=client, first_name="Chidi", relationship="child")
    factories.FamilyMemberFactory(client=client, first_name="Ngozi", relationship="child")
    holder = factories.SessionFactory(number=4321, description="Senior pictures",
                                      starts_at=factories.tomorrow_at(15))

    login(desk)
    page.goto(f"{live_server.url}/clients/{client.pk}/")
    screenshot("book-01-client-record")

    # 1. Open the client and click Session in the ribbon: wizard off, so a blank session.
    page.get_by_role("link", name="Session", exact=True).click()
    expect(page.get_by_role("heading", name=re.compile("New Session for"))).to_be_visible()
    expect(page.get_by_label("Booked By", exact=True)).to_have_text("Fran Desk")
    screenshot("book-02-new-session")

    # 4. Session Information on the General tab, by the help page's labels.
    day = next_weekday()
    page.get_by_label("Description", exact=True).fill("Okafor family on the lawn")
    page.get_by_label("Type", exact=True).select_option(label="Family Portrait")
    page.get_by_label("Session Date", exact=True).fill(day.isoformat())
    page.get_by_label("Start Time", exact=True).fill("10:00")
    page.get_by_label("Start Time", exact=True).dispatch_event("change")
    # The type's length and defaults were filled in by the page.
    expect(page.get_by_label("End Time", exact=True)).to_have_value("11:30")
    expect(page.get_by_label("Photographer", exact=True)).to_have_value(str(photographer.pk))
    expect(page.get_by_label("Camera Room", exact=True)).to_have_value(str(room.pk))
    page.get_by_label("Assistant", exact=True).select_option(label="Alex Grip")
    page.get_by_label("File Number", exact=True).fill("F-2291")
    page.get_by_label("Reminder", exact=True).check()
    expect(page.get_by_label("Session Status", exact=True)).to_have_value(str(SessionStatus.initial().pk))
    screenshot("book-03-general-filled")

    # 6. Participants tab: pick the family members in the session.
    page.get_by_role("tab", name="Participants").click()
    page.get_by_label("Chidi").check()
    page.get_by_label("Ngozi").check()
    screenshot("book-04-participants")

    # 8. Save & Close: back on the client, the session is listed.
    page.get_by_role("button", name="Save & Close").click()
    expect(page).to_have_url(re.compile(rf"/clients/{client.pk}/\?tab=sessions$"))
    expect(page.get_by_text(re.compile(r"Session #\d+ booked for"))).to_be_visible()
    expect(page.get_by_text("Okafor family on the lawn").first).to_be_visible()
    screenshot("book-05-client-with-session")

    session = Session.objects.get(client=client)
    assert session.session_type == portrait
    assert session.photographer == photographer and session.assistant == assistant
    assert session.camera_room == room and session.file_number == "F-2291" and session.reminder
    assert session.booked_by == desk
    assert sorted(m.first_name for m in session.participants.all()) == ["Chidi", "Ngozi"]
    local_start = timezone.localtime(session.starts_at)
    assert (local_start.date(), local_start.hour, local_start.minute) == (day, 10, 0)
    assert session.ends_at - session.starts_at == timedelta(minutes=90)

    # Open the session; a Session Number already in use is refused, naming the holder.
    page.goto(f"{live_server.url}/sessions/{session.pk}/")
    expect(page.get_by_role("heading", name=re.compile(rf"#{session.number}"))).to_be_visible()
    page.get_by_label("Description", exact=True).fill("Okafor family by the lake")
    page.get_by_label("Session Number", exact=True).fill("4321")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text(f"Session number 4321 is already used by session #4321: {holder.client}")).to_be_visible()
    expect(page.get_by_label("Description", exact=True)).to_have_value("Okafor family by the lake")
    expect(page.get_by_label("Session Number", exact=True)).to_have_value("4321")
    expect(page.get_by_label("File Number", exact=True)).to_have_value("F-2291")
    screenshot("book-06-number-in-use")
    session.refresh_from_db()
    assert session.number != 4321 and session.description == "Okafor family on the lawn"

    # Change Status from the ribbon: the next status is preselected.
    page.goto(f"{live_server.url}/sessions/{session.pk}/")
    page.get_by_role("button", name="Change Status").click()
    dialog = page.get_by_role("dialog", name="Change Status")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_label("New Status")).to_have_value(str(SessionStatus.initial().next_status().pk))
    screenshot("book-07-change-status")
    dialog.get_by_label("New Status").select_option(label="Upload to Web Pending")
    dialog.get_by_role("button", name="Save Status").click()
    expect(page.get_by_text(re.compile(r"is now “Upload to Web Pending”"))).to_be_visible()
    session.refresh_from_db()
    assert session.status.name == "Upload to Web Pending"

    # Cancel: asked first, then off the calendar.
    page.once("dialog", lambda d: d.accept())
    page.get_by_role("button", name="Cancel", exact=True).click()
    expect(page.get_by_text(f"Session #{session.number} is cancelled")).to_be_visible()
    expect(page.get_by_role("button", name="Restore", exact=True)).to_be_visible()
    screenshot("book-08-cancelled")
    session.refresh_from_db()
    assert session.cancelled


def test_it_fills_type_defaults_only_where_the_user_has_not_typed(page, live_server, login, screenshot):
    from studio.models import StudioSettings
    from studio.timeutils import add_work_days

    desk = factories.front_desk(username="fran", first_name="Fran", last_name="Desk")
    UserPreferences.objects.create(user=desk, use_session_wizard=False)
    ann = factories.photographer(username="ann", first_name="Ann", last_name="Shutter")
    ben = factories.photographer(username="ben", first_name="Ben", last_name="Focus")
    dee = factories.photographer(username="dee", first_name="Dee", last_name="Flash")
    cal = factories.assistant(username="cal", first_name="Cal", last_name="Grip")
    room_a = factories.ResourceFactory(name="Studio A")
    room_b = factories.ResourceFactory(name="Studio B")
    headshot = factories.SessionTypeFactory(name="Headshot", default_length_minutes=30,
                                            default_photographer=ann, default_resource=room_a)
    factories.SessionTypeFactory(name="Family Portrait", default_length_minutes=90,
                                 default_photographer=ben, default_assistant=cal, default_resource=room_b)
    studio = StudioSettings.load()
    studio.default_session_type = headshot
    studio.save()
    client = factories.ClientFactory(last_name="Okafor")

    login(desk)
    page.goto(f"{live_server.url}/clients/{client.pk}/sessions/new/")
    label = lambda text: page.get_by_label(text, exact=True)  # noqa: E731
    expect(label("Type")).to_have_value(str(headshot.pk))
    expect(label("Photographer")).to_have_value(str(ann.pk))
    label("Start Time").fill("09:00")
    label("Start Time").dispatch_event("change")
    expect(label("End Time")).to_have_value("09:30")

    # The user picks a photographer; a type change keeps it and fills the rest.
    label("Photographer").select_option(label="Dee Flash")
    label("Type").select_option(label="Family Portrait")
    expect(label("End Time")).to_have_value("10:30")
    expect(label("Photographer")).to_have_value(str(dee.pk))
    expect(label("Assistant")).to_have_value(str(cal.pk))
    expect(label("Camera Room")).to_have_value(str(room_b.pk))

    # Moving the start keeps the length.
    label("Start Time").fill("13:15")
    label("Start Time").dispatch_event("change")
    expect(label("End Time")).to_have_value("14:45")

    # A typed End Time stays when the type changes again.
    label("End Time").fill("15:00")
    label("End Time").dispatch_event("change")
    label("Type").select_option(label="Headshot")
    expect(label("End Time")).to_have_value("15:00")

    # Camera Room or a typed location, not both.
    label("or type a location").fill("Lincoln Park")
    expect(label("Camera Room")).to_have_value("")
    label("Camera Room").select_option(label="Studio A")
    expect(label("or type a location")).to_have_value("")

    # A new status recalculates its due date in studio work days.
    upload = SessionStatus.objects.get(name="Upload to Web Pending")
    label("Session Status").select_option(label="Upload to Web Pending")
    expected = add_work_days(timezone.localdate(), upload.default_duration_days, studio.work_days)
    expect(label("Status Due Date")).to_have_value(expected.isoformat())
    screenshot("book-09-type-defaults")

    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text(re.compile(r"Session #\d+ booked for"))).to_be_visible()
    session = Session.objects.get(client=client)
    assert (session.photographer, session.camera_room, session.location) == (dee, room_a, "")
    assert session.assistant == cal and session.status == upload and session.status_due_date == expected
    assert timezone.localtime(session.ends_at).strftime("%H:%M") == "15:00"
