"""The session ribbon: Confirm, Hold / Release, Cancel / Restore, No Show, Create Redo, Change Status."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from sessions import services
from sessions.models import Session, SessionStatus, StatusChange
from studio.timeutils import add_work_days
from tests import factories

pytestmark = pytest.mark.django_db


def messages_of(response) -> list[str]:
    return [str(m) for m in response.wsgi_request._messages]


@pytest.fixture
def photographer(db):
    return factories.photographer(username="pat", first_name="Pat", last_name="Lens")


@pytest.fixture
def session(front_desk_user, photographer):
    client = factories.ClientFactory(last_name="Okafor")
    kind = factories.SessionTypeFactory(name="Family Portrait")
    return services.session_create(
        client=client, session_type=kind, starts_at=factories.tomorrow_at(10), booked_by=front_desk_user,
        photographer=photographer, description="Lawn portraits",
    )


@pytest.mark.parametrize("action, flag, on_text, off_text", [
    ("confirm", "confirmed", "Session #{n} is confirmed.", "Session #{n} is no longer confirmed."),
    ("hold", "on_hold", "Session #{n} is on hold: it is off the calendar until you release it.",
     "Session #{n} is released and back on the calendar."),
    ("cancel", "cancelled", "Session #{n} is cancelled: its time is free on the calendar.",
     "Session #{n} is restored and back on the calendar."),
    ("no-show", "no_show", "Session #{n} is marked as a no show.", "Session #{n} is no longer marked as a no show."),
])
def test_it_sets_and_clears_each_flag_with_a_message(front_desk_client, session, action, flag, on_text, off_text):
    url = f"/sessions/{session.pk}/{action}/"
    response = front_desk_client.post(url, {"value": "1", "next": f"/sessions/{session.pk}/notes/"})
    assert response.status_code == 302 and response["Location"] == f"/sessions/{session.pk}/notes/"
    session.refresh_from_db()
    assert getattr(session, flag) is True
    assert messages_of(response)[-1] == on_text.format(n=session.number)
    # The same POST twice does not flip it back.
    front_desk_client.post(url, {"value": "1"})
    session.refresh_from_db()
    assert getattr(session, flag) is True
    response = front_desk_client.post(url, {"value": "0", "next": "https://evil.example/"})
    assert response["Location"] == f"/sessions/{session.pk}/"
    session.refresh_from_db()
    assert getattr(session, flag) is False
    assert messages_of(response)[-1] == off_text.format(n=session.number)
    assert session.log_entries.filter(action="session.changed").count() == 2


def test_it_shows_hold_or_release_and_cancel_or_restore_by_state(front_desk_client, session):
    page = front_desk_client.get(f"/sessions/{session.pk}/").content.decode()
    assert 'ribbon-label">Hold</span>' in page and 'ribbon-label">Release</span>' not in page
    assert 'ribbon-label">Cancel</span>' in page and 'ribbon-label">Restore</span>' not in page
    assert f'data-confirm="Cancel session #{session.number}? It leaves the calendar' in page
    Session.objects.filter(pk=session.pk).update(on_hold=True, cancelled=True, confirmed=True)
    page = front_desk_client.get(f"/sessions/{session.pk}/").content.decode()
    assert 'ribbon-label">Release</span>' in page and 'ribbon-label">Hold</span>' not in page
    assert 'ribbon-label">Restore</span>' in page and 'ribbon-label">Cancel</span>' not in page
    assert re.search(r'aria-pressed="true"\s+title="Confirmed with the client', page)
    assert "On Hold</span>" in page and "Cancelled</span>" in page


def test_it_ribbon_actions_refuse_get(front_desk_client, session):
    for action in ("confirm", "hold", "cancel", "no-show", "redo"):
        assert front_desk_client.get(f"/sessions/{session.pk}/{action}/").status_code == 405


@pytest.fixture
def taken_slot(session, photographer):
    """Another session holds the photographer at the same time while ours is off the calendar."""
    Session.objects.filter(pk=session.pk).update(on_hold=True, cancelled=True)
    return factories.SessionFactory(starts_at=factories.tomorrow_at(10), photographer=photographer,
                                    description="Other family")


def test_it_names_the_clash_when_release_would_double_book_and_offers_release_anyway(
        front_desk_client, session, taken_slot, ask_conflicts):
    Session.objects.filter(pk=session.pk).update(cancelled=False)
    response = front_desk_client.post(f"/sessions/{session.pk}/hold/", {"value": "0"})
    assert response.status_code == 409
    page = response.content.decode()
    assert f"Pat Lens is already booked for session #{taken_slot.number}" in page
    assert "Release anyway" in page
    assert re.search(rf'<form method="post" action="/sessions/{session.pk}/hold/" class="d-inline">', page)
    session.refresh_from_db()
    assert session.on_hold
    response = front_desk_client.post(f"/sessions/{session.pk}/hold/", {"value": "0", "allow_conflicts": "1"})
    assert response.status_code == 302
    session.refresh_from_db()
    assert not session.on_hold


def test_it_refuses_restore_onto_a_taken_slot_under_block(front_desk_client, session, taken_slot,
                                                          block_conflicts):
    Session.objects.filter(pk=session.pk).update(on_hold=False)
    response = front_desk_client.post(f"/sessions/{session.pk}/cancel/", {"value": "0", "allow_conflicts": "1"})
    assert response.status_code == 409
    page = response.content.decode()
    assert f"Pat Lens is already booked for session #{taken_slot.number}" in page
    assert "Restore anyway" not in page and "The studio does not allow double bookings." in page
    session.refresh_from_db()
    assert session.cancelled


def test_it_creates_a_redo_a_week_later_and_opens_it(front_desk_client, front_desk_user, session):
    member = factories.FamilyMemberFactory(client=session.client, first_name="Chidi")
    services.participants_set(session=session, family_members=[member], user=front_desk_user)
    response = front_desk_client.post(f"/sessions/{session.pk}/redo/")
    redo = Session.objects.get(redo_of=session)
    assert response.status_code == 302 and response["Location"] == f"/sessions/{redo.pk}/"
    assert redo.redo and redo.starts_at == session.starts_at + timedelta(days=7)
    assert redo.photographer == session.photographer and list(redo.participants.all()) == [member]
    assert redo.booked_by == front_desk_user
    assert messages_of(response)[0].startswith(f"Redo session #{redo.number} booked for ")
    page = front_desk_client.get(response["Location"]).content.decode()
    assert f'Redo of <a href="/sessions/{session.pk}/">session #{session.number}</a>' in page


def test_it_shows_the_clash_when_the_redo_would_double_book(front_desk_client, session, photographer,
                                                            ask_conflicts):
    busy = factories.SessionFactory(starts_at=session.starts_at + timedelta(days=7), photographer=photographer)
    response = front_desk_client.post(f"/sessions/{session.pk}/redo/")
    assert response.status_code == 409
    page = response.content.decode()
    assert f"Pat Lens is already booked for session #{busy.number}" in page
    assert "Book the redo anyway" in page
    assert not Session.objects.filter(redo_of=session).exists()
    response = front_desk_client.post(f"/sessions/{session.pk}/redo/", {"allow_conflicts": "1"})
    assert response.status_code == 302
    assert Session.objects.filter(redo_of=session).count() == 1


def test_it_opens_change_status_with_the_next_status_and_its_due_date(front_desk_client, front_desk_user,
                                                                     session, studio_settings):
    response = front_desk_client.get(f"/sessions/{session.pk}/status/")
    assert response.status_code == 200
    form = response.context["change_status_form"]
    nxt = SessionStatus.objects.get(name="Image Capture Pending")
    today = timezone.localdate()
    assert form.initial == {
        "completed_on": today, "to_status": nxt.pk,
        "due_date": add_work_days(today, nxt.default_duration_days, studio_settings.work_days),
    }
    page = response.content.decode()
    assert "Updated By" in page and front_desk_user.staff_profile.display_name in page
    # The record carries the dialog and the data to recalculate the due date.
    record = front_desk_client.get(f"/sessions/{session.pk}/")
    assert 'id="change-status-modal"' in record.content.decode()
    data = record.context["statuses_json"]
    assert data["next"] == nxt.pk and data["work_days"] == studio_settings.work_days
    assert data["statuses"][str(nxt.pk)] == nxt.default_duration_days


def test_it_changes_status_with_completed_on_and_due_date(front_desk_client, front_desk_user, session):
    target = SessionStatus.objects.get(name="Upload to Web Pending")
    completed = timezone.localdate() - timedelta(days=1)
    due = timezone.localdate() + timedelta(days=12)
    response = front_desk_client.post(f"/sessions/{session.pk}/status/", {
        "change-completed_on": completed.isoformat(), "change-to_status": target.pk,
        "change-due_date": due.isoformat(), "next": f"/sessions/{session.pk}/notes/",
    })
    assert response.status_code == 302 and response["Location"] == f"/sessions/{session.pk}/notes/"
    session.refresh_from_db()
    assert session.status == target and session.status_due_date == due
    change = StatusChange.objects.filter(session=session).first()
    assert (change.from_status.name, change.to_status, change.changed_by, change.completed_on, change.due_date) == (
        "Session Pending", target, front_desk_user, completed, due)
    assert messages_of(response) == [
        f"Session #{session.number} is now “Upload to Web Pending”, due {due:%b} {due.day}, {due:%Y}."
    ]


def test_it_computes_the_due_date_when_it_is_left_empty(front_desk_client, session):
    target = SessionStatus.objects.get(name="Retouch Pending")
    front_desk_client.post(f"/sessions/{session.pk}/status/", {
        "change-completed_on": timezone.localdate().isoformat(), "change-to_status": target.pk,
        "change-due_date": "",
    })
    session.refresh_from_db()
    assert session.status == target and session.status_due_date == services.due_date_for(target)


def test_it_keeps_the_change_status_page_on_bad_input(front_desk_client, session):
    response = front_desk_client.post(f"/sessions/{session.pk}/status/", {
        "change-completed_on": "not a date", "change-to_status": "999999",
    })
    assert response.status_code == 200
    errors = response.context["change_status_form"].errors
    assert errors["completed_on"] == ["Enter a valid date."]
    assert errors["to_status"] == ["Choose one of the statuses in the list."]
    session.refresh_from_db()
    assert session.status.name == "Session Pending"
