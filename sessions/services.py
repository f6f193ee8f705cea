"""Every write to a session that has a rule.

Callers (pages, wizard, admin, shell) pass keyword arguments; each function
runs in one transaction, calls ``full_clean()`` before saving, checks
double bookings under the studio's policy, and records what it did in the
session's log. Validation problems come back as ``ValidationError`` (a
``ConflictError`` for clashes) with messages fit to show on the page.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models.expressions import DatabaseDefault
from django.utils import timezone

from clients.models import Client, FamilyMember
from scheduling.models import SessionType
from sessions.conflicts import Clash, ConflictError, Slot, check_slots
from sessions.models import (
    CalendarEvent,
    ReminderDismissal,
    Session,
    SessionLogEntry,
    SessionNote,
    SessionParticipant,
    SessionStatus,
    SessionTask,
    StatusChange,
)
from studio.models import StudioSettings, user_display_name
from studio.timeutils import NonexistentTime, as_utc, elapsed, make_local, to_local

__all__ = [
    "ConflictError",
    "Clash",
    "session_create",
    "session_update",
    "session_set_flag",
    "session_create_redo",
    "status_change",
    "status_advance",
    "sessions_advance_status",
    "participants_set",
    "note_add",
    "task_create",
    "task_set_done",
    "event_save",
    "event_delete",
    "event_copy",
    "event_make_photographer_primary",
    "log_action",
    "reminder_dismiss",
]

EDITABLE_FIELDS = {
    "client", "description", "session_type", "price_list", "starts_at", "ends_at",
    "photographer", "assistant", "camera_room", "location", "number", "status",
    "status_due_date", "file_number", "reminder", "reminder_minutes", "confirmed",
    "no_show", "redo", "redo_of", "on_hold", "cancelled", "use_advanced_calendar",
}
# A change to any of these can put somebody in two places at once.
BOOKING_FIELDS = {"starts_at", "ends_at", "photographer", "assistant", "camera_room", "on_hold", "cancelled"}
FLAGS = {"confirmed", "on_hold", "cancelled", "no_show"}
NUMBER_CONSTRAINT = "photo_sessions_session_number_key"


def log_action(session: Session, user, action: str, data: dict | None = None) -> SessionLogEntry:
    return SessionLogEntry.objects.create(session=session, user=user, action=action, data=data or {})


def _jsonable(value: Any) -> Any:
    if hasattr(value, "pk"):
        return {"id": value.pk, "text": str(value)}
    if isinstance(value, datetime):
        return to_local(value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def _check_fields(fields: dict[str, Any]) -> None:
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise TypeError(f"Not editable on a session: {', '.join(sorted(unknown))}")


def number_holder(number: int | None, *, exclude_pk: int | None = None) -> Session | None:
    if number is None or isinstance(number, DatabaseDefault):
        return None
    qs = Session.objects.select_related("client", "session_type").filter(number=number)
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return qs.first()


def _number_taken_error(number: int, holder: Session | None) -> ValidationError:
    if holder is None:
        return ValidationError({"number": f"Session number {number} is already in use."}, code="unique")
    when = to_local(holder.starts_at)
    return ValidationError(
        {
            "number": (
                f"Session number {number} is already used by session #{holder.number}: "
                f"{holder.client}, {holder.description or holder.session_type} on {when:%b %d, %Y}."
            )
        },
        code="unique",
    )


def _validate_number(session: Session) -> None:
    if isinstance(session.number, DatabaseDefault) or session.number is None:
        return
    if session.number <= 0:
        raise ValidationError({"number": "Session number must be a positive whole number."})
    holder = number_holder(session.number, exclude_pk=session.pk)
    if holder:
        raise _number_taken_error(session.number, holder)


def _save(session: Session, **kwargs) -> None:
    """Save in a savepoint so a number taken by a racing request becomes a form error."""
    try:
        with transaction.atomic():
            session.save(**kwargs)
    except IntegrityError as exc:
        if NUMBER_CONSTRAINT in str(exc) and not isinstance(session.number, DatabaseDefault):
            raise _number_taken_error(session.number, number_holder(session.number, exclude_pk=session.pk)) from exc
        raise


def apply_type_defaults(session: Session, *, fill_end: bool) -> None:
    """The type's length, people, room and price list, wherever the session has none."""
    session_type: SessionType = session.session_type
    if fill_end and session.starts_at and not session.ends_at:
        session.ends_at = elapsed(session.starts_at, timedelta(minutes=session_type.default_length_minutes))
    if not session.photographer_id and session_type.default_photographer_id:
        session.photographer_id = session_type.default_photographer_id
    if not session.assistant_id and session_type.default_assistant_id:
        session.assistant_id = session_type.default_assistant_id
    if not session.camera_room_id and not session.location and session_type.default_resource_id:
        session.camera_room_id = session_type.default_resource_id
    if not session.price_list_id and session_type.price_list_id:
        session.price_list_id = session_type.price_list_id


