"""The studio's catalogue: price lists, resources and session types.

Lower layer: never imports ``sessions``.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

from studio.models import color_validator, new_token


class ActiveQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)


class PriceList(models.Model):
    name = models.CharField(max_length=100, unique=True)
    active = models.BooleanField(default=True)

    objects = ActiveQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ResourceKind(models.TextChoices):
    CAMERA_ROOM = "camera_room", "Camera room"
    EQUIPMENT = "equipment", "Equipment"
    VEHICLE = "vehicle", "Vehicle"
    LOCATION = "location", "Location"


class ResourceQuerySet(ActiveQuerySet):
    def on_calendar(self):
        return self.active().filter(show_on_calendar=True)


class Resource(models.Model):
    name = models.CharField(max_length=100, unique=True)
    kind = models.CharField(max_length=20, choices=ResourceKind.choices, default=ResourceKind.CAMERA_ROOM)
    show_on_calendar = models.BooleanField(
        default=True, help_text="Track a schedule for it: show it on the calendar and check its bookings."
    )
    active = models.BooleanField(default=True)
    sort_order = models.PositiveIntegerField(default=0)
    ical_token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)

    objects = ResourceQuerySet.as_manager()

    class Meta:
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name

    def regenerate_ical_token(self) -> None:
        self.ical_token = new_token()
        self.save(update_fields=["ical_token"])


class SessionType(models.Model):
    name = models.CharField(max_length=100, unique=True)
    color = models.CharField(max_length=7, default="#0d6efd", validators=[color_validator])
    default_length_minutes = models.PositiveIntegerField(
        "default length (minutes)", default=60, validators=[MinValueValidator(5)]
    )
    price_list = models.ForeignKey(PriceList, null=True, blank=True, on_delete=models.SET_NULL)
    default_resource = models.ForeignKey(
        Resource, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name="default camera room",
    )
    default_photographer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    default_assistant = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sort_order = models.PositiveIntegerField(default=0)
    active = models.BooleanField(default=True)

    objects = ActiveQuerySet.as_manager()

    class Meta:
        ordering = ["sort_order", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(default_length_minutes__gte=5), name="sessiontype_length_min"),
            models.CheckConstraint(condition=Q(color__regex=r"^#[0-9a-fA-F]{6}$"), name="sessiontype_color_hex"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def text_color(self) -> str:
        """Black or white, whichever reads on this type's colour."""
        r, g, b = (int(self.color[i : i + 2], 16) for i in (1, 3, 5))
        return "#000" if (0.299 * r + 0.587 * g + 0.114 * b) > 150 else "#fff"
