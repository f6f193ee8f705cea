"""Admin for sessions, statuses, calendar rows, participants, notes and tasks.

Every write with a rule goes through ``sessions.services``. The service runs
while the admin form (or inline formset) is validated, so whatever it refuses
(a taken number, a double booking, a stale edit) comes back as a form error on
the page the manager was on. When anything on the page fails after a service
already wrote, ``render_change_form`` rolls the whole request back: the
admin runs each change view in one transaction.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import Q
from django.forms.models import BaseInlineFormSet
from django.utils import timezone
from django.utils.html import format_html

from sessions import services
from sessions.conflicts import ConflictError
from sessions.models import (
    CalendarEvent,
    ReminderDismissal,
    Session,
    SessionLogEntry,
    SessionNote,
    SessionParticipant,
    SessionStatus,
    SessionTask,
    StatusChange,
)
from studio.admin import StaffNamesMixin, color_swatch
from studio.models import StaffProfile, user_display_name
from studio.timeutils import elapsed, to_local

BOOK_ANYWAY_HELP = (
    "Under the studio's Ask policy: save even though somebody or a room is already booked then."
)


def add_service_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form: per field where the form has it."""
    if isinstance(exc, ConflictError):
        for message in exc.messages:
            form.add_error(None, message)
        if exc.can_override and "allow_conflicts" in form.fields:
            form.add_error("allow_conflicts", "Tick Book anyway to save with these double bookings.")
        elif not exc.can_override:
            form.add_error(None, "The studio's conflict policy blocks double bookings: "
                                 "choose another time, person or room.")
        return
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, errors in exc.error_dict.items():
        if field in form.fields and field != NON_FIELD_ERRORS:
            for error in errors:
                form.add_error(field, error)
        else:
            label = "" if field == NON_FIELD_ERRORS else f"{field.replace('_', ' ').capitalize()}: "
            for error in errors:
                for message in error.messages:
                    form.add_error(None, f"{label}{message}")


class RollbackOnFailedPostMixin:
    """A change form rendered for a POST means the save failed: undo what services wrote."""

    def render_change_form(self, request, context, *args, **kwargs):
        if request.method == "POST":
            transaction.set_rollback(True)
        return super().render_change_form(request, context, *args, **kwargs)


def main_form_failed(session: Session) -> bool:
    """The session form on the same page was refused: inlines must not write either."""
    return getattr(session, "_admin_form_failed", False)


def bind_request(form_class, request):
    return type(form_class.__name__, (form_class,), {"request": request})


# Statuses and their history ------------------------------------------------------------


@admin.register(SessionStatus)
class SessionStatusAdmin(admin.ModelAdmin):
    list_display = ["name", "sort_order", "default_duration_days", "is_initial", "is_final", "active"]
    list_editable = ["sort_order", "default_duration_days", "active"]
    list_filter = ["active", "is_initial", "is_final"]
    search_fields = ["name"]
    ordering = ["sort_order", "name"]