def primary_slot(session: Session) -> Slot:
    return Slot(
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        photographer_id=session.photographer_id,
        assistant_id=session.assistant_id,
        resource_id=session.camera_room_id,
    )


def session_slots(session: Session) -> list[Slot]:
    """The slots the session occupies when it is on the calendar."""
    slots = [primary_slot(session)]
    if session.pk and session.use_advanced_calendar:
        for event in session.events.filter(is_primary=False, hidden=False):
            slots.append(
                Slot(event.starts_at, event.ends_at, event.photographer_id, event.assistant_id,
                     event.resource_id, event.pk)
            )
    return slots


def _full_clean(session: Session) -> None:
    errors: dict[str, list] = {}
    try:
        # number is checked by _validate_number with a message naming the holder.
        session.full_clean(exclude=["number"])
    except ValidationError as exc:
        errors = exc.update_error_dict(errors)
    try:
        _validate_number(session)
    except ValidationError as exc:
        errors = exc.update_error_dict(errors)
    if session.starts_at and session.ends_at and session.ends_at <= session.starts_at:
        errors.setdefault("ends_at", []).append(ValidationError("End Time must be after Start Time."))
    if session.camera_room_id and session.location:
        errors.setdefault("location", []).append(
            ValidationError("Choose a camera room or type a location, not both.")
        )
    if session.redo_of_id and session.pk and session.redo_of_id == session.pk:
        errors.setdefault("redo_of", []).append(ValidationError("A session cannot be a redo of itself."))
    if errors:
        raise ValidationError(errors)


def _participants_check(client: Client, members: Iterable[FamilyMember]) -> list[FamilyMember]:
    members = list(members)
    strangers = [m for m in members if m.client_id != client.pk]
    if strangers:
        names = ", ".join(str(m) for m in strangers)
        raise ValidationError({"participants": f"Not in {client}'s household: {names}."})
    return members


def _record_status(session: Session, *, user, from_status: SessionStatus | None,
                   completed_on: date | None = None) -> StatusChange:
    return StatusChange.objects.create(
        session=session,
        from_status=from_status,
        to_status=session.status,
        changed_by=user,
        changed_at=timezone.now(),
        completed_on=completed_on,
        due_date=session.status_due_date,
    )


def due_date_for(status: SessionStatus, start: date | None = None) -> date:
    studio = StudioSettings.load()
    return status.due_date_from(start or timezone.localdate(), studio.work_days)


