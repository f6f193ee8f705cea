"""Double-booking checks: who or what would be in two places at once.

A photographer, an assistant, or a resource shown on the calendar may not be
in two overlapping on-calendar events unless the studio's policy allows it
(StudioSettings.conflict_policy). Checks run under PostgreSQL advisory locks,
one per person and per resource, taken in a fixed order inside the booking
transaction: two requests booking the same person or room serialise, and the
second one sees the first one's committed event.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Q

from scheduling.models import Resource
from sessions.models import CalendarEvent
from studio.models import ConflictPolicy, StudioSettings, user_display_name
from studio.timeutils import to_local

LOCK_USER = 7301
LOCK_RESOURCE = 7302


@dataclass(frozen=True)
class Slot:
    """Who and what one event would occupy, and when."""

    starts_at: datetime
    ends_at: datetime
    photographer_id: int | None = None
    assistant_id: int | None = None
    resource_id: int | None = None
    event_id: int | None = None

    @property
    def people(self) -> set[int]:
        return {pk for pk in (self.photographer_id, self.assistant_id) if pk}


@dataclass(frozen=True)
class Clash:
    who: str
    event: CalendarEvent

    @property
    def session(self):
        return self.event.session

    def __str__(self) -> str:
        start, end = to_local(self.event.starts_at), to_local(self.event.ends_at)
        session = self.event.session
        return (
            f"{self.who} is already booked for session #{session.number} "
            f"({session.client}, {session.description or session.session_type}) "
            f"on {start:%a %b %d, %Y} from {start:%I:%M %p} to {end:%I:%M %p}."
        )


class ConflictError(ValidationError):
    """Raised when a booking clashes and the policy does not let it through."""

    def __init__(self, clashes: list[Clash], *, can_override: bool):
        self.clashes = clashes
        self.can_override = can_override
        super().__init__([str(clash) for clash in clashes], code="conflict")


def _lock(slots: Iterable[Slot], tracked_resources: set[int]) -> None:
    keys = set()
    for slot in slots:
        keys |= {(LOCK_USER, pk) for pk in slot.people}
        if slot.resource_id in tracked_resources:
            keys.add((LOCK_RESOURCE, slot.resource_id))
    with connection.cursor() as cursor:
        for namespace, pk in sorted(keys):
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [namespace, pk])


def find_clashes(slots: list[Slot], *, exclude_session_id: int | None = None, lock: bool = True) -> list[Clash]:
    """Every existing on-calendar event that would clash with ``slots``."""
    resource_ids = {s.resource_id for s in slots if s.resource_id}
    tracked = set(
        Resource.objects.filter(id__in=resource_ids, show_on_calendar=True).values_list("id", flat=True)
    ) if resource_ids else set()
    if lock:
        _lock(slots, tracked)

    condition = Q()
    for slot in slots:
        who = Q()
        if slot.people:
            who |= Q(photographer_id__in=slot.people) | Q(assistant_id__in=slot.people)
        if slot.resource_id in tracked:
            who |= Q(resource_id=slot.resource_id)
        if who:
            condition |= who & Q(starts_at__lt=slot.ends_at, ends_at__gt=slot.starts_at)
    if not condition:
        return []
    candidates = CalendarEvent.objects.on_calendar().filter(condition).with_related()
    if exclude_session_id:
        candidates = candidates.exclude(session_id=exclude_session_id)

    clashes: list[Clash] = []
    for event in candidates.order_by("starts_at", "id"):
        for slot in slots:
            if not (event.starts_at < slot.ends_at and event.ends_at > slot.starts_at):
                continue
            for pk in sorted(slot.people):
                if pk in (event.photographer_id, event.assistant_id):
                    person = event.photographer if pk == event.photographer_id else event.assistant
                    clashes.append(Clash(who=user_display_name(person), event=event))
            if slot.resource_id in tracked and slot.resource_id == event.resource_id:
                clashes.append(Clash(who=str(event.resource), event=event))
    unique: dict[tuple[str, int], Clash] = {}
    for clash in clashes:
        unique.setdefault((clash.who, clash.event.pk), clash)
    return list(unique.values())


def check_slots(slots: list[Slot], *, exclude_session_id: int | None, allow_conflicts: bool) -> list[Clash]:
    """Apply the studio's policy; returns the clashes that were let through."""
    policy = StudioSettings.load().conflict_policy
    if policy == ConflictPolicy.ALLOW or not slots:
        return []
    clashes = find_clashes(slots, exclude_session_id=exclude_session_id)
    if clashes and (policy == ConflictPolicy.BLOCK or not allow_conflicts):
        raise ConflictError(clashes, can_override=policy == ConflictPolicy.ASK)
    return clashes
