"""The session record: General + Participants, Notes, Tasks, the ribbon's actions, New Session.

Views stay thin: forms validate, services write (sessions.services,
clients.services), selectors read. Every action is a POST that redirects
back with a message; a problem re-renders the page it came from with what
the user typed.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_http_methods, require_POST

from clients import services as client_services
from clients.models import Client
from sessions import selectors, services
from sessions.conflicts import ConflictError
from sessions.forms import ChangeStatusForm, NoteForm, SessionForm, TaskForm
from sessions.models import Session, SessionStatus, SessionTask
from studio.models import StudioSettings, UserPreferences, user_display_name
from studio.timeutils import make_local, to_local

VIEW_PERM = "photo_sessions.view_session"
ADD_PERM = "photo_sessions.add_session"
CHANGE_PERM = "photo_sessions.change_session"
NOTE_PERM = "photo_sessions.add_sessionnote"
TASK_ADD_PERM = "photo_sessions.add_sessiontask"
TASK_CHANGE_PERM = "photo_sessions.change_sessiontask"
MEMBER_ADD_PERM = "clients.add_familymember"

# Ribbon toggles: URL name → (session field, message when set, message when cleared).
FLAG_MESSAGES = {
    "confirmed": ("Session #{n} is confirmed.", "Session #{n} is no longer confirmed."),
    "on_hold": ("Session #{n} is on hold: it is off the calendar until you release it.",
                "Session #{n} is released and back on the calendar."),
    "cancelled": ("Session #{n} is cancelled: its time is free on the calendar.",
                  "Session #{n} is restored and back on the calendar."),
    "no_show": ("Session #{n} is marked as a no show.", "Session #{n} is no longer marked as a no show."),
}
# The button that retries an action despite a clash.
OVERRIDE_LABELS = {"on_hold": "Release anyway", "cancelled": "Restore anyway"}


# ---- Helpers ---------------------------------------------------------------------


def _require(request: HttpRequest, *perms: str) -> None:
    if not all(request.user.has_perm(perm) for perm in perms):
        raise PermissionDenied


def _record(pk: int) -> Session:
    try:
        return selectors.session_for_record(pk)
    except Session.DoesNotExist:
        raise Http404("No such session.") from None


def client_url(client_id: int) -> str:
    try:
        return reverse("clients:detail", args=[client_id])
    except NoReverseMatch:
        return f"/clients/{client_id}/"


def _safe_next(request: HttpRequest, value: str | None) -> str | None:
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return None


def _detail_url(session: Session, close_to: str | None = None) -> str:
    url = reverse("photo_sessions:detail", args=[session.pk])
    if close_to:
        url += "?" + urlencode({"next": close_to})
    return url


def _back(request: HttpRequest, session: Session) -> str:
    """Where a ribbon action returns: the tab it came from, else the General tab."""
    return _safe_next(request, request.POST.get("next")) or _detail_url(session)


def works_on(session: Session, user) -> bool:
    return selectors.works_on(session, user)


def can_add_note(session: Session, user) -> bool:
    if not user.has_perm(NOTE_PERM):
        return False
    return user.has_perm(CHANGE_PERM) or works_on(session, user)


def can_complete_tasks(session: Session, user) -> bool:
    if not user.has_perm(TASK_CHANGE_PERM):
        return False
    return user.has_perm(CHANGE_PERM) or works_on(session, user)


def _local_text(value: datetime) -> str:
    local = to_local(value)
    return f"{local:%a %b} {local.day}, {local:%Y} at {local:%I:%M %p}".replace(" 0", " ")


def _types_json() -> dict:
    return {
        str(t.pk): {
            "length": t.default_length_minutes,
            "photographer": t.default_photographer_id,
            "assistant": t.default_assistant_id,
            "camera_room": t.default_resource_id,
        }
        for t in selectors.active_session_types()
    }


def _statuses_json(current: SessionStatus | None = None, nxt: SessionStatus | None = None) -> dict:
    studio = StudioSettings.load()
    statuses = list(selectors.active_statuses())
    if current is not None and nxt is None:
        nxt = current.next_status()
    return {
        "today": timezone.localdate().isoformat(),
        "work_days": studio.work_days,
        "statuses": {str(s.pk): s.default_duration_days for s in statuses},
        "current": current.pk if current else None,
        "next": nxt.pk if nxt else None,
    }


def _change_status_form(session: Session, data=None, *, nxt: SessionStatus | None = None,
                        work_days: list[int] | None = None) -> ChangeStatusForm:
    """The Change Status form: the next status by sort order and its due date preselected."""
    if data is not None:
        return ChangeStatusForm(data)
    nxt = nxt or session.status.next_status() or session.status
    today = timezone.localdate()
    due = nxt.due_date_from(today, work_days) if work_days is not None else services.due_date_for(nxt)
    return ChangeStatusForm(initial={"completed_on": today, "to_status": nxt.pk, "due_date": due})


def record_context(request: HttpRequest, session: Session, active_tab: str, **extra) -> dict:
    """What templates/sessions/record_base.html needs; other tab pages call this too."""
    user = request.user
    can_edit = user.has_perm(CHANGE_PERM)
    context = {
        "session": session,
        "client": session.client,
        "client_url": client_url(session.client_id),
        "active_tab": active_tab,
        "can_edit": can_edit,
        "can_redo": can_edit and user.has_perm(ADD_PERM),
        "can_add_note": can_add_note(session, user),
        "can_complete_tasks": can_complete_tasks(session, user),
        "can_add_task": can_edit and user.has_perm(TASK_ADD_PERM),
        "here": request.get_full_path(),
        "close_to": _safe_next(request, request.GET.get("next")) or "",
    }
    if can_edit:
        nxt = session.status.next_status()
        statuses_json = _statuses_json(session.status, nxt)
        if "change_status_form" not in extra:
            context["change_status_form"] = _change_status_form(
                session, nxt=nxt or session.status, work_days=statuses_json["work_days"]
            )
        context["statuses_json"] = statuses_json
        context["updated_by_name"] = user_display_name(user)
    context.update(extra)
    return context


def _conflict_context(exc: ConflictError) -> dict:
    return {"clashes": [str(c) for c in exc.clashes], "can_override": exc.can_override}


# ---- General + Participants ------------------------------------------------------------


def _general_context(request, session: Session, form: SessionForm, **extra) -> dict:
    context = record_context(request, session, "general", form=form, record_form=True, **extra)
    if context["can_edit"]:
        # The form's script: type lengths and defaults, status durations for the due date.
        context["types_json"] = _types_json()
        context["form_statuses_json"] = context["statuses_json"]
    return context


@require_http_methods(["GET", "POST"])
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, VIEW_PERM)
    session = _record(pk)
    can_edit = request.user.has_perm(CHANGE_PERM)
    if request.method == "GET":
        form = SessionForm(
            initial=SessionForm.initial_for(session, selectors.participant_ids(session)),
            client=session.client, session=session, read_only=not can_edit,
        )
        return render(request, "sessions/record_general.html", _general_context(request, session, form))

    _require(request, CHANGE_PERM)
    form = SessionForm(request.POST, client=session.client, session=session)
    close_to = _safe_next(request, request.POST.get("next"))
    conflict = None
    if form.is_valid():
        member_data = form.new_member()
        if member_data and not request.user.has_perm(MEMBER_ADD_PERM):
            form.add_error("new_member_first_name", "You may not add family members.")
        else:
            try:
                saved, member = _save_session(request, session, form, member_data)
            except ConflictError as exc:
                conflict = _conflict_context(exc)
            except ValidationError as exc:
                form.add_service_error(exc)
            else:
                text = f"Session #{saved.number} saved."
                if member is not None:
                    text = (f"{member.full_name} added to the household and ticked as a participant. "
                            f"Session #{saved.number} saved.")
                messages.success(request, text)
                if session.confirmed and form.cleaned_data["confirmed"] and not saved.confirmed:
                    messages.warning(request, f"Session #{saved.number} moved to another time, so it is no "
                                              "longer confirmed. Confirm it with the client again.")
                if request.POST.get("_close"):
                    return redirect(close_to or client_url(saved.client_id) + "?tab=sessions")
                url = _detail_url(saved, close_to)
                if member is not None or request.POST.get("_add_member"):
                    url += "#participants"
                return redirect(url)
    context = _general_context(request, session, form, conflict=conflict)
    context["close_to"] = close_to or ""
    return render(request, "sessions/record_general.html", context, status=409 if conflict else 200)


@transaction.atomic
def _save_session(request, session: Session, form: SessionForm, member_data: dict | None):
    """session_update, plus a family member added in place (all or nothing)."""
    participants = list(form.cleaned_data["participants"])
    member = None
    if member_data:
        member = client_services.family_member_add(client=session.client, **member_data)
        participants.append(member)
    target = Session.objects.get(pk=session.pk)  # the service changes it in place
    saved = services.session_update(
        session=target,
        user=request.user,
        participants=participants,
        allow_conflicts=request.POST.get("allow_conflicts") == "1",
        expected_updated_at=form.opened_at(),
        **form.session_fields(),
    )
    return saved, member


# ---- New Session from a client ----------------------------------------------------------


def wizard_url(client: Client) -> str | None:
    """The Session Wizard for ``client``, when it is built."""
    for kwargs in ({"client_id": client.pk}, {"pk": client.pk}):
        try:
            return reverse("scheduling:session_wizard", kwargs=kwargs)
        except NoReverseMatch:
            continue
    try:
        return reverse("scheduling:session_wizard") + f"?client={client.pk}"
    except NoReverseMatch:
        return None


def _next_half_hour(now: datetime) -> datetime:
    local = to_local(now).replace(second=0, microsecond=0)
    minutes = 30 - local.minute % 30
    return local + timedelta(minutes=minutes)


def new_session_initial(client: Client) -> dict:
    studio = StudioSettings.load()
    session_type = studio.default_session_type
    if session_type is None or not session_type.active:
        session_type = selectors.active_session_types().first()
    start = _next_half_hour(timezone.now())
    day, start_time = start.date(), start.time()
    try:
        starts_at = make_local(day, start_time)
    except ValueError:
        starts_at = None
    status = SessionStatus.initial()
    initial = {
        "session_date": day,
        "start_time": start_time,
        "status": status.pk if status else None,
        "status_due_date": services.due_date_for(status) if status else None,
        "reminder_minutes": 30,
    }
    if session_type is not None:
        initial.update({
            "session_type": session_type.pk,
            "photographer": session_type.default_photographer_id,
            "assistant": session_type.default_assistant_id,
            "camera_room": session_type.default_resource_id,
        })
        if starts_at is not None:
            end = to_local(starts_at + timedelta(minutes=session_type.default_length_minutes))
            if end.date() == day:
                initial["end_time"] = end.time()
    return initial


@require_http_methods(["GET", "POST"])
def session_new(request: HttpRequest, client_id: int) -> HttpResponse:
    _require(request, ADD_PERM)
    client = get_object_or_404(Client, pk=client_id)
    close_to = _safe_next(request, request.POST.get("next") or request.GET.get("next"))
    conflict = None
    if request.method == "GET":
        prefs = UserPreferences.objects.filter(user=request.user).first()
        if (prefs is None or prefs.use_session_wizard) and request.GET.get("blank") != "1":
            url = wizard_url(client)
            if url:
                return redirect(url)
        form = SessionForm(initial=new_session_initial(client), client=client)
    else:
        form = SessionForm(request.POST, client=client)
        if form.is_valid():
            member_data = form.new_member()
            if member_data and not request.user.has_perm(MEMBER_ADD_PERM):
                form.add_error("new_member_first_name", "You may not add family members.")
            else:
                try:
                    session, member = _create_session(request, client, form, member_data)
                except ConflictError as exc:
                    conflict = _conflict_context(exc)
                except ValidationError as exc:
                    form.add_service_error(exc)
                else:
                    when = _local_text(session.starts_at)
                    text = f"Session #{session.number} booked for {when}."
                    if member is not None:
                        text += f" {member.full_name} added to the household and ticked as a participant."
                    messages.success(request, text)
                    if request.POST.get("_close"):
                        return redirect(close_to or client_url(client.pk) + "?tab=sessions")
                    return redirect(_detail_url(session, close_to))
    context = {
        "client": client,
        "client_url": client_url(client.pk),
        "form": form,
        "conflict": conflict,
        "types_json": _types_json(),
        "form_statuses_json": _statuses_json(),
        "booked_by_name": user_display_name(request.user),
        "close_to": close_to or "",
    }
    return render(request, "sessions/new.html", context, status=409 if conflict else 200)


@transaction.atomic
def _create_session(request, client: Client, form: SessionForm, member_data: dict | None):
    participants = list(form.cleaned_data["participants"])
    member = None
    if member_data:
        member = client_services.family_member_add(client=client, **member_data)
        participants.append(member)
    fields = form.session_fields()
    session = services.session_create(
        client=client,
        session_type=fields.pop("session_type"),
        starts_at=fields.pop("starts_at"),
        ends_at=fields.pop("ends_at"),
        booked_by=request.user,
        participants=participants,
        allow_conflicts=request.POST.get("allow_conflicts") == "1",
        **fields,
    )
    return session, member


# ---- Ribbon actions -----------------------------------------------------------------------


def _flag_view(flag: str):
    @require_POST
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        _require(request, VIEW_PERM, CHANGE_PERM)
        session = _record(pk)
        raw = request.POST.get("value")
        value = (raw == "1") if raw in ("0", "1") else not getattr(session, flag)
        target = Session.objects.get(pk=session.pk)
        try:
            services.session_set_flag(
                session=target, user=request.user, flag=flag, value=value,
                allow_conflicts=request.POST.get("allow_conflicts") == "1",
            )
        except ConflictError as exc:
            form = SessionForm(
                initial=SessionForm.initial_for(session, selectors.participant_ids(session)),
                client=session.client, session=session,
            )
            action = {
                **_conflict_context(exc),
                "url": request.path,
                "value": "1" if value else "0",
                "label": OVERRIDE_LABELS.get(flag, "Book anyway"),
                "next": _safe_next(request, request.POST.get("next")) or "",
            }
            return render(
                request, "sessions/record_general.html",
                _general_context(request, session, form, action_conflict=action), status=409,
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return redirect(_back(request, session))
        set_text, cleared_text = FLAG_MESSAGES[flag]
        messages.success(request, (set_text if value else cleared_text).format(n=target.number))
        return redirect(_back(request, session))

    view.__name__ = f"session_{flag}"
    return view


session_confirm = _flag_view("confirmed")
session_hold = _flag_view("on_hold")
session_cancel = _flag_view("cancelled")
session_no_show = _flag_view("no_show")


@require_POST
def session_redo(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, VIEW_PERM, CHANGE_PERM, ADD_PERM)
    session = _record(pk)
    try:
        redo = services.session_create_redo(
            session=Session.objects.get(pk=session.pk), user=request.user,
            allow_conflicts=request.POST.get("allow_conflicts") == "1",
        )
    except ConflictError as exc:
        form = SessionForm(
            initial=SessionForm.initial_for(session, selectors.participant_ids(session)),
            client=session.client, session=session,
        )
        action = {
            **_conflict_context(exc),
            "url": request.path,
            "value": "",
            "label": "Book the redo anyway",
            "intro": "The redo, a week after this session, would double-book:",
            "next": "",
        }
        return render(
            request, "sessions/record_general.html",
            _general_context(request, session, form, action_conflict=action), status=409,
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect(_back(request, session))
    messages.success(
        request,
        f"Redo session #{redo.number} booked for {_local_text(redo.starts_at)}, a week after "
        f"session #{session.number}. Change its date and time here if needed.",
    )
    return redirect(_detail_url(redo))


@require_http_methods(["GET", "POST"])
def change_status(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, VIEW_PERM, CHANGE_PERM)
    session = _record(pk)
    if request.method == "POST":
        form = _change_status_form(session, request.POST)
        if form.is_valid():
            try:
                services.status_change(
                    session=Session.objects.get(pk=session.pk),
                    to_status=form.cleaned_data["to_status"],
                    user=request.user,
                    completed_on=form.cleaned_data["completed_on"],
                    due_date=form.cleaned_data["due_date"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                session.refresh_from_db(fields=["status", "status_due_date", "number"])
                due = session.status_due_date
                due_text = f", due {due:%b} {due.day}, {due:%Y}" if due else ""
                messages.success(request, f"Session #{session.number} is now “{session.status}”{due_text}.")
                return redirect(_back(request, session))
    else:
        form = _change_status_form(session)
    context = record_context(request, session, "status", change_status_form=form,
                             back_url=_safe_next(request, request.POST.get("next") or request.GET.get("next")) or "")
    return render(request, "sessions/record_status.html", context)


# ---- Notes -----------------------------------------------------------------------------------


def _notes_context(request, session: Session, note_form: NoteForm | None = None) -> dict:
    return record_context(
        request, session, "notes",
        notes=list(selectors.session_notes(session)),
        status_changes=list(selectors.status_history(session)),
        log_entries=[
            (entry, LOG_ACTIONS.get(entry.action, entry.action), log_summary(entry))
            for entry in selectors.session_log(session)
        ],
        note_form=note_form or NoteForm(),
    )


@require_http_methods(["GET"])
def session_notes(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, VIEW_PERM)
    session = _record(pk)
    return render(request, "sessions/record_notes.html", _notes_context(request, session))


@require_POST
def note_add(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, VIEW_PERM)
    session = _record(pk)
    if not can_add_note(session, request.user):
        raise PermissionDenied
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            services.note_add(session=session, author=request.user, text=form.cleaned_data["text"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"Note added to session #{session.number}.")
            return redirect("photo_sessions:notes", pk=session.pk)
    return render(request, "sessions/record_notes.html", _notes_context(request, session, form))


LOG_ACTIONS = {
    "session.created": "Booked",
    "session.changed": "Changed",
    "session.redo_created": "Redo booked",
    "status.changed": "Status changed",
    "task.created": "To-do added",
    "task.done": "To-do done",
    "task.reopened": "To-do reopened",
    "event.added": "Calendar row added",
    "event.changed": "Calendar row changed",
    "event.removed": "Calendar row removed",
}
LOG_FIELD_LABELS = {
    "description": "Description", "session_type": "Type", "starts_at": "Start", "ends_at": "End",
    "photographer": "Photographer", "assistant": "Assistant", "camera_room": "Camera Room",
    "location": "Location", "number": "Session Number", "status": "Session Status",
    "status_due_date": "Status Due Date", "file_number": "File Number", "reminder": "Reminder",
    "reminder_minutes": "Reminder minutes", "confirmed": "Confirmed", "no_show": "No Show",
    "redo": "Redo", "redo_of": "Redo of", "on_hold": "On Hold", "cancelled": "Cancelled",
    "use_advanced_calendar": "Use Advanced Calendar Options", "price_list": "Price list",
    "client": "Client",
}


def _log_value(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dict):
        return str(value.get("text", value.get("id", "")))
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        day = date.fromisoformat(value)
        return f"{day:%b} {day.day}, {day:%Y}"
    if isinstance(value, str) and re.match(r"\d{4}-\d{2}-\d{2}T", value):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            return value
        return f"{parsed:%b} {parsed.day}, {parsed:%Y} {parsed:%I:%M %p}".replace(" 0", " ")
    return str(value)


def log_summary(entry) -> str:
    """A sentence for one log entry's data."""
    data = entry.data or {}
    action = entry.action
    if action == "session.changed":
        parts = []
        for name, change in data.items():
            label = LOG_FIELD_LABELS.get(name, name.replace("_", " ").capitalize())
            if isinstance(change, list) and len(change) == 2:
                parts.append(f"{label}: {_log_value(change[0])} → {_log_value(change[1])}")
            else:
                parts.append(f"{label}: {_log_value(change)}")
        return "; ".join(parts)
    if action == "session.created":
        return f"Session #{data.get('number', '')}, {_log_value(data.get('type'))}, {_log_value(data.get('starts_at'))}"
    if action == "status.changed":
        due = data.get("due_date")
        text = f"{_log_value(data.get('from'))} → {_log_value(data.get('to'))}"
        return text + (f", due {_log_value(due)}" if due else "")
    if action == "session.redo_created":
        return f"Redo {_log_value(data.get('redo'))}"
    if action.startswith("task."):
        return str(data.get("title", ""))
    if action.startswith("event."):
        return " – ".join(_log_value(data[k]) for k in ("starts_at", "ends_at") if k in data)
    return "; ".join(f"{k}: {_log_value(v)}" for k, v in data.items())