class ReadOnlyAdminMixin:
    """History is written by the services only."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(StatusChange)
class StatusChangeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["changed_at", "session", "from_status", "to_status", "changed_by_name", "due_date",
                    "completed_on"]
    list_filter = ["to_status", "from_status"]
    list_select_related = ["session__session_type", "from_status", "to_status", "changed_by__staff_profile"]
    search_fields = ["session__client__last_name", "session__description"]
    date_hierarchy = "changed_at"

    @admin.display(description="changed by", ordering="changed_by__username")
    def changed_by_name(self, obj: StatusChange) -> str:
        return user_display_name(obj.changed_by) or "—"

    def get_search_results(self, request, queryset, search_term):
        return _search_with_number(super().get_search_results(request, queryset, search_term),
                                   queryset, search_term, "session__number")


@admin.register(SessionLogEntry)
class SessionLogEntryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["at", "session", "action", "user_name"]
    list_filter = ["action"]
    list_select_related = ["session__session_type", "user__staff_profile"]
    search_fields = ["action", "session__client__last_name"]
    date_hierarchy = "at"

    @admin.display(description="user", ordering="user__username")
    def user_name(self, obj: SessionLogEntry) -> str:
        return user_display_name(obj.user) or "—"

    def get_search_results(self, request, queryset, search_term):
        return _search_with_number(super().get_search_results(request, queryset, search_term),
                                   queryset, search_term, "session__number")


def _search_with_number(result, queryset, search_term: str, lookup: str):
    """Also find by session number: "1042" or "#1042"."""
    qs, may_have_duplicates = result
    term = search_term.strip().lstrip("#")
    if term.isdigit() and len(term) <= 18:
        qs = qs | queryset.filter(**{lookup: int(term)})
    return qs, may_have_duplicates


# Inlines on the session ------------------------------------------------------------------


class ParticipantFormSet(BaseInlineFormSet):
    """Participants are set through services.participants_set."""

    request = None

    def clean(self):
        super().clean()
        if any(self.errors) or not self.has_changed() or main_form_failed(self.instance):
            return
        members = []
        for form in self.forms:
            if not form.cleaned_data or form.cleaned_data.get("DELETE"):
                continue
            member = form.cleaned_data.get("family_member")
            if member is not None:
                members.append(member)
        try:
            services.participants_set(session=self.instance, family_members=members, user=self.request.user)
        except ValidationError as exc:
            raise ValidationError(exc.messages) from exc
        self.service_done = True


class ParticipantInline(admin.TabularInline):
    model = SessionParticipant
    formset = ParticipantFormSet
    extra = 1
    verbose_name = "participant"
    verbose_name_plural = "participants (family members of the client)"

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        field = formset.form.base_fields["family_member"]
        if obj is not None:
            field.queryset = field.queryset.filter(client_id=obj.client_id).select_related("client")
        field.widget.can_add_related = False
        field.widget.can_change_related = False
        field.widget.can_delete_related = False
        return type(formset.__name__, (formset,), {"request": request})


class PrimaryEventInline(admin.TabularInline):
    """The primary calendar row: the session's own times, people and room. Read-only."""

    model = CalendarEvent
    verbose_name = "primary calendar row"
    verbose_name_plural = "calendar: primary row (follows the session's times, people and room)"
    fields = ["description", "starts_at", "ends_at", "photographer_name", "assistant_name", "resource", "location",
              "hidden"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).filter(is_primary=True).select_related(
            "photographer__staff_profile", "assistant__staff_profile", "resource"
        )

    @admin.display(description="photographer")
    def photographer_name(self, obj: CalendarEvent) -> str:
        return user_display_name(obj.photographer) or "—"

    @admin.display(description="assistant")
    def assistant_name(self, obj: CalendarEvent) -> str:
        return user_display_name(obj.assistant) or "—"

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ExtraEventFormSet(BaseInlineFormSet):
    """Extra calendar rows are saved through services.event_save / event_delete."""

    request = None

    def clean(self):
        super().clean()
        if any(self.errors) or main_form_failed(self.instance):
            return
        allow = self.request.POST.get("allow_conflicts") in ("on", "true", "1")
        self.saved_new, self.saved_changed, self.saved_deleted = [], [], []
        for form in self.forms:
            if not form.has_changed() and not (form.instance.pk and self._should_delete_form(form)):
                continue
            instance = form.instance
            if instance.pk and self._should_delete_form(form):
                services.event_delete(event=instance, user=self.request.user)
                self.saved_deleted.append(instance)
                continue
            fields = {name: form.cleaned_data.get(name) for name in services.EVENT_FIELDS
                      if name in form.cleaned_data}
            fields["location"] = fields.get("location") or ""
            fields["description"] = fields.get("description") or ""
            try:
                event = services.event_save(
                    session=self.instance, user=self.request.user,
                    event=instance if instance.pk else None, allow_conflicts=allow, **fields,
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
                continue
            if instance.pk:
                self.saved_changed.append((event, form.changed_data))
            else:
                form.instance = event
                self.saved_new.append(event)
        if any(self.errors):
            raise ValidationError("Fix the calendar rows marked below.")
        self.service_done = True


class ExtraEventInline(StaffNamesMixin, admin.TabularInline):
    model = CalendarEvent
    formset = ExtraEventFormSet
    extra = 0
    verbose_name = "extra calendar row"
    verbose_name_plural = "calendar: extra rows (used when Use Advanced Calendar Options is on)"
    fields = ["description", "starts_at", "ends_at", "photographer", "assistant", "resource", "location",
              "hidden"]
    autocomplete_fields = ["photographer", "assistant", "resource"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(is_primary=False)

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        return type(formset.__name__, (formset,), {"request": request})


class NoteInline(admin.TabularInline):
    model = SessionNote
    extra = 1
    fields = ["text", "author_name", "created_at"]
    readonly_fields = ["author_name", "created_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author__staff_profile")

    @admin.display(description="author")
    def author_name(self, obj: SessionNote) -> str:
        return user_display_name(obj.author) or "—"

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "text":
            kwargs["widget"] = forms.Textarea(attrs={"rows": 2, "cols": 60})
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class TaskInline(StaffNamesMixin, admin.TabularInline):
    model = SessionTask
    extra = 1
    fields = ["title", "due_date", "assignee", "done", "done_at", "done_by_name"]
    readonly_fields = ["done_at", "done_by_name"]
    autocomplete_fields = ["assignee"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("assignee__staff_profile", "done_by__staff_profile")

    @admin.display(description="done by")
    def done_by_name(self, obj: SessionTask) -> str:
        return user_display_name(obj.done_by) or "—"


def save_task(*, task: SessionTask, changed: list[str], user) -> SessionTask:
    """Save a task from an admin form; ticking Done goes through services.task_set_done."""
    done = task.done
    if task.pk is None:
        task = services.task_create(session=task.session, user=user, title=task.title,
                                    due_date=task.due_date, assignee=task.assignee)
        return services.task_set_done(task=task, user=user, done=True) if done else task
    if "done" in changed:
        task.done = not done
        if task.done and task.done_at is None:
            task.done_at = timezone.now()
    task.full_clean()
    task.save()
    if "done" in changed:
        task = services.task_set_done(task=task, user=user, done=done)
    return task


# The session ----------------------------------------------------------------------------


class PhotographerFilter(admin.SimpleListFilter):
    title = "photographer"
    parameter_name = "photographer"

    def lookups(self, request, model_admin):
        return [(str(p.user_id), p.display_name) for p in StaffProfile.objects.photographers()]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(photographer_id=int(self.value()))
        return queryset


class CalendarFilter(admin.SimpleListFilter):
    title = "calendar"
    parameter_name = "calendar"

    def lookups(self, request, model_admin):
        return [("on", "On the calendar"), ("off", "On hold or cancelled")]

    def queryset(self, request, queryset):
        if self.value() == "on":
            return queryset.on_calendar()
        if self.value() == "off":
            return queryset.filter(Q(on_hold=True) | Q(cancelled=True))
        return queryset


class SessionAdminForm(forms.ModelForm):
    """Saved by sessions.services while it is validated; see the module docstring."""

    allow_conflicts = forms.BooleanField(label="Book anyway", required=False, help_text=BOOK_ANYWAY_HELP)
    seen_updated_at = forms.CharField(widget=forms.HiddenInput, required=False)

    request = None  # bound by SessionAdmin.get_form
    saved_session: Session | None = None
    service_ran = False

    class Meta:
        model = Session
        fields = [
            "client", "description", "session_type", "starts_at", "ends_at", "photographer", "assistant",
            "camera_room", "location", "number", "status", "status_due_date", "price_list", "file_number",
            "reminder", "reminder_minutes", "confirmed", "no_show", "redo", "redo_of", "on_hold",
            "cancelled", "use_advanced_calendar",
        ]
        labels = {
            "starts_at": "Session date / start time",
            "ends_at": "End",
            "camera_room": "Camera room",
            "number": "Session number",
            "status": "Session status",
        }
        help_texts = {
            "ends_at": "Leave empty for the start plus the session type's length.",
            "location": "Or type a place that is not one of the studio's rooms.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "ends_at" in self.fields:
            self.fields["ends_at"].required = False
        if self.instance.pk and not self.is_bound:
            self.initial["seen_updated_at"] = self.instance.updated_at.isoformat()

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        fields = {name: value for name, value in cleaned.items() if name in services.EDITABLE_FIELDS}
        allow = bool(cleaned.get("allow_conflicts"))
        user = self.request.user
        self.service_ran = True
        try:
            if self.instance.pk is None:
                fields.pop("number", None)
                self.saved_session = services.session_create(
                    client=fields.pop("client"), session_type=fields.pop("session_type"),
                    starts_at=fields.pop("starts_at"), ends_at=fields.pop("ends_at", None),
                    booked_by=user, allow_conflicts=allow, **fields,
                )
            else:
                if not fields.get("ends_at") and fields.get("starts_at") and fields.get("session_type"):
                    fields["ends_at"] = elapsed(
                        fields["starts_at"], timedelta(minutes=fields["session_type"].default_length_minutes)
                    )
                    cleaned["ends_at"] = fields["ends_at"]
                self.saved_session = services.session_update(
                    session=self.instance, user=user, allow_conflicts=allow,
                    expected_updated_at=self._seen_updated_at(), **fields,
                )
        except ValidationError as exc:
            self.instance._admin_form_failed = True
            add_service_errors(self, exc)
        return cleaned

    def _seen_updated_at(self) -> datetime | None:
        raw = self.cleaned_data.get("seen_updated_at") or ""
        try:
            return datetime.fromisoformat(raw) if raw else None
        except ValueError:
            return None

    def _post_clean(self):
        # The service already validated and saved the row (with messages naming
        # who holds a number) or refused it; the model's own checks would only
        # repeat what it said.
        if self.service_ran:
            return
        super()._post_clean()


@admin.register(Session)
class SessionAdmin(StaffNamesMixin, RollbackOnFailedPostMixin, admin.ModelAdmin):
    form = SessionAdminForm
    list_display = ["number", "starts_at", "client", "description", "type_badge", "photographer_name",
                    "place", "status", "status_due_date", "flags"]
    list_display_links = ["number", "starts_at"]
    list_filter = [CalendarFilter, "status", "session_type", PhotographerFilter, "camera_room", "confirmed",
                   "on_hold", "cancelled", "no_show", "redo"]
    list_select_related = ["client", "session_type", "status", "camera_room", "photographer__staff_profile"]
    search_fields = ["client__last_name", "client__first_name", "description", "file_number", "location"]
    autocomplete_fields = ["client", "session_type", "price_list", "photographer", "assistant", "camera_room",
                           "redo_of"]
    date_hierarchy = "starts_at"
    list_per_page = 50
    save_on_top = True
    save_as = False
    actions = ["confirm_sessions", "advance_status", "cancel_sessions", "restore_sessions"]
    inlines = [ParticipantInline, PrimaryEventInline, ExtraEventInline, NoteInline, TaskInline]

    def get_fieldsets(self, request, obj=None):
        number = ["session_number"] if obj is None else ["number"]
        booked = [] if obj is None else [("booked_by_name", "booked_on")]
        return [
            ("Client", {"fields": ["client"]}),
            ("Session information", {"fields": [
                "description", "session_type", "starts_at", "ends_at", "photographer", "assistant",
                ("camera_room", "location"), *number, ("status", "status_due_date"), *booked,
                "price_list",
            ]}),
            ("Tracking", {"fields": [
                "file_number", ("reminder", "reminder_minutes"), "confirmed", "no_show",
                ("redo", "redo_of"), "on_hold", "cancelled", "use_advanced_calendar",
            ]}),
            ("Double bookings", {"fields": ["allow_conflicts", "seen_updated_at"]}),
        ]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ["session_number"]
        return ["booked_by_name", "booked_on"]

    def get_inlines(self, request, obj):
        # A new session is booked first; its participants and calendar rows follow.
        return [] if obj is None else self.inlines

    def get_form(self, request, obj=None, change=False, **kwargs):
        return bind_request(super().get_form(request, obj, change=change, **kwargs), request)

    def get_changeform_initial_data(self, request):
        from studio.models import StudioSettings

        initial = super().get_changeform_initial_data(request)
        status = SessionStatus.initial()
        if status is not None:
            initial.setdefault("status", status.pk)
        default_type = StudioSettings.load().default_session_type_id
        if default_type:
            initial.setdefault("session_type", default_type)
        return initial

    def save_model(self, request, obj, form, change):
        saved = form.saved_session
        obj.pk = saved.pk
        obj._state.adding = False
        obj.refresh_from_db()

    def save_formset(self, request, form, formset, change):
        if getattr(formset, "service_done", False):
            formset.new_objects = getattr(formset, "saved_new", [])
            formset.changed_objects = getattr(formset, "saved_changed", [])
            formset.deleted_objects = getattr(formset, "saved_deleted", [])
            return
        if isinstance(formset, ParticipantFormSet):
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
            return
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            obj.delete()
        changed = {id(obj): fields for obj, fields in formset.changed_objects}
        for obj in instances:
            if isinstance(obj, SessionNote):
                if obj.pk is None:
                    services.note_add(session=obj.session, author=request.user, text=obj.text)
                else:
                    obj.save()
            elif isinstance(obj, SessionTask):
                save_task(task=obj, changed=changed.get(id(obj), ["done"] if obj.done else []),
                          user=request.user)
            else:
                obj.save()
        formset.save_m2m()

    def get_search_results(self, request, queryset, search_term):
        return _search_with_number(super().get_search_results(request, queryset, search_term),
                                   queryset, search_term, "number")

    # Columns

    @admin.display(description="session number")
    def session_number(self, obj) -> str:
        return "Assigned from the studio's sequence when you save."

    @admin.display(description="booked by")
    def booked_by_name(self, obj: Session) -> str:
        return user_display_name(obj.booked_by) or "—"

    @admin.display(description="type", ordering="session_type__name")
    def type_badge(self, obj: Session) -> str:
        return color_swatch(obj.session_type.color, obj.session_type.name)

    @admin.display(description="photographer", ordering="photographer__staff_profile__display_name")
    def photographer_name(self, obj: Session) -> str:
        return user_display_name(obj.photographer) or "—"

    @admin.display(description="camera room / location")
    def place(self, obj: Session) -> str:
        return obj.place or "—"

    @admin.display(description="flags")
    def flags(self, obj: Session) -> str:
        names = [label for flag, label in (
            ("confirmed", "Confirmed"), ("on_hold", "On hold"), ("cancelled", "Cancelled"),
            ("no_show", "No show"), ("redo", "Redo"),
        ) if getattr(obj, flag)]
        return format_html("{}", ", ".join(names)) if names else "—"

    # Actions: each goes through the services and reports per session.

    def _set_flag(self, request, queryset, *, flag: str, value: bool, done: str, skip) -> None:
        ok, failed = [], []
        for session in queryset.select_related("client", "session_type", "status"):
            if skip(session):
                continue
            try:
                services.session_set_flag(session=session, user=request.user, flag=flag, value=value)
            except ConflictError as exc:
                failed.append(f"#{session.number}: " + " ".join(exc.messages))
            except ValidationError as exc:
                failed.append(f"#{session.number}: " + " ".join(exc.messages))
            else:
                ok.append(f"#{session.number}")
        if ok:
            self.message_user(request, f"{done} {len(ok)} session(s): {', '.join(ok)}.", messages.SUCCESS)
        for message in failed:
            self.message_user(request, message, messages.ERROR)
        if not ok and not failed:
            self.message_user(request, "Nothing to change: the selected sessions already are.", messages.INFO)

    @admin.action(description="Confirm selected sessions", permissions=["change"])
    def confirm_sessions(self, request, queryset):
        self._set_flag(request, queryset, flag="confirmed", value=True, done="Confirmed",
                       skip=lambda s: s.confirmed or s.cancelled)

    @admin.action(description="Cancel selected sessions (frees their calendar slots)", permissions=["change"])
    def cancel_sessions(self, request, queryset):
        self._set_flag(request, queryset, flag="cancelled", value=True, done="Cancelled",
                       skip=lambda s: s.cancelled)

    @admin.action(description="Restore selected cancelled sessions", permissions=["change"])
    def restore_sessions(self, request, queryset):
        self._set_flag(request, queryset, flag="cancelled", value=False, done="Restored",
                       skip=lambda s: not s.cancelled)

    @admin.action(description="Advance status of selected sessions", permissions=["change"])
    def advance_status(self, request, queryset):
        sessions = list(queryset.select_related("status"))
        try:
            advanced, stuck = services.sessions_advance_status(sessions=sessions, user=request.user)
        except ValidationError as exc:
            self.message_user(request, "No status was changed: " + " ".join(exc.messages), messages.ERROR)
            return
        if advanced:
            self.message_user(
                request,
                f"Advanced {len(advanced)} session(s): "
                + ", ".join(f"#{s.number} → {s.status}" for s in advanced) + ".",
                messages.SUCCESS,
            )
        if stuck:
            self.message_user(
                request,
                f"{len(stuck)} session(s) already at the last status: "
                + ", ".join(f"#{s.number}" for s in stuck) + ".",
                messages.WARNING,
            )


# Calendar rows, participants, notes and tasks on their own pages -------------------------


class CalendarEventAdminForm(forms.ModelForm):
    request = None
    saved_event: CalendarEvent | None = None
    service_ran = False
    allow_conflicts = forms.BooleanField(label="Book anyway", required=False, help_text=BOOK_ANYWAY_HELP)

    class Meta:
        model = CalendarEvent
        fields = ["session", "description", "starts_at", "ends_at", "photographer", "assistant", "resource",
                  "location", "hidden"]

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        fields = {name: cleaned.get(name) for name in services.EVENT_FIELDS if name in cleaned}
        fields["location"] = fields.get("location") or ""
        fields["description"] = fields.get("description") or ""
        self.service_ran = True
        try:
            self.saved_event = services.event_save(
                session=cleaned["session"], user=self.request.user,
                event=self.instance if self.instance.pk else None,
                allow_conflicts=bool(cleaned.get("allow_conflicts")), **fields,
            )
        except ValidationError as exc:
            add_service_errors(self, exc)
        return cleaned

    def _post_clean(self):
        if self.service_ran:
            return
        super()._post_clean()


@admin.register(CalendarEvent)
class CalendarEventAdmin(StaffNamesMixin, RollbackOnFailedPostMixin, admin.ModelAdmin):
    form = CalendarEventAdminForm
    list_display = ["starts_at", "ends_at", "session", "client", "is_primary", "description",
                    "photographer_name", "assistant_name", "where", "hidden"]
    list_filter = ["is_primary", "hidden", "resource", "session__cancelled", "session__on_hold"]
    list_select_related = ["session__client", "session__session_type", "photographer__staff_profile",
                           "assistant__staff_profile", "resource"]
    search_fields = ["description", "location", "session__description", "session__client__last_name"]
    autocomplete_fields = ["session", "photographer", "assistant", "resource"]
    date_hierarchy = "starts_at"
    fields = ["session", "description", "starts_at", "ends_at", "photographer", "assistant", "resource",
              "location", "hidden", "allow_conflicts"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.is_primary:
            return ["session", "description", "starts_at", "ends_at", "photographer", "assistant", "resource",
                    "location", "hidden"]
        if obj is not None:
            return ["session"]
        return []

    def get_fields(self, request, obj=None):
        if obj is not None and obj.is_primary:
            return [f for f in self.fields if f != "allow_conflicts"]
        return self.fields

    def has_change_permission(self, request, obj=None) -> bool:
        if obj is not None and obj.is_primary:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        if obj is not None and obj.is_primary:
            return False
        return super().has_delete_permission(request, obj)

    def get_form(self, request, obj=None, change=False, **kwargs):
        return bind_request(super().get_form(request, obj, change=change, **kwargs), request)

    def save_model(self, request, obj, form, change):
        obj.pk = form.saved_event.pk
        obj._state.adding = False
        obj.refresh_from_db()

    def delete_model(self, request, obj):
        services.event_delete(event=obj, user=request.user)

    def delete_queryset(self, request, queryset):
        primary = queryset.filter(is_primary=True).count()
        for event in queryset.filter(is_primary=False).select_related("session"):
            services.event_delete(event=event, user=request.user)
        if primary:
            self.message_user(
                request,
                f"{primary} primary calendar row(s) kept: they follow their session; cancel the session instead.",
                messages.WARNING,
            )

    @admin.display(description="client", ordering="session__client__last_name")
    def client(self, obj: CalendarEvent) -> str:
        return str(obj.session.client)

    @admin.display(description="photographer")
    def photographer_name(self, obj: CalendarEvent) -> str:
        return user_display_name(obj.photographer) or "—"

    @admin.display(description="assistant")
    def assistant_name(self, obj: CalendarEvent) -> str:
        return user_display_name(obj.assistant) or "—"

    @admin.display(description="resource / location")
    def where(self, obj: CalendarEvent) -> str:
        return obj.place or "—"

    def get_search_results(self, request, queryset, search_term):
        return _search_with_number(super().get_search_results(request, queryset, search_term),
                                   queryset, search_term, "session__number")


@admin.register(SessionParticipant)
class SessionParticipantAdmin(admin.ModelAdmin):
    list_display = ["family_member", "session", "client", "when"]
    list_select_related = ["session__client", "session__session_type", "family_member__client"]
    list_filter = ["family_member__relationship"]
    search_fields = ["family_member__first_name", "family_member__last_name", "session__client__last_name"]
    autocomplete_fields = ["session", "family_member"]

    @admin.display(description="client", ordering="session__client__last_name")
    def client(self, obj: SessionParticipant) -> str:
        return str(obj.session.client)

    @admin.display(description="session date", ordering="session__starts_at")
    def when(self, obj: SessionParticipant) -> str:
        return f"{to_local(obj.session.starts_at):%b %d, %Y %I:%M %p}"

    def get_search_results(self, request, queryset, search_term):
        return _search_with_number(super().get_search_results(request, queryset, search_term),
                                   queryset, search_term, "session__number")


@admin.register(SessionNote)
class SessionNoteAdmin(StaffNamesMixin, admin.ModelAdmin):
    list_display = ["created_at", "session", "author_name", "excerpt"]
    list_select_related = ["session__session_type", "author__staff_profile"]
    search_fields = ["text", "session__client__last_name"]
    autocomplete_fields = ["session"]
    date_hierarchy = "created_at"
    fields = ["session", "text", "author_name", "created_at"]
    readonly_fields = ["author_name", "created_at"]

    @admin.display(description="author", ordering="author__username")
    def author_name(self, obj: SessionNote) -> str:
        return user_display_name(obj.author) or "—"

    @admin.display(description="note")
    def excerpt(self, obj: SessionNote) -> str:
        return obj.text if len(obj.text) <= 80 else obj.text[:79] + "…"

    def save_model(self, request, obj, form, change):
        if change:
            obj.save()
            return
        note = services.note_add(session=obj.session, author=request.user, text=obj.text)
        obj.pk, obj.author, obj.created_at = note.pk, note.author, note.created_at
        obj._state.adding = False

    def get_search_results(self, request, queryset, search_term):
        return _search_with_number(super().get_search_results(request, queryset, search_term),
                                   queryset, search_term, "session__number")


@admin.register(SessionTask)
class SessionTaskAdmin(StaffNamesMixin, admin.ModelAdmin):
    list_display = ["title", "session", "due_date", "assignee_name", "done", "done_at"]
    list_filter = ["done", "due_date"]
    list_select_related = ["session__session_type", "assignee__staff_profile"]
    search_fields = ["title", "session__client__last_name"]
    autocomplete_fields = ["session", "assignee"]
    fields = ["session", "title", "due_date", "assignee", "done", "done_at", "done_by_name", "created_by_name",
              "created_at"]
    readonly_fields = ["done_at", "done_by_name", "created_by_name", "created_at"]

    @admin.display(description="done by")
    def done_by_name(self, obj: SessionTask) -> str:
        return user_display_name(obj.done_by) or "—"

    @admin.display(description="created by")
    def created_by_name(self, obj: SessionTask) -> str:
        return user_display_name(obj.created_by) or "—"

    @admin.display(description="assignee", ordering="assignee__username")
    def assignee_name(self, obj: SessionTask) -> str:
        return user_display_name(obj.assignee) or "—"

    def save_model(self, request, obj, form, change):
        saved = save_task(task=obj, changed=form.changed_data, user=request.user)
        obj.pk = saved.pk
        obj._state.adding = False
        obj.refresh_from_db()

    def get_search_results(self, request, queryset, search_term):
        return _search_with_number(super().get_search_results(request, queryset, search_term),
                                   queryset, search_term, "session__number")


@admin.register(ReminderDismissal)
class ReminderDismissalAdmin(admin.ModelAdmin):
    """Who dismissed which on-screen reminder; deleting a row shows the reminder to them again."""

    list_display = ["dismissed_at", "session", "user_name"]
    list_select_related = ["session__session_type", "user__staff_profile"]
    search_fields = ["user__username", "session__client__last_name"]
    autocomplete_fields = ["session", "user"]
    date_hierarchy = "dismissed_at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="user", ordering="user__username")
    def user_name(self, obj: ReminderDismissal) -> str:
        return user_display_name(obj.user) or "—"

    def get_search_results(self, request, queryset, search_term):
        return _search_with_number(super().get_search_results(request, queryset, search_term),
                                   queryset, search_term, "session__number")
