"""Forms of the Scheduling and Session wizards and of the free-slot search.

Validate and normalise only: the wizard's done step hands the cleaned values
to clients.services and sessions.services, which write.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone

from clients.models import Client, Relationship
from clients.services import FamilyMemberData
from scheduling.models import Resource, SessionType
from sessions import selectors
from sessions.forms import (
    MAX_REMINDER_MINUTES,
    BookingFieldsForm,
    DateInput,
    ParticipantsField,
    TimeInput,
)
from studio.formtimes import clean_local_span

User = get_user_model()

# New family members the Client Details step offers to add at once.
NEW_MEMBER_ROWS = 4
CLIENT_DETAIL_FIELDS = ("last_name", "first_name", "email", "phone", "address", "city", "state", "postal_code")


class TypeSelect(forms.Select):
    """Session types with their defaults as data attributes, for wizard.js."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.defaults: dict[str, dict] = {}

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        key = str(getattr(value, "value", value))
        for attr, val in self.defaults.get(key, {}).items():
            option["attrs"][f"data-{attr}"] = "" if val is None else str(val)
        return option


def type_defaults(types) -> dict[str, dict]:
    return {
        str(t.pk): {
            "length": t.default_length_minutes,
            "photographer": t.default_photographer_id,
            "assistant": t.default_assistant_id,
            "resource": t.default_resource_id,
        }
        for t in types
    }


# ---- Step 1: find or create the client -------------------------------------------------


class ClientStepForm(forms.Form):
    """Pick a client from the matches (a Select button) or start a new one.

    The Select buttons post ``client``; New client posts ``new_client``; the
    search box only re-renders the step with its matches.
    """

    search = forms.CharField(
        label="Find a client", max_length=200, required=False,
        widget=forms.TextInput(attrs={
            "type": "search", "class": "form-control", "placeholder": "e.g. Smith, anna@example.com, 555 0101",
            "autocomplete": "off", "autofocus": True,
        }),
    )
    client = forms.ModelChoiceField(
        queryset=Client.objects.all(), required=False, widget=forms.HiddenInput,
        error_messages={"invalid_choice": "That client no longer exists. Search again."},
    )
    new_client = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, can_add_client: bool = True, **kwargs):
        self.can_add_client = can_add_client
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        if "client" in self.errors:
            return data
        if data.get("new_client") and not data.get("client"):
            if not self.can_add_client:
                raise ValidationError("You are not allowed to add clients. Pick an existing client.")
            return data
        if not data.get("client"):
            raise ValidationError("Find the client and press Select, or start a new client.")
        data["new_client"] = False
        return data


# ---- Step 2: the client's contact details and who takes part ----------------------------


