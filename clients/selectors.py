"""Reads the client pages share.

``clients`` is a lower layer than ``sessions``: sessions are reached through
the reverse relations ``client.sessions`` and ``family_member.sessions``,
never by importing the sessions app.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Count, IntegerField, OuterRef, Prefetch, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from clients.models import Client, FamilyMember


def _session_model():
    """The session model, found through the reverse relation ``Client.sessions``."""
    return Client._meta.get_field("sessions").related_model


def _count_of(queryset: QuerySet) -> Coalesce:
    """A correlated COUNT(*) of ``queryset`` (already filtered on the outer client)."""
    counted = queryset.order_by().values("client").annotate(n=Count("*")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def client_list(*, search: str = "") -> QuerySet[Client]:
    """Clients for the list page, each with family and session counts and the next session.

    The figures are correlated subqueries: the database works them out only
    for the page of rows it returns, and a row never repeats.
    """
    session_model = _session_model()
    sessions = session_model._default_manager.filter(client=OuterRef("pk"))
    upcoming = (
        sessions.filter(ends_at__gte=timezone.now(), on_hold=False, cancelled=False)
        .order_by("starts_at", "id")
        .values("starts_at")[:1]
    )
    qs = Client.objects.all()
    if search.strip():
        qs = qs.search(search)
    return qs.annotate(
        family_count=_count_of(FamilyMember.objects.filter(client=OuterRef("pk"))),
        session_count=_count_of(sessions),
        next_session_at=Subquery(upcoming),
    ).order_by("last_name", "first_name", "id")


def family_members(client: Client, *, today: date | None = None) -> list[FamilyMember]:
    """The household's members, each with ``session_count`` and ``age`` (text)."""
    today = today or timezone.localdate()
    members = list(
        client.family_members.annotate(session_count=Count("sessions", distinct=True)).order_by(
            "birth_date", "first_name", "id"
        )
    )
    for member in members:
        member.client = client  # str() uses the household's last name: no query per row
        member.age = age_label(member.birth_date, today)
    return members


def client_sessions(client: Client) -> QuerySet:
    """Every session of the household, newest first, with what the Sessions tab shows."""
    participants = FamilyMember.objects.order_by("birth_date", "first_name", "id")
    return (
        client.sessions.with_related()
        .prefetch_related(Prefetch("participants", queryset=participants))
        .order_by("-starts_at", "-id")
    )


def age_label(birth_date: date | None, today: date) -> str:
    """"7", "11 months", "3 weeks": whole years from two on, months or weeks below."""
    if birth_date is None or birth_date > today:
        return ""
    months = (today.year - birth_date.year) * 12 + today.month - birth_date.month
    if today.day < birth_date.day:
        months -= 1
    if months >= 24:
        return str(months // 12)
    if months >= 1:
        return f"{months} month{'s' if months != 1 else ''}"
    weeks = (today - birth_date).days // 7
    if weeks >= 1:
        return f"{weeks} week{'s' if weeks != 1 else ''}"
    days = (today - birth_date).days
    return f"{days} day{'s' if days != 1 else ''}"
