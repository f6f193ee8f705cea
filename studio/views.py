from __future__ import annotations

from django.contrib import messages
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from sessions import selectors as session_selectors
from studio.forms import PreferencesForm
from studio.models import UserPreferences

PAST_DUE_SHOWN = 20
ICAL_TEMPLATE = "studio/_preferences_ical.html"


def healthz(request: HttpRequest) -> HttpResponse:
    """Load balancer probe: 200 when the database answers."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # any database failure means "not healthy"
        return JsonResponse({"status": "database unavailable"}, status=503)
    return JsonResponse({"status": "ok"})


def _url(name: str, fallback: str) -> str:
    try:
        return reverse(name)
    except NoReverseMatch:
        return fallback


def home(request: HttpRequest) -> HttpResponse:
    """Today: my sessions, the studio's day, statuses past due, quick links."""
    user = request.user
    today = timezone.localdate()
    context: dict = {
        "today": today,
        "can_view_sessions": user.has_perm("photo_sessions.view_session"),
        "can_add_client": user.has_perm("clients.add_client"),
        "new_client_url": _url("clients:create", "/clients/new/"),
        "clients_url": _url("clients:list", "/clients/"),
        "hub_url": _url("photo_sessions:list", "/sessions/"),
        "calendar_url": _url("scheduling:calendar", "/calendar/"),
        "wizard_url": _url("scheduling:wizard", "/schedule/new/"),
        "can_book": user.has_perm("photo_sessions.add_session"),
    }
    if context["can_view_sessions"]:
        context["my_events"] = session_selectors.my_events_on(today, user)
        if user.has_perm("photo_sessions.change_session"):
            context["studio_sessions"] = session_selectors.sessions_on(today)
        past_due, past_due_count = session_selectors.past_due_sessions(limit=PAST_DUE_SHOWN)
        context["past_due"] = past_due
        context["past_due_count"] = past_due_count
        context["past_due_url"] = context["hub_url"] + "?past_due=on"
    return render(request, "studio/home.html", context)


def _ical_template() -> str | None:
    """The iCal section another page adds to Preferences, when it exists."""
    try:
        get_template(ICAL_TEMPLATE)
    except TemplateDoesNotExist:
        return None
    return ICAL_TEMPLATE


@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    instance = UserPreferences.objects.filter(user=request.user).first() or UserPreferences(user=request.user)
    if request.method == "POST":
        form = PreferencesForm(request.POST, instance=instance)
        if form.is_valid():
            form.save()
            messages.success(request, "Your preferences are saved.")
            return redirect("studio:preferences")
    else:
        form = PreferencesForm(instance=instance)
    return render(request, "studio/preferences.html", {"form": form, "ical_template": _ical_template()})