class ClientDetailsStepForm(forms.Form):
    """Contact details (entered for a new client, confirmed or corrected for a known one),
    the family members who take part, and family members to add."""

    last_name = forms.CharField(
        label="Last name", max_length=100,
        error_messages={"required": "Enter the client's last name."},
    )
    first_name = forms.CharField(label="First name", max_length=100, required=False)
    email = forms.EmailField(
        label="Email", required=False, error_messages={"invalid": "Enter a valid email address."},
    )
    phone = forms.CharField(label="Phone", max_length=40, required=False,
                            widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}))
    address = forms.CharField(label="Street address", max_length=200, required=False)
    city = forms.CharField(label="City", max_length=100, required=False)
    state = forms.CharField(label="State / region", max_length=100, required=False)
    postal_code = forms.CharField(label="Postal code", max_length=20, required=False)
    participants = ParticipantsField(
        label="Participants", queryset=selectors.family_members(0), required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Family members who take part in this session.",
    )
    # The client's updated_at when the step was first shown: a guard against overwriting
    # someone else's edit of the same client.
    version = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, client: Client | None = None, can_edit_client: bool = True,
                 can_add_members: bool = True, **kwargs):
        self.client = client
        self.can_add_members = can_add_members
        super().__init__(*args, **kwargs)
        if client is None:
            del self.fields["participants"]
            del self.fields["version"]
        else:
            self.fields["participants"].queryset = selectors.family_members(client.pk)
            if not can_edit_client:
                for name in CLIENT_DETAIL_FIELDS:
                    self.fields[name].disabled = True
        if can_add_members:
            for i in range(1, NEW_MEMBER_ROWS + 1):
                self.fields[f"member_{i}_first_name"] = forms.CharField(
                    label="First name", max_length=100, required=False)
                self.fields[f"member_{i}_last_name"] = forms.CharField(
                    label="Last name", max_length=100, required=False,
                    widget=forms.TextInput(attrs={"placeholder": "Household's"}))
                self.fields[f"member_{i}_relationship"] = forms.ChoiceField(
                    label="Relationship", choices=Relationship.choices, initial=Relationship.CHILD,
                    required=False)
                self.fields[f"member_{i}_birth_date"] = forms.DateField(
                    label="Birth date", widget=DateInput(), required=False,
                    error_messages={"invalid": "Enter a valid date."})

    @staticmethod
    def initial_for(client: Client) -> dict:
        initial = {name: getattr(client, name) for name in CLIENT_DETAIL_FIELDS}
        initial["version"] = client.updated_at.isoformat()
        return initial

    def member_rows(self) -> list[list[forms.BoundField]]:
        """The new-member fields, one list of bound fields per row, for the template."""
        if not self.can_add_members:
            return []
        return [
            [self[f"member_{i}_{part}"] for part in ("first_name", "last_name", "relationship", "birth_date")]
            for i in range(1, NEW_MEMBER_ROWS + 1)
        ]

    def clean(self):
        data = super().clean()
        for name in ("last_name", "first_name", "phone", "address", "city", "state", "postal_code"):
            if isinstance(data.get(name), str):
                data[name] = data[name].strip()
        if "last_name" in data and not data["last_name"]:
            self.add_error("last_name", "Enter the client's last name.")
        today = timezone.localdate()
        for i in range(1, NEW_MEMBER_ROWS + 1 if self.can_add_members else 1):
            first = (data.get(f"member_{i}_first_name") or "").strip()
            data[f"member_{i}_first_name"] = first
            if not first and (data.get(f"member_{i}_birth_date") or (data.get(f"member_{i}_last_name") or "").strip()):
                self.add_error(f"member_{i}_first_name", "Enter the family member's first name.")
            born = data.get(f"member_{i}_birth_date")
            if born and born > today:
                self.add_error(f"member_{i}_birth_date", "A birth date cannot be in the future.")
        return data

    def client_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in CLIENT_DETAIL_FIELDS}

    def new_members(self) -> list[FamilyMemberData]:
        members = []
        for i in range(1, NEW_MEMBER_ROWS + 1 if self.can_add_members else 1):
            first = self.cleaned_data.get(f"member_{i}_first_name")
            if first:
                members.append(FamilyMemberData(
                    first_name=first,
                    last_name=(self.cleaned_data.get(f"member_{i}_last_name") or "").strip(),
                    relationship=self.cleaned_data.get(f"member_{i}_relationship") or Relationship.OTHER,
                    birth_date=self.cleaned_data.get(f"member_{i}_birth_date"),
                ))
        return members

    def opened_version(self) -> datetime | None:
        raw = (self.cleaned_data.get("version") or "").strip()
        try:
            value = datetime.fromisoformat(raw) if raw else None
        except ValueError:
            return None
        return value if value and timezone.is_aware(value) else None


# ---- Step 3: the session --------------------------------------------------------------


