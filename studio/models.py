"""Staff, the studio's settings and each user's preferences."""

from __future__ import annotations

import secrets
from datetime import time

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q

color_validator = RegexValidator(r"^#[0-9a-fA-F]{6}$", "Enter a colour as #rrggbb.")


def new_token() -> str:
    return secrets.token_urlsafe(32)


class StaffQuerySet(models.QuerySet):
    def active(self):
        return self.filter(user__is_active=True)

    def photographers(self):
        return self.active().filter(is_photographer=True)

    def assistants(self):
        return self.active().filter(is_assistant=True)

    def on_calendar(self):
        return self.active().filter(show_on_calendar=True)


class StaffProfile(models.Model):
    """What the studio knows about a user who works there."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_profile"
    )
    display_name = models.CharField(max_length=100)
    color = models.CharField(max_length=7, default="#6c757d", validators=[color_validator])
    is_photographer = models.BooleanField("photographer", default=False)
    is_assistant = models.BooleanField("assistant", default=False)
    show_on_calendar = models.BooleanField(default=True)
    ical_token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)

    objects = StaffQuerySet.as_manager()

    class Meta:
        ordering = ["display_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(color__regex=r"^#[0-9a-fA-F]{6}$"), name="staffprofile_color_hex"
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    def regenerate_ical_token(self) -> None:
        self.ical_token = new_token()
        self.save(update_fields=["ical_token"])


def user_display_name(user) -> str:
    """The name staff pages show for a user: profile name, full name or username."""
    if user is None:
        return ""
    profile = getattr(user, "staff_profile", None)
    if profile is not None and profile.display_name:
        return profile.display_name
    return user.get_full_name() or user.get_username()


class ConflictPolicy(models.TextChoices):
    BLOCK = "block", "Block: refuse double bookings"
    ASK = "ask", "Ask: show the clash and offer Book anyway"
    ALLOW = "allow", "Allow: book without checking"


WEEKDAYS = [
    (1, "Monday"),
    (2, "Tuesday"),
    (3, "Wednesday"),
    (4, "Thursday"),
    (5, "Friday"),
    (6, "Saturday"),
    (7, "Sunday"),
]


def default_work_days() -> list[int]:
    return [1, 2, 3, 4, 5, 6]


class StudioSettings(models.Model):
    """The one row of studio-wide settings; the time zone is the deployment's."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    studio_name = models.CharField(max_length=100, default="Our Studio")
    work_days = ArrayField(
        models.PositiveSmallIntegerField(
            choices=WEEKDAYS, validators=[MinValueValidator(1), MaxValueValidator(7)]
        ),
        default=default_work_days,
        help_text="ISO weekdays the studio works: 1 = Monday … 7 = Sunday.",
    )
    opens_at = models.TimeField(default=time(9, 0))
    closes_at = models.TimeField(default=time(18, 0))
    conflict_policy = models.CharField(
        max_length=5, choices=ConflictPolicy.choices, default=ConflictPolicy.ASK
    )
    first_session_number = models.PositiveIntegerField(
        default=1000, help_text="New sessions are numbered from here on."
    )
    default_session_type = models.ForeignKey(
        "scheduling.SessionType", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    slot_minutes = models.PositiveSmallIntegerField(
        default=30,
        validators=[MinValueValidator(5), MaxValueValidator(240)],
        help_text="Grid of the calendar and of suggested free slots.",
    )

    class Meta:
        verbose_name = "studio settings"
        verbose_name_plural = "studio settings"
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="studiosettings_single_row"),
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")), name="studiosettings_open_hours"
            ),
            models.CheckConstraint(
                condition=Q(work_days__contained_by=[1, 2, 3, 4, 5, 6, 7]) & ~Q(work_days=[]),
                name="studiosettings_work_days_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.studio_name

    def clean(self) -> None:
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError({"closes_at": "Closing time must be after opening time."})
        if not self.work_days:
            raise ValidationError({"work_days": "Choose at least one work day."})
        self.work_days = sorted(set(self.work_days))

    @classmethod
    def load(cls) -> StudioSettings:
        obj, _ = cls.objects.get_or_create(id=1)
        return obj

    def is_work_day(self, day) -> bool:
        return day.isoweekday() in self.work_days


class CalendarView(models.TextChoices):
    MONTH = "month", "Month"
    WEEK = "week", "Week"
    WORKWEEK = "workweek", "Work week"
    DAY = "day", "Day"


class UserPreferences(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="preferences"
    )
    use_session_wizard = models.BooleanField(
        "Use Session Wizard",
        default=True,
        help_text="New Session on a client opens the Session Wizard instead of a blank session.",
    )
    default_calendar_view = models.CharField(
        max_length=8, choices=CalendarView.choices, default=CalendarView.WEEK
    )
    default_calendar_people = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+",
        help_text="People shown on the calendar when no filter is chosen.",
    )

    class Meta:
        verbose_name = "user preferences"
        verbose_name_plural = "user preferences"

    def __str__(self) -> str:
        return f"Preferences of {self.user}"

    @classmethod
    def for_user(cls, user) -> UserPreferences:
        obj, _ = cls.objects.get_or_create(user=user)
        return obj
