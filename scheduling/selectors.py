"""Reads the calendar pages and the iCal feeds share.

Every calendar surface starts from ``CalendarEvent.objects.on_calendar()``
(itself built on ``Session.objects.on_calendar()``): on-hold and cancelled
sessions, hidden rows and the extra rows of sessions without advanced
calendar options never show. Each function decides its own joins and
columns, so a page runs the same number of queries for 3 events or 3,000.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.db.models.functions import TruncDate

from scheduling.models import Resource
from sessions.models import CalendarEvent
from studio.models import StaffProfile
from studio.timeutils import studio_tz

User = get_user_model()

# The columns a calendar item or a feed entry shows, and nothing else. Rows come
# back as dicts (``values()``): building model instances for thousands of events
# (event, session, client, type, status, two users and their profiles, room)
# costs more than the query itself.
EVENT_VALUES = (
    "id", "session_id", "description", "starts_at", "ends_at",
    "photographer_id", "assistant_id", "resource_id", "location",
    "session__number", "session__description", "session__confirmed", "session__updated_at",
    "session__client__last_name", "session__client__first_name",
    "session__session_type__name", "session__session_type__color",
    "session__status__name",
    "photographer__username", "photographer__first_name", "photographer__last_name",
    "photographer__staff_profile__display_name",
    "assistant__username", "assistant__first_name", "assistant__last_name",
    "assistant__staff_profile__display_name",
    "resource__name",
)


def calendar_events(
    start: datetime,
    end: datetime,
    *,
    people: Iterable[int] = (),
    resources: Iterable[int] = (),
    person_id: int | None = None,
    resource_id: int | None = None,
) -> QuerySet[dict]:
    """Visible events overlapping [start, end) as dicts of EVENT_VALUES, in one query.

    ``people`` / ``resources`` are the page's filters: an event shows when one
    of the chosen people works on it or it uses one of the chosen resources.
    ``person_id`` / ``resource_id`` scope a personal or a resource calendar.
    """
    qs = (
        CalendarEvent.objects.on_calendar()
        .overlapping(start, end)
        .order_by("starts_at", "ends_at", "session__number", "id")
    )
    qs = _scoped(qs, people=people, resources=resources, person_id=person_id, resource_id=resource_id)
    return qs.values(*EVENT_VALUES)


def _scoped(qs, *, people=(), resources=(), person_id=None, resource_id=None):
    people, resources = list(people), list(resources)
    if people or resources:
        chosen = Q(pk__in=[])
        if people:
            chosen |= Q(photographer_id__in=people) | Q(assistant_id__in=people)
        if resources:
            chosen |= Q(resource_id__in=resources)
        qs = qs.filter(chosen)
    if person_id is not None:
        qs = qs.filter(Q(photographer_id=person_id) | Q(assistant_id=person_id))
    if resource_id is not None:
        qs = qs.filter(resource_id=resource_id)
    return qs


def busy_days(
    first: date,
    last: date,
    *,
    people: Iterable[int] = (),
    resources: Iterable[int] = (),
    person_id: int | None = None,
    resource_id: int | None = None,
) -> set[date]:
    """Studio-zone dates between ``first`` and ``last`` on which a visible event starts (one query)."""
    tz = studio_tz()
    start = datetime.combine(first, datetime.min.time()).replace(tzinfo=tz)
    end = datetime.combine(last + timedelta(days=1), datetime.min.time()).replace(tzinfo=tz)
    qs = CalendarEvent.objects.on_calendar().filter(starts_at__gte=start, starts_at__lt=end)
    qs = _scoped(qs, people=people, resources=resources, person_id=person_id, resource_id=resource_id)
    return set(
        qs.annotate(day=TruncDate("starts_at", tzinfo=tz)).order_by().values_list("day", flat=True).distinct()
    )


def calendar_people() -> list[StaffProfile]:
    """Staff shown on the calendar, for the filter and the person columns."""
    return list(
        StaffProfile.objects.on_calendar()
        .select_related("user")
        .only("id", "user_id", "display_name", "color", "is_photographer", "is_assistant",
              "user__id", "user__username", "user__first_name", "user__last_name", "user__is_active")
        .order_by("display_name", "user_id")
    )


def calendar_resources() -> list[Resource]:
    return list(Resource.objects.on_calendar().only("id", "name", "kind", "sort_order").order_by("sort_order", "name"))


def calendar_person(user_id: int):
    """An active user with a staff profile, for /calendar/staff/<id>/; None when there is none."""
    return (
        User.objects.filter(pk=user_id, is_active=True, staff_profile__isnull=False)
        .select_related("staff_profile")
        .first()
    )


def calendar_resource(resource_id: int) -> Resource | None:
    return Resource.objects.on_calendar().filter(pk=resource_id).first()


def staff_profile_by_token(token: str) -> StaffProfile | None:
    return StaffProfile.objects.active().select_related("user").filter(ical_token=token).first()


def resource_by_token(token: str) -> Resource | None:
    return Resource.objects.on_calendar().filter(ical_token=token).first()
