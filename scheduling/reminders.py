"""On-screen reminders: a session with Reminder ticked reminds its photographer, its
assistant and whoever booked it, from ``reminder_minutes`` before it starts until a
little after, on whatever page they have open (static/js/reminders.js polls
``reminders_due`` every minute). Each user dismisses their own.

Only sessions on the calendar remind (``Session.objects.on_calendar()``): an
on-hold or cancelled session never does.

``due_reminders(user, now=None)`` is the shared read (the home page lists it too).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import (
    DateTimeField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Value,
)
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from sessions import services
from sessions.models import ReminderDismissal, Session
from studio.timeutils import to_local

VIEW_SESSION = "photo_sessions.view_session"
# A reminder stays up this long after the session starts, then goes by itself.
SHOW_AFTER_START = timedelta(minutes=15)
# The longest reminder a session can have (the model's check constraint): bounds the index scan.
LONGEST_REMINDER = timedelta(days=14)


def reminded_sessions(user):
    """Sessions whose reminders are for ``user``: on the calendar, Reminder ticked, theirs."""
    return (
        Session.objects.on_calendar()
        .filter(reminder=True)
        .filter(Q(photographer=user) | Q(assistant=user) | Q(booked_by=user))
    )


def due_reminders(user, now: datetime | None = None):
    """The user's reminders showing at ``now`` (not dismissed), soonest first, in one query.

    Each session comes with client, type and camera room, and ``remind_at``.
    """
    if user is None or not user.is_authenticated:
        return Session.objects.none()
    now = now or timezone.now()
    lead = ExpressionWrapper(F("reminder_minutes") * Value(timedelta(minutes=1)), output_field=DurationField())
    remind_at = ExpressionWrapper(F("starts_at") - lead, output_field=DateTimeField())
    dismissed = ReminderDismissal.objects.filter(user=user, session=OuterRef("pk"))
    return (
        reminded_sessions(user)
        .filter(starts_at__gt=now - SHOW_AFTER_START, starts_at__lte=now + LONGEST_REMINDER)
        .annotate(remind_at=remind_at)
        .filter(remind_at__lte=now)
        .exclude(Exists(dismissed))
        .select_related("client", "session_type", "camera_room")
        .order_by("starts_at", "id")
    )


def starts_in_text(starts_at: datetime, now: datetime) -> str:
    minutes = round((starts_at - now).total_seconds() / 60)
    if minutes > 0:
        if minutes >= 120:
            hours = minutes // 60
            return f"starts in {hours} hours" if minutes % 60 == 0 else f"starts in {hours} h {minutes % 60} min"
        return "starts in 1 minute" if minutes == 1 else f"starts in {minutes} minutes"
    if minutes == 0:
        return "starts now"
    return "started 1 minute ago" if minutes == -1 else f"started {-minutes} minutes ago"


def reminder_json(session: Session, now: datetime) -> dict:
    local = to_local(session.starts_at)
    today = to_local(now).date()
    if local.date() == today:
        day = "Today"
    elif local.date() == today + timedelta(days=1):
        day = "Tomorrow"
    else:
        day = f"{local:%a %b} {local.day}"
    return {
        "id": session.pk,
        "number": session.number,
        "starts_at": local.isoformat(),
        "day": day,
        "time": f"{local:%I:%M %p}".lstrip("0"),
        "starts_in": starts_in_text(session.starts_at, now),
        "client": str(session.client),
        "description": session.description or str(session.session_type),
        "place": session.place,
        "url": reverse("photo_sessions:detail", args=[session.pk]),
        "dismiss_url": reverse("scheduling:reminder_dismiss", args=[session.pk]),
    }


@never_cache
@require_GET
def reminders_due(request: HttpRequest) -> JsonResponse:
    """The user's due reminders as a JSON list (polled by static/js/reminders.js)."""
    if not request.user.has_perm(VIEW_SESSION):
        return JsonResponse([], safe=False)
    now = timezone.now()
    return JsonResponse([reminder_json(s, now) for s in due_reminders(request.user, now)], safe=False)


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "") or (
        request.headers.get("X-Requested-With") == "XMLHttpRequest"
    )


@require_POST
def reminder_dismiss(request: HttpRequest, session_id: int) -> HttpResponse:
    """Dismiss one of the user's own reminders; other people still see theirs."""
    if not request.user.has_perm(VIEW_SESSION):
        raise PermissionDenied("Your account may not see sessions.")
    session = get_object_or_404(reminded_sessions(request.user), pk=session_id)
    services.reminder_dismiss(session=session, user=request.user)
    if _wants_json(request):
        return JsonResponse({"dismissed": session.pk})
    messages.success(request, f"Reminder for session #{session.number} dismissed.")
    back = request.POST.get("next") or request.headers.get("Referer")
    if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()},
                                                require_https=request.is_secure()):
        return redirect(back)
    return redirect("studio:home")