@transaction.atomic
def session_create(
    *,
    client: Client,
    session_type: SessionType,
    starts_at: datetime,
    booked_by,
    ends_at: datetime | None = None,
    participants: Iterable[FamilyMember] = (),
    allow_conflicts: bool = False,
    **fields: Any,
) -> Session:
    """Book a session: number from the sequence, type defaults, status and due date."""
    _check_fields(fields)
    session = Session(client=client, session_type=session_type, starts_at=as_utc(starts_at),
                      ends_at=as_utc(ends_at), **fields)
    if session.number is None:
        session.number = DatabaseDefault()
    apply_type_defaults(session, fill_end=True)
    if not session.status_id:
        session.status = SessionStatus.initial()
    if session.status_due_date is None:
        session.status_due_date = due_date_for(session.status)
    session.booked_by = booked_by
    session.booked_on = timezone.now()
    _full_clean(session)
    members = _participants_check(client, participants)
    if session.on_calendar:
        check_slots([primary_slot(session)], exclude_session_id=None, allow_conflicts=allow_conflicts)
    _save(session)
    if members:
        SessionParticipant.objects.bulk_create(
            [SessionParticipant(session=session, family_member=m) for m in members]
        )
    _record_status(session, user=booked_by, from_status=None)
    log_action(session, booked_by, "session.created", {
        "number": session.number, "starts_at": _jsonable(session.starts_at), "type": _jsonable(session_type),
    })
    return session


@transaction.atomic
def session_update(
    *,
    session: Session,
    user,
    participants: Iterable[FamilyMember] | None = None,
    allow_conflicts: bool = False,
    expected_updated_at: datetime | None = None,
    **fields: Any,
) -> Session:
    """Change a session's fields; a changed status is recorded like Change Status."""
    _check_fields(fields)
    for name in ("starts_at", "ends_at"):
        if name in fields:
            fields[name] = as_utc(fields[name])
    current = Session.objects.select_for_update().get(pk=session.pk)
    if expected_updated_at is not None and current.updated_at != expected_updated_at:
        last = current.log_entries.select_related("user").first()
        who = f" by {user_display_name(last.user)}" if last and last.user else ""
        raise ValidationError(
            f"This session was changed{who} at {to_local(current.updated_at):%I:%M:%S %p} after you "
            "opened it. Your changes were not saved; reload the session to see the latest version.",
            code="stale",
        )
    old_status = current.status
    changes: dict[str, Any] = {}
    for name, value in fields.items():
        old = getattr(session, name)
        if old != value:
            changes[name] = (old, value)
        setattr(session, name, value)
    if "session_type" in changes:
        apply_type_defaults(session, fill_end=False)
    if "status" in changes and "status_due_date" not in changes:
        session.status_due_date = due_date_for(session.status)
    _full_clean(session)
    members = None
    if participants is not None:
        members = _participants_check(session.client, participants)
    moved_into_calendar = BOOKING_FIELDS & {
        name for name in changes if name not in ("on_hold", "cancelled") or not changes[name][1]
    }
    if session.on_calendar and moved_into_calendar:
        check_slots(session_slots(session), exclude_session_id=session.pk, allow_conflicts=allow_conflicts)
    was_confirmed = current.confirmed
    _save(session)
    session.refresh_from_db(fields=["confirmed", "updated_at"])
    if was_confirmed and "confirmed" not in changes and not session.confirmed:
        changes["confirmed"] = (True, False)
    if members is not None:
        SessionParticipant.objects.filter(session=session).exclude(family_member__in=members).delete()
        existing = set(SessionParticipant.objects.filter(session=session).values_list("family_member_id", flat=True))
        SessionParticipant.objects.bulk_create(
            [SessionParticipant(session=session, family_member=m) for m in members if m.pk not in existing]
        )
    if session.status_id != old_status.pk:
        _record_status(session, user=user, from_status=old_status)
    if changes:
        log_action(session, user, "session.changed", {
            name: [_jsonable(old), _jsonable(new)] for name, (old, new) in changes.items()
        })
    return session


@transaction.atomic
def session_set_flag(*, session: Session, user, flag: str, value: bool, allow_conflicts: bool = False) -> Session:
    """Confirm, hold / release, cancel / restore, mark no show."""
    if flag not in FLAGS:
        raise TypeError(f"Unknown flag {flag!r}")
    return session_update(session=session, user=user, allow_conflicts=allow_conflicts, **{flag: value})


