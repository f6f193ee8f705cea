"""Admin for the studio's staff, settings and preferences (used by Managers)."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html

from studio.models import WEEKDAYS, StaffProfile, StudioSettings, UserPreferences, user_display_name

User = get_user_model()

COLOR_INPUT = forms.TextInput(attrs={"type": "color", "style": "width: 4em; height: 2.2em; padding: 0;"})

admin.site.site_header = "Studio administration"
admin.site.site_title = "Studio admin"
admin.site.index_title = "Studio settings, catalogue and records"
# The changelists are wide (sessions, calendar rows); the index page lists every model.
admin.site.enable_nav_sidebar = False


class StaffAutocompleteJsonView(AutocompleteJsonView):
    """Autocomplete results name staff as the studio does ("Ava Lindqvist"), not by username."""

    def serialize_result(self, obj, to_field_name):
        result = super().serialize_result(obj, to_field_name)
        if isinstance(obj, User):
            result["text"] = user_display_name(obj)
        return result


def staff_autocomplete_view(request):
    return StaffAutocompleteJsonView.as_view(admin_site=admin.site)(request)


admin.site.autocomplete_view = staff_autocomplete_view


class StaffNamesMixin:
    """Foreign keys to users show display names in selects and autocompletes."""

    def _name_staff(self, formfield):
        if formfield is not None and getattr(formfield, "queryset", None) is not None:
            if formfield.queryset.model is User:
                formfield.queryset = formfield.queryset.select_related("staff_profile")
                formfield.label_from_instance = user_display_name
        return formfield

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        return self._name_staff(super().formfield_for_foreignkey(db_field, request, **kwargs))

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        return self._name_staff(super().formfield_for_manytomany(db_field, request, **kwargs))


def color_swatch(color: str, label: str = "") -> str:
    return format_html(
        '<span style="white-space:nowrap"><span style="display:inline-block;width:1em;height:1em;'
        'border-radius:3px;vertical-align:middle;margin-right:.4em;border:1px solid rgba(0,0,0,.2);'
        'background:{}"></span>{}</span>',
        color,
        label or color,
    )


class StaffProfileForm(forms.ModelForm):
    class Meta:
        model = StaffProfile
        fields = ["user", "display_name", "color", "is_photographer", "is_assistant", "show_on_calendar"]
        widgets = {"color": COLOR_INPUT}


class StaffProfileInline(admin.StackedInline):
    model = StaffProfile
    form = StaffProfileForm
    can_delete = False
    extra = 0
    max_num = 1
    verbose_name = "studio staff profile"
    verbose_name_plural = "studio staff profile"
    fields = ["display_name", "color", "is_photographer", "is_assistant", "show_on_calendar", "ical_token"]
    readonly_fields = ["ical_token"]


# The stock User admin with the studio's staff profile on the same page.
if admin.site.is_registered(User):
    admin.site.unregister(User)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    inlines = [StaffProfileInline]
    list_display = ["username", "display_name", "email", "role_names", "is_staff", "is_active", "last_login"]
    list_select_related = ["staff_profile"]
    list_filter = ["is_staff", "is_active", "groups", "staff_profile__is_photographer",
                   "staff_profile__is_assistant"]
    search_fields = ["username", "first_name", "last_name", "email", "staff_profile__display_name"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("staff_profile").prefetch_related("groups")

    @admin.display(description="name", ordering="staff_profile__display_name")
    def display_name(self, obj) -> str:
        profile = getattr(obj, "staff_profile", None)
        if profile is not None:
            return color_swatch(profile.color, profile.display_name)
        return obj.get_full_name() or "—"

    @admin.display(description="groups")
    def role_names(self, obj) -> str:
        return ", ".join(sorted(g.name for g in obj.groups.all())) or "—"


@admin.register(StaffProfile)
class StaffProfileAdmin(admin.ModelAdmin):
    form = StaffProfileForm
    list_display = ["display_name", "user", "colour", "is_photographer", "is_assistant",
                    "show_on_calendar", "user_active"]
    list_filter = ["is_photographer", "is_assistant", "show_on_calendar", "user__is_active"]
    list_editable = ["is_photographer", "is_assistant", "show_on_calendar"]
    list_select_related = ["user"]
    search_fields = ["display_name", "user__username", "user__first_name", "user__last_name", "user__email"]
    autocomplete_fields = ["user"]
    readonly_fields = ["ical_token"]
    fields = ["user", "display_name", "color", "is_photographer", "is_assistant", "show_on_calendar",
              "ical_token"]
    actions = ["regenerate_ical_tokens"]

    @admin.display(description="colour", ordering="color")
    def colour(self, obj: StaffProfile) -> str:
        return color_swatch(obj.color)

    @admin.display(description="active", boolean=True, ordering="user__is_active")
    def user_active(self, obj: StaffProfile) -> bool:
        return obj.user.is_active

    @admin.action(description="Regenerate iCal feed tokens (old subscription links stop working)",
                  permissions=["change"])
    def regenerate_ical_tokens(self, request, queryset):
        count = 0
        for profile in queryset:
            profile.regenerate_ical_token()
            count += 1
        self.message_user(request, f"New iCal tokens for {count} staff member(s); "
                                   "they need to subscribe to their feed again.", messages.SUCCESS)


class StudioSettingsForm(forms.ModelForm):
    work_days = forms.TypedMultipleChoiceField(
        choices=WEEKDAYS, coerce=int, widget=forms.CheckboxSelectMultiple,
        help_text="The days the studio works; status due dates count only these days.",
        error_messages={"required": "Choose at least one work day."},
    )

    class Meta:
        model = StudioSettings
        fields = ["studio_name", "work_days", "opens_at", "closes_at", "slot_minutes", "conflict_policy",
                  "first_session_number", "default_session_type"]


@admin.register(StudioSettings)
class StudioSettingsAdmin(admin.ModelAdmin):
    """One row: the changelist opens it; it can be neither added twice nor deleted."""

    form = StudioSettingsForm
    list_display = ["studio_name", "conflict_policy", "opens_at", "closes_at", "first_session_number"]
    list_filter = ["conflict_policy"]
    search_fields = ["studio_name"]
    autocomplete_fields = ["default_session_type"]
    list_select_related = ["default_session_type"]
    fieldsets = [
        (None, {"fields": ["studio_name"]}),
        ("Opening hours", {"fields": ["work_days", "opens_at", "closes_at", "slot_minutes"]}),
        ("Booking", {"fields": ["conflict_policy", "first_session_number", "default_session_type"]}),
    ]

    def has_add_permission(self, request) -> bool:
        return super().has_add_permission(request) and not StudioSettings.objects.exists()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def changelist_view(self, request, extra_context=None):
        row = StudioSettings.objects.first()
        if row is not None and self.has_view_or_change_permission(request, row):
            return HttpResponseRedirect(
                reverse("admin:studio_studiosettings_change", args=[row.pk])
            )
        return super().changelist_view(request, extra_context)


@admin.register(UserPreferences)
class UserPreferencesAdmin(StaffNamesMixin, admin.ModelAdmin):
    list_display = ["user_name", "use_session_wizard", "default_calendar_view"]
    list_filter = ["use_session_wizard", "default_calendar_view"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    autocomplete_fields = ["user", "default_calendar_people"]
    list_select_related = ["user__staff_profile"]

    @admin.display(description="user", ordering="user__username")
    def user_name(self, obj: UserPreferences) -> str:
        return user_display_name(obj.user)
