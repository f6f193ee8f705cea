"""The Scheduling Wizard, the Session Wizard and the free-slot endpoint they use.

Scheduling Wizard (/schedule/new/): client (find or create) → client details
(contact details, participants, new family members) → session details (free
slots offered) → review (conflicts shown; "Book anyway" under the "ask"
policy) → the session record. The Session Wizard (/clients/<id>/sessions/
wizard/) starts at session details for a known client.

django-formtools keeps each step's posted data in the user's session, so Back
and Next keep what was typed. Nothing is written until the last step: then the
client (new or changed) and the session are saved in one transaction through
clients.services and sessions.services.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, SuspiciousOperation, ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET
from formtools.wizard.forms import ManagementForm
from formtools.wizard.views import SessionWizardView

from clients import services as client_services
from clients.models import Client, FamilyMember
from scheduling.forms import (
    ClientDetailsStepForm,
    ClientStepForm,
    FreeSlotsQueryForm,
    ReviewStepForm,
    SessionStepForm,
)
from scheduling.models import SessionType
from scheduling.slots import FreeSlot, find_free_slots
from sessions import selectors as session_selectors
from sessions import services
from sessions.conflicts import ConflictError, find_clashes
from sessions.models import Session, SessionStatus
from studio.models import ConflictPolicy, StudioSettings, user_display_name
from studio.timeutils import to_local

ADD_SESSION = "photo_sessions.add_session"
VIEW_CALENDAR = "photo_sessions.view_calendarevent"
ADD_CLIENT = "clients.add_client"
CHANGE_CLIENT = "clients.change_client"
ADD_MEMBER = "clients.add_familymember"

# How many clients the search step lists, and how many slots the session step offers.
MATCH_LIMIT = 15
SLOT_LIMIT = 12
SLOT_DAYS = 14

STEP_TITLES = {
    "client": ("Client", "person-search"),
    "details": ("Client details", "person-vcard"),
    "session": ("Session details", "calendar-event"),
    "review": ("Review", "check2-circle"),
}


class StepFailed(Exception):
    """The done step found a problem that belongs on an earlier step."""

    def __init__(self, step: str, form, **context):
        self.step = step
        self.form = form
        self.context = context


def local_text(value: datetime) -> str:
    local = to_local(value)
    return f"{local:%a %b} {local.day}, {local:%Y} at {local:%I:%M %p}".replace(" 0", " ")


def date_text(value: datetime) -> str:
    local = to_local(value)
    return f"{local:%a %b} {local.day}, {local:%Y}"


def time_text(value: datetime) -> str:
    return f"{to_local(value):%I:%M %p}".lstrip("0")


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def prefill_from(query) -> dict:
    """The calendar's empty-slot link: ?date=&time=&photographer=&assistant=&resource=&type=&client=."""
    prefill: dict[str, str | int] = {}
    raw_date = (query.get("date") or "").strip()
    if raw_date:
        try:
            prefill["date"] = date.fromisoformat(raw_date).isoformat()
        except ValueError:
            pass
    raw_time = (query.get("time") or "").strip()
    if raw_time:
        try:
            prefill["time"] = time.fromisoformat(raw_time).strftime("%H:%M")
        except ValueError:
            pass
    for name in ("photographer", "assistant", "resource", "type", "client"):
        pk = _int(query.get(name))
        if pk:
            prefill[name] = pk
    return prefill


def slot_groups(slots: list[FreeSlot]) -> list[tuple[date, list[FreeSlot]]]:
    groups: list[tuple[date, list[FreeSlot]]] = []
    for slot in slots:
        if groups and groups[-1][0] == slot.day:
            groups[-1][1].append(slot)
        else:
            groups.append((slot.day, [slot]))
    return groups


