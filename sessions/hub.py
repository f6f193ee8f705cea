"""The sessions hub: every session, filtered, sorted, paged, exported, advanced in bulk."""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterator

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from sessions import services
from sessions.filters import SORT_COLUMNS, SessionFilter, apply_sort
from sessions.models import Session, SessionStatus
from studio.models import user_display_name
from studio.timeutils import to_local

PAGE_SIZE = 50
VIEW_PERM = "photo_sessions.view_session"
CHANGE_PERM = "photo_sessions.change_session"

CSV_HEADER = [
    "Session Number", "Session Date", "Start Time", "End Time", "Client", "Description",
    "Type", "Status", "Status Due Date", "Photographer", "Assistant", "Camera Room",
    "File Number", "Confirmed", "No Show", "Redo", "On Hold", "Cancelled",
    "Booked By", "Booked On",
]
# A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _require(request: HttpRequest, perm: str) -> None:
    if not request.user.has_perm(perm):
        raise PermissionDenied


def hub_queryset():
    return Session.objects.with_related().select_related("booked_by__staff_profile")


def _filtered(request: HttpRequest) -> tuple[SessionFilter, object, str, bool]:
    filterset = SessionFilter(request.GET or None, queryset=hub_queryset(), request=request)
    queryset, sort_key, descending = apply_sort(filterset.qs, request.GET.get("sort"))
    return filterset, queryset, sort_key, descending


def _querystring(params: QueryDict, **changes) -> str:
    params = params.copy()
    for name, value in changes.items():
        if value is None:
            params.pop(name, None)
        else:
            params[name] = value
    return params.urlencode()


def _sort_headers(request: HttpRequest, sort_key: str, descending: bool) -> dict:
    headers = {}
    for key, column in SORT_COLUMNS.items():
        active = key == sort_key
        target = f"-{key}" if active and not descending else key
        if not active and key in ("date", "due"):
            target = f"-{key}"  # dates: newest first on the first click
        headers[key] = {
            "label": column.label,
            "url": "?" + _querystring(request.GET, sort=target, page=None),
            "active": active,
            "descending": descending,
            "aria_sort": ("descending" if descending else "ascending") if active else None,
            "next_label": (
                f"Sort by {column.label}, "
                f"{'descending' if target.startswith('-') else 'ascending'}"
            ),
        }
    return headers


def _count_label(count: int) -> str:
    return f"{count:,} session{'' if count == 1 else 's'}"


