"""Free slots: open hours, work days, busy people and rooms, DST days, the past, the endpoint."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from django.urls import reverse

from scheduling.slots import find_free_slots
from studio.timeutils import make_local, to_local
from tests import factories

pytestmark = pytest.mark.django_db

# A Tuesday well ahead of the machine's clock; tests pass `now` so they never drift.
TUESDAY = date(2027, 6, 1)
NOW = make_local(date(2027, 5, 1), time(8, 0))
HOUR = timedelta(hours=1)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Every test makes users; the production hasher would dominate the run time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def starts(slots) -> list[str]:
    return [f"{to_local(s.starts_at):%a %H:%M}" for s in slots]


def test_it_offers_grid_times_inside_open_hours(studio_settings):
    slots = find_free_slots(length=HOUR, start_date=TUESDAY, end_date=TUESDAY, limit=100, now=NOW)
    # 9:00 … 17:00 on a half-hour grid: the last one ends at closing time.
    assert starts(slots)[0] == "Tue 09:00"
    assert starts(slots)[-1] == "Tue 17:00"
    assert len(slots) == 17
    assert all(s.ends_at - s.starts_at == HOUR for s in slots)


def test_it_follows_the_studio_grid_and_hours(studio_settings):
    studio_settings.opens_at = time(10, 0)
    studio_settings.closes_at = time(12, 0)
    studio_settings.slot_minutes = 20
    studio_settings.save()
    slots = find_free_slots(length=timedelta(minutes=40), start_date=TUESDAY, end_date=TUESDAY, now=NOW)
    assert starts(slots) == ["Tue 10:00", "Tue 10:20", "Tue 10:40", "Tue 11:00", "Tue 11:20"]
    # An explicit step wins over the studio's grid.
    slots = find_free_slots(length=HOUR, start_date=TUESDAY, end_date=TUESDAY, step=60, now=NOW)
    assert starts(slots) == ["Tue 10:00", "Tue 11:00"]


def test_it_skips_days_the_studio_does_not_work(studio_settings):
    studio_settings.work_days = [1, 3]  # Monday and Wednesday
    studio_settings.save()
    slots = find_free_slots(length=HOUR, start_date=TUESDAY, end_date=TUESDAY + timedelta(days=6),
                            limit=100, now=NOW)
    assert {f"{to_local(s.starts_at):%a}" for s in slots} == {"Wed", "Mon"}
    assert to_local(slots[0].starts_at).date() == TUESDAY + timedelta(days=1)


def test_it_leaves_out_times_a_chosen_photographer_is_busy(studio_settings):
    photographer = factories.photographer()
    other = factories.photographer()
    # Busy 10:00-11:30 as photographer and 13:00-14:00 as assistant on another session.
    factories.SessionFactory(starts_at=make_local(TUESDAY, time(10)), ends_at=make_local(TUESDAY, time(11, 30)),
                             photographer=photographer)
    factories.SessionFactory(starts_at=make_local(TUESDAY, time(13)), ends_at=make_local(TUESDAY, time(14)),
                             photographer=other, assistant=photographer)
    slots = find_free_slots(length=HOUR, start_date=TUESDAY, end_date=TUESDAY, limit=100,
                            photographer=photographer, now=NOW)
    assert starts(slots)[:4] == ["Tue 09:00", "Tue 11:30", "Tue 12:00", "Tue 14:00"]
    assert "Tue 09:30" not in starts(slots)  # would run into the 10:00 session
    assert "Tue 12:30" not in starts(slots)  # would run into the 13:00 session
    # Someone else is free all day.
    assert len(find_free_slots(length=HOUR, start_date=TUESDAY, end_date=TUESDAY, limit=100,
                               photographer=factories.photographer(), now=NOW)) == 17
    # The photographer passed as an id works the same, and as assistant too.
    assert starts(find_free_slots(length=HOUR, start_date=TUESDAY, end_date=TUESDAY, limit=4,
                                  assistant=photographer.pk, now=NOW)) == starts(slots)[:4]


def test_it_frees_slots_of_cancelled_and_on_hold_sessions(studio_settings):
    photographer = factories.photographer()
    factories.SessionFactory(starts_at=make_local(TUESDAY, time(9)), ends_at=make_local(TUESDAY, time(12)),
                             photographer=photographer, cancelled=True)
    factories.SessionFactory(starts_at=make_local(TUESDAY, time(12)), ends_at=make_local(TUESDAY, time(15)),
                             photographer=photographer, on_hold=True)
    slots = find_free_slots(length=HOUR, start_date=TUESDAY, end_date=TUESDAY, limit=100,
                            photographer=photographer, now=NOW)
    assert len(slots) == 17


def test_it_counts_extra_calendar_rows_only_with_advanced_options(studio_settings):
    from sessions.models import CalendarEvent

    photographer = factories.photographer()
    plain = factories.SessionFactory(starts_at=make_local(TUESDAY + timedelta(days=7), time(9)),
                                     ends_at=make_local(TUESDAY + timedelta(days=7), time(10)))
    CalendarEvent.objects.create(session=plain, starts_at=make_local(TUESDAY, time(9)),
                                 ends_at=make_local(TUESDAY, time(12)), photographer=photographer)
    slots = find_free_slots(length=HOUR, start_date=TUESDAY, end_date=TUESDAY, photographer=photographer, now=NOW)
    assert starts(slots)[0] == "Tue 09:00"
    plain.use_advanced_calendar = True
    plain.save()
    slots = find_free_slots(length=HOUR, start_date=TUESDAY, end_date=TUESDAY, photographer=photographer, now=NOW)
    assert starts(slots)[0] == "Tue 12:00"


def test_it_leaves_out_times_a_tracked_room_is_booked(studio_settings):
    room = factories.ResourceFactory(name="Studio A")
    untracked = factories.ResourceFactory(name="Backyard", show_on_calendar=False)
    factories.SessionFactory(starts_at=make_local(TUESDAY, time(9)), ends_at=make_local(TUESDAY, time(16)),
                             camera_room=room)
    factories.SessionFactory(starts_at=make_local(TUESDAY, time(9)), ends_at=make_local(TUESDAY, time(16)),
                             camera_room=untracked)
    slots = find_free_slots(length=HOUR, start_date=TUESDAY, end_date=TUESDAY, limit=100, resource=room, now=NOW)
    assert starts(slots) == ["Tue 16:00", "Tue 16:30", "Tue 17:00"]
    by_id = find_free_slots(length=HOUR, start_date=TUESDAY, end_date=TUESDAY, limit=100, resource=room.pk, now=NOW)
    assert starts(by_id) == starts(slots)
    # A resource with no calendar of its own is never busy.
    for value in (untracked, untracked.pk):
        assert len(find_free_slots(length=HOUR, start_date=TUESDAY, end_date=TUESDAY, limit=100,
                                   resource=value, now=NOW)) == 17


def test_it_needs_every_chosen_person_and_room_free(studio_settings):
    photographer, assistant = factories.photographer(), factories.assistant()
    room = factories.ResourceFactory()
    factories.SessionFactory(starts_at=make_local(TUESDAY, time(9)), ends_at=make_local(TUESDAY, time(10)),
                             photographer=photographer)
    factories.SessionFactory(starts_at=make_local(TUESDAY, time(10)), ends_at=make_local(TUESDAY, time(11)),
                             assistant=assistant)
    factories.SessionFactory(starts_at=make_local(TUESDAY, time(11)), ends_at=make_local(TUESDAY, time(12)),
                             camera_room=room)
    slots = find_free_slots(length=HOUR, start_date=TUESDAY, end_date=TUESDAY, photographer=photographer,
                            assistant=assistant, resource=room, limit=2, now=NOW)
    assert starts(slots) == ["Tue 12:00", "Tue 12:30"]


def test_it_never_offers_the_past(studio_settings):
    now = make_local(TUESDAY, time(13, 10))
    slots = find_free_slots(length=HOUR, start_date=TUESDAY - timedelta(days=3), end_date=TUESDAY,
                            limit=100, now=now)
    assert starts(slots) == ["Tue 13:30", "Tue 14:00", "Tue 14:30", "Tue 15:00", "Tue 15:30",
                             "Tue 16:00", "Tue 16:30", "Tue 17:00"]


def test_it_stops_at_the_limit_and_moves_on_to_the_next_free_day(studio_settings):
    photographer = factories.photographer()
    factories.SessionFactory(starts_at=make_local(TUESDAY, time(8)), ends_at=make_local(TUESDAY, time(19)),
                             photographer=photographer)
    slots = find_free_slots(length=HOUR, start_date=TUESDAY, photographer=photographer, limit=3, now=NOW)
    assert starts(slots) == ["Wed 09:00", "Wed 09:30", "Wed 10:00"]
    assert find_free_slots(length=HOUR, start_date=TUESDAY, end_date=TUESDAY, photographer=photographer,
                           now=NOW) == []


def test_it_skips_times_the_clocks_skip_on_the_spring_forward_day(studio_settings):
    # Sunday March 14, 2027: 2:00-2:59 does not exist in Chicago.
    day = date(2027, 3, 14)
    studio_settings.work_days = [1, 2, 3, 4, 5, 6, 7]
    studio_settings.opens_at, studio_settings.closes_at = time(1, 0), time(4, 0)
    studio_settings.save()
    slots = find_free_slots(length=timedelta(minutes=30), start_date=day, end_date=day, limit=100,
                            now=make_local(day - timedelta(days=1), time(12)))
    assert [f"{to_local(s.starts_at):%H:%M}" for s in slots] == ["01:00", "01:30", "03:00", "03:30"]
    # 1:30 CST plus half an hour is 3:00 CDT: the slot is 30 real minutes long.
    assert all(s.ends_at - s.starts_at == timedelta(minutes=30) for s in slots)
    assert f"{to_local(slots[1].ends_at):%H:%M}" == "03:00"


def test_it_measures_real_time_on_the_fall_back_day(studio_settings):
    # Sunday November 7, 2027: 1:00-1:59 happens twice in Chicago.
    day = date(2027, 11, 7)
    studio_settings.work_days = [7]
    studio_settings.opens_at, studio_settings.closes_at = time(0, 30), time(3, 0)
    studio_settings.save()
    slots = find_free_slots(length=HOUR, start_date=day, end_date=day, limit=100,
                            now=make_local(day - timedelta(days=1), time(12)))
    assert [f"{to_local(s.starts_at):%H:%M %Z}" for s in slots] == [
        "00:30 CDT", "01:00 CDT", "01:30 CDT", "02:00 CST",
    ]
    assert [f"{to_local(s.ends_at):%H:%M %Z}" for s in slots] == [
        "01:30 CDT", "01:00 CST", "01:30 CST", "03:00 CST",
    ]


def test_it_reads_busy_times_in_one_query(studio_settings, django_assert_num_queries):
    photographer = factories.photographer()
    room = factories.ResourceFactory()
    for day in range(10):
        factories.SessionFactory(starts_at=make_local(TUESDAY + timedelta(days=day), time(9)),
                                 ends_at=make_local(TUESDAY + timedelta(days=day), time(17)),
                                 photographer=photographer)
    with django_assert_num_queries(1):
        slots = find_free_slots(length=HOUR, start_date=TUESDAY, photographer=photographer, resource=room.pk,
                                limit=5, now=NOW, studio=studio_settings)
    assert starts(slots) == ["Tue 17:00", "Wed 17:00", "Thu 17:00", "Fri 17:00", "Sat 17:00"]


# ---- The endpoint the wizard uses -------------------------------------------------


def test_it_lists_free_slots_as_html_for_the_front_desk(front_desk_client, studio_settings):
    session_type = factories.SessionTypeFactory(default_length_minutes=90)
    photographer = factories.photographer()
    factories.SessionFactory(starts_at=make_local(TUESDAY, time(9)), ends_at=make_local(TUESDAY, time(12)),
                             photographer=photographer)
    url = reverse("scheduling:free_slots")
    response = front_desk_client.get(url, {"type": session_type.pk, "date": TUESDAY.isoformat(),
                                           "photographer": photographer.pk})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-date="2027-06-01" data-time="12:00"' in html
    assert 'data-time="09:00"' not in html.split("Wed")[0]
    assert "Tue, Jun 1" in html


def test_it_lists_free_slots_as_json(photographer_client, photographer_user, studio_settings):
    session_type = factories.SessionTypeFactory(default_length_minutes=60)
    url = reverse("scheduling:free_slots")
    response = photographer_client.get(url, {"type": session_type.pk, "date": TUESDAY.isoformat(),
                                             "format": "json", "limit": 2})
    assert response.status_code == 200
    data = response.json()
    assert [(s["date"], s["time"]) for s in data["slots"]] == [("2027-06-01", "09:00"), ("2027-06-01", "09:30")]
    assert data["length_minutes"] == 60


def test_it_explains_bad_slot_parameters(front_desk_client, studio_settings):
    url = reverse("scheduling:free_slots")
    response = front_desk_client.get(url, {"type": "abc", "date": "2027-02-30", "format": "json"})
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert errors["date"] == ["Enter a valid date."]
    assert errors["type"] == ["Choose one of the session types in the list."]
    response = front_desk_client.get(url, {"date": "nonsense"})
    assert response.status_code == 400
    assert "Enter a valid date." in response.content.decode()