def slots_context(*, session_type: SessionType | None, start_date: date, photographer=None, assistant=None,
                  resource=None, length: timedelta | None = None, limit: int = SLOT_LIMIT,
                  days: int = SLOT_DAYS, studio: StudioSettings | None = None) -> dict:
    """What templates/scheduling/_slots.html shows."""
    length = length or timedelta(minutes=session_type.default_length_minutes if session_type else 60)
    start_date = max(start_date, timezone.localdate())
    end_date = start_date + timedelta(days=days - 1)
    slots = find_free_slots(length=length, start_date=start_date, end_date=end_date,
                            photographer=photographer, assistant=assistant, resource=resource, limit=limit,
                            studio=studio)
    who = [user_display_name(u) for u in (photographer, assistant) if u is not None]
    if resource is not None and resource.show_on_calendar:
        who.append(str(resource))
    return {
        "slots": slots,
        "slot_groups": slot_groups(slots),
        "slot_length_minutes": int(length.total_seconds() // 60),
        "slot_from": start_date,
        "slot_until": end_date,
        "slot_for": who,
        "slot_for_text": " and ".join([", ".join(who[:-1]), who[-1]]) if len(who) > 1 else "".join(who),
    }


# ---- The wizards ----------------------------------------------------------------------


class SchedulingWizard(SessionWizardView):
    form_list = [
        ("client", ClientStepForm),
        ("details", ClientDetailsStepForm),
        ("session", SessionStepForm),
        ("review", ReviewStepForm),
    ]
    template_name = "scheduling/wizard.html"
    fixed_client: Client | None = None

    # -- request handling --

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(ADD_SESSION):
            raise PermissionDenied("Your account may not book sessions.")
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        self.storage.reset()
        self.storage.current_step = self.steps.first
        self.storage.extra_data = {"prefill": prefill_from(request.GET)}
        return self.render(self.get_form())

    def post(self, *args, **kwargs):
        post = self.request.POST
        step = self._posted_step()
        goto = post.get("wizard_goto_step")
        if goto and goto in self.get_form_list():
            # Going back keeps what was typed on this step, valid or not.
            form = self.get_form(step=step, data=post)
            self.storage.set_step_data(step, self.process_step(form))
            if step == "client":
                self._forget_details_if_client_changed(form)
            return self.render_goto_step(goto)
        if step == "client" and "wizard_search" in post:
            return self.render(self.quiet_form(step, post))
        if step == "session" and ("wizard_slot" in post or "wizard_slots" in post):
            data = post.copy()
            picked = post.get("wizard_slot", "")
            if picked:
                day, _, times = picked.partition("T")
                start, _, end = times.partition("-")
                data[f"{step}-session_date"] = day
                data[f"{step}-start_time"] = start
                data[f"{step}-end_time"] = end
            return self.render(self.quiet_form(step, data))
        if step == "client":
            form = self.get_form(step=step, data=post)
            if form.is_valid():
                self._forget_details_if_client_changed(form)
        return super().post(*args, **kwargs)

    def _posted_step(self) -> str:
        management = ManagementForm(self.request.POST, prefix=self.prefix)
        if not management.is_valid():
            raise SuspiciousOperation("ManagementForm data is missing or has been tampered.")
        step = management.cleaned_data["current_step"]
        if step not in self.get_form_list():
            raise SuspiciousOperation("Unknown wizard step.")
        self.storage.current_step = step
        return step

    def _forget_details_if_client_changed(self, client_form) -> None:
        """A different client (or a new one) must not inherit the previous one's details."""
        if "details" not in self.get_form_list():
            return
        before = self.storage.extra_data.get("details_for")
        if client_form.is_valid():
            chosen = client_form.cleaned_data.get("client")
            now = f"client:{chosen.pk}" if chosen else "new"
        else:
            return
        if before != now:
            self.storage.data[self.storage.step_data_key].pop("details", None)
            extra = dict(self.storage.extra_data)
            extra["details_for"] = now
            self.storage.extra_data = extra

    def quiet_form(self, step: str, data):
        """The step's form showing ``data`` without judging it (a search, a picked slot)."""
        form = self.get_form(step=step)
        typed = {}
        for name, field in form.fields.items():
            key = form.add_prefix(name)
            if not field.widget.value_omitted_from_data(data, {}, key):
                typed[name] = field.widget.value_from_datadict(data, {}, key)
        form.initial = {**form.initial, **typed}
        return form

    def render_done(self, form, **kwargs):
        try:
            return super().render_done(form, **kwargs)
        except StepFailed as failure:
            self.storage.current_step = failure.step
            return self.render(failure.form, **failure.context)

    # -- forms --

    @property
    def studio(self) -> StudioSettings:
        if not hasattr(self, "_studio"):
            self._studio = StudioSettings.load()
        return self._studio

    @property
    def prefill(self) -> dict:
        return self.storage.extra_data.get("prefill", {})

    def chosen_client(self) -> Client | None:
        if self.fixed_client is not None:
            return self.fixed_client
        data = self.get_cleaned_data_for_step("client") or {}
        return data.get("client")

    def get_form_kwargs(self, step=None):
        user = self.request.user
        if step == "client":
            return {"can_add_client": user.has_perm(ADD_CLIENT)}
        if step == "details":
            return {
                "client": self.chosen_client(),
                "can_edit_client": user.has_perm(CHANGE_CLIENT),
                "can_add_members": user.has_perm(ADD_MEMBER),
            }
        if step == "session":
            return {"participants_of": self.fixed_client}
        return {}

    def get_form_initial(self, step):
        prefill = self.prefill
        if step == "client":
            return {"client": prefill["client"]} if prefill.get("client") else {}
        if step == "details":
            client = self.chosen_client()
            return ClientDetailsStepForm.initial_for(client) if client else {}
        if step == "session":
            return self.session_initial(prefill)
        return {}

    def session_initial(self, prefill: dict) -> dict:
        types = list(session_selectors.active_session_types())
        by_id = {t.pk: t for t in types}
        session_type = by_id.get(prefill.get("type")) or by_id.get(self.studio.default_session_type_id)
        if session_type is None and types:
            session_type = types[0]
        now = to_local(timezone.now())
        initial = {"reminder_minutes": 30}
        if prefill.get("date"):
            initial["session_date"] = prefill["date"]
        else:
            initial["session_date"] = now.date().isoformat()
        if prefill.get("time"):
            initial["start_time"] = prefill["time"]
        if session_type is not None:
            initial["session_type"] = session_type.pk
            initial["photographer"] = session_type.default_photographer_id
            initial["assistant"] = session_type.default_assistant_id
            initial["camera_room"] = session_type.default_resource_id
        for name, key in (("photographer", "photographer"), ("assistant", "assistant"), ("camera_room", "resource")):
            if prefill.get(key):
                initial[name] = prefill[key]
        return initial

    # -- context --

    def get_template_names(self):
        return [self.template_name]

    def get_context_data(self, form, **kwargs):
        context = super().get_context_data(form=form, **kwargs)
        step = self.steps.current
        steps = []
        for index, name in enumerate(self.get_form_list()):
            title, icon = STEP_TITLES[name]
            steps.append({"name": name, "title": title, "icon": icon, "number": index + 1,
                          "done": index < self.steps.step0, "current": name == step})
        context.update({
            "step": step,
            "step_title": STEP_TITLES[step][0],
            "step_list": steps,
            "fixed_client": self.fixed_client,
            "wizard_title": self.wizard_title(),
            "cancel_url": self.cancel_url(),
            "step_template": f"scheduling/wizard_{step}.html",
        })
        getattr(self, f"context_{step}")(form, context, kwargs)
        return context

    def wizard_title(self) -> str:
        return "Schedule a session"

    def cancel_url(self) -> str:
        return reverse("scheduling:calendar")

    def context_client(self, form, context, kwargs) -> None:
        search = (form["search"].value() or "").strip()
        chosen_pk = _int(form["client"].value())
        selected = None
        if chosen_pk:
            selected = Client.objects.prefetch_related("family_members").filter(pk=chosen_pk).first()
        matches, total = [], 0
        if search:
            found = Client.objects.search(search)
            total = found.count()
            matches = list(
                found.prefetch_related(Prefetch("family_members", queryset=FamilyMember.objects.order_by(
                    "birth_date", "first_name", "id")))
                .order_by("last_name", "first_name", "id")[:MATCH_LIMIT]
            )
        context.update({
            "prefill_text": self.prefill_text(),
            "search": search,
            "matches": matches,
            "match_total": total,
            "match_limit": MATCH_LIMIT,
            "selected_client": selected,
            "can_add_client": self.request.user.has_perm(ADD_CLIENT),
        })

    def prefill_text(self) -> str:
        """"Booking Tue Jun 1 at 2:30 PM with Ann Lens": what the calendar's slot link chose."""
        prefill = self.prefill
        if not prefill.get("date"):
            return ""
        day = date.fromisoformat(prefill["date"])
        text = f"Booking {day:%a %b} {day.day}"
        if prefill.get("time"):
            text += f" at {time.fromisoformat(prefill['time']):%I:%M %p}".replace(" 0", " ")
        photographer = (
            get_user_model().objects.select_related("staff_profile")
            .filter(pk=prefill.get("photographer") or 0, staff_profile__isnull=False).first()
        )
        if photographer is not None:
            text += f" with {user_display_name(photographer)}"
        return text + ". First find or add the client."

    def context_details(self, form, context, kwargs) -> None:
        client = self.chosen_client()
        context.update({
            "client": client,
            "new_client": client is None,
            "member_rows": form.member_rows(),
            "can_edit_client": self.request.user.has_perm(CHANGE_CLIENT),
        })

    def context_session(self, form, context, kwargs) -> None:
        params = FreeSlotsQueryForm({
            "type": form["session_type"].value() or "",
            "date": form["session_date"].value() or "",
            "photographer": form["photographer"].value() or "",
            "assistant": form["assistant"].value() or "",
            "resource": form["camera_room"].value() or "",
        })
        if params.is_valid():
            data = params.cleaned_data
            context.update(slots_context(
                session_type=data["type"], start_date=params.start_date(), photographer=data["photographer"],
                assistant=data["assistant"], resource=data["resource"], length=params.length_delta(),
                studio=self.studio,
            ))
        else:
            context["slots_unavailable"] = True
        context["slots_url"] = reverse("scheduling:free_slots")
        context["client"] = self.chosen_client()

    def context_review(self, form, context, kwargs) -> None:
        summary = self.summary()
        context.update(summary)
        policy = self.studio.conflict_policy
        context["policy"] = policy
        context["initial_status"] = SessionStatus.initial()
        if "clashes" not in kwargs:
            clashes = []
            session = summary.get("session")
            if session is not None and policy != ConflictPolicy.ALLOW:
                clashes = [str(c) for c in find_clashes([services.primary_slot(session)], lock=False)]
            context["clashes"] = clashes
            context["can_override"] = policy == ConflictPolicy.ASK
        context["blocked"] = bool(context["clashes"]) and not context["can_override"]

    def summary(self) -> dict:
        """Everything the review step shows, from the stored steps."""
        out: dict = {"client": self.chosen_client()}
        details = self.get_cleaned_data_for_step("details") if "details" in self.get_form_list() else None
        participants: list[str] = []
        if details:
            out["contact"] = details
            participants += [m.full_name for m in details.get("participants") or []]
            for i in range(1, 10):
                first = details.get(f"member_{i}_first_name")
                if first:
                    last = details.get(f"member_{i}_last_name") or details.get("last_name") or ""
                    participants.append(f"{first} {last}".strip() + " (new)")
        data = self.get_cleaned_data_for_step("session")
        if data:
            participants += [m.full_name for m in data.get("participants") or []]
            if data.get("starts_at"):
                session = Session(
                    session_type=data["session_type"], starts_at=data["starts_at"], ends_at=data["ends_at"],
                    photographer=data.get("photographer"), assistant=data.get("assistant"),
                    camera_room=data.get("camera_room"), location=data.get("location") or "",
                )
                services.apply_type_defaults(session, fill_end=True)
                out.update({
                    "session": session,
                    "session_data": data,
                    "when": local_text(session.starts_at),
                    "date_text": date_text(session.starts_at),
                    "start_text": time_text(session.starts_at),
                    "until": time_text(session.ends_at),
                    "length_minutes": int((session.ends_at - session.starts_at).total_seconds() // 60),
                    "photographer_name": user_display_name(session.photographer) if session.photographer_id else "",
                    "assistant_name": user_display_name(session.assistant) if session.assistant_id else "",
                    "place": str(session.camera_room) if session.camera_room_id else session.location,
                    "defaulted": {
                        "photographer": session.photographer_id and not data.get("photographer"),
                        "assistant": session.assistant_id and not data.get("assistant"),
                        "camera_room": session.camera_room_id and not data.get("camera_room") and not data.get("location"),
                        "end": not data.get("ends_at"),
                    },
                })
        out["participant_names"] = participants
        return out

    # -- done --

    def done(self, form_list, form_dict=None, **kwargs):
        form_dict = form_dict or {}
        session_form = form_dict["session"]
        review_form = form_dict["review"]
        user = self.request.user
        with transaction.atomic():
            client, participants = self.save_client(form_dict)
            if "participants" in session_form.cleaned_data:
                participants += list(session_form.cleaned_data["participants"])
            fields = session_form.session_fields()
            try:
                session = services.session_create(
                    client=client,
                    session_type=fields.pop("session_type"),
                    starts_at=fields.pop("starts_at"),
                    ends_at=fields.pop("ends_at"),
                    booked_by=user,
                    participants=participants,
                    allow_conflicts=bool(review_form.cleaned_data.get("book_anyway")),
                    **fields,
                )
            except ConflictError as exc:
                review_form.add_error(None, "The session was not booked: it clashes with the bookings below.")
                raise StepFailed("review", review_form, clashes=[str(c) for c in exc.clashes],
                                 can_override=exc.can_override) from exc
            except ValidationError as exc:
                session_form.add_service_error(exc)
                raise StepFailed("session", session_form) from exc
        text = f"Session #{session.number} booked for {client} on {local_text(session.starts_at)}."
        if self.new_client_created:
            text = f"New client {client} added. " + text
        messages.success(self.request, text)
        return redirect(reverse("photo_sessions:detail", args=[session.pk]))

    new_client_created = False

    def save_client(self, form_dict) -> tuple[Client, list[FamilyMember]]:
        """The new client, or the chosen one with any corrections; and who takes part."""
        if self.fixed_client is not None:
            return self.fixed_client, []
        details: ClientDetailsStepForm = form_dict["details"]
        client = self.chosen_client()
        new_members = details.new_members()
        try:
            if client is None:
                client = client_services.client_create(fields=details.client_fields(), family=new_members)
                self.new_client_created = True
                return client, list(client.family_members.all())
            participants = list(details.cleaned_data.get("participants") or [])
            changed = any(getattr(client, k) != v for k, v in details.client_fields().items())
            if changed or new_members:
                before = set(client.family_members.values_list("pk", flat=True))
                fields = details.client_fields() if self.request.user.has_perm(CHANGE_CLIENT) else {}
                client = client_services.client_update(
                    client=client, fields=fields, family=new_members,
                    expected_version=details.opened_version() if changed else None,
                )
                participants += list(client.family_members.exclude(pk__in=before))
            return client, participants
        except client_services.StaleClientError as exc:
            # Show the other person's save; pressing Next again replaces it with these details.
            data = details.data.copy()
            data[details.add_prefix("version")] = exc.current_version.isoformat()
            fresh = self.get_form(step="details", data=data)
            fresh.is_valid()
            fresh.add_error(None, exc.messages[0].replace("save again", "press Next again"))
            raise StepFailed("details", fresh) from exc
        except ValidationError as exc:
            for message in exc.messages:
                details.add_error(None, message)
            raise StepFailed("details", details) from exc


class SessionWizard(SchedulingWizard):
    """New Session from a client record: the client is known, so the wizard starts at the session."""

    form_list = [
        ("session", SessionStepForm),
        ("review", ReviewStepForm),
    ]

    def dispatch(self, request, *args, **kwargs):
        self.fixed_client = get_object_or_404(Client, pk=kwargs["client_id"])
        return super().dispatch(request, *args, **kwargs)

    def get_prefix(self, request, *args, **kwargs):
        return f"session_wizard_{kwargs['client_id']}"

    def wizard_title(self) -> str:
        return f"New session for {self.fixed_client}"

    def cancel_url(self) -> str:
        try:
            return reverse("clients:detail", args=[self.fixed_client.pk])
        except Exception:  # the client pages are another engineer's; fall back to the list
            return f"/clients/{self.fixed_client.pk}/"


scheduling_wizard = SchedulingWizard.as_view()
session_wizard = SessionWizard.as_view()


# ---- Free slots --------------------------------------------------------------------------


@require_GET
def free_slots(request: HttpRequest) -> HttpResponse:
    """Free slots as an HTML fragment (the wizard's chips) or JSON (?format=json).

    ?type=<id>&date=YYYY-MM-DD&photographer=<id>&assistant=<id>&resource=<id>
    &length=<minutes>&limit=<n>&days=<n>
    """
    if not request.user.has_perm(VIEW_CALENDAR):
        raise PermissionDenied("Your account may not see the calendar.")
    params = FreeSlotsQueryForm(request.GET)
    wants_json = request.GET.get("format") == "json"
    if not params.is_valid():
        if wants_json:
            errors = {name: [e["message"] for e in errs] for name, errs in params.errors.get_json_data().items()}
            return JsonResponse({"errors": errors}, status=400)
        return render(request, "scheduling/_slots.html", {"slot_errors": params.errors}, status=400)
    data = params.cleaned_data
    context = slots_context(
        session_type=data["type"], start_date=params.start_date(), photographer=data["photographer"],
        assistant=data["assistant"], resource=data["resource"], length=params.length_delta(),
        limit=data.get("limit") or SLOT_LIMIT, days=data.get("days") or SLOT_DAYS,
    )
    if wants_json:
        return JsonResponse({
            "length_minutes": context["slot_length_minutes"],
            "from": context["slot_from"].isoformat(),
            "until": context["slot_until"].isoformat(),
            "slots": [slot.as_json() for slot in context["slots"]],
        })
    return render(request, "scheduling/_slots.html", context)
