"""Reads that the session pages and the home page share.

Each function decides its own select_related / prefetch_related, so a page
that lists rows runs a fixed number of queries however many rows there are.
"""

from __future__ import annotations

from datetime import date

from django.contrib.auth import get_user_model
from django.db.models import Count, Prefetch, Q, QuerySet

from clients.models import FamilyMember
from scheduling.models import Resource, SessionType
from sessions.models import (
    CalendarEvent,
    Session,
    SessionLogEntry,
    SessionNote,
    SessionStatus,
    SessionTask,
    StatusChange,
)
from studio.timeutils import day_bounds

User = get_user_model()


def session_for_record(pk: int) -> Session:
    """The session with everything its record header and General tab show.

    Raises Session.DoesNotExist. Counts of notes and open tasks come along
    for the tab badges.
    """
    return (
        Session.objects.with_related()
        .select_related("client", "redo_of", "price_list", "booked_by__staff_profile")
        .annotate(
            note_count=Count("notes", distinct=True),
            open_task_count=Count("tasks", filter=Q(tasks__done=False), distinct=True),
        )
        .get(pk=pk)
    )


def family_members(client_id: int) -> QuerySet[FamilyMember]:
    return FamilyMember.objects.filter(client_id=client_id).select_related("client")


def participant_ids(session: Session) -> list[int]:
    return list(session.participants.values_list("id", flat=True))


def works_on(session: Session, user) -> bool:
    """Photographer or assistant of the session or of one of its calendar rows."""
    if not user.is_authenticated:
        return False
    if user.pk in (session.photographer_id, session.assistant_id):
        return True
    return CalendarEvent.objects.filter(session=session).for_person(user).exists()


def session_notes(session: Session) -> QuerySet[SessionNote]:
    return session.notes.select_related("author__staff_profile").order_by("-created_at", "-id")


def session_tasks(session: Session) -> QuerySet[SessionTask]:
    return session.tasks.select_related(
        "assignee__staff_profile", "done_by__staff_profile", "created_by__staff_profile"
    ).order_by("done", "due_date", "id")


def status_history(session: Session) -> QuerySet[StatusChange]:
    return session.status_changes.select_related(
        "from_status", "to_status", "changed_by__staff_profile"
    ).order_by("-changed_at", "-id")


def session_log(session: Session, limit: int = 100) -> QuerySet[SessionLogEntry]:
    return session.log_entries.select_related("user__staff_profile").order_by("-at", "-id")[:limit]


def active_session_types() -> QuerySet[SessionType]:
    return SessionType.objects.active().select_related(
        "default_photographer", "default_assistant", "default_resource"
    )


def active_statuses() -> QuerySet[SessionStatus]:
    return SessionStatus.objects.active().order_by("sort_order", "id")


def active_rooms() -> QuerySet[Resource]:
    return Resource.objects.active()


def staff_users(*, photographers: bool = False, assistants: bool = False, include=()) -> QuerySet:
    """Active staff with a profile; ``include`` keeps users already chosen on a record."""
    cond = Q(staff_profile__isnull=False, is_active=True)
    role = Q()
    if photographers:
        role |= Q(staff_profile__is_photographer=True)
    if assistants:
        role |= Q(staff_profile__is_assistant=True)
    if role:
        cond &= role
    keep = [pk for pk in include if pk]
    if keep:
        cond |= Q(pk__in=keep)
    return (
        User.objects.filter(cond)
        .select_related("staff_profile")
        .order_by("staff_profile__display_name", "first_name", "last_name", "username")
    )


def calendar_people() -> QuerySet:
    return (
        User.objects.filter(is_active=True, staff_profile__show_on_calendar=True)
        .select_related("staff_profile")
        .order_by("staff_profile__display_name", "username")
    )


# ---- The home page -----------------------------------------------------------


def my_events_on(day: date, user) -> list[CalendarEvent]:
    """The user's calendar rows on ``day`` (as photographer or assistant), earliest first."""
    start, end = day_bounds(day)
    return list(
        CalendarEvent.objects.on_calendar()
        .for_person(user)
        .overlapping(start, end)
        .with_related()
        .order_by("starts_at", "id")
    )


def sessions_on(day: date) -> list[Session]:
    """Every session that starts on ``day``, with its flags, earliest first."""
    start, end = day_bounds(day)
    return list(
        Session.objects.with_related()
        .filter(starts_at__gte=start, starts_at__lt=end)
        .prefetch_related(Prefetch("participants", queryset=FamilyMember.objects.order_by("first_name")))
        .order_by("starts_at", "id")
    )


def past_due_sessions(*, limit: int = 20, user=None) -> tuple[list[Session], int]:
    """The sessions whose status is past due, oldest due first, and how many there are."""
    qs = Session.objects.past_due()
    if user is not None:
        qs = qs.involving(user)
    total = qs.count()
    rows = list(qs.with_related().order_by("status_due_date", "starts_at", "id")[:limit])
    return rows, total
