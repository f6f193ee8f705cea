"""The base layout: login page, navbar, user menu, messages, shared includes, vendored assets."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.staticfiles import finders
from django.core.paginator import Paginator
from django.forms import Form
from django.template.loader import render_to_string
from django.test import RequestFactory

STATIC_DIR = Path(settings.BASE_DIR) / "static"
TEMPLATES_DIR = Path(settings.BASE_DIR) / "templates"
PASSWORD = "a-long-test-password-91"

LINK_OR_SCRIPT_URL = re.compile(
    r"<(?:link|script)\b[^>]*?\b(?:href|src)\s*=\s*[\"']([^\"']+)[\"']", re.IGNORECASE
)


def asset_urls(html: str) -> list[str]:
    return LINK_OR_SCRIPT_URL.findall(html)


@pytest.fixture
def staff_user(django_user_model):
    return django_user_model.objects.create_user(
        username="frontdesk", password=PASSWORD, first_name="Fran", is_staff=False
    )


@pytest.fixture
def logged_in(client, staff_user):
    assert client.login(username="frontdesk", password=PASSWORD)
    return client


# ---- Login -------------------------------------------------------------------


@pytest.mark.django_db
def test_login_page_renders_form_without_external_assets(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<form method="post" action="/accounts/login/"' in html
    assert 'name="username"' in html
    assert 'name="password"' in html
    assert 'type="password"' in html
    assert "csrfmiddlewaretoken" in html
    assert "Studio sessions" in html
    urls = asset_urls(html)
    assert any(u.endswith("bootstrap.min.css") for u in urls)
    assert any(u.endswith("bootstrap.bundle.min.js") for u in urls)
    external = [u for u in urls if u.lower().startswith(("http:", "https:", "//"))]
    assert external == []
    # No CDN anywhere else either (inline styles, icons, fonts).
    assert not re.search(r"(?:src|href)=[\"'](?:https?:)?//", html)
    # Anonymous visitors get no navigation or user menu.
    assert 'href="/clients/"' not in html
    assert "Log out" not in html


@pytest.mark.django_db
def test_bad_login_shows_error_and_keeps_username_and_next(client, staff_user):
    response = client.post(
        "/accounts/login/",
        {"username": "frontdesk", "password": "wrong", "next": "/sessions/"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Please enter a correct username and password." in html
    assert "alert-danger" in html
    assert 'value="frontdesk"' in html
    assert 'name="next" value="/sessions/"' in html


@pytest.mark.django_db
def test_login_keeps_next_and_redirects_there(client, staff_user):
    response = client.get("/accounts/login/?next=/sessions/")
    assert 'name="next" value="/sessions/"' in response.content.decode()
    response = client.post(
        "/accounts/login/",
        {"username": "frontdesk", "password": PASSWORD, "next": "/sessions/"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/sessions/"


@pytest.mark.django_db
def test_anonymous_home_redirects_to_login_with_next(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/"


# ---- The logged-in layout -------------------------------------------------------


@pytest.mark.django_db
def test_home_renders_navbar_user_menu_and_logout_form(logged_in):
    response = logged_in.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    for href in ('href="/"', 'href="/clients/"', 'href="/sessions/"', 'href="/calendar/"'):
        assert href in html
    assert 'href="/preferences/"' in html
    assert "User Preferences" in html
    # The home item is the active one.
    assert re.search(r'class="nav-link active" aria-current="page" href="/"', html)
    assert not re.search(r'active"[^>]*href="/clients/"', html)
    # Log out is a POST form with the CSRF token (Django 5 refuses GET).
    logout = re.search(
        r'<form method="post" action="/accounts/logout/"[^>]*>(.*?)</form>', html, re.S
    )
    assert logout, "logout form missing"
    assert "csrfmiddlewaretoken" in logout.group(1)
    assert "Log out" in logout.group(1)
    # Display name in the user menu; no Admin for non-staff.
    assert "Fran" in html
    assert 'href="/admin/"' not in html
    # The reminders container exists and is empty.
    assert re.search(r'<div id="reminders"[^>]*></div>', html)
    assert 'id="main-nav"' in html and "navbar-toggler" in html
    assert [u for u in asset_urls(html) if u.lower().startswith(("http:", "https:", "//"))] == []


@pytest.mark.django_db
def test_staff_see_admin_link_and_admin_is_branded(client, django_user_model):
    django_user_model.objects.create_user(
        username="manager", password=PASSWORD, is_staff=True, is_superuser=True
    )
    assert client.login(username="manager", password=PASSWORD)
    html = client.get("/").content.decode()
    assert html.count('href="/admin/"') >= 1
    admin_html = client.get("/admin/").content.decode()
    assert "Studio sessions administration" in admin_html
    assert "Django administration" not in admin_html


@pytest.mark.django_db
def test_logout_post_logs_out(logged_in):
    response = logged_in.post("/accounts/logout/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    assert logged_in.get("/").status_code == 302


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path, href",
    [("/clients/4/", "/clients/"), ("/sessions/", "/sessions/"), ("/calendar/me/", "/calendar/")],
)
def test_active_nav_item_follows_path(staff_user, path, href):
    request = RequestFactory().get(path)
    request.user = staff_user
    html = render_to_string("base.html", {}, request=request)
    active = re.findall(r'class="nav-link active" aria-current="page" href="([^"]+)"', html)
    assert active == [href]


def test_anonymous_base_has_brand_only():
    request = RequestFactory().get("/accounts/login/")
    request.user = AnonymousUser()
    html = render_to_string("base.html", {"studio_name": "Lakeside Portraits"}, request=request)
    assert "Lakeside Portraits" in html
    assert "navbar-toggler" not in html


# ---- Static files ------------------------------------------------------------------


def test_static_files_referenced_by_templates_exist():
    names = set()
    for template in ("base.html", "registration/login.html", "admin/base_site.html"):
        text = (TEMPLATES_DIR / template).read_text()
        names |= set(re.findall(r"{%\s*static\s+['\"]([^'\"]+)['\"]\s*%}", text))
    assert "vendor/bootstrap/css/bootstrap.min.css" in names
    assert "vendor/bootstrap/js/bootstrap.bundle.min.js" in names
    assert "vendor/bootstrap-icons/bootstrap-icons.min.css" in names
    assert "css/studio.css" in names
    assert "js/studio.js" in names
    for name in names:
        if name.startswith("admin/"):
            continue  # Django's own admin assets
        assert (STATIC_DIR / name).is_file(), name
        assert finders.find(name), name


def test_vendored_assets_are_complete_and_offline():
    icons_css = (STATIC_DIR / "vendor/bootstrap-icons/bootstrap-icons.min.css").read_text()
    fonts = re.findall(r"url\(\"?([^\")?]+)", icons_css)
    assert {"fonts/bootstrap-icons.woff2", "fonts/bootstrap-icons.woff"} <= set(fonts)
    for font in fonts:
        assert (STATIC_DIR / "vendor/bootstrap-icons" / font).is_file(), font
    # Source maps named by the minified files exist (collectstatic's manifest needs them).
    for name in ("bootstrap/css/bootstrap.min.css", "bootstrap/js/bootstrap.bundle.min.js"):
        text = (STATIC_DIR / "vendor" / name).read_text()
        mapped = re.search(r"sourceMappingURL=(\S+?)(?:\s|\*/|$)", text)
        if mapped:
            assert (STATIC_DIR / "vendor" / name).with_name(mapped.group(1)).is_file()
    assert "5.3." in (STATIC_DIR / "vendor/bootstrap/css/bootstrap.min.css").read_text()[:200]
    readme = (STATIC_DIR / "vendor/README.md").read_text()
    assert "bootstrap" in readme and "bootstrap-icons" in readme
    assert (STATIC_DIR / "vendor/bootstrap/LICENSE").is_file()
    assert (STATIC_DIR / "vendor/bootstrap-icons/LICENSE").is_file()
    # Nothing of ours loads from the network.
    for own in ("css/studio.css", "js/studio.js"):
        assert not re.search(r"https?://", (STATIC_DIR / own).read_text()), own


# ---- Includes ------------------------------------------------------------------------


def test_messages_include_renders_dismissible_alerts():
    class Msg:
        def __init__(self, text, level_tag, extra_tags=""):
            self.text, self.level_tag, self.extra_tags = text, level_tag, extra_tags

        def __str__(self):
            return self.text

    messages = [Msg("Saved.", "success"), Msg("No such number.", "danger"), Msg("x", "debug")]
    html = render_to_string("includes/messages.html", {"messages": messages})
    assert "alert alert-success alert-dismissible" in html
    assert "alert alert-danger alert-dismissible" in html
    assert "alert alert-secondary alert-dismissible" in html
    assert html.count('data-bs-dismiss="alert"') == 3
    assert render_to_string("includes/messages.html", {"messages": []}).strip() == ""


def test_messages_added_by_views_show_in_layout(staff_user):
    request = RequestFactory().get("/")
    request.user = staff_user
    request.session = {}
    request._messages = FallbackStorage(request)
    messages.success(request, "Session 1042 saved.")
    messages.error(request, "Session number 1042 is already used.")
    html = render_to_string("base.html", {}, request=request)
    assert re.search(r"alert alert-success alert-dismissible[^>]*>\s*Session 1042 saved.", html)
    assert re.search(r"alert alert-danger alert-dismissible[^>]*>\s*Session number 1042", html)


def test_form_errors_include_shows_non_field_errors():
    class TheForm(Form):
        def clean(self):
            from django.core.exceptions import ValidationError

            raise ValidationError("Session number 1042 is already used by session 1042.")

    form = TheForm(data={})
    assert not form.is_valid()
    html = render_to_string("includes/form_errors.html", {"form": form})
    assert "alert-danger" in html
    assert "Session number 1042 is already used" in html
    assert render_to_string("includes/form_errors.html", {"form": Form()}).strip() == ""


def test_pagination_keeps_other_parameters():
    page = Paginator(list(range(100)), 10).page(5)
    html = render_to_string(
        "includes/pagination.html",
        {"page_obj": page, "querystring_without_page": "q=smith&type=2"},
    )
    assert 'href="?q=smith&amp;type=2&amp;page=4"' in html
    assert 'href="?q=smith&amp;type=2&amp;page=6"' in html
    assert 'href="?q=smith&amp;type=2&amp;page=1"' in html
    assert 'href="?q=smith&amp;type=2&amp;page=10"' in html
    assert '<span class="page-link">5</span>' in html
    assert "…" in html
    assert "41–50 of 100" in html


def test_pagination_without_querystring_uses_request_get():
    request = RequestFactory().get("/sessions/", {"q": "smith", "page": "2"})
    request.user = AnonymousUser()
    page = Paginator(list(range(30)), 10).page(2)
    html = render_to_string("includes/pagination.html", {"page_obj": page}, request=request)
    assert 'href="?q=smith&amp;page=3"' in html
    assert 'href="?q=smith&amp;page=1"' in html


def test_pagination_empty_querystring_and_single_page():
    page = Paginator(list(range(30)), 10).page(1)
    html = render_to_string(
        "includes/pagination.html", {"page_obj": page, "querystring_without_page": ""}
    )
    assert 'href="?page=2"' in html
    single = Paginator([1, 2], 10).page(1)
    assert render_to_string("includes/pagination.html", {"page_obj": single}).strip() == ""


def test_ribbon_buttons_render():
    html = render_to_string(
        "includes/ribbon_button.html",
        {"label": "Save", "icon": "floppy", "form": "session-form", "name": "_close", "value": "1"},
    )
    assert html.startswith('<button class="ribbon-btn" type="submit" form="session-form"')
    assert 'name="_close" value="1"' in html and "bi-floppy" in html
    link = render_to_string(
        "includes/ribbon_button.html", {"label": "View Client", "href": "/clients/3/"}
    )
    assert link.startswith('<a class="ribbon-btn" href="/clients/3/"')
    request = RequestFactory().get("/sessions/3/")
    post = render_to_string(
        "includes/ribbon_post_button.html",
        {
            "action": "/sessions/3/cancel/",
            "label": "Cancel",
            "confirm": "Cancel it?",
            "variant": "danger",
        },
        request=request,
    )
    assert 'action="/sessions/3/cancel/"' in post
    assert 'data-confirm="Cancel it?"' in post
    assert "csrfmiddlewaretoken" in post
    assert "ribbon-btn-danger" in post
