"""Forms of the session record: validate and normalise only; services write."""

from __future__ import annotations

from datetime import datetime, timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone

from clients.models import Relationship
from scheduling.models import Resource, SessionType
from sessions import selectors
from sessions.models import Session, SessionStatus
from studio.formtimes import clean_local_span
from studio.models import user_display_name
from studio.timeutils import to_local

MAX_REMINDER_MINUTES = 60 * 24 * 14


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs={"step": 300, **(attrs or {})}, format="%H:%M")


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return user_display_name(obj)


class StaffMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return user_display_name(obj)


class ParticipantsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.full_name


class BootstrapFormMixin:
    """Bootstrap classes on every widget, and is-invalid on fields with errors."""

    def style_widgets(self) -> None:
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxSelectMultiple | forms.HiddenInput):
                continue
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            classes = widget.attrs.get("class", "").split()
            if css not in classes:
                widget.attrs["class"] = " ".join([*classes, css])

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            self._mark_invalid(name)

    def add_error(self, field, error):
        super().add_error(field, error)
        if field is not None:
            self._mark_invalid(field)
        elif isinstance(error, dict):
            for name in error:
                self._mark_invalid(name)

    def _mark_invalid(self, name) -> None:
        field = self.fields.get(name) if name else None
        if field is None:
            return
        classes = field.widget.attrs.get("class", "").split()
        if "is-invalid" not in classes:
            field.widget.attrs["class"] = " ".join([*classes, "is-invalid"])
        field.widget.attrs["aria-invalid"] = "true"


class BookingFieldsForm(forms.Form):
    """When, who and where: the fields the session record and the wizards share.

    Subclasses reword a field by declaring it again; clean() builds the instants
    with studio.formtimes.clean_local_span.
    """

    session_date = forms.DateField(
        label="Session Date", widget=DateInput(),
        error_messages={"required": "Enter the session date.", "invalid": "Enter a valid date."},
    )
    start_time = forms.TimeField(
        label="Start Time", widget=TimeInput(),
        error_messages={"required": "Enter the start time.", "invalid": "Enter a valid time."},
    )
    end_time = forms.TimeField(
        label="End Time", widget=TimeInput(), required=False,
        help_text="Empty: the start time plus the type's length.",
        error_messages={"invalid": "Enter a valid time."},
    )
    photographer = StaffChoiceField(
        label="Photographer", queryset=selectors.staff_users(photographers=True), required=False,
        empty_label="— None —",
    )
    assistant = StaffChoiceField(
        label="Assistant", queryset=selectors.staff_users(assistants=True, photographers=True),
        required=False, empty_label="— None —",
    )
    camera_room = forms.ModelChoiceField(
        label="Camera Room", queryset=selectors.active_rooms(), required=False, empty_label="— None —",
    )
    location = forms.CharField(label="or type a location", max_length=200, required=False)


