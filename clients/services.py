"""Every write to a client household that has a rule.

Pages, the scheduling wizard and the shell call these with keyword arguments.
Each runs in one transaction and calls ``full_clean()`` before saving; a
problem comes back as a ``ValidationError`` whose messages can be shown on the
page as they are.

Rules:
- a family member who took part in a session is never removed (the
  participant rows would go with them, and the session's history with them);
- an edit made from a stale page (someone saved the client in between) is
  refused instead of silently overwriting the other person's changes.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.formats import date_format

from clients.models import Client, FamilyMember, Relationship
from studio.timeutils import to_local

__all__ = [
    "CLIENT_FIELDS",
    "FamilyMemberData",
    "FamilyMemberInUseError",
    "StaleClientError",
    "client_create",
    "client_update",
    "family_member_add",
]

CLIENT_FIELDS = (
    "last_name", "first_name", "email", "phone", "address", "city", "state", "postal_code", "notes",
)
FAMILY_FIELDS = ("first_name", "last_name", "relationship", "birth_date")
# How many sessions a refusal names before it says "and N more".
SESSIONS_NAMED = 3


@dataclass(frozen=True, kw_only=True)
class FamilyMemberData:
    """One family member as a page sends it: ``id`` set for an existing member."""

    id: int | None = None
    first_name: str
    last_name: str = ""
    relationship: str = Relationship.OTHER
    birth_date: date | None = None

    def values(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in FAMILY_FIELDS}


class FamilyMemberInUseError(ValidationError):
    """Removing these members would erase them from sessions they took part in.

    ``problems`` maps each member's id to the message naming their sessions.
    """

    def __init__(self, problems: dict[int, str]):
        self.problems = problems
        super().__init__(list(problems.values()), code="family_member_in_use")


class StaleClientError(ValidationError):
    """The client was saved by someone else after the page was opened."""

    def __init__(self, client: Client):
        self.current_version = client.updated_at
        when = to_local(client.updated_at)
        super().__init__(
            f"Someone else saved {client} at {date_format(when, 'TIME_FORMAT')} on "
            f"{date_format(when, 'M j, Y')}, after you opened this page. Nothing was saved. "
            "Open the client again to see their changes, or save again to replace them with yours.",
            code="stale",
        )


def _client_values(fields: Mapping[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - set(CLIENT_FIELDS)
    if unknown:
        raise TypeError(f"Not editable on a client: {', '.join(sorted(unknown))}")
    return dict(fields)


def _member_errors(member: FamilyMember, error: ValidationError) -> ValidationError:
    """Name the member in each message: the page shows them above the form."""
    name = member.first_name or "A family member"
    return ValidationError([f"{name}: {message}" for message in error.messages])


def _session_label(session) -> str:
    when = date_format(to_local(session.starts_at), "M j, Y")
    what = session.description or str(session.session_type)
    return f"#{session.number} ({what}, {when})"


def _lock_participants() -> None:
    """Wait for bookings in flight that add participants, and hold new ones until commit.

    The participant table's foreign keys are checked at commit (deferred), so
    a row lock on the family member would not see a booking still in
    progress. SHARE ROW EXCLUSIVE waits for every open transaction that wrote
    participants and keeps others from writing any until this one ends; two
    removals take turns. The table is reached through the reverse relation
    ``FamilyMember.sessions``: this app never imports the sessions app.
    """
    through = FamilyMember._meta.get_field("sessions").through
    connection = transaction.get_connection()
    with connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {connection.ops.quote_name(through._meta.db_table)} IN SHARE ROW EXCLUSIVE MODE")


def _refuse_removing_participants(client: Client, remove: Collection[int]) -> None:
    """Refuse to remove any member who took part in a session, naming the sessions."""
    _lock_participants()
    members = (
        client.family_members.filter(pk__in=remove, sessions__isnull=False)
        .distinct()
        .prefetch_related("sessions__session_type")
    )
    problems: dict[int, str] = {}
    for member in members:
        sessions = sorted(member.sessions.all(), key=lambda s: (s.starts_at, s.pk), reverse=True)
        named = ", ".join(_session_label(s) for s in sessions[:SESSIONS_NAMED])
        more = len(sessions) - SESSIONS_NAMED
        if more > 0:
            named += f" and {more} more"
        noun = "session" if len(sessions) == 1 else "sessions"
        problems[member.pk] = (
            f"{member.full_name} cannot be removed: they took part in {noun} {named}. "
            f"Take them off the participants of the {noun} first."
        )
    if problems:
        raise FamilyMemberInUseError(problems)


def _save_family(client: Client, family: Sequence[FamilyMemberData]) -> None:
    existing = {m.pk: m for m in client.family_members.all()} if any(d.id for d in family) else {}
    errors: list[ValidationError] = []
    for data in family:
        if data.id is None:
            member = FamilyMember(client=client, **data.values())
        else:
            member = existing.get(data.id)
            if member is None:
                errors.append(
                    ValidationError(
                        f"{data.first_name or 'A family member'} is no longer a member of this "
                        "household: someone removed them. Open the client again."
                    )
                )
                continue
            for name, value in data.values().items():
                setattr(member, name, value)
        try:
            member.full_clean()
        except ValidationError as error:
            errors.append(_member_errors(member, error))
            continue
        member.save()
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def client_create(
    *, fields: Mapping[str, Any], family: Sequence[FamilyMemberData] = ()
) -> Client:
    """A new household with its family members."""
    if any(data.id is not None for data in family):
        raise ValueError("New family members of a new client have no id.")
    client = Client(**_client_values(fields))
    client.full_clean()
    client.save()
    _save_family(client, family)
    return client


@transaction.atomic
def client_update(
    *,
    client: Client,
    fields: Mapping[str, Any],
    family: Sequence[FamilyMemberData] = (),
    remove: Collection[int] = (),
    expected_version: datetime | None = None,
) -> Client:
    """Change a household: its fields, members kept or added, members removed.

    ``expected_version`` is the client's ``updated_at`` when the page was
    opened; if someone saved the client since, ``StaleClientError`` is raised
    and nothing changes. Members named in ``remove`` who took part in a
    session raise ``FamilyMemberInUseError`` and nothing changes.
    """
    # NO KEY UPDATE: sessions being booked for this client (a key-share lock
    # on the client row) go on while the household is edited.
    locked = Client.objects.select_for_update(no_key=True).get(pk=client.pk)
    if expected_version is not None and locked.updated_at != expected_version:
        raise StaleClientError(locked)
    for name, value in _client_values(fields).items():
        setattr(locked, name, value)
    locked.full_clean()
    locked.save()
    remove = set(remove)
    if remove & {data.id for data in family if data.id is not None}:
        raise ValueError("A family member cannot be both kept and removed.")
    if remove:
        _refuse_removing_participants(locked, remove)
        locked.family_members.filter(pk__in=remove).delete()
    _save_family(locked, family)
    return locked


@transaction.atomic
def family_member_add(
    *,
    client: Client,
    first_name: str,
    relationship: str = Relationship.OTHER,
    birth_date: date | None = None,
    last_name: str = "",
) -> FamilyMember:
    """One new member of a household (the session record adds them in place)."""
    member = FamilyMember(
        client=client, first_name=first_name.strip(), last_name=last_name.strip(),
        relationship=relationship, birth_date=birth_date,
    )
    try:
        member.full_clean()
    except ValidationError as error:
        raise _member_errors(member, error) from error
    member.save()
    return member
