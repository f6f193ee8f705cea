"""Calendar pages and iCal feeds.

Pages: /calendar/ (everyone the user chooses), /calendar/me/,
/calendar/staff/<id>/ and /calendar/resources/<id>/ — month, week, work week
and day, every one addressable by its query string. Feeds: /feeds/staff/
<token>.ics and /feeds/resources/<token>.ics, no login (the token is the key).
The grid maths is in scheduling/calendar.py, the reads in scheduling/selectors.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from scheduling import calendar as cal
from scheduling import feeds, selectors
from studio.models import StaffProfile, StudioSettings, UserPreferences, user_display_name
from studio.timeutils import to_local

VIEW_PERMISSION = "photo_sessions.view_calendarevent"


def _require_viewer(request: HttpRequest) -> None:
    if not request.user.has_perm(VIEW_PERMISSION):
        raise PermissionDenied("Your account may not see the calendar.")


# ---- Query string ---------------------------------------------------------


@dataclass
class CalendarParams:
    """What a calendar URL asks for; ``url()`` writes it back, with changes."""

    base: str
    view: str
    day: date
    group: str = "date"
    people: list[int] = field(default_factory=list)
    resources: list[int] = field(default_factory=list)
    everyone_flag: bool = False  # "filter=1": no filter, even when the user has default people

    def url(self, **changes) -> str:
        view = changes.get("view", self.view)
        day = changes.get("day", self.day)
        group = changes.get("group", self.group)
        people = changes.get("people", self.people)
        resources = changes.get("resources", self.resources)
        query: list[tuple[str, str]] = [("view", view), ("date", day.isoformat())]
        if group != "date":
            query.append(("group", group))
        query += [("people", str(pk)) for pk in people]
        query += [("resources", str(pk)) for pk in resources]
        if not people and not resources and self.everyone_flag:
            query.append(("filter", "1"))
        return f"{self.base}?{urlencode(query)}"


def _parse_ids(raw: list[str], known: set[int]) -> tuple[list[int], bool]:
    ids: list[int] = []
    bad = False
    for value in raw:
        try:
            pk = int(value)
        except (TypeError, ValueError):
            bad = True
            continue
        if pk in known and pk not in ids:
            ids.append(pk)
        elif pk not in known:
            bad = True
    return ids, bad


def _parse_params(request: HttpRequest, *, base: str, default_view: str, grouping: bool,
                  people_ids: set[int] = frozenset(), resource_ids: set[int] = frozenset(),
                  default_people: list[int] | None = None) -> CalendarParams:
    """Read the query string; anything bad falls back with a message, never an error."""
    get = request.GET
    today = timezone.localdate()

    view = get.get("view") or default_view
    if view not in cal.VIEWS:
        fallback = default_view if default_view in cal.VIEWS else "week"
        messages.warning(
            request, f"“{view}” is not a calendar view; showing the {cal.VIEW_LABELS[fallback].lower()} view."
        )
        view = fallback

    day = today
    raw_date = get.get("date")
    if raw_date:
        try:
            day = date.fromisoformat(raw_date.strip())
        except ValueError:
            messages.warning(request, f"“{raw_date}” is not a date (use YYYY-MM-DD); showing today.")
        else:
            if cal.clamp_day(day) != day:
                messages.warning(
                    request, f"The calendar covers {cal.MIN_YEAR} to {cal.MAX_YEAR}; showing the nearest date."
                )
                day = cal.clamp_day(day)

    group = get.get("group") or "date"
    if group not in cal.GROUPS:
        messages.warning(request, f"“{group}” is not a way to group the calendar; showing it by date.")
        group = "date"
    if not grouping:
        group = "date"

    params = CalendarParams(base=base, view=view, day=day, group=group)
    if grouping:
        people, bad_people = _parse_ids(get.getlist("people"), people_ids)
        resources, bad_resources = _parse_ids(get.getlist("resources"), resource_ids)
        if bad_people:
            messages.warning(request, "Some people in the filter are not on the calendar; they were left out.")
        if bad_resources:
            messages.warning(request, "Some resources in the filter are not on the calendar; they were left out.")
        explicit = any(key in get for key in ("people", "resources", "filter"))
        if not explicit and default_people:
            people = [pk for pk in default_people if pk in people_ids]
        params.people, params.resources = people, resources
        params.everyone_flag = bool(default_people)
    return params


# ---- Pages -------------------------------------------------------------------


@dataclass
class Scope:
    kind: str  # all | person | resource
    title: str
    base: str
    person: object | None = None  # a User
    profile: StaffProfile | None = None
    resource: object | None = None
    feed_path: str | None = None
    feed_name: str = ""
    is_self: bool = False


def _feed_links(request: HttpRequest, path: str | None) -> dict | None:
    if not path:
        return None
    https = request.build_absolute_uri(path)
    return {"url": https, "webcal": "webcal://" + https.split("://", 1)[1]}


def _render(request: HttpRequest, scope: Scope) -> HttpResponse:
    prefs = UserPreferences.for_user(request.user)
    studio = StudioSettings.load()
    today = timezone.localdate()
    grouping = scope.kind == "all"
    people = selectors.calendar_people() if grouping else []
    resources = selectors.calendar_resources() if grouping else []
    default_people = list(prefs.default_calendar_people.values_list("id", flat=True)) if grouping else None
    params = _parse_params(
        request, base=scope.base, default_view=prefs.default_calendar_view, grouping=grouping,
        people_ids={p.user_id for p in people}, resource_ids={r.pk for r in resources},
        default_people=default_people,
    )
    days = cal.view_days(params.view, params.day, studio.work_days)
    start, end = cal.range_bounds(days)
    scope_filter = {
        "people": params.people,
        "resources": params.resources,
        "person_id": scope.person.pk if scope.person is not None else None,
        "resource_id": scope.resource.pk if scope.resource is not None else None,
    }
    items = [cal.make_item(event) for event in selectors.calendar_events(start, end, **scope_filter)]

    chosen_people = [p for p in people if p.user_id in params.people]
    chosen_resources = [r for r in resources if r.pk in params.resources]
    context: dict = {
        "scope": scope,
        "params": params,
        "view": params.view,
        "group": params.group,
        "day": params.day,
        "days": days,
        "today": today,
        "title": cal.view_title(params.view, params.day, days),
        "item_count": len(items),
        "zone": cal.zone_label(),
        "dst_changes": cal.dst_changes(days if params.view != "month" else
                                       [d for d in days if d.month == params.day.month]),
        "prev_url": params.url(day=cal.step(params.view, params.day, -1)),
        "next_url": params.url(day=cal.step(params.view, params.day, 1)),
        "today_url": params.url(day=today),
        "view_links": [(v, cal.VIEW_LABELS[v], params.url(view=v), v == params.view) for v in cal.VIEWS],
        "group_links": [(g, cal.GROUP_LABELS[g], params.url(group=g), g == params.group) for g in cal.GROUPS]
        if grouping and params.view != "month" else [],
        "people": people,
        "resources": resources,
        "feed": _feed_links(request, scope.feed_path),
        "studio": studio,
        "filter_count": len(params.people) + len(params.resources),
        "clear_filters_url": params.url(people=[], resources=[]),
        "has_default_people": bool(default_people),
        "preferences_url": _preferences_url(),
        "now_offset": None,
    }
    if params.view == "month":
        weeks = cal.build_month(day=params.day, days=days, items=items, studio=studio, today=today)
        for week in weeks:
            for cell in week:
                cell.day_url = params.url(view="day", day=cell.day)
        context["weeks"] = weeks
        context["weekday_names"] = cal.weekday_names(short=False)
        agenda_days = [d for d in days if d.month == params.day.month]
        context["agenda"] = cal.build_agenda(days=agenda_days, items=items, today=today, skip_empty=True,
                                             limit=cal.MONTH_AGENDA_ITEMS)
    else:
        group_people = chosen_people or people
        group_resources = chosen_resources or resources
        context["grid"] = cal.build_time_grid(
            days=days, items=items, studio=studio, today=today, group=params.group,
            people=group_people, resources=group_resources,
            scope_person=scope.profile, scope_resource=scope.resource,
        )
        grid = context["grid"]
        for header in grid.day_headers:
            header.day_url = params.url(view="day", day=header.day)
        now = to_local(timezone.now())
        if now.date() in days and grid.start <= now.hour * 60 + now.minute < grid.end:
            context["now_offset"] = now.hour * 60 + now.minute - grid.start
        context["agenda"] = cal.build_agenda(days=days, items=items, today=today)
    for agenda_day in context["agenda"]:
        agenda_day.day_url = params.url(view="day", day=agenda_day.day)

    # The small month to jump by, with days that have something on them in bold.
    mini_first = params.day.replace(day=1)
    mini_days = cal.month_grid_days(mini_first)
    busy = selectors.busy_days(mini_days[0], mini_days[-1], **scope_filter)
    mini = cal.mini_month(month_of=mini_first, selected=days if params.view != "month" else [params.day],
                          today=today, busy=busy)
    for week in mini:
        for cell in week:
            cell.url = params.url(day=cell.day)
    context.update(
        mini_weeks=mini,
        mini_title=f"{mini_first:%B %Y}",
        mini_prev_url=params.url(day=cal.add_months(params.day, -1)),
        mini_next_url=params.url(day=cal.add_months(params.day, 1)),
        mini_weekdays=cal.weekday_names(short=True),
    )
    return render(request, "scheduling/calendar.html", context)


def _own_feed_path(user) -> str | None:
    profile = getattr(user, "staff_profile", None)
    if profile is None:
        return None
    return reverse("scheduling:staff_feed", args=[profile.ical_token])


@require_GET
def calendar(request: HttpRequest) -> HttpResponse:
    _require_viewer(request)
    scope = Scope(
        kind="all", title="Calendar", base=reverse("scheduling:calendar"),
        feed_path=_own_feed_path(request.user), feed_name="your calendar", is_self=True,
    )
    return _render(request, scope)


@require_GET
def my_calendar(request: HttpRequest) -> HttpResponse:
    _require_viewer(request)
    user = request.user
    scope = Scope(
        kind="person", title="My calendar", base=reverse("scheduling:my_calendar"),
        person=user, profile=getattr(user, "staff_profile", None),
        feed_path=_own_feed_path(user), feed_name="your calendar", is_self=True,
    )
    return _render(request, scope)


@require_GET
def staff_calendar(request: HttpRequest, user_id: int) -> HttpResponse:
    _require_viewer(request)
    person = selectors.calendar_person(user_id)
    if person is None:
        raise Http404("No such staff member.")
    is_self = person.pk == request.user.pk
    # A personal feed address is a key to someone's schedule: only its owner and managers see it.
    may_see_feed = is_self or request.user.has_perm("studio.change_staffprofile")
    scope = Scope(
        kind="person", title=f"{user_display_name(person)}’s calendar",
        base=reverse("scheduling:staff_calendar", args=[person.pk]),
        person=person, profile=person.staff_profile,
        feed_path=reverse("scheduling:staff_feed", args=[person.staff_profile.ical_token]) if may_see_feed else None,
        feed_name=f"{user_display_name(person)}’s calendar", is_self=is_self,
    )
    return _render(request, scope)


@require_GET
def resource_calendar(request: HttpRequest, resource_id: int) -> HttpResponse:
    _require_viewer(request)
    resource = selectors.calendar_resource(resource_id)
    if resource is None:
        raise Http404("This resource is not shown on the calendar.")
    scope = Scope(
        kind="resource", title=resource.name, base=reverse("scheduling:resource_calendar", args=[resource.pk]),
        resource=resource, feed_path=reverse("scheduling:resource_feed", args=[resource.ical_token]),
        feed_name=resource.name,
    )
    return _render(request, scope)


def _preferences_url() -> str:
    for name in ("studio:preferences", "preferences"):
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return reverse("scheduling:my_calendar")


@require_POST
def regenerate_ical_token(request: HttpRequest) -> HttpResponse:
    """A new address for the user's own feed; the old one stops working at once."""
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        target = _preferences_url()
    profile = StaffProfile.objects.filter(user=request.user).first()
    if profile is None:
        messages.error(request, "Your account has no staff profile, so it has no calendar feed. "
                                "A manager can add one in Admin.")
        return HttpResponseRedirect(target)
    profile.regenerate_ical_token()
    messages.success(
        request,
        "Your calendar feed has a new address. Calendars subscribed to the old address stop "
        "updating: subscribe again with the new one.",
    )
    return HttpResponseRedirect(target)


# ---- iCal feeds ------------------------------------------------------------


@require_GET
def staff_feed(request: HttpRequest, token: str) -> HttpResponse:
    profile = selectors.staff_profile_by_token(token)
    if profile is None:
        raise Http404("No such calendar feed.")
    return feeds.feed_response(request, name=profile.display_name, person_id=profile.user_id)


@require_GET
def resource_feed(request: HttpRequest, token: str) -> HttpResponse:
    resource = selectors.resource_by_token(token)
    if resource is None:
        raise Http404("No such calendar feed.")
    return feeds.feed_response(request, name=resource.name, resource_id=resource.pk)