class SessionForm(BootstrapFormMixin, BookingFieldsForm):
    """The General and Participants tabs of a session record, new or saved.

    ``cleaned_data`` gains ``starts_at`` and ``ends_at`` (aware, the studio's
    zone; ``ends_at`` is None when End Time is left empty).
    """

    # The help page's order: Description and Type come before the shared fields.
    field_order = ["description", "session_type", *BookingFieldsForm.base_fields]

    description = forms.CharField(label="Description", max_length=200, required=False)
    session_type = forms.ModelChoiceField(
        label="Type", queryset=selectors.active_session_types(), empty_label=None,
        error_messages={"required": "Choose a session type.",
                        "invalid_choice": "Choose one of the session types in the list."},
    )
    number = forms.IntegerField(
        label="Session Number", min_value=1, max_value=9_223_372_036_854_775_807, required=False,
        error_messages={"min_value": "Session number must be a positive whole number.",
                        "max_value": "Session number is too large.",
                        "invalid": "Session number must be a positive whole number."},
    )
    status = forms.ModelChoiceField(
        label="Session Status", queryset=selectors.active_statuses(), empty_label=None,
        error_messages={"required": "Choose a session status."},
    )
    status_due_date = forms.DateField(
        label="Status Due Date", widget=DateInput(), required=False,
        error_messages={"invalid": "Enter a valid date."},
    )
    file_number = forms.CharField(label="File Number", max_length=50, required=False)
    reminder = forms.BooleanField(label="Reminder", required=False)
    reminder_minutes = forms.IntegerField(
        label="Minutes ahead", min_value=0, max_value=MAX_REMINDER_MINUTES, required=False,
        error_messages={
            "max_value": f"A reminder can be at most {MAX_REMINDER_MINUTES} minutes (two weeks) ahead.",
            "min_value": "Minutes ahead cannot be negative.",
        },
    )
    confirmed = forms.BooleanField(label="Confirmed", required=False)
    no_show = forms.BooleanField(label="No Show", required=False)
    redo = forms.BooleanField(label="Redo", required=False)
    on_hold = forms.BooleanField(label="On Hold", required=False)
    cancelled = forms.BooleanField(label="Cancelled", required=False)
    use_advanced_calendar = forms.BooleanField(label="Use Advanced Calendar Options", required=False)
    participants = ParticipantsField(
        label="Participants", queryset=selectors.family_members(0), required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    # A family member added in place on a new session (created on save).
    new_member_first_name = forms.CharField(label="First name", max_length=100, required=False)
    new_member_relationship = forms.ChoiceField(
        label="Relationship", choices=Relationship.choices, initial=Relationship.CHILD, required=False,
    )
    new_member_birth_date = forms.DateField(
        label="Birth date", widget=DateInput(), required=False,
        error_messages={"invalid": "Enter a valid date."},
    )
    # The session's updated_at when the form was opened (the lost-update guard).
    updated_at = forms.CharField(widget=forms.HiddenInput, required=False)
    allow_conflicts = forms.BooleanField(required=False, widget=forms.HiddenInput)

    NEW_MEMBER_FIELDS = ("new_member_first_name", "new_member_relationship", "new_member_birth_date")

    def __init__(self, *args, client, session: Session | None = None, read_only: bool = False, **kwargs):
        self.client = client
        self.session = session
        super().__init__(*args, **kwargs)
        keep = [session.photographer_id, session.assistant_id] if session else []
        self.fields["photographer"].queryset = selectors.staff_users(photographers=True, include=keep)
        self.fields["assistant"].queryset = selectors.staff_users(
            photographers=True, assistants=True, include=keep
        )
        self.fields["participants"].queryset = selectors.family_members(client.pk)
        if session is not None:
            # Values chosen before a type, room or status was retired stay selectable.
            self.fields["session_type"].queryset = SessionType.objects.filter(
                Q(active=True) | Q(pk=session.session_type_id)
            )
            self.fields["camera_room"].queryset = Resource.objects.filter(
                Q(active=True) | Q(pk=session.camera_room_id or 0)
            )
            self.fields["status"].queryset = SessionStatus.objects.filter(
                Q(active=True) | Q(pk=session.status_id)
            ).order_by("sort_order", "id")
            self.fields["number"].required = True
            self.fields["number"].error_messages["required"] = "Enter a session number."
        else:
            del self.fields["updated_at"]
            self.fields["number"].widget.attrs["placeholder"] = "Assigned when saved"
        self.fields["reminder_minutes"].widget.attrs.update({"step": 5, "inputmode": "numeric"})
        self.fields["number"].widget.attrs["inputmode"] = "numeric"
        if read_only:
            for field in self.fields.values():
                field.disabled = True
        self.style_widgets()

    @property
    def has_new_member_fields(self) -> bool:
        return "new_member_first_name" in self.fields

    @classmethod
    def initial_for(cls, session: Session, participant_ids: list[int]) -> dict:
        start, end = to_local(session.starts_at), to_local(session.ends_at)
        return {
            "description": session.description,
            "session_type": session.session_type_id,
            "session_date": start.date(),
            "start_time": start.time().replace(second=0, microsecond=0),
            "end_time": end.time().replace(second=0, microsecond=0),
            "photographer": session.photographer_id,
            "assistant": session.assistant_id,
            "camera_room": session.camera_room_id,
            "location": session.location,
            "number": session.number,
            "status": session.status_id,
            "status_due_date": session.status_due_date,
            "file_number": session.file_number,
            "reminder": session.reminder,
            "reminder_minutes": session.reminder_minutes,
            "confirmed": session.confirmed,
            "no_show": session.no_show,
            "redo": session.redo,
            "on_hold": session.on_hold,
            "cancelled": session.cancelled,
            "use_advanced_calendar": session.use_advanced_calendar,
            "participants": participant_ids,
            "updated_at": session.updated_at.isoformat(),
        }

    def clean(self):
        data = super().clean()
        clean_local_span(self, data, date_field="session_date")
        if data.get("camera_room") and data.get("location"):
            self.add_error("location", "Choose a camera room or type a location, not both.")
        if data.get("reminder") and data.get("reminder_minutes") is None and "reminder_minutes" not in self.errors:
            self.add_error("reminder_minutes", "Enter how many minutes ahead the reminder should appear.")
        if self.has_new_member_fields:
            if not data.get("new_member_first_name") and data.get("new_member_birth_date"):
                self.add_error("new_member_first_name", "Enter the family member's first name.")
        return data

    def session_fields(self) -> dict:
        """The cleaned values as keyword arguments of the session services."""
        data = self.cleaned_data
        fields = {
            "description": data["description"].strip(),
            "session_type": data["session_type"],
            "starts_at": data["starts_at"],
            "ends_at": data["ends_at"],
            "photographer": data.get("photographer"),
            "assistant": data.get("assistant"),
            "camera_room": data.get("camera_room"),
            "location": data["location"].strip(),
            "status": data["status"],
            "file_number": data["file_number"].strip(),
            "reminder": data["reminder"],
            "confirmed": data["confirmed"],
            "no_show": data["no_show"],
            "redo": data["redo"],
            "on_hold": data["on_hold"],
            "cancelled": data["cancelled"],
            "use_advanced_calendar": data["use_advanced_calendar"],
        }
        if data.get("reminder_minutes") is not None:
            fields["reminder_minutes"] = data["reminder_minutes"]
        if data.get("number") is not None:
            fields["number"] = data["number"]
        if data.get("status_due_date") is not None:
            fields["status_due_date"] = data["status_due_date"]
        if self.session is not None and not data["redo"]:
            fields["redo_of"] = None
        if self.session is not None and fields["ends_at"] is None and fields["starts_at"]:
            fields["ends_at"] = fields["starts_at"] + timedelta(
                minutes=fields["session_type"].default_length_minutes
            )
        return fields

    def new_member(self) -> dict | None:
        """First name, relationship and birth date of a family member to add, if any."""
        if not self.has_new_member_fields or not self.cleaned_data.get("new_member_first_name"):
            return None
        return {
            "first_name": self.cleaned_data["new_member_first_name"].strip(),
            "relationship": self.cleaned_data.get("new_member_relationship") or Relationship.OTHER,
            "birth_date": self.cleaned_data.get("new_member_birth_date"),
        }

    def opened_at(self) -> datetime | None:
        """The session's updated_at when the user opened it."""
        raw = (self.cleaned_data.get("updated_at") or "").strip()
        if not raw:
            return None
        try:
            value = datetime.fromisoformat(raw)
        except ValueError:
            return None
        return value if timezone.is_aware(value) else None

    # Service errors name model fields; show each next to the field it is about.
    MODEL_TO_FORM = {
        "starts_at": "start_time",
        "ends_at": "end_time",
        "client": None,
        "price_list": None,
        "redo_of": "redo",
    }

    def add_service_error(self, exc: ValidationError) -> None:
        if not hasattr(exc, "error_dict"):
            for message in exc.messages:
                self.add_error(None, message)
            return
        for name, errors in exc.message_dict.items():
            target = self.MODEL_TO_FORM.get(name, name)
            if target not in self.fields or name == "__all__":
                target = None
            for message in errors:
                self.add_error(target, message)


class ChangeStatusForm(BootstrapFormMixin, forms.Form):
    """The ribbon's Change Status: completed on, the next status, its due date."""

    prefix = "change"

    completed_on = forms.DateField(
        label="Completed On", widget=DateInput(),
        error_messages={"required": "Enter the date the current status was completed.",
                        "invalid": "Enter a valid date."},
    )
    to_status = forms.ModelChoiceField(
        label="New Status", queryset=selectors.active_statuses(), empty_label=None,
        error_messages={"required": "Choose the new status.",
                        "invalid_choice": "Choose one of the statuses in the list."},
    )
    due_date = forms.DateField(
        label="Due Date", widget=DateInput(), required=False,
        help_text="Calculated from the status's default duration in work days; you may change it.",
        error_messages={"invalid": "Enter a valid date."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style_widgets()


class NoteForm(BootstrapFormMixin, forms.Form):
    text = forms.CharField(
        label="New note", widget=forms.Textarea(attrs={"rows": 3}), max_length=5000,
        error_messages={"required": "Write the note before adding it."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style_widgets()

    def clean_text(self) -> str:
        value = self.cleaned_data["text"].strip()
        if not value:
            raise ValidationError("Write the note before adding it.")
        return value


class TaskForm(BootstrapFormMixin, forms.Form):
    title = forms.CharField(label="To-do", max_length=200,
                            error_messages={"required": "Enter what needs to be done."})
    due_date = forms.DateField(label="Due date", widget=DateInput(), required=False,
                               error_messages={"invalid": "Enter a valid date."})
    assignee = StaffChoiceField(label="Assigned to", queryset=selectors.staff_users(),
                                required=False, empty_label="— Nobody —")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style_widgets()

    def clean_title(self) -> str:
        value = self.cleaned_data["title"].strip()
        if not value:
            raise ValidationError("Enter what needs to be done.")
        return value