@transaction.atomic
def status_change(
    *,
    session: Session,
    to_status: SessionStatus,
    user,
    completed_on: date | None = None,
    due_date: date | None = None,
) -> StatusChange:
    """Move the session to ``to_status`` (the ribbon's Change Status)."""
    current = Session.objects.select_for_update().get(pk=session.pk)
    if not to_status.active:
        raise ValidationError({"status": f"{to_status} is no longer in use."})
    from_status = current.status
    session.status = to_status
    session.status_due_date = due_date or due_date_for(to_status)
    session.full_clean(exclude=["number"])
    session.save(update_fields=["status", "status_due_date", "updated_at"])
    change = _record_status(session, user=user, from_status=from_status, completed_on=completed_on or timezone.localdate())
    log_action(session, user, "status.changed", {
        "from": _jsonable(from_status), "to": _jsonable(to_status), "due_date": _jsonable(session.status_due_date),
    })
    return change


@transaction.atomic
def status_advance(*, session: Session, user) -> StatusChange | None:
    """The next status by sort order; None when the session is at the last one."""
    # Read the status under the row lock, so two people advancing at once move it twice.
    current = Session.objects.select_for_update().select_related("status").get(pk=session.pk)
    nxt = current.status.next_status()
    if nxt is None:
        return None
    return status_change(session=session, to_status=nxt, user=user)


@transaction.atomic
def sessions_advance_status(*, sessions: Iterable[Session], user) -> tuple[list[Session], list[Session]]:
    """Advance each session one status; returns (advanced, already at the last status)."""
    advanced, stuck = [], []
    for session in sessions:
        (advanced if status_advance(session=session, user=user) else stuck).append(session)
    return advanced, stuck


@transaction.atomic
def session_create_redo(*, session: Session, user, starts_at: datetime | None = None,
                        allow_conflicts: bool = False) -> Session:
    """A retake: same client, type, people, room and participants, a week later unless told."""
    if starts_at is None:
        # Same wall-clock time a week later, even across a DST change.
        local = to_local(session.starts_at)
        try:
            starts_at = make_local(local.date() + timedelta(days=7), local.time())
        except NonexistentTime as exc:
            raise ValidationError(str(exc)) from exc
    redo = session_create(
        client=session.client,
        session_type=session.session_type,
        starts_at=starts_at,
        ends_at=elapsed(starts_at, session.ends_at - session.starts_at),
        booked_by=user,
        participants=session.participants.all(),
        allow_conflicts=allow_conflicts,
        description=f"Redo: {session.description}" if session.description else "Redo",
        photographer=session.photographer,
        assistant=session.assistant,
        camera_room=session.camera_room,
        location=session.location,
        reminder=session.reminder,
        reminder_minutes=session.reminder_minutes,
        redo=True,
        redo_of=session,
    )
    log_action(session, user, "session.redo_created", {"redo": _jsonable(redo)})
    return redo


@transaction.atomic
def participants_set(*, session: Session, family_members: Iterable[FamilyMember], user) -> Session:
    return session_update(session=session, user=user, participants=family_members)


def note_add(*, session: Session, author, text: str) -> SessionNote:
    note = SessionNote(session=session, author=author, text=text.strip())
    note.full_clean()
    note.save()
    return note


@transaction.atomic
def task_create(*, session: Session, user, title: str, due_date: date | None = None, assignee=None) -> SessionTask:
    task = SessionTask(session=session, title=title.strip(), due_date=due_date, assignee=assignee, created_by=user)
    task.full_clean()
    task.save()
    log_action(session, user, "task.created", {"title": task.title})
    return task


