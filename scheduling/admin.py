"""Admin for the studio's catalogue: price lists, resources and session types."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db.models import Count

from scheduling.models import PriceList, Resource, SessionType
from studio.admin import COLOR_INPUT, StaffNamesMixin, color_swatch
from studio.models import user_display_name


@admin.register(PriceList)
class PriceListAdmin(admin.ModelAdmin):
    list_display = ["name", "active", "type_count"]
    list_filter = ["active"]
    list_editable = ["active"]
    search_fields = ["name"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(types_n=Count("sessiontype"))

    @admin.display(description="session types", ordering="types_n")
    def type_count(self, obj: PriceList) -> int:
        return obj.types_n


@admin.register(Resource)
class ResourceAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "show_on_calendar", "active", "sort_order"]
    list_filter = ["kind", "show_on_calendar", "active"]
    list_editable = ["show_on_calendar", "active", "sort_order"]
    search_fields = ["name"]
    readonly_fields = ["ical_token"]
    fields = ["name", "kind", "show_on_calendar", "active", "sort_order", "ical_token"]
    actions = ["regenerate_ical_tokens"]

    @admin.action(description="Regenerate iCal feed tokens (old subscription links stop working)",
                  permissions=["change"])
    def regenerate_ical_tokens(self, request, queryset):
        count = 0
        for resource in queryset:
            resource.regenerate_ical_token()
            count += 1
        self.message_user(request, f"New iCal tokens for {count} resource(s).", messages.SUCCESS)


class SessionTypeForm(forms.ModelForm):
    class Meta:
        model = SessionType
        fields = ["name", "color", "default_length_minutes", "price_list", "sort_order", "active",
                  "default_resource", "default_photographer", "default_assistant"]
        widgets = {"color": COLOR_INPUT}


@admin.register(SessionType)
class SessionTypeAdmin(StaffNamesMixin, admin.ModelAdmin):
    form = SessionTypeForm
    list_display = ["name", "colour", "length", "price_list", "default_resource",
                    "photographer", "assistant", "sort_order", "active"]
    list_filter = ["active", "price_list", "default_resource"]
    list_editable = ["sort_order", "active"]
    list_select_related = ["price_list", "default_resource", "default_photographer__staff_profile",
                           "default_assistant__staff_profile"]
    search_fields = ["name"]
    autocomplete_fields = ["price_list", "default_resource", "default_photographer", "default_assistant"]
    fieldsets = [
        (None, {"fields": ["name", "color", "default_length_minutes", "price_list", "sort_order", "active"]}),
        ("Defaults for new sessions of this type", {
            "fields": ["default_resource", "default_photographer", "default_assistant"],
            "description": "Filled in on a new session wherever it has none of its own.",
        }),
    ]

    @admin.display(description="colour", ordering="color")
    def colour(self, obj: SessionType) -> str:
        return color_swatch(obj.color)

    @admin.display(description="length", ordering="default_length_minutes")
    def length(self, obj: SessionType) -> str:
        return f"{obj.default_length_minutes} min"

    @admin.display(description="photographer", ordering="default_photographer__staff_profile__display_name")
    def photographer(self, obj: SessionType) -> str:
        return user_display_name(obj.default_photographer) or "—"

    @admin.display(description="assistant", ordering="default_assistant__staff_profile__display_name")
    def assistant(self, obj: SessionType) -> str:
        return user_display_name(obj.default_assistant) or "—"
