"""Calendar pages and iCal feeds (being built; see scheduling/calendar.py)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse


def _not_yet(request: HttpRequest, **kwargs) -> HttpResponse:
    raise Http404("The calendar is being built.")


calendar = my_calendar = staff_calendar = resource_calendar = _not_yet
regenerate_ical_token = staff_feed = resource_feed = _not_yet
