"""The sessions hub's filters and sort orders.

Dates are the studio's wall-clock days: "Session Date from/to" become aware
bounds with studio.timeutils.day_bounds, so a day on which the clocks change
is 23 or 25 hours long and still holds exactly that day's sessions.
"""

from __future__ import annotations

from dataclasses import dataclass

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import F, Q, QuerySet
from django.db.models.functions import Coalesce

from scheduling.models import Resource, SessionType
from sessions.models import Session, SessionStatus
from studio.models import user_display_name
from studio.timeutils import day_bounds

User = get_user_model()

BIGINT_MAX = 2**63 - 1

FLAG_CHOICES = (("yes", "Yes"), ("no", "No"))

# The flags, in the order the session record shows them.
FLAGS = (
    ("confirmed", "Confirmed"),
    ("no_show", "No Show"),
    ("redo", "Redo"),
    ("on_hold", "On Hold"),
    ("cancelled", "Cancelled"),
)


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return user_display_name(obj)


class StaffChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = StaffChoiceField


def staff_queryset():
    return (
        User.objects.filter(staff_profile__isnull=False)
        .filter(Q(staff_profile__is_photographer=True) | Q(staff_profile__is_assistant=True))
        .select_related("staff_profile")
        .order_by("staff_profile__display_name", "username")
    )


class HubFilterForm(forms.Form):
    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error(
                "date_to", "Session Date to must be on or after Session Date from."
            )
        return cleaned


def _date_widget():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class SessionFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Search",
        method="filter_text",
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": "Client name, session number, description, file number",
                "autocomplete": "off",
            }
        ),
    )
    date_from = django_filters.DateFilter(
        label="Session Date from", method="filter_date_from", widget=_date_widget()
    )
    date_to = django_filters.DateFilter(
        label="Session Date to", method="filter_date_to", widget=_date_widget()
    )
    session_type = django_filters.ModelChoiceFilter(
        label="Type", queryset=SessionType.objects.order_by("sort_order", "name"),
        empty_label="Any type",
    )
    status = django_filters.ModelChoiceFilter(
        label="Status", queryset=SessionStatus.objects.order_by("sort_order", "name"),
        empty_label="Any status",
    )
    photographer = StaffChoiceFilter(
        label="Photographer", queryset=staff_queryset(), empty_label="Anyone"
    )
    assistant = StaffChoiceFilter(
        label="Assistant", queryset=staff_queryset(), empty_label="Anyone"
    )
    camera_room = django_filters.ModelChoiceFilter(
        label="Camera Room", queryset=Resource.objects.order_by("sort_order", "name"),
        empty_label="Any room",
    )
    past_due = django_filters.BooleanFilter(
        label="Status past due", method="filter_past_due",
        widget=forms.CheckboxInput,
    )
    confirmed = django_filters.ChoiceFilter(
        label="Confirmed", choices=FLAG_CHOICES, empty_label="Any", method="filter_flag"
    )
    no_show = django_filters.ChoiceFilter(
        label="No Show", choices=FLAG_CHOICES, empty_label="Any", method="filter_flag"
    )
    redo = django_filters.ChoiceFilter(
        label="Redo", choices=FLAG_CHOICES, empty_label="Any", method="filter_flag"
    )
    on_hold = django_filters.ChoiceFilter(
        label="On Hold", choices=FLAG_CHOICES, empty_label="Any", method="filter_flag"
    )
    cancelled = django_filters.ChoiceFilter(
        label="Cancelled", choices=FLAG_CHOICES, empty_label="Any", method="filter_flag"
    )

    class Meta:
        model = Session
        fields: list[str] = []
        form = HubFilterForm

    FLAG_NAMES = tuple(name for name, _ in FLAGS)
    MAIN_NAMES = ("q", "date_from", "date_to", "session_type", "status")
    PEOPLE_NAMES = ("photographer", "assistant", "camera_room", "past_due")

    def filter_text(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """Every word must match a client name, the description or the file number;
        a word that is a number also matches that session number exactly."""
        for word in value.split():
            cond = (
                Q(client__last_name__icontains=word)
                | Q(client__first_name__icontains=word)
                | Q(description__icontains=word)
                | Q(file_number__icontains=word)
            )
            digits = word.removeprefix("#")
            if digits.isdigit() and 0 < int(digits) <= BIGINT_MAX:
                cond |= Q(number=int(digits))
            queryset = queryset.filter(cond)
        return queryset

    def filter_date_from(self, queryset: QuerySet, name: str, value) -> QuerySet:
        start, _ = day_bounds(value)
        return queryset.filter(starts_at__gte=start)

    def filter_date_to(self, queryset: QuerySet, name: str, value) -> QuerySet:
        _, end = day_bounds(value)
        return queryset.filter(starts_at__lt=end)

    def filter_past_due(self, queryset: QuerySet, name: str, value) -> QuerySet:
        return queryset.past_due() if value else queryset

    def filter_flag(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value == "yes":
            return queryset.filter(**{name: True})
        if value == "no":
            return queryset.filter(**{name: False})
        return queryset

    @property
    def active_count(self) -> int:
        """How many filters narrow the list (shown on the phone's Filters button)."""
        if not self.is_bound:
            return 0
        self.errors  # noqa: B018  (validates the form)
        return sum(
            1 for name, value in self.form.cleaned_data.items()
            if value not in (None, "", False)
        )

    def fields_named(self, names) -> list:
        return [self.form[name] for name in names]

    def main_fields(self):
        return self.fields_named(self.MAIN_NAMES)

    def people_fields(self):
        return self.fields_named(self.PEOPLE_NAMES)

    def flag_fields(self):
        return self.fields_named(self.FLAG_NAMES)


# Sorting: ?sort=<key> ascending, ?sort=-<key> descending.


@dataclass(frozen=True)
class SortColumn:
    key: str
    label: str
    fields: tuple


SORT_COLUMNS = {
    column.key: column
    for column in (
        SortColumn("date", "Session Date", ("starts_at",)),
        SortColumn("number", "Number", ("number",)),
        SortColumn("client", "Client", ("client__last_name", "client__first_name", "client_id")),
        SortColumn("type", "Type", ("session_type__name",)),
        SortColumn("status", "Status", ("status__sort_order", "status__name")),
        SortColumn("due", "Status Due Date", ("status_due_date",)),
        SortColumn(
            "photographer", "Photographer",
            (Coalesce("photographer__staff_profile__display_name", "photographer__username"),),
        ),
    )
}
DEFAULT_SORT = "-date"


def parse_sort(value: str | None) -> tuple[str, bool]:
    """(column key, descending) for a ?sort= value; unknown values mean the default."""
    value = (value or "").strip()
    descending = value.startswith("-")
    key = value.removeprefix("-")
    if key not in SORT_COLUMNS:
        return parse_sort(DEFAULT_SORT)
    return key, descending


def apply_sort(queryset: QuerySet, value: str | None) -> tuple[QuerySet, str, bool]:
    """Order by the chosen column (empty values last), then newest first."""
    key, descending = parse_sort(value)
    order = []
    for field in SORT_COLUMNS[key].fields:
        expr = F(field) if isinstance(field, str) else field
        order.append(expr.desc(nulls_last=True) if descending else expr.asc(nulls_last=True))
    if key == "date":
        order.append("-id" if descending else "id")
    else:
        order += ["-starts_at", "-id"]
    return queryset.order_by(*order), key, descending
