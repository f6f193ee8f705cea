"""Session lengths are real minutes, also on the nights the clocks change."""

from datetime import date, time, timedelta

import pytest

from sessions import services
from studio.timeutils import as_utc, elapsed, make_local, to_local
from tests import factories as f

pytestmark = pytest.mark.django_db

FALL_BACK = date(2026, 11, 1)
SPRING_FORWARD = date(2026, 3, 8)


def test_it_adds_real_minutes_across_fall_back():
    start = make_local(FALL_BACK, time(1, 30))  # first 01:30, CDT
    end = elapsed(start, timedelta(minutes=60))
    assert as_utc(end) - as_utc(start) == timedelta(minutes=60)
    assert to_local(end).strftime("%H:%M %Z") == "01:30 CST"


def test_it_fills_an_empty_end_with_the_type_length_across_fall_back(front_desk_user):
    session_type = f.SessionTypeFactory(default_length_minutes=60)
    session = services.session_create(
        client=f.ClientFactory(), session_type=session_type, booked_by=front_desk_user,
        starts_at=make_local(FALL_BACK, time(1, 30)),
    )
    assert session.ends_at - session.starts_at == timedelta(minutes=60)


def test_it_fills_an_empty_end_across_spring_forward(front_desk_user):
    session_type = f.SessionTypeFactory(default_length_minutes=90)
    session = services.session_create(
        client=f.ClientFactory(), session_type=session_type, booked_by=front_desk_user,
        starts_at=make_local(SPRING_FORWARD, time(1, 30)),
    )
    assert session.ends_at - session.starts_at == timedelta(minutes=90)
    assert to_local(session.ends_at).strftime("%H:%M") == "04:00"


def test_it_books_a_redo_at_the_same_wall_clock_time_a_week_later(front_desk_user):
    # Oct 25 10:00 CDT -> Nov 1 10:00 CST: 7 days and one hour of real time.
    original = services.session_create(
        client=f.ClientFactory(), session_type=f.SessionTypeFactory(), booked_by=front_desk_user,
        starts_at=make_local(date(2026, 10, 25), time(10, 0)),
    )
    redo = services.session_create_redo(session=original, user=front_desk_user)
    assert to_local(redo.starts_at).strftime("%Y-%m-%d %H:%M") == "2026-11-01 10:00"
    assert redo.ends_at - redo.starts_at == original.ends_at - original.starts_at
    assert redo.redo and redo.redo_of == original


class SpanForm:
    """Just enough of a form for clean_local_span: it records errors by field."""

    def __init__(self):
        self.errors: dict[str, list[str]] = {}

    def add_error(self, field, message):
        self.errors.setdefault(field, []).append(message)


def test_it_checks_times_as_instants_on_dst_nights():
    from datetime import UTC, datetime

    from studio.formtimes import clean_local_span

    form = SpanForm()
    data = {"day": FALL_BACK, "start_time": time(1, 30), "end_time": time(1, 15)}
    clean_local_span(form, data, date_field="day")
    # Both read as the first (CDT) occurrence, so the end is before the start.
    assert form.errors == {"end_time": ["End Time must be after Start Time."]}

    form = SpanForm()
    data = {"day": SPRING_FORWARD, "start_time": time(2, 30), "end_time": time(4, 0)}
    clean_local_span(form, data, date_field="day")
    assert form.errors == {
        "start_time": ["02:30 AM does not exist on March 08, 2026: the clocks go forward that night."]
    }
    assert data["ends_at"] == datetime(2026, 3, 8, 9, 0, tzinfo=UTC)