@transaction.atomic
def task_set_done(*, task: SessionTask, user, done: bool) -> SessionTask:
    task.done = done
    task.done_at = timezone.now() if done else None
    task.done_by = user if done else None
    task.full_clean()
    task.save(update_fields=["done", "done_at", "done_by"])
    log_action(task.session, user, "task.done" if done else "task.reopened", {"title": task.title})
    return task


# Advanced calendar options: the session's extra calendar rows.

EVENT_FIELDS = {"description", "starts_at", "ends_at", "photographer", "assistant", "resource", "location", "hidden"}


@transaction.atomic
def event_save(*, session: Session, user, event: CalendarEvent | None = None,
               allow_conflicts: bool = False, **fields: Any) -> CalendarEvent:
    """Add or edit a non-primary calendar row of a session."""
    unknown = set(fields) - EVENT_FIELDS
    if unknown:
        raise TypeError(f"Not editable on a calendar event: {', '.join(sorted(unknown))}")
    if event is not None and event.is_primary:
        raise ValidationError("The primary calendar row follows the General tab; edit the session there.")
    Session.objects.select_for_update().get(pk=session.pk)
    event = event or CalendarEvent(session=session)
    for name in ("starts_at", "ends_at"):
        if name in fields:
            fields[name] = as_utc(fields[name])
    for name, value in fields.items():
        setattr(event, name, value)
    event.full_clean()
    if event.resource_id and event.location:
        raise ValidationError({"location": "Choose a resource or type an outside location, not both."})
    if session.on_calendar and session.use_advanced_calendar and not event.hidden:
        slot = Slot(event.starts_at, event.ends_at, event.photographer_id, event.assistant_id, event.resource_id, event.pk)
        check_slots([slot], exclude_session_id=session.pk, allow_conflicts=allow_conflicts)
    created = event.pk is None
    event.save()
    log_action(session, user, "event.added" if created else "event.changed", {
        "event": event.pk, "starts_at": _jsonable(event.starts_at), "ends_at": _jsonable(event.ends_at),
    })
    return event


@transaction.atomic
def event_delete(*, event: CalendarEvent, user) -> None:
    if event.is_primary:
        raise ValidationError("The primary calendar row cannot be removed; cancel the session instead.")
    log_action(event.session, user, "event.removed", {
        "event": event.pk, "starts_at": _jsonable(event.starts_at),
    })
    event.delete()


@transaction.atomic
def event_copy(*, event: CalendarEvent, to_date: date, user, allow_conflicts: bool = False) -> CalendarEvent:
    """The same row on another date, same wall-clock times (how a session repeats)."""
    start_local, end_local = to_local(event.starts_at), to_local(event.ends_at)
    length_days = (end_local.date() - start_local.date()).days
    try:
        starts_at = make_local(to_date, start_local.time())
        ends_at = make_local(to_date + timedelta(days=length_days), end_local.time())
    except NonexistentTime as exc:
        raise ValidationError({"starts_at": str(exc)}) from exc
    return event_save(
        session=event.session,
        user=user,
        allow_conflicts=allow_conflicts,
        description=event.description,
        starts_at=starts_at,
        ends_at=ends_at,
        photographer=event.photographer,
        assistant=event.assistant,
        resource=event.resource,
        location=event.location,
        hidden=False,
    )


@transaction.atomic
def event_make_photographer_primary(*, event: CalendarEvent, user, allow_conflicts: bool = False) -> Session:
    """Make this row's photographer the session's primary photographer."""
    if event.photographer_id is None:
        raise ValidationError("This calendar row has no photographer.")
    return session_update(session=event.session, user=user, photographer=event.photographer,
                          allow_conflicts=allow_conflicts)


@transaction.atomic
def reminder_dismiss(*, session: Session, user) -> ReminderDismissal:
    """Hide the session's on-screen reminder from ``user`` (others still see theirs); idempotent."""
    dismissal, _ = ReminderDismissal.objects.get_or_create(user=user, session=session)
    return dismissal
