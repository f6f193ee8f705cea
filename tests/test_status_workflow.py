"""Session statuses: due dates in studio work days, history of every change, Advance Status."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from sessions import services
from sessions.models import Session, SessionStatus, StatusChange
from studio.models import StudioSettings
from studio.timeutils import add_work_days
from tests import factories

pytestmark = pytest.mark.django_db

FRIDAY = date(2030, 6, 14)
MON_FRI = [1, 2, 3, 4, 5]
MON_SAT = [1, 2, 3, 4, 5, 6]


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def desk(db):
    return factories.front_desk(username="desk")


@pytest.fixture
def session(desk) -> Session:
    return services.session_create(client=factories.ClientFactory(), session_type=factories.SessionTypeFactory(),
                                   starts_at=factories.tomorrow_at(10), booked_by=desk)


@pytest.fixture
def today_is(monkeypatch):
    def set_today(day: date) -> None:
        monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: day)

    return set_today


def work_days(days: list[int]) -> None:
    studio = StudioSettings.load()
    studio.work_days = days
    studio.save()


def status(name: str) -> SessionStatus:
    return SessionStatus.objects.get(name=name)


def test_it_counts_due_dates_in_work_days_across_a_weekend():
    upload = status("Upload to Web Pending")  # 2 work days
    sales = status("Sales Presentation Pending")  # 5 work days
    assert upload.due_date_from(FRIDAY, MON_FRI) == date(2030, 6, 18)  # Tuesday
    assert upload.due_date_from(FRIDAY, MON_SAT) == date(2030, 6, 17)  # Saturday counts: Monday
    assert sales.due_date_from(FRIDAY, MON_FRI) == date(2030, 6, 21)
    assert sales.due_date_from(FRIDAY, MON_SAT) == date(2030, 6, 20)
    assert status("Session Pending").due_date_from(FRIDAY, MON_FRI) == FRIDAY  # 0 days: due the same day


def test_it_adds_work_days_only():
    assert add_work_days(FRIDAY, 1, MON_FRI) == date(2030, 6, 17)
    assert add_work_days(FRIDAY, 1, [6]) == date(2030, 6, 15)
    assert add_work_days(FRIDAY, 2, [6]) == date(2030, 6, 22)
    assert add_work_days(FRIDAY + timedelta(days=1), 1, MON_FRI) == date(2030, 6, 17)  # from a Saturday
    assert add_work_days(FRIDAY, 0, MON_FRI) == FRIDAY
    assert add_work_days(FRIDAY, 3, []) == FRIDAY


@pytest.mark.parametrize("days, due", [(MON_FRI, date(2030, 6, 18)), (MON_SAT, date(2030, 6, 17))])
def test_it_sets_the_due_date_from_the_studios_work_days(session, desk, today_is, days, due):
    work_days(days)
    today_is(FRIDAY)
    change = services.status_change(session=session, to_status=status("Upload to Web Pending"), user=desk)
    session.refresh_from_db()
    assert session.status_due_date == due == change.due_date


def test_it_books_a_new_session_as_pending_with_history(desk, today_is):
    today_is(FRIDAY)
    session = services.session_create(client=factories.ClientFactory(), session_type=factories.SessionTypeFactory(),
                                      starts_at=factories.tomorrow_at(10), booked_by=desk)
    assert session.status == SessionStatus.initial() == status("Session Pending")
    assert session.status_due_date == FRIDAY
    change = session.status_changes.get()
    assert (change.from_status, change.to_status, change.changed_by, change.due_date) == (
        None, status("Session Pending"), desk, FRIDAY)


def test_it_records_every_change_with_from_to_by_at_and_due_date(session, desk, today_is):
    today_is(FRIDAY)
    manager = factories.manager(username="boss")
    before = timezone.now()
    services.status_change(session=session, to_status=status("Image Capture Pending"), user=desk)
    services.status_change(session=session, to_status=status("Retouch Pending"), user=manager,
                           due_date=date(2030, 7, 1), completed_on=date(2030, 6, 13))
    changes = list(session.status_changes.order_by("changed_at", "id"))
    assert [(c.from_status, c.to_status, c.changed_by) for c in changes] == [
        (None, status("Session Pending"), desk),
        (status("Session Pending"), status("Image Capture Pending"), desk),
        (status("Image Capture Pending"), status("Retouch Pending"), manager),
    ]
    assert changes[1].due_date == date(2030, 6, 15)  # 1 work day after Friday: the studio works Saturdays
    assert changes[1].completed_on == FRIDAY
    assert (changes[2].due_date, changes[2].completed_on) == (date(2030, 7, 1), date(2030, 6, 13))
    assert all(before <= c.changed_at <= timezone.now() for c in changes[1:])
    session.refresh_from_db()
    assert (session.status, session.status_due_date) == (status("Retouch Pending"), date(2030, 7, 1))
    assert session.log_entries.filter(action="status.changed").count() == 2


def test_it_moves_one_status_on_by_sort_order_and_skips_inactive_ones(session, desk):
    SessionStatus.objects.filter(name="Image Capture Pending").update(active=False)
    change = services.status_advance(session=session, user=desk)
    assert change.to_status == status("Upload to Web Pending")
    extra = SessionStatus.objects.create(name="Proofs Ordered", sort_order=30, default_duration_days=1)
    assert status("Upload to Web Pending").next_status() == extra  # same sort order: by id
    session.refresh_from_db()
    assert services.status_advance(session=session, user=desk).to_status == extra


def test_it_returns_none_when_advancing_from_the_last_status(session, desk):
    final = status("Complete")
    services.status_change(session=session, to_status=final, user=desk)
    count = StatusChange.objects.count()
    session.refresh_from_db()
    assert services.status_advance(session=session, user=desk) is None
    assert StatusChange.objects.count() == count
    session.refresh_from_db()
    assert session.status == final


def test_it_advances_many_and_reports_the_ones_at_the_end(desk):
    sessions = [
        services.session_create(client=factories.ClientFactory(), session_type=factories.SessionTypeFactory(),
                                starts_at=factories.tomorrow_at(9 + i), booked_by=desk)
        for i in range(3)
    ]
    services.status_change(session=sessions[2], to_status=status("Complete"), user=desk)
    sessions[2].refresh_from_db()
    advanced, stuck = services.sessions_advance_status(sessions=sessions, user=desk)
    assert advanced == sessions[:2] and stuck == sessions[2:]
    assert {s.status for s in Session.objects.filter(pk__in=[s.pk for s in sessions[:2]])} == {
        status("Image Capture Pending")}


def test_it_refuses_a_status_that_is_no_longer_in_use(session, desk):
    old = SessionStatus.objects.create(name="Old Step", sort_order=99, active=False)
    with pytest.raises(ValidationError) as exc:
        services.status_change(session=session, to_status=old, user=desk)
    assert exc.value.messages == ["Old Step is no longer in use."]
    session.refresh_from_db()
    assert session.status == status("Session Pending")


def test_it_records_a_status_changed_in_the_session_form(session, desk, today_is):
    today_is(FRIDAY)
    work_days(MON_FRI)
    services.session_update(session=session, user=desk, status=status("Sales Presentation Pending"))
    session.refresh_from_db()
    assert session.status_due_date == date(2030, 6, 21)
    change = session.status_changes.order_by("-id").first()
    assert (change.from_status, change.to_status, change.due_date) == (
        status("Session Pending"), status("Sales Presentation Pending"), date(2030, 6, 21))
    # A due date typed by hand wins over the computed one.
    services.session_update(session=session, user=desk, status=status("Retouch Pending"),
                            status_due_date=date(2030, 8, 1))
    session.refresh_from_db()
    assert session.status_due_date == date(2030, 8, 1)


def test_it_lists_past_due_sessions_that_are_neither_final_nor_cancelled(session, desk):
    today = timezone.localdate()
    late = services.session_create(client=factories.ClientFactory(), session_type=factories.SessionTypeFactory(),
                                   starts_at=factories.tomorrow_at(14), booked_by=desk)
    done = services.session_create(client=factories.ClientFactory(), session_type=factories.SessionTypeFactory(),
                                   starts_at=factories.tomorrow_at(16), booked_by=desk)
    gone = services.session_create(client=factories.ClientFactory(), session_type=factories.SessionTypeFactory(),
                                   starts_at=factories.tomorrow_at(18), booked_by=desk)
    yesterday = today - timedelta(days=1)
    services.status_change(session=late, to_status=status("Retouch Pending"), user=desk, due_date=yesterday)
    services.status_change(session=done, to_status=status("Complete"), user=desk, due_date=yesterday)
    services.status_change(session=gone, to_status=status("Retouch Pending"), user=desk, due_date=yesterday)
    services.session_set_flag(session=gone, user=desk, flag="cancelled", value=True)
    assert list(Session.objects.past_due()) == [late]
    late.refresh_from_db()
    assert late.is_past_due and not session.is_past_due