class SessionStepForm(BookingFieldsForm):
    """Type, Session Date, Start Time (free slots offered), End Time, people, room, description.

    ``cleaned_data`` gains ``starts_at`` and ``ends_at`` (aware; ``ends_at``
    is None when End Time is empty: the service adds the type's length).
    """

    field_order = ["session_type", *BookingFieldsForm.base_fields]

    session_type = forms.ModelChoiceField(
        label="Type", queryset=selectors.active_session_types(), empty_label=None, widget=TypeSelect,
        error_messages={"required": "Choose a session type.",
                        "invalid_choice": "Choose one of the session types in the list."},
    )
    start_time = forms.TimeField(
        label="Start Time", widget=TimeInput(),
        error_messages={"required": "Enter the start time or pick a free slot.",
                        "invalid": "Enter a valid time."},
    )
    end_time = forms.TimeField(
        label="End Time", widget=TimeInput(), required=False,
        help_text="Leave empty for the type's length.",
        error_messages={"invalid": "Enter a valid time."},
    )
    description = forms.CharField(label="Description", max_length=200, required=False)
    reminder = forms.BooleanField(label="Reminder", required=False,
                                  help_text="Show an on-screen reminder before the session starts.")
    reminder_minutes = forms.IntegerField(
        label="Minutes ahead", min_value=0, max_value=MAX_REMINDER_MINUTES, required=False, initial=30,
        error_messages={
            "max_value": f"A reminder can be at most {MAX_REMINDER_MINUTES} minutes (two weeks) ahead.",
            "min_value": "Minutes ahead cannot be negative.",
            "invalid": "Enter a whole number of minutes.",
        },
    )
    participants = ParticipantsField(
        label="Participants", queryset=selectors.family_members(0), required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, participants_of: Client | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        types = list(self.fields["session_type"].queryset)
        widget = self.fields["session_type"].widget
        widget.defaults = type_defaults(types)
        widget.choices = [(t.pk, t.name) for t in types]  # one query, not one per render
        self.fields["reminder_minutes"].widget.attrs.update({"step": 5, "inputmode": "numeric"})
        if participants_of is None:
            del self.fields["participants"]
        else:
            self.fields["participants"].queryset = selectors.family_members(participants_of.pk)

    def clean(self):
        data = super().clean()
        clean_local_span(self, data, date_field="session_date")
        data["location"] = (data.get("location") or "").strip()
        data["description"] = (data.get("description") or "").strip()
        if data.get("camera_room") and data["location"]:
            self.add_error("location", "Choose a camera room or type a location, not both.")
        if data.get("reminder") and data.get("reminder_minutes") is None and "reminder_minutes" not in self.errors:
            self.add_error("reminder_minutes", "Enter how many minutes ahead the reminder should appear.")
        return data

    def session_fields(self) -> dict:
        """The cleaned values as keyword arguments of sessions.services.session_create."""
        data = self.cleaned_data
        fields = {
            "session_type": data["session_type"],
            "starts_at": data["starts_at"],
            "ends_at": data["ends_at"],
            "description": data["description"],
            "photographer": data.get("photographer"),
            "assistant": data.get("assistant"),
            "camera_room": data.get("camera_room"),
            "location": data["location"],
            "reminder": bool(data.get("reminder")),
        }
        if data.get("reminder_minutes") is not None:
            fields["reminder_minutes"] = data["reminder_minutes"]
        return fields

    # Service errors name model fields; show each next to the field it is about.
    MODEL_TO_FORM = {"starts_at": "start_time", "ends_at": "end_time"}

    def add_service_error(self, exc: ValidationError) -> None:
        if not hasattr(exc, "error_dict"):
            for message in exc.messages:
                self.add_error(None, message)
            return
        for name, errors in exc.message_dict.items():
            target = self.MODEL_TO_FORM.get(name, name)
            if target not in self.fields:
                target = None
            for message in errors:
                self.add_error(target, message)


# ---- Step 4: review ------------------------------------------------------------------


class ReviewStepForm(forms.Form):
    """Nothing to type: Book posts it; Book anyway adds ``book_anyway`` under the "ask" policy."""

    book_anyway = forms.BooleanField(required=False, widget=forms.HiddenInput)


# ---- The free-slot search's parameters ---------------------------------------------------


class FreeSlotsQueryForm(forms.Form):
    type = forms.ModelChoiceField(
        queryset=SessionType.objects.all(), required=False,
        error_messages={"invalid_choice": "Choose one of the session types in the list."},
    )
    date = forms.DateField(required=False, error_messages={"invalid": "Enter a valid date."})
    length = forms.IntegerField(
        required=False, min_value=5, max_value=24 * 60,
        error_messages={"min_value": "A session is at least 5 minutes long.",
                        "max_value": "A session is at most a day long.",
                        "invalid": "Enter the length in whole minutes."},
    )
    photographer = forms.ModelChoiceField(
        queryset=User.objects.select_related("staff_profile"), required=False,
        error_messages={"invalid_choice": "Choose one of the photographers in the list."},
    )
    assistant = forms.ModelChoiceField(
        queryset=User.objects.select_related("staff_profile"), required=False,
        error_messages={"invalid_choice": "Choose one of the assistants in the list."},
    )
    resource = forms.ModelChoiceField(
        queryset=Resource.objects.all(), required=False,
        error_messages={"invalid_choice": "Choose one of the camera rooms in the list."},
    )
    limit = forms.IntegerField(required=False, min_value=1, max_value=50)
    days = forms.IntegerField(required=False, min_value=1, max_value=62)
    exclude = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def length_delta(self, default_minutes: int = 60) -> timedelta:
        data = self.cleaned_data
        if data.get("length"):
            return timedelta(minutes=data["length"])
        if data.get("type"):
            return timedelta(minutes=data["type"].default_length_minutes)
        return timedelta(minutes=default_minutes)

    def start_date(self) -> date:
        return self.cleaned_data.get("date") or timezone.localdate()

