"""User Preferences: Use Session Wizard, default calendar view and people."""

from __future__ import annotations

import pytest

from studio.models import CalendarView, UserPreferences
from tests import factories

pytestmark = pytest.mark.django_db


def test_it_opens_with_the_defaults_without_writing(front_desk_client, front_desk_user):
    response = front_desk_client.get("/preferences/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "User Preferences" in page
    assert "Use Session Wizard" in page and 'name="use_session_wizard"' in page
    assert "Default calendar view" in page and "Default calendar people" in page
    form = response.context["form"]
    assert form["use_session_wizard"].value() is True
    assert form["default_calendar_view"].value() == CalendarView.WEEK
    assert not UserPreferences.objects.filter(user=front_desk_user).exists()


def test_it_saves_each_preference(front_desk_client, front_desk_user):
    pat = factories.photographer(username="pat", first_name="Pat", last_name="Lens")
    hidden = factories.photographer(username="hid")
    hidden.staff_profile.show_on_calendar = False
    hidden.staff_profile.save()
    page = front_desk_client.get("/preferences/").content.decode()
    assert "Pat Lens" in page and hidden.staff_profile.display_name not in page
    response = front_desk_client.post("/preferences/", {
        "default_calendar_view": "day", "default_calendar_people": [pat.pk],
    })
    assert response.status_code == 302 and response["Location"] == "/preferences/"
    prefs = UserPreferences.objects.get(user=front_desk_user)
    assert prefs.use_session_wizard is False
    assert prefs.default_calendar_view == "day"
    assert list(prefs.default_calendar_people.all()) == [pat]
    assert [str(m) for m in response.wsgi_request._messages] == ["Your preferences are saved."]
    # The wizard preference decides what New Session opens.
    client = factories.ClientFactory()
    assert front_desk_client.get(f"/clients/{client.pk}/sessions/new/").status_code == 200


def test_it_refuses_an_unknown_view_and_keeps_the_rest(front_desk_client, front_desk_user):
    response = front_desk_client.post("/preferences/", {"default_calendar_view": "year",
                                                        "use_session_wizard": "on"})
    assert response.status_code == 200
    assert response.context["form"].errors["default_calendar_view"] == [
        "Select a valid choice. year is not one of the available choices."
    ]
    assert not UserPreferences.objects.filter(user=front_desk_user).exists()


def test_it_is_open_to_every_role(photographer_client, manager_client, client):
    assert photographer_client.get("/preferences/").status_code == 200
    assert manager_client.post("/preferences/", {"default_calendar_view": "month",
                                                 "use_session_wizard": "on"}).status_code == 302
    response = client.get("/preferences/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_it_is_in_the_user_menu(front_desk_client):
    page = front_desk_client.get("/").content.decode()
    assert 'href="/preferences/"' in page and "User Preferences" in page
