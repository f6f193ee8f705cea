"""The photo session and everything hanging off it.

Rules that must hold whichever way a row is written (admin, pages, wizard,
shell, bulk loads) live in the database, created by migration 0002:

- ``number`` defaults to ``photo_sessions_next_number()``: the next value of
  a sequence, never below StudioSettings.first_session_number, skipping
  numbers staff gave by hand; the unique constraint settles any race;
- the primary CalendarEvent is inserted and updated by a trigger from the
  session's own times, people, room and description;
- moving a confirmed session to another time clears Confirmed (trigger);
- a participant must be a family member of the session's own client
  (trigger), and changing a session's client drops the others.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from clients.models import Client, FamilyMember
from scheduling.models import PriceList, Resource, SessionType
from studio.timeutils import add_work_days, elapsed, to_local

# The calendar rule, in one place: on-hold and cancelled sessions are not on the calendar.
ON_CALENDAR = {"on_hold": False, "cancelled": False}


class SessionStatusQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)


class SessionStatus(models.Model):
    name = models.CharField(max_length=100, unique=True)
    sort_order = models.PositiveIntegerField(default=0)
    default_duration_days = models.PositiveSmallIntegerField(
        "default duration (work days)", default=0,
        help_text="The status is due this many studio work days after it is set.",
    )
    is_initial = models.BooleanField("initial", default=False)
    is_final = models.BooleanField("final", default=False)
    active = models.BooleanField(default=True)

    objects = SessionStatusQuerySet.as_manager()

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name_plural = "session statuses"
        constraints = [
            models.UniqueConstraint(
                fields=["is_initial"], condition=Q(is_initial=True), name="sessionstatus_one_initial"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def initial(cls) -> SessionStatus:
        status = cls.objects.filter(is_initial=True).first()
        return status or cls.objects.active().order_by("sort_order", "id").first()

    def due_date_from(self, start: date, work_days: list[int]) -> date:
        return add_work_days(start, self.default_duration_days, work_days)

    def next_status(self) -> SessionStatus | None:
        """The next active status by sort order (ties broken by id)."""
        return (
            SessionStatus.objects.active()
            .filter(Q(sort_order__gt=self.sort_order) | Q(sort_order=self.sort_order, id__gt=self.id))
            .order_by("sort_order", "id")
            .first()
        )


class SessionQuerySet(models.QuerySet):
    def on_calendar(self):
        return self.filter(**ON_CALENDAR)

    def with_related(self):
        return self.select_related(
            "client", "session_type", "status", "camera_room",
            "photographer__staff_profile", "assistant__staff_profile", "booked_by",
        )

    def overlapping(self, start, end):
        return self.filter(starts_at__lt=end, ends_at__gt=start)

    def past_due(self, today: date | None = None):
        today = today or timezone.localdate()
        return self.filter(
            status_due_date__lt=today, status__is_final=False, cancelled=False
        )

    def involving(self, user):
        return self.filter(Q(photographer=user) | Q(assistant=user) | Q(events__photographer=user) | Q(events__assistant=user)).distinct()


class Session(models.Model):
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="sessions")
    description = models.CharField(max_length=200, blank=True)
    session_type = models.ForeignKey(
        SessionType, on_delete=models.PROTECT, related_name="sessions", verbose_name="type"
    )
    price_list = models.ForeignKey(PriceList, null=True, blank=True, on_delete=models.SET_NULL)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    photographer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="sessions_as_photographer",
    )
    assistant = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="sessions_as_assistant",
    )
    camera_room = models.ForeignKey(
        Resource, null=True, blank=True, on_delete=models.PROTECT, related_name="sessions"
    )
    location = models.CharField(
        max_length=200, blank=True, help_text="A place that is not one of the studio's resources."
    )
    number = models.BigIntegerField(
        "session number", unique=True,
        db_default=models.Func(function="photo_sessions_next_number", output_field=models.BigIntegerField()),
        error_messages={"unique": "Session number %(value)s is already in use."},
    )
    status = models.ForeignKey(SessionStatus, on_delete=models.PROTECT, related_name="sessions")
    status_due_date = models.DateField(null=True, blank=True)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="sessions_booked", editable=False,
    )
    booked_on = models.DateTimeField(default=timezone.now, editable=False)
    file_number = models.CharField(max_length=50, blank=True)
    reminder = models.BooleanField(default=False)
    reminder_minutes = models.PositiveIntegerField(default=30)
    confirmed = models.BooleanField(default=False)
    no_show = models.BooleanField(default=False)
    redo = models.BooleanField(default=False)
    redo_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="redos",
        verbose_name="redo of",
    )
    on_hold = models.BooleanField(default=False)
    cancelled = models.BooleanField(default=False)
    use_advanced_calendar = models.BooleanField("use advanced calendar options", default=False)
    participants = models.ManyToManyField(
        FamilyMember, through="SessionParticipant", blank=True, related_name="sessions"
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = SessionQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="session_ends_after_start"),
            models.CheckConstraint(condition=Q(number__gt=0), name="session_number_positive"),
            models.CheckConstraint(
                condition=Q(reminder_minutes__lte=60 * 24 * 14), name="session_reminder_within_two_weeks"
            ),
            models.CheckConstraint(
                condition=Q(camera_room__isnull=True) | Q(location=""), name="session_room_or_location"
            ),
            models.CheckConstraint(
                condition=Q(redo_of__isnull=True) | (Q(redo=True) & ~Q(redo_of=F("id"))),
                name="session_redo_of_consistent",
            ),
        ]
        indexes = [
            models.Index(fields=["starts_at"], name="session_starts_idx"),
            models.Index(fields=["client", "-starts_at"], name="session_client_starts_idx"),
            models.Index(fields=["status_due_date"], name="session_due_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.number} {self.description or self.session_type}"

    @property
    def on_calendar(self) -> bool:
        return not (self.on_hold or self.cancelled)

    @property
    def place(self) -> str:
        return str(self.camera_room) if self.camera_room_id else self.location

    @property
    def is_past_due(self) -> bool:
        return bool(
            self.status_due_date
            and self.status_due_date < timezone.localdate()
            and not self.status.is_final
            and not self.cancelled
        )

    def reminder_at(self):
        return elapsed(self.starts_at, -timedelta(minutes=self.reminder_minutes)) if self.reminder else None

    def default_end(self):
        return elapsed(self.starts_at, timedelta(minutes=self.session_type.default_length_minutes))


class SessionParticipant(models.Model):
    session = models.ForeignKey(Session, on_delete=models.CASCADE)
    # PROTECT: removing a family member must never erase who took part in a session.
    family_member = models.ForeignKey(FamilyMember, on_delete=models.PROTECT)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "family_member"], name="participant_unique"),
        ]

    def __str__(self) -> str:
        return str(self.family_member)

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.session_id and self.family_member_id and self.family_member.client_id != self.session.client_id:
            raise ValidationError(
                {"family_member": f"{self.family_member} is not a member of {self.session.client}'s household."}
            )


class CalendarEventQuerySet(models.QuerySet):
    def on_calendar(self):
        """Visible events of sessions on the calendar; extra rows only with advanced options on."""
        # The same rule as Session.objects.on_calendar(), applied through the join
        # so the planner can use the event time indexes.
        session_rule = {f"session__{name}": value for name, value in ON_CALENDAR.items()}
        return self.filter(hidden=False, **session_rule).filter(
            Q(is_primary=True) | Q(session__use_advanced_calendar=True)
        )

    def overlapping(self, start, end):
        return self.filter(starts_at__lt=end, ends_at__gt=start)

    def for_person(self, user):
        return self.filter(Q(photographer=user) | Q(assistant=user))

    def with_related(self):
        return self.select_related(
            "session__client", "session__session_type", "session__status",
            "photographer__staff_profile", "assistant__staff_profile", "resource",
        )


class CalendarEvent(models.Model):
    """A stretch of time a session occupies; the primary one mirrors the session."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="events")
    is_primary = models.BooleanField(default=False, editable=False)
    description = models.CharField(max_length=200, blank=True)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    photographer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    assistant = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resource = models.ForeignKey(
        Resource, null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    location = models.CharField("outside location", max_length=200, blank=True)
    hidden = models.BooleanField("hide", default=False)

    objects = CalendarEventQuerySet.as_manager()

    class Meta:
        ordering = ["-is_primary", "starts_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="event_ends_after_start"),
            models.UniqueConstraint(
                fields=["session"], condition=Q(is_primary=True), name="event_one_primary_per_session"
            ),
            models.CheckConstraint(
                condition=Q(resource__isnull=True) | Q(location=""), name="event_resource_or_location"
            ),
        ]
        indexes = [
            models.Index(fields=["starts_at", "ends_at"], name="event_time_idx"),
            models.Index(fields=["photographer", "starts_at"], name="event_photographer_idx"),
            models.Index(fields=["assistant", "starts_at"], name="event_assistant_idx"),
            models.Index(fields=["resource", "starts_at"], name="event_resource_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.description or self.session} {to_local(self.starts_at):%Y-%m-%d %H:%M}"

    @property
    def place(self) -> str:
        return str(self.resource) if self.resource_id else self.location


class StatusChange(models.Model):
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.ForeignKey(
        SessionStatus, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_status = models.ForeignKey(SessionStatus, on_delete=models.PROTECT, related_name="+")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)
    completed_on = models.DateField(null=True, blank=True, help_text="When the previous status was completed.")
    due_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-changed_at", "-id"]
        indexes = [models.Index(fields=["session", "-changed_at"], name="statuschange_session_idx")]

    def __str__(self) -> str:
        return f"{self.from_status or '—'} → {self.to_status}"


class SessionNote(models.Model):
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    text = models.TextField()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.CheckConstraint(condition=~Q(text=""), name="note_text_required")]

    def __str__(self) -> str:
        return self.text[:50]


class SessionTask(models.Model):
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(max_length=200)
    due_date = models.DateField(null=True, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="session_tasks"
    )
    done = models.BooleanField(default=False)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["done", "due_date", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(title=""), name="task_title_required"),
            models.CheckConstraint(
                condition=Q(done=False) | Q(done_at__isnull=False), name="task_done_has_time"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class SessionLogEntry(models.Model):
    """Audit trail: every write a service makes to a session, with who and what."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="log_entries")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    action = models.CharField(max_length=50)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name_plural = "session log entries"
        indexes = [models.Index(fields=["session", "-at"], name="sessionlog_session_idx")]

    def __str__(self) -> str:
        return f"{self.action} by {self.user} at {to_local(self.at):%Y-%m-%d %H:%M}"


class ReminderDismissal(models.Model):
    """A user has dismissed the on-screen reminder of a session; each user dismisses their own."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="reminder_dismissals")
    dismissed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "session"], name="reminderdismissal_unique"),
        ]

    def __str__(self) -> str:
        return f"Reminder of {self.session_id} dismissed by {self.user_id}"
