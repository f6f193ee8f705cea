"""Turning a form's Session Date, Start Time and End Time into instants."""

from __future__ import annotations

from django import forms

from studio.timeutils import NonexistentTime, as_utc, make_local


def clean_local_span(
    form: forms.Form,
    data: dict,
    *,
    date_field: str,
    start_field: str = "start_time",
    end_field: str = "end_time",
) -> None:
    """Set ``data["starts_at"]`` / ``data["ends_at"]`` (UTC) from wall-clock fields.

    A time the clocks skip is an error on its field; the end must come after
    the start as instants (on the fall-back night 01:15 CST is after 01:45 CDT).
    """
    day, start, end = data.get(date_field), data.get(start_field), data.get(end_field)
    data["starts_at"] = data["ends_at"] = None
    if day and start:
        try:
            data["starts_at"] = as_utc(make_local(day, start))
        except NonexistentTime as exc:
            form.add_error(start_field, str(exc))
    if day and end:
        try:
            data["ends_at"] = as_utc(make_local(day, end))
        except NonexistentTime as exc:
            form.add_error(end_field, str(exc))
    if data["starts_at"] and data["ends_at"] and data["ends_at"] <= data["starts_at"]:
        form.add_error(end_field, "End Time must be after Start Time.")