# ---- Tasks -----------------------------------------------------------------------------------


def _tasks_context(request, session: Session, task_form: TaskForm | None = None) -> dict:
    return record_context(
        request, session, "tasks",
        tasks=list(selectors.session_tasks(session)),
        task_form=task_form or TaskForm(),
        today=timezone.localdate(),
    )


@require_http_methods(["GET"])
def session_tasks(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, VIEW_PERM)
    session = _record(pk)
    return render(request, "sessions/record_tasks.html", _tasks_context(request, session))


@require_POST
def task_add(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, VIEW_PERM, CHANGE_PERM, TASK_ADD_PERM)
    session = _record(pk)
    form = TaskForm(request.POST)
    if form.is_valid():
        try:
            task = services.task_create(
                session=session, user=request.user, title=form.cleaned_data["title"],
                due_date=form.cleaned_data["due_date"], assignee=form.cleaned_data["assignee"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"To-do “{task.title}” added.")
            return redirect("photo_sessions:tasks", pk=session.pk)
    return render(request, "sessions/record_tasks.html", _tasks_context(request, session, form))


@require_POST
def task_done(request: HttpRequest, pk: int, task_id: int) -> HttpResponse:
    _require(request, VIEW_PERM)
    session = _record(pk)
    task = get_object_or_404(SessionTask.objects.select_related("session"), pk=task_id, session_id=session.pk)
    if not can_complete_tasks(session, request.user):
        raise PermissionDenied
    done = request.POST.get("done") == "1"
    services.task_set_done(task=task, user=request.user, done=done)
    text = f"“{task.title}” is done." if done else f"“{task.title}” is open again."
    messages.success(request, text)
    return redirect("photo_sessions:tasks", pk=session.pk)
