"""The session record's Calendar tab (Advanced Calendar Options): views and forms.

Shown when "Use Advanced Calendar Options" is ticked. It lists the session's
calendar rows, the primary one first (it mirrors the General tab and is edited
there). Other rows can be added, edited, hidden, removed and copied to another
date (how a session repeats); any row's photographer can become the session's
primary photographer. Every action is a POST that redirects back with a
message; bad input re-renders the tab with what was typed; a double booking
names each clash and, under the "ask" policy, offers "Book anyway".

Writes go through sessions.services (event_save, event_delete, event_copy,
event_make_photographer_primary).
"""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from scheduling.models import Resource
from sessions import selectors, services
from sessions.conflicts import ConflictError
from sessions.forms import DateInput, StaffChoiceField, TimeInput
from sessions.models import CalendarEvent, Session
from sessions.views import record_context
from studio.formtimes import clean_local_span
from studio.models import user_display_name
from studio.timeutils import NonexistentTime, to_local

VIEW_PERM = "photo_sessions.view_session"
CHANGE_SESSION = "photo_sessions.change_session"
ADD_EVENT = "photo_sessions.add_calendarevent"
CHANGE_EVENT = "photo_sessions.change_calendarevent"
DELETE_EVENT = "photo_sessions.delete_calendarevent"

NOT_ADVANCED = (
    "Session #{n} does not use Advanced Calendar Options. Tick “Use Advanced Calendar Options” on the "
    "General tab and save to plan more calendar rows."
)


# ---- Forms ------------------------------------------------------------------------


@dataclass
class EventChoices:
    """The people and resources every row's form offers, read once per page."""

    photographers: list
    assistants: list
    resources: list

    @classmethod
    def load(cls, keep_people=(), keep_resources=()) -> EventChoices:
        people = list(selectors.staff_users(photographers=True, assistants=True, include=keep_people))
        photographer_ids = set(
            selectors.staff_users(photographers=True, include=keep_people).values_list("pk", flat=True)
        )
        resources = list(Resource.objects.filter(Q(active=True) | Q(pk__in=[pk for pk in keep_resources if pk])))
        return cls(
            photographers=[u for u in people if u.pk in photographer_ids],
            assistants=people,
            resources=resources,
        )


