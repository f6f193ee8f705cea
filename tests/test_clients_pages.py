"""Client pages: the list (search, paging, counts), the client record tabs,
create / edit with family members in place, and who may do what."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.utils import timezone

from clients import services
from clients.models import Client, FamilyMember
from clients.selectors import age_label
from sessions.models import SessionParticipant
from tests import factories

pytestmark = pytest.mark.django_db

CLIENT_FIELDS = {
    "last_name": "Okafor",
    "first_name": "Adaeze",
    "email": "ada@example.com",
    "phone": "(555) 012-3456",
    "address": "12 Elm Street",
    "city": "Springfield",
    "state": "IL",
    "postal_code": "62701",
    "notes": "Prefers mornings.",
}


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # Users are made per test; the default hasher's work factor is for production.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def form_data(fields: dict | None = None, members: list[dict] | None = None, initial: int = 0,
              version: str = "") -> dict:
    """POST data for the client form: client fields plus the family formset."""
    data = {**CLIENT_FIELDS, **(fields or {}), "version": version}
    members = members or []
    data.update({
        "family-TOTAL_FORMS": str(len(members)),
        "family-INITIAL_FORMS": str(initial),
        "family-MIN_NUM_FORMS": "0",
        "family-MAX_NUM_FORMS": "1000",
    })
    for i, member in enumerate(members):
        row = {"first_name": "", "last_name": "", "relationship": "other", "birth_date": ""}
        row.update(member)
        for key, value in row.items():
            if key == "DELETE":
                if value:
                    data[f"family-{i}-DELETE"] = "on"
                continue
            data[f"family-{i}-{key}"] = "" if value is None else str(value)
    return data


def edit_data(client: Client, fields: dict | None = None, members: list[dict] | None = None) -> dict:
    """POST data for editing ``client``: its current fields, its members as rows, then ``members``."""
    current = {name: getattr(client, name) for name in CLIENT_FIELDS}
    existing = [
        {"id": m.pk, "client": client.pk, "first_name": m.first_name, "last_name": m.last_name,
         "relationship": m.relationship, "birth_date": m.birth_date.isoformat() if m.birth_date else ""}
        for m in client.family_members.order_by("birth_date", "first_name", "id")
    ]
    return form_data({**current, **(fields or {})}, existing + (members or []), initial=len(existing),
                     version=client.updated_at.isoformat())


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def list_rows(html: str) -> list[str]:
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return re.findall(r"<tr\b.*?</tr>", body, re.S)


def session_at(client, day_offset: int, hour: int = 10, **kwargs):
    day = timezone.localdate() + timedelta(days=day_offset)
    start = factories.local_dt(day, hour)
    return factories.SessionFactory(client=client, starts_at=start, ends_at=start + timedelta(hours=1),
                                    **kwargs)


# ---- The list ---------------------------------------------------------------------


def test_it_lists_clients_with_family_sessions_and_next_session(front_desk_client):
    household = factories.ClientFactory(last_name="Abernathy", first_name="Rose", city="Peoria")
    factories.FamilyMemberFactory.create_batch(2, client=household)
    session_at(household, -30, description="Last year")
    session_at(household, 3, description="Cancelled one", cancelled=True)
    session_at(household, 5, description="On hold", on_hold=True)
    upcoming = session_at(household, 9, description="Upcoming")
    factories.ClientFactory(last_name="Zeller")

    response = front_desk_client.get("/clients/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "2 clients" in html
    rows = list_rows(html)
    assert len(rows) == 2
    first = rows[0]
    assert "Abernathy, Rose" in first
    assert f'href="/clients/{household.pk}/"' in first
    assert household.phone in first and household.email in first and "Peoria" in first
    cells = re.findall(r'<td class="text-end[^"]*">(\d+)</td>', first)
    assert cells == ["2", "4"]
    # The next session is the upcoming one on the calendar, not the cancelled or on-hold ones.
    assert timezone.localtime(upcoming.starts_at).strftime("%b %-d, %Y") in first
    assert "Zeller" in rows[1]


def test_it_searches_by_last_name_email_phone_digits_and_family(front_desk_client):
    okafor = factories.ClientFactory(last_name="Okafor", email="ada@okafor.example", phone="(555) 012-3456")
    factories.ClientFactory(last_name="Lindqvist", email="nils@lind.example", phone="(312) 555-9876")
    factories.FamilyMemberFactory(client=okafor, first_name="Chidi")

    def found(query: str) -> list[str]:
        html = front_desk_client.get("/clients/", {"q": query}).content.decode()
        return re.findall(r'<a class="fw-semibold[^"]*" href="/clients/\d+/">([^<]+)</a>', html)

    assert [n.split(",")[0] for n in found("okaf")] == ["Okafor"]
    assert [n.split(",")[0] for n in found("nils@lind")] == ["Lindqvist"]
    assert [n.split(",")[0] for n in found("5550123")] == ["Okafor"]
    assert [n.split(",")[0] for n in found("555-9876")] == ["Lindqvist"]
    assert [n.split(",")[0] for n in found("chidi")] == ["Okafor"]
    assert found("nobody-here") == []
    html = front_desk_client.get("/clients/", {"q": "nobody-here"}).content.decode()
    assert "No client matches “nobody-here”." in html
    assert "0 clients match “nobody-here”" in html


def test_it_counts_family_right_when_search_matches_one_family_member(front_desk_client):
    household = factories.ClientFactory(last_name="Brandt")
    factories.FamilyMemberFactory(client=household, first_name="Ingrid")
    factories.FamilyMemberFactory(client=household, first_name="Olaf")

    html = front_desk_client.get("/clients/", {"q": "ingrid"}).content.decode()

    rows = list_rows(html)
    assert len(rows) == 1
    assert re.findall(r'<td class="text-end[^"]*">(\d+)</td>', rows[0]) == ["2", "0"]


def test_it_pages_25_at_a_time_and_keeps_the_search(front_desk_client):
    for i in range(30):
        factories.ClientFactory(last_name=f"Page{i:02d}", email=f"p{i}@example.com")
    factories.ClientFactory(last_name="Other", email="other@example.com")

    first = front_desk_client.get("/clients/", {"q": "page"}).content.decode()
    second = front_desk_client.get("/clients/", {"q": "page", "page": 2}).content.decode()

    assert "30 clients match “page”" in first
    assert len(list_rows(first)) == 25
    assert "1–25 of 30" in first
    assert 'href="?q=page&amp;page=2"' in first
    assert len(list_rows(second)) == 5
    assert "Page29" in second and "Page00" not in second
    # Nonsense or out-of-range pages land on a real page instead of failing.
    assert front_desk_client.get("/clients/", {"page": "abc"}).status_code == 200
    last = front_desk_client.get("/clients/", {"page": 99}).content.decode()
    assert "26–31 of 31" in last


@pytest.mark.parametrize("rows", [3, 40])
def test_it_lists_clients_in_a_fixed_number_of_queries(front_desk_client, django_assert_max_num_queries, rows):
    portrait = factories.SessionTypeFactory(name="Portrait")
    for _ in range(rows):
        household = factories.ClientFactory()
        factories.FamilyMemberFactory(client=household)
        session_at(household, 2, session_type=portrait)
    with django_assert_max_num_queries(10):
        response = front_desk_client.get("/clients/")
    assert len(list_rows(response.content.decode())) == min(rows, 25)


def test_it_shows_an_empty_list_with_a_way_to_start(front_desk_client):
    html = front_desk_client.get("/clients/").content.decode()
    assert "No clients yet." in html
    assert 'href="/clients/new/"' in html


# ---- The client record ------------------------------------------------------------


def test_it_shows_the_general_tab_with_contact_address_and_notes(front_desk_client):
    household = factories.ClientFactory(
        last_name="Okafor", first_name="Adaeze", email="ada@example.com", phone="(555) 012-3456",
        address="12 Elm Street", city="Springfield", state="IL", postal_code="62701",
        notes="Prefers mornings.\nAllergic to lilies.",
    )

    response = front_desk_client.get(f"/clients/{household.pk}/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Okafor, Adaeze" in html
    assert 'href="mailto:ada@example.com"' in html
    assert 'href="tel:5550123456"' in html
    assert "12 Elm Street<br>Springfield, IL 62701" in html
    assert "Prefers mornings.<br>Allergic to lilies." in html
    assert 'id="tab-general" data-bs-toggle="tab"' in html
    assert re.search(r'class="tab-pane fade show active" id="pane-general"', html)


def test_it_opens_the_tab_named_in_the_url(front_desk_client):
    household = factories.ClientFactory()
    html = front_desk_client.get(f"/clients/{household.pk}/", {"tab": "sessions"}).content.decode()
    assert 'class="tab-pane fade show active" id="pane-sessions"' in html
    assert 'class="tab-pane fade" id="pane-general"' in html
    html = front_desk_client.get(f"/clients/{household.pk}/", {"tab": "bogus"}).content.decode()
    assert 'class="tab-pane fade show active" id="pane-general"' in html


def test_it_shows_family_members_with_age_and_sessions_taken_part_in(front_desk_client):
    household = factories.ClientFactory(last_name="Nakamura")
    today = timezone.localdate()
    kenji = factories.FamilyMemberFactory(
        client=household, first_name="Kenji", relationship="child",
        birth_date=date(today.year - 7, 1, 1),
    )
    factories.FamilyMemberFactory(client=household, first_name="Yui", last_name="Sato",
                                  relationship="spouse", birth_date=None)
    for offset in (-20, -10):
        session = session_at(household, offset)
        SessionParticipant.objects.create(session=session, family_member=kenji)

    html = front_desk_client.get(f"/clients/{household.pk}/").content.decode()

    family = html.split('id="pane-family"', 1)[1].split('id="pane-sessions"', 1)[0]
    rows = list_rows(family)
    assert len(rows) == 2
    assert "Kenji Nakamura" in rows[0] and "Child" in rows[0]
    assert f"<td>{age_label(kenji.birth_date, today)}</td>" in rows[0]
    assert '<td class="text-end">2</td>' in rows[0]
    assert "Yui Sato" in rows[1] and "Spouse / partner" in rows[1]
    assert '<td class="text-end">0</td>' in rows[1]
    assert "Family <span" in html and ">2</span>" in html


def test_it_lists_sessions_newest_first_with_status_badges(front_desk_client):
    household = factories.ClientFactory()
    sessions_type = factories.SessionTypeFactory(name="Newborn", color="#ff8800")
    old = session_at(household, -60, description="Old portrait", session_type=sessions_type)
    held = session_at(household, 10, description="Held back", on_hold=True)
    cancelled = session_at(household, 20, description="Called off", cancelled=True)
    no_show = session_at(household, -5, description="Missed it", no_show=True)
    redo = session_at(household, 2, description="Second try", redo=True, redo_of=no_show)
    photographer = factories.photographer(username="lens")
    photographer.staff_profile.display_name = "Lena Lens"
    photographer.staff_profile.save()
    old.photographer = photographer
    old.save()

    html = front_desk_client.get(f"/clients/{household.pk}/?tab=sessions").content.decode()

    pane = html.split('id="pane-sessions"', 1)[1]
    rows = list_rows(pane)
    order = [re.search(r"#(\d+)</a>", row).group(1) for row in rows]
    assert order == [str(s.number) for s in (cancelled, held, redo, no_show, old)]
    assert '<span class="badge text-bg-danger">Cancelled</span>' in rows[0]
    assert "session-cancelled" in rows[0]
    assert '<span class="badge text-bg-warning">On Hold</span>' in rows[1]
    assert "Redo</span>" in rows[2]
    assert "No Show</span>" in rows[3]
    assert "Cancelled</span>" not in rows[4] and "On Hold</span>" not in rows[4]
    assert f'data-href="/sessions/{old.pk}/"' in rows[4]
    assert f'href="/sessions/{old.pk}/">#{old.number}</a>' in rows[4]
    assert 'style="--swatch: #ff8800"' in rows[4] and "Newborn" in rows[4]
    assert "Lena Lens" in rows[4]
    assert "Old portrait" in rows[4]
    assert timezone.localtime(old.starts_at).strftime("%b %-d, %Y") in rows[4]
    assert "10:00 AM – 11:00 AM" in rows[4]


@pytest.mark.parametrize("rows", [3, 40])
def test_it_shows_the_record_in_a_fixed_number_of_queries(front_desk_client, django_assert_max_num_queries, rows):
    household = factories.ClientFactory()
    members = factories.FamilyMemberFactory.create_batch(3, client=household)
    photographer = factories.photographer(username="snap")
    for i in range(rows):
        session = session_at(household, i - 20, photographer=photographer,
                             session_type=factories.SessionTypeFactory(name=f"Type {i % 5}"))
        SessionParticipant.objects.create(session=session, family_member=members[i % 3])
    with django_assert_max_num_queries(12):
        response = front_desk_client.get(f"/clients/{household.pk}/")
    assert len(list_rows(response.content.decode().split('id="pane-sessions"', 1)[1])) == rows


def test_it_answers_404_for_a_client_that_does_not_exist(front_desk_client):
    assert front_desk_client.get("/clients/999999/").status_code == 404
    assert front_desk_client.get("/clients/999999/edit/").status_code == 404


# ---- Create -----------------------------------------------------------------------


def test_it_creates_a_client_with_two_family_members(front_desk_client):
    data = form_data(members=[
        {"first_name": "Chidi", "relationship": "child", "birth_date": "2018-04-02"},
        {"first_name": "Emeka", "last_name": "Obi", "relationship": "spouse"},
    ])

    response = front_desk_client.post("/clients/new/", data)

    household = Client.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/clients/{household.pk}/"
    assert messages_of(response) == ["Client Okafor, Adaeze was created."]
    assert household.email == "ada@example.com"
    assert household.phone_digits == "5550123456"
    assert household.notes == "Prefers mornings."
    members = list(household.family_members.order_by("first_name"))
    assert [(m.first_name, m.last_name, m.relationship, m.birth_date) for m in members] == [
        ("Chidi", "", "child", date(2018, 4, 2)),
        ("Emeka", "Obi", "spouse", None),
    ]


def test_it_normalises_what_was_typed(front_desk_client):
    data = form_data({"last_name": "  van   der Berg ", "email": " Ada@Example.COM ", "postal_code": "k1a 0b1"},
                     members=[{"first_name": "  Mia  "}, {}])

    front_desk_client.post("/clients/new/", data)

    household = Client.objects.get()
    assert household.last_name == "van der Berg"
    assert household.email == "ada@example.com"
    assert household.postal_code == "K1A 0B1"
    # The blank row someone added and left empty is ignored.
    assert list(household.family_members.values_list("first_name", flat=True)) == ["Mia"]


def test_it_keeps_what_was_typed_when_the_form_has_errors(front_desk_client):
    data = form_data({"last_name": "", "email": "not-an-email", "city": "Shelbyville"},
                     members=[{"first_name": "Chidi", "relationship": "child"},
                              {"first_name": "", "relationship": "spouse", "birth_date": "2031-01-01"}])

    response = front_desk_client.post("/clients/new/", data)

    assert response.status_code == 200
    assert Client.objects.count() == 0
    form = response.context["form"]
    assert form.errors["last_name"] == ["This field is required."]
    assert form.errors["email"] == ["Enter a valid email address."]
    rows = response.context["formset"].forms
    assert rows[1].errors["first_name"] == ["This field is required."]
    html = response.content.decode()
    assert "Nothing was saved. Please correct the problems marked below." in html
    assert 'value="Shelbyville"' in html
    assert 'value="not-an-email"' in html
    assert 'value="Chidi"' in html
    assert 'name="family-1-birth_date" value="2031-01-01"' in html
    assert "Birth date cannot be in the future." in html
    assert 'id="id_family-TOTAL_FORMS" value="2"' in html or 'value="2" id="id_family-TOTAL_FORMS"' in html


def test_it_refuses_a_phone_without_digits(front_desk_client):
    response = front_desk_client.post("/clients/new/", form_data({"phone": "call me"}))
    assert response.status_code == 200
    assert response.context["form"].errors["phone"] == ["Enter a phone number with at least 3 digits."]
    assert Client.objects.count() == 0


# ---- Edit -------------------------------------------------------------------------


def test_it_edits_a_client_removing_one_member_and_adding_another(front_desk_client):
    household = factories.ClientFactory(last_name="Okafor", first_name="Adaeze")
    chidi = factories.FamilyMemberFactory(client=household, first_name="Chidi", birth_date=date(2015, 1, 1))
    ngozi = factories.FamilyMemberFactory(client=household, first_name="Ngozi", birth_date=date(2017, 1, 1))
    data = edit_data(household, {"city": "Decatur"}, members=[{"first_name": "Ife", "relationship": "child"}])
    data["family-1-DELETE"] = "on"       # Ngozi
    data["family-0-birth_date"] = "2015-02-03"  # Chidi's date fixed

    response = front_desk_client.post(f"/clients/{household.pk}/edit/", data)

    assert response.status_code == 302
    assert response["Location"] == f"/clients/{household.pk}/"
    assert messages_of(response) == ["Changes to Okafor, Adaeze were saved."]
    household.refresh_from_db()
    assert household.city == "Decatur"
    assert sorted(household.family_members.values_list("first_name", flat=True)) == ["Chidi", "Ife"]
    assert not FamilyMember.objects.filter(pk=ngozi.pk).exists()
    chidi.refresh_from_db()
    assert chidi.birth_date == date(2015, 2, 3)


def test_it_stays_on_the_edit_page_with_save(front_desk_client):
    household = factories.ClientFactory()
    response = front_desk_client.post(f"/clients/{household.pk}/edit/",
                                      {**edit_data(household, {"notes": "VIP"}), "_stay": "1"})
    assert response["Location"] == f"/clients/{household.pk}/edit/"
    household.refresh_from_db()
    assert household.notes == "VIP"


def test_it_refuses_to_remove_a_family_member_who_took_part_in_a_session(front_desk_client):
    household = factories.ClientFactory(last_name="Okafor", first_name="Adaeze", city="Peoria")
    chidi = factories.FamilyMemberFactory(client=household, first_name="Chidi")
    session = session_at(household, -3, description="Spring portraits")
    SessionParticipant.objects.create(session=session, family_member=chidi)
    data = edit_data(household, {"city": "Decatur"})
    data["family-0-DELETE"] = "on"

    response = front_desk_client.post(f"/clients/{household.pk}/edit/", data)

    assert response.status_code == 200
    when = timezone.localtime(session.starts_at).strftime("%b %-d, %Y")
    expected = (
        f"Chidi Okafor cannot be removed: they took part in session #{session.number} "
        f"(Spring portraits, {when}). Take them off the participants of the session first."
    )
    assert response.context["formset"].forms[0].non_field_errors() == [expected]
    assert expected in response.content.decode()
    assert FamilyMember.objects.filter(pk=chidi.pk).exists()
    assert SessionParticipant.objects.filter(family_member=chidi).exists()
    household.refresh_from_db()
    assert household.city == "Peoria"  # nothing was saved


def test_it_refuses_an_edit_made_from_a_stale_page_then_saves_when_asked_again(front_desk_client):
    household = factories.ClientFactory(last_name="Okafor", notes="")
    data = edit_data(household, {"notes": "Mine"})
    Client.objects.filter(pk=household.pk).update(notes="Theirs", updated_at=timezone.now())

    response = front_desk_client.post(f"/clients/{household.pk}/edit/", data)

    assert response.status_code == 200
    errors = response.context["form"].non_field_errors()
    assert len(errors) == 1 and errors[0].startswith("Someone else saved Okafor")
    assert "Nothing was saved." in errors[0]
    household.refresh_from_db()
    assert household.notes == "Theirs"
    html = response.content.decode()
    assert re.search(r'<textarea name="notes"[^>]*>\s*Mine</textarea>', html)
    new_version = re.search(r'name="version" value="([^"]+)"', html).group(1)
    assert new_version == household.updated_at.isoformat()

    response = front_desk_client.post(f"/clients/{household.pk}/edit/", {**data, "version": new_version})

    assert response.status_code == 302
    household.refresh_from_db()
    assert household.notes == "Mine"


def test_it_shows_the_edit_page_with_the_household_members(front_desk_client):
    household = factories.ClientFactory(last_name="Okafor")
    factories.FamilyMemberFactory(client=household, first_name="Chidi")

    html = front_desk_client.get(f"/clients/{household.pk}/edit/").content.decode()

    assert 'name="family-0-first_name" value="Chidi"' in html
    assert 'placeholder="Okafor"' in html
    assert 'id="add-family-member"' in html
    assert '<template id="family-empty-form">' in html and "family-__prefix__-first_name" in html
    assert f'name="version" value="{household.updated_at.isoformat()}"' in html


# ---- Roles ------------------------------------------------------------------------


@pytest.fixture
def household(db):
    return factories.ClientFactory(last_name="Okafor", first_name="Adaeze")


URLS = ["/clients/", "/clients/{pk}/", "/clients/new/", "/clients/{pk}/edit/"]


@pytest.mark.parametrize("url", URLS)
def test_it_sends_anonymous_visitors_to_the_login_page(client, household, url):
    path = url.format(pk=household.pk)
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
    response = client.post(path, form_data())
    assert response.status_code == 302
    assert Client.objects.count() == 1


@pytest.mark.parametrize("url,status", [
    ("/clients/", 200), ("/clients/{pk}/", 200), ("/clients/new/", 403), ("/clients/{pk}/edit/", 403),
])
def test_it_lets_photographers_look_but_not_change(photographer_client, household, url, status):
    path = url.format(pk=household.pk)
    assert photographer_client.get(path).status_code == status
    if status == 403:
        assert photographer_client.post(path, form_data({"last_name": "Changed"})).status_code == 403
        assert not Client.objects.filter(last_name="Changed").exists()


@pytest.mark.parametrize("persona", ["front_desk_client", "manager_client"])
@pytest.mark.parametrize("url", URLS)
def test_it_lets_front_desk_and_managers_open_every_page(request, persona, household, url):
    client = request.getfixturevalue(persona)
    assert client.get(url.format(pk=household.pk)).status_code == 200


@pytest.mark.parametrize("persona", ["front_desk_client", "manager_client"])
def test_it_lets_front_desk_and_managers_create_and_edit(request, persona, household):
    client = request.getfixturevalue(persona)
    assert client.post("/clients/new/", form_data({"last_name": "Fresh"})).status_code == 302
    assert client.post(f"/clients/{household.pk}/edit/", edit_data(household, {"city": "Joliet"})).status_code == 302
    household.refresh_from_db()
    assert household.city == "Joliet"
    assert Client.objects.filter(last_name="Fresh").exists()


def test_it_shows_photographers_no_edit_or_new_buttons(photographer_client, household):
    listing = photographer_client.get("/clients/").content.decode()
    record = photographer_client.get(f"/clients/{household.pk}/").content.decode()
    assert "New Client" not in listing
    assert f"/clients/{household.pk}/edit/" not in record
    assert f"/clients/{household.pk}/sessions/new/" not in record
    assert 'class="ribbon"' not in record


def test_it_shows_front_desk_the_ribbon_with_session_and_edit(front_desk_client, household):
    listing = front_desk_client.get("/clients/").content.decode()
    record = front_desk_client.get(f"/clients/{household.pk}/").content.decode()
    assert 'href="/clients/new/"' in listing and "New Client" in listing
    assert re.search(rf'<a class="ribbon-btn" href="/clients/{household.pk}/sessions/new/"[^>]*>.*?Session</span>', record)
    assert re.search(rf'<a class="ribbon-btn" href="/clients/{household.pk}/edit/"[^>]*>.*?Edit</span>', record)
    assert '<div class="ribbon-caption" id="rg-new">New</div>' in record
    assert '<div class="ribbon-caption" id="rg-client">Client</div>' in record


@pytest.mark.parametrize("url", URLS)
def test_it_refuses_a_signed_in_user_without_a_role(client, household, url):
    client.force_login(factories.UserFactory(username="nobody"))
    path = url.format(pk=household.pk)
    assert client.get(path).status_code == 403
    assert client.post(path, form_data({"last_name": "Changed"})).status_code in (403, 405)
    assert not Client.objects.filter(last_name="Changed").exists()


def test_it_refuses_other_methods(front_desk_client, household):
    assert front_desk_client.post("/clients/").status_code == 405
    assert front_desk_client.post(f"/clients/{household.pk}/").status_code == 405


# ---- Small pieces -----------------------------------------------------------------


@pytest.mark.parametrize("born,today,label", [
    (date(2019, 6, 15), date(2026, 6, 14), "6"),
    (date(2019, 6, 15), date(2026, 6, 15), "7"),
    (date(2025, 1, 31), date(2026, 3, 1), "13 months"),
    (date(2026, 2, 1), date(2026, 3, 1), "1 month"),
    (date(2026, 2, 10), date(2026, 3, 1), "2 weeks"),
    (date(2026, 2, 27), date(2026, 3, 1), "2 days"),
    (None, date(2026, 3, 1), ""),
])
def test_it_labels_ages(born, today, label):
    assert age_label(born, today) == label


# ---- Services ---------------------------------------------------------------------


def test_it_names_three_sessions_and_counts_the_rest_when_refusing_a_removal():
    household = factories.ClientFactory(last_name="Okafor")
    chidi = factories.FamilyMemberFactory(client=household, first_name="Chidi")
    sessions = [session_at(household, -10 * i, description=f"Visit {i}") for i in range(1, 6)]
    for session in sessions:
        SessionParticipant.objects.create(session=session, family_member=chidi)

    with pytest.raises(services.FamilyMemberInUseError) as caught:
        services.client_update(client=household, fields={}, remove=[chidi.pk])

    message = caught.value.problems[chidi.pk]
    assert message.startswith("Chidi Okafor cannot be removed: they took part in sessions ")
    assert [f"#{s.number}" in message for s in sessions] == [True, True, True, False, False]
    assert "and 2 more." in message
    assert FamilyMember.objects.filter(pk=chidi.pk).exists()


def test_it_refuses_fields_a_client_does_not_have():
    household = factories.ClientFactory()
    with pytest.raises(TypeError, match="Not editable on a client: phone_digits"):
        services.client_update(client=household, fields={"phone_digits": "1"})
    with pytest.raises(TypeError):
        services.client_create(fields={"last_name": "X", "created_at": timezone.now()})


def test_it_validates_in_the_service_as_well_as_in_the_form():
    with pytest.raises(ValidationError) as caught:
        services.client_create(fields={"last_name": "", "email": "nope"})
    assert set(caught.value.message_dict) == {"last_name", "email"}
    assert Client.objects.count() == 0
    with pytest.raises(ValidationError) as caught:
        services.client_create(fields={"last_name": "Ok"}, family=[services.FamilyMemberData(first_name="")])
    assert caught.value.messages == ["A family member: This field cannot be blank."]
    assert Client.objects.count() == 0  # all or nothing


@pytest.mark.django_db(transaction=True)
def test_it_refuses_a_removal_racing_a_booking_that_adds_the_member():
    """A participant added in a transaction still open when the removal starts is seen, not cascaded away."""
    import threading

    from django.db import connection, transaction

    household = factories.ClientFactory(last_name="Okafor")
    chidi = factories.FamilyMemberFactory(client=household, first_name="Chidi")
    inserted = threading.Event()
    errors: list[BaseException] = []
    booked = []

    def book():
        try:
            with transaction.atomic():
                # A new session for this very client, with Chidi taking part.
                session = session_at(household, 3)
                booked.append(session)
                SessionParticipant.objects.create(session=session, family_member=chidi)
                inserted.set()
                threading.Event().wait(0.5)  # still uncommitted while the removal starts
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)
            inserted.set()
        finally:
            connection.close()

    booking = threading.Thread(target=book)
    booking.start()
    assert inserted.wait(10)
    with pytest.raises(services.FamilyMemberInUseError):
        services.client_update(client=household, fields={}, remove=[chidi.pk])
    booking.join(10)

    assert errors == []
    assert SessionParticipant.objects.filter(session=booked[0], family_member=chidi).exists()
