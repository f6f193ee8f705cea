"""Admin for client households and their family members."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce

from clients.models import Client, FamilyMember


def count_of(model):
    rows = model.objects.filter(client=OuterRef("pk")).order_by().values("client")
    return Coalesce(Subquery(rows.annotate(n=Count("pk")).values("n")), 0)


class FamilyMemberInline(admin.TabularInline):
    model = FamilyMember
    extra = 1
    fields = ["first_name", "last_name", "relationship", "birth_date"]


@admin.register(Client)
class ClientAdmin(admin.ModelAdmin):
    inlines = [FamilyMemberInline]
    list_display = ["__str__", "email", "phone", "city", "member_count", "session_count", "created_at"]
    list_display_links = ["__str__"]
    list_filter = ["state"]
    search_fields = ["last_name", "first_name", "email", "phone", "phone_digits", "family_members__first_name"]
    readonly_fields = ["created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": [("first_name", "last_name"), ("email", "phone")]}),
        ("Address", {"fields": ["address", ("city", "state", "postal_code")]}),
        ("Notes", {"fields": ["notes", ("created_at", "updated_at")]}),
    ]

    def get_queryset(self, request):
        # Correlated subqueries, not joins: the page query counts only the rows it shows,
        # and the changelist's COUNT(*) leaves them out. Sessions live in a higher layer:
        # reach them through the reverse relation.
        session_model = Client._meta.get_field("sessions").related_model
        return super().get_queryset(request).annotate(
            members_n=count_of(FamilyMember),
            sessions_n=count_of(session_model),
        )

    def get_search_results(self, request, queryset, search_term):
        # The studio's own client search: every word must match a name, email or phone digits.
        return queryset.search(search_term), False

    @admin.display(description="family", ordering="members_n")
    def member_count(self, obj: Client) -> int:
        return obj.members_n

    @admin.display(description="sessions", ordering="sessions_n")
    def session_count(self, obj: Client) -> int:
        return obj.sessions_n


@admin.register(FamilyMember)
class FamilyMemberAdmin(admin.ModelAdmin):
    list_display = ["__str__", "client", "relationship", "birth_date"]
    list_filter = ["relationship"]
    list_select_related = ["client"]
    search_fields = ["first_name", "last_name", "client__last_name", "client__first_name"]
    autocomplete_fields = ["client"]
    fields = ["client", ("first_name", "last_name"), "relationship", "birth_date"]