class EventForm(forms.Form):
    """One calendar row: description, date, start and end (studio zone), people, place, Hide.

    ``cleaned_data`` gains ``starts_at`` and ``ends_at`` (aware).
    """

    description = forms.CharField(label="Description", max_length=200, required=False)
    event_date = forms.DateField(
        label="Date", widget=DateInput(),
        error_messages={"required": "Enter the date.", "invalid": "Enter a valid date."},
    )
    start_time = forms.TimeField(
        label="Start Time", widget=TimeInput(),
        error_messages={"required": "Enter the start time.", "invalid": "Enter a valid time."},
    )
    end_time = forms.TimeField(
        label="End Time", widget=TimeInput(),
        error_messages={"required": "Enter the end time.", "invalid": "Enter a valid time."},
    )
    photographer = StaffChoiceField(label="Photographer", queryset=selectors.staff_users(photographers=True),
                                    required=False, empty_label="— None —")
    assistant = StaffChoiceField(label="Assistant", queryset=selectors.staff_users(photographers=True,
                                                                                   assistants=True),
                                 required=False, empty_label="— None —")
    resource = forms.ModelChoiceField(label="Resource", queryset=Resource.objects.all(), required=False,
                                      empty_label="— None —")
    location = forms.CharField(label="or outside location", max_length=200, required=False)
    hidden = forms.BooleanField(label="Hide", required=False,
                                help_text="Keep the row on the session but off the calendar.")

    def __init__(self, *args, choices: EventChoices, event: CalendarEvent | None = None, **kwargs):
        self.event = event
        if event is not None and "initial" not in kwargs:
            kwargs["initial"] = self.initial_for(event)
        super().__init__(*args, **kwargs)
        keep = [pk for pk in ((event.photographer_id, event.assistant_id) if event else ()) if pk]
        self.fields["photographer"].queryset = selectors.staff_users(photographers=True, include=keep)
        self.fields["assistant"].queryset = selectors.staff_users(photographers=True, assistants=True,
                                                                  include=keep)
        self.fields["resource"].queryset = Resource.objects.filter(
            Q(active=True) | Q(pk=event.resource_id if event and event.resource_id else 0))
        # Rendering uses the lists read once for the whole page: no query per row.
        none = [("", "— None —")]
        self.fields["photographer"].widget.choices = none + [(u.pk, user_display_name(u)) for u in choices.photographers]
        self.fields["assistant"].widget.choices = none + [(u.pk, user_display_name(u)) for u in choices.assistants]
        self.fields["resource"].widget.choices = none + [(r.pk, str(r)) for r in choices.resources]

    @staticmethod
    def initial_for(event: CalendarEvent) -> dict:
        start, end = to_local(event.starts_at), to_local(event.ends_at)
        return {
            "description": event.description,
            "event_date": start.date(),
            "start_time": start.time().replace(second=0, microsecond=0),
            "end_time": end.time().replace(second=0, microsecond=0),
            "photographer": event.photographer_id,
            "assistant": event.assistant_id,
            "resource": event.resource_id,
            "location": event.location,
            "hidden": event.hidden,
        }

    def clean(self):
        data = super().clean()
        clean_local_span(self, data, date_field="event_date")
        data["description"] = (data.get("description") or "").strip()
        data["location"] = (data.get("location") or "").strip()
        if data.get("resource") and data["location"]:
            self.add_error("location", "Choose a resource or type an outside location, not both.")
        return data

    def event_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "description": data["description"],
            "starts_at": data["starts_at"],
            "ends_at": data["ends_at"],
            "photographer": data.get("photographer"),
            "assistant": data.get("assistant"),
            "resource": data.get("resource"),
            "location": data["location"],
            "hidden": bool(data.get("hidden")),
        }

    MODEL_TO_FORM = {"starts_at": "start_time", "ends_at": "end_time"}

    def add_service_error(self, exc: ValidationError) -> None:
        if not hasattr(exc, "error_dict"):
            for message in exc.messages:
                self.add_error(None, message)
            return
        for name, errors in exc.message_dict.items():
            target = self.MODEL_TO_FORM.get(name, name)
            for message in errors:
                self.add_error(target if target in self.fields else None, message)


class CopyForm(forms.Form):
    to_date = forms.DateField(
        label="Copy to date", widget=DateInput(),
        error_messages={"required": "Choose the date to copy the row to.", "invalid": "Enter a valid date."},
    )


# ---- Helpers ----------------------------------------------------------------------


def _require(request: HttpRequest, *perms: str) -> None:
    if not all(request.user.has_perm(perm) for perm in perms):
        raise PermissionDenied


def _session(pk: int) -> Session:
    try:
        return selectors.session_for_record(pk)
    except Session.DoesNotExist:
        raise Http404("No such session.") from None


def _tab_url(session: Session) -> str:
    return reverse("photo_sessions:calendar_tab", args=[session.pk])


def _not_advanced(request: HttpRequest, session: Session, level=messages.INFO) -> HttpResponse:
    messages.add_message(request, level, NOT_ADVANCED.format(n=session.number))
    return redirect("photo_sessions:detail", session.pk)


def _when(event: CalendarEvent) -> str:
    start, end = to_local(event.starts_at), to_local(event.ends_at)
    return f"{start:%a %b} {start.day}, {start:%Y}, {start:%I:%M %p}".replace(" 0", " ") + (
        f" – {end:%I:%M %p}".replace(" 0", " "))


def _replay(request: HttpRequest, exc: ConflictError) -> dict:
    """The clashes, and the same POST again with allow_conflicts=1 for "Book anyway"."""
    fields = [(name, value) for name, values in request.POST.lists() for value in values
              if name not in ("csrfmiddlewaretoken", "allow_conflicts")]
    return {
        "clashes": [str(clash) for clash in exc.clashes],
        "can_override": exc.can_override,
        "action": request.path,
        "fields": fields,
    }


def _allow(request: HttpRequest) -> bool:
    return request.POST.get("allow_conflicts") == "1"


