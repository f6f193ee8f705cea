"""Client and family member forms: they validate and normalise; services write."""

from __future__ import annotations

from datetime import datetime

from django import forms
from django.forms import BaseInlineFormSet, inlineformset_factory
from django.utils import timezone

from clients.models import Client, FamilyMember
from clients.services import CLIENT_FIELDS, FamilyMemberData

FAMILY_PREFIX = "family"


def _squash(value: str) -> str:
    """Trim and collapse runs of spaces inside a one-line value."""
    return " ".join(value.split())


class ClientForm(forms.ModelForm):
    """The household's own fields, labelled as on the desktop product's client record.

    ``version`` carries the client's ``updated_at`` from when the page was
    opened, so an edit made from a stale page is refused (see services).
    """

    version = forms.CharField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = Client
        fields = list(CLIENT_FIELDS)
        labels = {
            "last_name": "Last Name",
            "first_name": "First Name",
            "email": "Email",
            "phone": "Phone",
            "address": "Address",
            "city": "City",
            "state": "State",
            "postal_code": "Postal Code",
            "notes": "Notes",
        }
        widgets = {
            "last_name": forms.TextInput(attrs={"autocomplete": "family-name"}),
            "first_name": forms.TextInput(attrs={"autocomplete": "given-name"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
            "address": forms.TextInput(attrs={"autocomplete": "street-address"}),
            "city": forms.TextInput(attrs={"autocomplete": "address-level2"}),
            "state": forms.TextInput(attrs={"autocomplete": "address-level1"}),
            "postal_code": forms.TextInput(attrs={"autocomplete": "postal-code"}),
            "notes": forms.Textarea(attrs={"rows": 4}),
        }

    def clean_last_name(self) -> str:
        return _squash(self.cleaned_data["last_name"])

    def clean_first_name(self) -> str:
        return _squash(self.cleaned_data["first_name"])

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()

    def clean_phone(self) -> str:
        phone = _squash(self.cleaned_data["phone"])
        digits = sum(ch.isdigit() for ch in phone)
        if phone and digits < 3:
            raise forms.ValidationError("Enter a phone number with at least 3 digits.")
        return phone

    def clean_city(self) -> str:
        return _squash(self.cleaned_data["city"])

    def clean_state(self) -> str:
        return _squash(self.cleaned_data["state"])

    def clean_postal_code(self) -> str:
        return _squash(self.cleaned_data["postal_code"]).upper()

    def clean_version(self) -> datetime | None:
        raw = self.cleaned_data["version"].strip()
        if not raw:
            return None
        try:
            value = datetime.fromisoformat(raw)
        except ValueError:
            raise forms.ValidationError("The page was damaged: open the client again.") from None
        if timezone.is_naive(value):
            raise forms.ValidationError("The page was damaged: open the client again.")
        return value

    def client_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in CLIENT_FIELDS}


class FamilyMemberForm(forms.ModelForm):
    class Meta:
        model = FamilyMember
        fields = ["first_name", "last_name", "relationship", "birth_date"]
        labels = {
            "first_name": "First Name",
            "last_name": "Last Name",
            "relationship": "Relationship",
            "birth_date": "Birth Date",
        }
        help_texts = {"last_name": ""}
        widgets = {
            "birth_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, household_name: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if household_name:
            self.fields["last_name"].widget.attrs["placeholder"] = household_name
        self.fields["last_name"].widget.attrs["title"] = "Leave blank to use the household's last name."
        self.fields["birth_date"].widget.attrs["max"] = timezone.localdate().isoformat()

    def clean_first_name(self) -> str:
        return _squash(self.cleaned_data["first_name"])

    def clean_last_name(self) -> str:
        return _squash(self.cleaned_data["last_name"])

    def clean_birth_date(self):
        born = self.cleaned_data["birth_date"]
        if born and born > timezone.localdate():
            raise forms.ValidationError("Birth date cannot be in the future.")
        return born


class BaseFamilyFormSet(BaseInlineFormSet):
    """Family members added and removed in place on the client page.

    Pass ``form_kwargs={"household_name": ...}`` so blank last names show
    the household's as a placeholder.
    """

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = "Remove"

    def kept(self) -> list[FamilyMemberData]:
        """Members to keep or add, in page order (call after is_valid())."""
        kept = []
        for form in self.forms:
            if self._should_delete_form(form):
                continue
            if form.instance.pk is None and not form.has_changed():
                continue  # an empty row nobody filled in
            data = form.cleaned_data
            kept.append(
                FamilyMemberData(
                    id=form.instance.pk,
                    first_name=data["first_name"],
                    last_name=data["last_name"],
                    relationship=data["relationship"],
                    birth_date=data["birth_date"],
                )
            )
        return kept

    def removed(self) -> list[int]:
        """Ids of existing members marked Remove (call after is_valid())."""
        return [
            form.instance.pk
            for form in self.forms
            if form.instance.pk is not None and self._should_delete_form(form)
        ]

    def form_for_member(self, member_id: int):
        for form in self.forms:
            if form.instance.pk == member_id:
                return form
        return None


FamilyFormSet = inlineformset_factory(
    Client,
    FamilyMember,
    form=FamilyMemberForm,
    formset=BaseFamilyFormSet,
    fields=["first_name", "last_name", "relationship", "birth_date"],
    extra=0,
    can_delete=True,
)