@require_GET
def session_list(request: HttpRequest) -> HttpResponse:
    _require(request, VIEW_PERM)
    filterset, queryset, sort_key, descending = _filtered(request)
    paginator = Paginator(queryset, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    rows = list(page.object_list)
    for session in rows:
        session.photographer_name = user_display_name(session.photographer)
        session.assistant_name = user_display_name(session.assistant)
    without_page = _querystring(request.GET, page=None)
    return render(request, "sessions/hub.html", {
        # Not "form": the shared ribbon includes read a "form" variable of their own.
        "filter": filterset,
        "page_obj": page,
        "sessions": rows,
        "count_label": _count_label(paginator.count),
        "headers": _sort_headers(request, sort_key, descending),
        "sort_label": SORT_COLUMNS[sort_key].label,
        "sort_descending": descending,
        "querystring_without_page": without_page,
        "export_url": reverse("photo_sessions:export") + (f"?{without_page}" if without_page else ""),
        "can_change": request.user.has_perm(CHANGE_PERM),
        "is_filtered": filterset.active_count > 0,
        "not_filtered": filterset.active_count == 0,
        "no_sessions": not rows,
        "active_filters": filterset.active_count,
    })


class _Echo:
    """A file-like object whose write() hands the line back to the caller."""

    def write(self, value: str) -> str:
        return value


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def _csv_row(session: Session) -> list[str]:
    start, end = to_local(session.starts_at), to_local(session.ends_at)
    values = [
        session.number,
        f"{start:%Y-%m-%d}",
        f"{start:%H:%M}",
        f"{end:%H:%M}" if end.date() == start.date() else f"{end:%Y-%m-%d %H:%M}",
        str(session.client),
        session.description,
        session.session_type.name,
        session.status.name,
        session.status_due_date.isoformat() if session.status_due_date else "",
        user_display_name(session.photographer),
        user_display_name(session.assistant),
        session.place,
        session.file_number,
        session.confirmed,
        session.no_show,
        session.redo,
        session.on_hold,
        session.cancelled,
        user_display_name(session.booked_by),
        f"{to_local(session.booked_on):%Y-%m-%d %H:%M}",
    ]
    return [_cell(value) for value in values]


def _csv_lines(queryset) -> Iterator[str]:
    writer = csv.writer(_Echo())
    # The byte order mark lets spreadsheet programs read the names as UTF-8.
    yield "\ufeff" + writer.writerow(CSV_HEADER)
    for session in queryset.iterator(chunk_size=2000):
        yield writer.writerow(_csv_row(session))


@require_GET
def session_export(request: HttpRequest) -> HttpResponse:
    _require(request, VIEW_PERM)
    filterset, queryset, _, _ = _filtered(request)
    if filterset.is_bound and not filterset.is_valid():
        messages.error(request, "Fix the filters below before exporting.")
        back = _querystring(request.GET, page=None)
        return redirect(reverse("photo_sessions:list") + (f"?{back}" if back else ""))
    filename = f"sessions-{timezone.localdate():%Y-%m-%d}.csv"
    response = StreamingHttpResponse(_csv_lines(queryset), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


def _selected_ids(request: HttpRequest) -> list[int]:
    ids = []
    for raw in request.POST.getlist("ids"):
        raw = raw.strip()
        if raw.isdigit() and int(raw) < 2**63:
            ids.append(int(raw))
    return list(dict.fromkeys(ids))


def _back_to_hub(querystring: str):
    querystring = querystring.lstrip("?")
    # Only the parameters themselves: the page is always the hub.
    params = QueryDict(querystring).urlencode()
    return redirect(reverse("photo_sessions:list") + (f"?{params}" if params else ""))


def _next_statuses() -> dict[int, SessionStatus | None]:
    """For each status id, the status Advance Status moves to (as SessionStatus.next_status)."""
    ordered = list(SessionStatus.objects.active().order_by("sort_order", "id"))
    every = {s.pk: s for s in SessionStatus.objects.all()}
    result = {}
    for status in every.values():
        later = [s for s in ordered if (s.sort_order, s.pk) > (status.sort_order, status.pk)]
        result[status.pk] = later[0] if later else None
    return result


@require_POST
def advance_status(request: HttpRequest) -> HttpResponse:
    _require(request, CHANGE_PERM)
    querystring = request.POST.get("querystring", "")
    ids = _selected_ids(request)
    if not ids:
        messages.warning(request, "Select the sessions to advance first.")
        return _back_to_hub(querystring)
    sessions = list(
        Session.objects.with_related().filter(pk__in=ids).order_by("starts_at", "id")
    )
    if not sessions:
        messages.warning(request, "The selected sessions no longer exist.")
        return _back_to_hub(querystring)

    types = Counter(s.session_type.name for s in sessions)
    if len(types) > 1 and request.POST.get("confirm") != "1":
        nexts = _next_statuses()
        for session in sessions:
            session.next_status = nexts.get(session.status_id)
        back = querystring.lstrip("?")
        return render(request, "sessions/_hub_advance_confirm.html", {
            "sessions": sessions,
            "types": sorted(types.items()),
            "count_label": _count_label(len(sessions)),
            "querystring": back,
            "back_url": reverse("photo_sessions:list") + (f"?{back}" if back else ""),
        })

    try:
        advanced, stuck = services.sessions_advance_status(sessions=sessions, user=request.user)
    except ValidationError as exc:
        messages.error(request, "Nothing was advanced: " + " ".join(exc.messages))
        return _back_to_hub(querystring)

    if advanced:
        messages.success(request, f"Advanced {_count_label(len(advanced))}.")
    if stuck:
        numbers = ", ".join(f"#{s.number}" for s in stuck)
        verb = "is" if len(stuck) == 1 else "are"
        messages.warning(
            request,
            f"{_count_label(len(stuck))} {verb} already at the last status and "
            f"{'was' if len(stuck) == 1 else 'were'} not advanced: {numbers}.",
        )
    return _back_to_hub(querystring)
