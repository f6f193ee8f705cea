"""Forms of the studio app: the user's preferences."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q

from studio.models import UserPreferences, user_display_name

User = get_user_model()


class CalendarPeopleField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return user_display_name(obj)


class PreferencesForm(forms.ModelForm):
    default_calendar_people = CalendarPeopleField(
        label="Default calendar people",
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Staff the calendar shows when you have not chosen anyone. None ticked: everybody.",
    )

    class Meta:
        model = UserPreferences
        fields = ["use_session_wizard", "default_calendar_view", "default_calendar_people"]
        labels = {
            "use_session_wizard": "Use Session Wizard",
            "default_calendar_view": "Default calendar view",
        }
        help_texts = {
            "use_session_wizard": "Session on a client's ribbon opens the Session Wizard. "
                                  "Off: it opens a blank session record.",
            "default_calendar_view": "What the calendar opens on.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        chosen = list(self.instance.default_calendar_people.values_list("pk", flat=True)) if self.instance.pk else []
        self.fields["use_session_wizard"].widget.attrs["class"] = "form-check-input"
        self.fields["default_calendar_view"].widget.attrs["class"] = "form-select"
        self.fields["default_calendar_people"].queryset = (
            User.objects.filter(Q(is_active=True, staff_profile__show_on_calendar=True) | Q(pk__in=chosen))
            .select_related("staff_profile")
            .order_by("staff_profile__display_name", "username")
        )