def tab_context(request: HttpRequest, session: Session, *, add_form=None, edit_forms=None,
                copy_forms=None, open_panel: str = "", conflict: dict | None = None) -> dict:
    user = request.user
    can_edit = user.has_perm(CHANGE_SESSION) and user.has_perm(CHANGE_EVENT)
    events = list(session.events.with_related().order_by("-is_primary", "starts_at", "id"))
    for event in events:
        event.session = session  # no query per row for event.session
    edit_forms = edit_forms or {}
    copy_forms = copy_forms or {}
    rows = []
    choices = None
    if can_edit:
        keep_people = {pk for e in events for pk in (e.photographer_id, e.assistant_id) if pk}
        keep_resources = {e.resource_id for e in events if e.resource_id}
        choices = EventChoices.load(keep_people, keep_resources)
    for event in events:
        row = {"event": event, "when": _when(event),
               "edit_open": open_panel == f"edit-{event.pk}", "copy_open": open_panel == f"copy-{event.pk}"}
        if can_edit:
            if not event.is_primary:
                row["form"] = edit_forms.get(event.pk) or EventForm(
                    choices=choices, event=event, prefix=f"e{event.pk}")
            row["copy_form"] = copy_forms.get(event.pk) or CopyForm(prefix=f"c{event.pk}")
            row["can_make_primary"] = bool(
                event.photographer_id and event.photographer_id != session.photographer_id and not event.is_primary)
        rows.append(row)
    if can_edit and add_form is None:
        primary = next((e for e in events if e.is_primary), None)
        initial = {}
        if primary is not None:
            initial = EventForm.initial_for(primary)
            initial.update({"description": "", "hidden": False})
        add_form = EventForm(choices=choices, prefix="new", initial=initial)
    return record_context(
        request, session, "calendar",
        rows=rows,
        add_form=add_form,
        can_edit_events=can_edit,
        can_add_events=can_edit and user.has_perm(ADD_EVENT),
        can_delete_events=can_edit and user.has_perm(DELETE_EVENT),
        open_panel=open_panel,
        conflict=conflict,
        hidden_count=sum(1 for e in events if e.hidden),
    )


def _render(request, session, status=200, **kwargs) -> HttpResponse:
    return render(request, "sessions/record_calendar.html", tab_context(request, session, **kwargs), status=status)


def _editable(request: HttpRequest, pk: int, *perms: str):
    """The session for a row action, or a redirect when the tab is not in use."""
    _require(request, VIEW_PERM, CHANGE_SESSION, CHANGE_EVENT, *perms)
    session = _session(pk)
    if not session.use_advanced_calendar:
        return session, _not_advanced(request, session, messages.ERROR)
    return session, None


def _event(session: Session, event_id: int) -> CalendarEvent:
    event = get_object_or_404(CalendarEvent.objects.select_related(
        "photographer__staff_profile", "assistant__staff_profile", "resource"), pk=event_id, session=session)
    event.session = session
    return event


def _fresh(session: Session) -> Session:
    """A plain copy for the services (the record one carries annotations)."""
    return Session.objects.get(pk=session.pk)


# ---- Views ---------------------------------------------------------------------------


@require_GET
def calendar_tab(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, VIEW_PERM)
    session = _session(pk)
    if not session.use_advanced_calendar:
        return _not_advanced(request, session)
    return _render(request, session)


@require_POST
def event_add(request: HttpRequest, pk: int) -> HttpResponse:
    session, refused = _editable(request, pk, ADD_EVENT)
    if refused:
        return refused
    choices = EventChoices.load()
    form = EventForm(request.POST, choices=choices, prefix="new")
    if form.is_valid():
        try:
            event = services.event_save(session=_fresh(session), user=request.user,
                                        allow_conflicts=_allow(request), **form.event_fields())
        except ConflictError as exc:
            return _render(request, session, status=409, add_form=form, open_panel="add",
                           conflict=_replay(request, exc))
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, f"Calendar row added: {_when(event)}.")
            return redirect(_tab_url(session))
    return _render(request, session, add_form=form, open_panel="add")


