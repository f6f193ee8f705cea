"""Client pages in a real browser: family rows added and removed in place, tabs kept in the URL."""

from __future__ import annotations

import re
from datetime import timedelta

from django.utils import timezone

from clients.models import Client
from sessions.models import SessionParticipant
from tests import factories


def test_it_creates_a_client_adding_and_removing_family_rows_in_place(page, live_server, login, screenshot):
    login(factories.front_desk(username="desk"))
    page.goto(f"{live_server.url}/clients/new/")
    page.get_by_label("Last Name").first.fill("Okafor")
    page.get_by_label("First Name").first.fill("Adaeze")
    page.get_by_label("Email").fill("ada@example.com")
    page.get_by_label("Phone").fill("(555) 012-3456")
    page.get_by_label("City").fill("Springfield")

    add = page.get_by_role("button", name="Add family member")
    for _ in range(3):
        add.click()
    rows = page.locator("#family-rows [data-family-row]")
    assert rows.count() == 3
    assert page.locator(".family-empty").is_hidden()
    rows.nth(0).locator("input[name$='-first_name']").fill("Chidi")
    rows.nth(0).locator("select[name$='-relationship']").select_option("child")
    rows.nth(0).locator("input[name$='-birth_date']").fill("2018-04-02")
    rows.nth(1).locator("input[name$='-first_name']").fill("Typo")
    rows.nth(2).locator("input[name$='-first_name']").fill("Emeka")
    rows.nth(2).locator("input[name$='-last_name']").fill("Obi")
    rows.nth(2).locator("select[name$='-relationship']").select_option("spouse")
    screenshot("clients_form_new")
    # A row that was never saved goes away at once.
    rows.nth(1).locator("label[for$='-DELETE']").click()
    assert rows.count() == 2

    page.get_by_role("button", name="Save & Close").last.click()
    page.wait_for_url(re.compile(r"/clients/\d+/$"))

    household = Client.objects.get(last_name="Okafor")
    assert sorted(household.family_members.values_list("first_name", flat=True)) == ["Chidi", "Emeka"]
    assert "Client Okafor, Adaeze was created." in page.locator(".messages").inner_text()
    page.get_by_role("tab", name="Family").click()
    assert page.url.endswith("#family")
    page.locator("#pane-family.show").wait_for()
    assert "Chidi Okafor" in page.locator("#pane-family").inner_text()
    screenshot("clients_record_family")


def test_it_refuses_removing_a_participant_and_keeps_the_page(page, live_server, login, screenshot):
    login(factories.front_desk(username="desk"))
    household = factories.ClientFactory(last_name="Nakamura", first_name="Aiko")
    kenji = factories.FamilyMemberFactory(client=household, first_name="Kenji")
    factories.FamilyMemberFactory(client=household, first_name="Yui", relationship="spouse")
    start = factories.tomorrow_at(10) - timedelta(days=10)
    session = factories.SessionFactory(client=household, starts_at=start, ends_at=start + timedelta(hours=1),
                                       description="Spring portraits")
    SessionParticipant.objects.create(session=session, family_member=kenji)

    page.goto(f"{live_server.url}/clients/{household.pk}/edit/")
    kenji_row = page.locator("[data-family-row]", has=page.locator("input[value='Kenji']"))
    kenji_row.locator("label[for$='-DELETE']").click()
    assert "is-removed" in kenji_row.get_attribute("class")
    assert kenji_row.locator(".family-remove-label").inner_text() == "Undo"
    page.get_by_label("City").fill("Decatur")
    page.get_by_role("button", name="Save & Close").last.click()
    page.wait_for_load_state("networkidle")

    assert "Nothing was saved" in page.locator("#form-problems").inner_text()
    assert f"session #{session.number}" in page.locator(".family-row-errors").inner_text()
    assert page.get_by_label("City").input_value() == "Decatur"
    screenshot("clients_form_refused")
    household.refresh_from_db()
    assert household.city != "Decatur"
    assert household.family_members.count() == 2


def test_it_lands_on_the_tab_in_the_url_and_looks_right_on_a_phone(page, live_server, login, screenshot):
    login(factories.front_desk(username="desk"))
    household = factories.ClientFactory(last_name="Abernathy", first_name="Rose", notes="Prefers mornings.")
    factories.FamilyMemberFactory(client=household, first_name="Lily", birth_date=timezone.localdate() - timedelta(days=900))
    kinds = [{}, {"cancelled": True}, {"on_hold": True}, {"no_show": True}, {"confirmed": True}]
    newborn = factories.SessionTypeFactory(name="Newborn", color="#e377c2")
    for i, flags in enumerate(kinds):
        start = factories.tomorrow_at(9 + i) + timedelta(days=7 * (i - 2))
        factories.SessionFactory(client=household, starts_at=start, ends_at=start + timedelta(hours=1),
                                 session_type=newborn if i % 2 else factories.SessionTypeFactory(name="Family"),
                                 description=f"Session {i + 1}", **flags)
    for i in range(30):
        factories.ClientFactory(last_name=f"Client{i:02d}")

    page.goto(f"{live_server.url}/clients/")
    screenshot("clients_list")
    page.goto(f"{live_server.url}/clients/{household.pk}/#sessions")
    assert page.locator("#pane-sessions").is_visible()
    assert page.locator("#pane-general").is_hidden()
    screenshot("clients_record_sessions")
    page.goto(f"{live_server.url}/clients/{household.pk}/")
    screenshot("clients_record_general")

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/clients/{household.pk}/?tab=sessions")
    assert page.locator("#pane-sessions").is_visible()
    screenshot("clients_record_sessions_phone")
    page.goto(f"{live_server.url}/clients/")
    screenshot("clients_list_phone")
    page.goto(f"{live_server.url}/clients/{household.pk}/edit/")
    page.get_by_role("button", name="Add family member").click()
    screenshot("clients_form_phone")
    # Nothing on these pages is wider than the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