@require_POST
def event_edit(request: HttpRequest, pk: int, event_id: int) -> HttpResponse:
    session, refused = _editable(request, pk)
    if refused:
        return refused
    event = _event(session, event_id)
    if event.is_primary:
        messages.error(request, "The primary row follows the General tab: edit the session's times, people and "
                                "room there.")
        return redirect(_tab_url(session))
    form = EventForm(request.POST, choices=EventChoices.load([event.photographer_id, event.assistant_id],
                                                             [event.resource_id]),
                     event=event, prefix=f"e{event.pk}")
    if form.is_valid():
        try:
            event = services.event_save(session=_fresh(session), user=request.user, event=event,
                                        allow_conflicts=_allow(request), **form.event_fields())
        except ConflictError as exc:
            return _render(request, session, status=409, edit_forms={event.pk: form}, open_panel=f"edit-{event.pk}",
                           conflict=_replay(request, exc))
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, f"Calendar row saved: {_when(event)}.")
            return redirect(_tab_url(session))
    return _render(request, session, edit_forms={event.pk: form}, open_panel=f"edit-{event.pk}")


@require_POST
def event_hide(request: HttpRequest, pk: int, event_id: int) -> HttpResponse:
    session, refused = _editable(request, pk)
    if refused:
        return refused
    event = _event(session, event_id)
    if event.is_primary:
        messages.error(request, "The primary row cannot be hidden: put the session on hold or cancel it instead.")
        return redirect(_tab_url(session))
    raw = request.POST.get("hidden")
    hide = (raw == "1") if raw in ("0", "1") else not event.hidden
    try:
        services.event_save(session=_fresh(session), user=request.user, event=event, hidden=hide,
                            allow_conflicts=_allow(request))
    except ConflictError as exc:
        return _render(request, session, status=409, conflict=_replay(request, exc))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect(_tab_url(session))
    if hide:
        messages.success(request, f"Row {_when(event)} hidden: it stays on the session but not on the calendar.")
    else:
        messages.success(request, f"Row {_when(event)} shows on the calendar again.")
    return redirect(_tab_url(session))


@require_POST
def event_delete(request: HttpRequest, pk: int, event_id: int) -> HttpResponse:
    session, refused = _editable(request, pk, DELETE_EVENT)
    if refused:
        return refused
    event = _event(session, event_id)
    when = _when(event)
    try:
        services.event_delete(event=event, user=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, f"Calendar row {when} removed.")
    return redirect(_tab_url(session))


@require_POST
def event_copy(request: HttpRequest, pk: int, event_id: int) -> HttpResponse:
    session, refused = _editable(request, pk, ADD_EVENT)
    if refused:
        return refused
    event = _event(session, event_id)
    form = CopyForm(request.POST, prefix=f"c{event.pk}")
    if form.is_valid():
        to_date = form.cleaned_data["to_date"]
        try:
            copy = services.event_copy(event=event, to_date=to_date, user=request.user,
                                       allow_conflicts=_allow(request))
        except ConflictError as exc:
            return _render(request, session, status=409, copy_forms={event.pk: form},
                           open_panel=f"copy-{event.pk}", conflict=_replay(request, exc))
        except NonexistentTime as exc:
            form.add_error("to_date", str(exc))
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error("to_date", message)
        else:
            messages.success(request, f"Row copied to {_when(copy)}.")
            return redirect(_tab_url(session))
    return _render(request, session, copy_forms={event.pk: form}, open_panel=f"copy-{event.pk}")


@require_POST
def event_make_primary(request: HttpRequest, pk: int, event_id: int) -> HttpResponse:
    session, refused = _editable(request, pk)
    if refused:
        return refused
    event = _event(session, event_id)
    event.session = _fresh(session)
    try:
        saved = services.event_make_photographer_primary(event=event, user=request.user,
                                                         allow_conflicts=_allow(request))
    except ConflictError as exc:
        return _render(request, session, status=409, conflict=_replay(request, exc))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect(_tab_url(session))
    messages.success(request, f"{user_display_name(event.photographer)} is now the primary photographer of "
                              f"session #{saved.number}.")
    return redirect(_tab_url(session))
