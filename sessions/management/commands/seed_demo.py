"""``manage.py seed_demo``: a believable studio to click through, or a big one to measure.

Staff with demo logins, rooms, session types and price lists, client households
with their families, and sessions spread over the past and the next six months:
past ones mostly confirmed and moved along the status workflow (with history),
some on hold, cancelled, no-shows and redos; participants, a few notes and tasks.
Sessions are placed so nobody and no tracked room is booked twice at once.

Idempotent: it tops the database up to the requested counts and never
duplicates staff, rooms or types; a second run with the same counts adds nothing.
Households go in with bulk_create, sessions and their details with PostgreSQL
COPY (100,000 sessions in a couple of minutes); the database still numbers each
session, adds its primary calendar event and checks every constraint and
participant (see sessions/sql.py).
"""

from __future__ import annotations

import json
import math
import random
import time as clock
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from clients.models import Client, FamilyMember, Relationship
from scheduling.models import PriceList, Resource, ResourceKind, SessionType
from sessions.models import (
    CalendarEvent,
    Session,
    SessionLogEntry,
    SessionNote,
    SessionParticipant,
    SessionStatus,
    SessionTask,
    StatusChange,
)
from studio.models import StaffProfile, StudioSettings
from studio.timeutils import add_work_days, studio_tz, to_local

DEMO_PASSWORD = "studio-demo"
BATCH = 2000

# username, first, last, colour, photographer, assistant, group, is_staff
STAFF = [
    ("manager", "Morgan", "Reyes", "#1f3347", False, False, "Managers", True),
    ("frontdesk", "Jamie", "Fox", "#6c757d", False, False, "Front desk", False),
    ("ava", "Ava", "Lindqvist", "#d1495b", True, False, "Photographers", False),
    ("marco", "Marco", "Bellini", "#00798c", True, False, "Photographers", False),
    ("priya", "Priya", "Raman", "#edae49", True, True, "Photographers", False),
    ("sam", "Sam", "Ortiz", "#66a182", False, True, "Photographers", False),
]

RESOURCES = [
    # name, kind, tracked on the calendar, sort order
    ("Camera Room A", ResourceKind.CAMERA_ROOM, True, 10),
    ("Camera Room B", ResourceKind.CAMERA_ROOM, True, 20),
    ("Outdoor Garden", ResourceKind.LOCATION, True, 30),
    ("Backdrop Kit", ResourceKind.EQUIPMENT, False, 40),
]

PRICE_LISTS = ["Portrait Collection 2026", "Newborn & Maternity", "Seniors 2026", "Business Headshots",
               "Weddings & Events", "Mini Sessions"]


@dataclass(frozen=True)
class TypeSpec:
    name: str
    color: str
    minutes: int
    price_list: str
    room: str | None
    weight: int
    assistant_share: float
    outside: tuple[str, ...] = ()  # typed locations, used now and then instead of a room


TYPES = [
    TypeSpec("Family Portrait", "#2e86ab", 90, "Portrait Collection 2026", "Camera Room A", 22, 0.35,
             ("Lincoln Park lakefront", "Client's home")),
    TypeSpec("Newborn", "#f4a6c6", 120, "Newborn & Maternity", "Camera Room B", 10, 0.6),
    TypeSpec("Senior Portrait", "#6c5ce7", 60, "Seniors 2026", "Outdoor Garden", 14, 0.1,
             ("Riverwalk downtown", "High school football field")),
    TypeSpec("Headshot", "#00a896", 30, "Business Headshots", "Camera Room B", 14, 0.0,
             ("Client's office",)),
    TypeSpec("Wedding Consultation", "#c9a227", 60, "Weddings & Events", None, 6, 0.0,
             ("The Drake Hotel, Gold Coast Room", "Riverside Chapel", "Client's home")),
    TypeSpec("Pet Portrait", "#e76f51", 45, "Portrait Collection 2026", "Camera Room A", 8, 0.2),
    TypeSpec("Maternity", "#b5838d", 60, "Newborn & Maternity", "Outdoor Garden", 8, 0.2,
             ("Botanic Garden, rose walk", "Lakeshore at sunset")),
    TypeSpec("Mini Session", "#52b788", 20, "Mini Sessions", "Camera Room A", 18, 0.0),
]

SPECS = {spec.name: spec for spec in TYPES}

NOTES = [
    "Client asked for a mix of posed and candid shots.",
    "Grandparents joining for the last twenty minutes.",
    "Bring the cream knit blanket and the wooden crate.",
    "Prefers natural light; schedule near golden hour if it moves.",
    "Paid the session fee by card at booking.",
    "Wants matching outfits in navy and white.",
    "Allergic to lilies: no floral props.",
    "Youngest naps at 1 pm, keep it before noon next time.",
    "Wants digital files only, no prints.",
    "Asked about an album upgrade; send the price sheet.",
    "Dog is shy with strangers; allow time to settle.",
    "Will bring a second outfit change for the outdoor set.",
]

TASKS = [
    "Send the online gallery link",
    "Call to confirm outfit colours",
    "Order 8x10 prints",
    "Prepare the sales presentation slideshow",
    "Retouch the selected favourites",
    "Email the wardrobe guide",
    "Book the album design consult",
]

SEASONS = {12: "Holiday", 1: "Winter", 2: "Valentine", 3: "Spring", 4: "Spring", 5: "Spring", 6: "Summer",
           7: "Summer", 8: "Back to School", 9: "Fall", 10: "Fall", 11: "Holiday"}


@dataclass
class Occupancy:
    """Who and which tracked room is busy when: local day -> [(start minute, end minute)]."""

    busy: dict = field(default_factory=lambda: defaultdict(lambda: defaultdict(list)))

    def free(self, keys, day: date, start: int, end: int) -> bool:
        for key in keys:
            for s, e in self.busy[key].get(day, ()):
                if s < end and e > start:
                    return False
        return True

    def take(self, keys, day: date, start: int, end: int) -> None:
        for key in keys:
            self.busy[key][day].append((start, end))


@dataclass
class Plan:
    """One session before it is written, and then its id and history."""

    client: Client
    spec: TypeSpec
    day: date
    start: int
    end: int
    photographer_id: int | None
    assistant_id: int | None
    room_id: int | None
    location: str
    cancelled: bool = False
    on_hold: bool = False
    no_show: bool = False
    confirmed: bool = False
    redo_of: Plan | None = None
    extra: tuple[int, int, int] | None = None  # a second calendar row: start, end, room
    id: int | None = None
    number: int | None = None
    starts_at: datetime | None = None
    booked_by_id: int | None = None
    booked_on: datetime | None = None
    history: list = field(default_factory=list)  # (status, at, by id, due date)

    @property
    def status(self) -> SessionStatus:
        return self.history[-1][0]


class Command(BaseCommand):
    help = "Fill the database with a believable demo studio (idempotent; --sessions N for bigger sets)."

    def add_arguments(self, parser):
        parser.add_argument("--sessions", type=int, default=3000,
                            help="Total sessions wanted (default 3000); existing ones count.")
        parser.add_argument("--clients", type=int, default=None,
                            help="Total client households wanted (default 300, or sessions / 10 if more).")
        parser.add_argument("--seed", type=int, default=2026, help="Random seed (default 2026).")

    def handle(self, *args, **options):
        started = self.lap = clock.monotonic()
        self.verbosity = options["verbosity"]
        want_sessions = options["sessions"]
        if want_sessions < 0:
            raise CommandError("--sessions must be zero or more.")
        want_clients = options["clients"] or max(300, want_sessions // 10)
        self.rng = random.Random(options["seed"])
        from faker import Faker

        self.fake = Faker("en_US")
        self.fake.seed_instance(options["seed"])
        self.today = timezone.localdate()
        self.tz = studio_tz()

        with transaction.atomic():
            self.settings = self.studio_settings()
            staff = self.staff(extra_photographers=max(0, math.ceil(want_sessions / 1000) - 3))
            self.rooms = self.resources(extra_rooms=max(0, math.ceil(want_sessions / 1000) - 3))
            self.types = self.session_types(staff)
            self.phase("staff and catalogue")
            clients_added = self.clients(want_clients)
            self.phase("clients and families")
            added = self.sessions(want_sessions, staff)
        elapsed = clock.monotonic() - started
        self.summary(clients_added, added, elapsed)

    def phase(self, name: str) -> None:
        """With -v 2: how long each step took."""
        now = clock.monotonic()
        if self.verbosity >= 2:
            self.stdout.write(f"  {name}: {now - self.lap:.1f}s")
        self.lap = now

    # The catalogue and the people --------------------------------------------------------------

    def studio_settings(self) -> StudioSettings:
        settings = StudioSettings.load()
        if settings.studio_name == StudioSettings._meta.get_field("studio_name").default:
            settings.studio_name = "Lumen & Oak Portrait Studio"
            settings.save(update_fields=["studio_name"])
        return settings

    def staff(self, *, extra_photographers: int) -> dict[str, list]:
        User = get_user_model()
        groups = {g.name: g for g in Group.objects.all()}
        people = {"photographers": [], "assistants": [], "bookers": []}
        rows = list(STAFF)
        flags = random.Random(7)
        from faker import Faker

        names = Faker("en_US")
        names.seed_instance(7)
        demo_password = None  # hashed once: the hasher is slow on purpose
        colours = ["#8d6a9f", "#3a7d44", "#c05746", "#2f6690", "#b08836", "#5c6f68", "#9c3d54", "#4b7f52"]
        for i in range(extra_photographers):
            first, last = names.first_name(), names.last_name()
            rows.append((f"photographer{i + 1:03d}", first, last, colours[i % len(colours)], True,
                         flags.random() < 0.5, "Photographers", False))
        for username, first, last, colour, is_photographer, is_assistant, group, is_staff in rows:
            user, created = User.objects.get_or_create(
                username=username,
                defaults={"first_name": first, "last_name": last, "is_staff": is_staff,
                          "email": f"{username}@lumenandoak.example"},
            )
            if created:
                if username in {row[0] for row in STAFF}:
                    demo_password = demo_password or make_password(DEMO_PASSWORD)
                    user.password = demo_password
                else:
                    user.set_unusable_password()
                user.save(update_fields=["password"])
                user.groups.add(groups[group])
            profile, _ = StaffProfile.objects.get_or_create(
                user=user,
                defaults={"display_name": f"{first} {last}", "color": colour,
                          "is_photographer": is_photographer, "is_assistant": is_assistant},
            )
            if profile.is_photographer:
                people["photographers"].append(user)
            if profile.is_assistant and not profile.is_photographer:
                people["assistants"].append(user)
            if group in ("Managers", "Front desk"):
                people["bookers"].append(user)
        people["assistants"] += [u for u in people["photographers"] if u.staff_profile.is_assistant]
        self.users = {u.pk: u for group in people.values() for u in group}
        return people

    def resources(self, *, extra_rooms: int) -> dict[str, Resource]:
        rows = list(RESOURCES) + [
            (f"Camera Room {chr(ord('C') + i) if i < 24 else i + 3}", ResourceKind.CAMERA_ROOM, True, 50 + i)
            for i in range(extra_rooms)
        ]
        rooms = {}
        for name, kind, tracked, order in rows:
            rooms[name], _ = Resource.objects.get_or_create(
                name=name, defaults={"kind": kind, "show_on_calendar": tracked, "sort_order": order}
            )
        return rooms

    def session_types(self, staff) -> dict[str, SessionType]:
        price_lists = {}
        for name in PRICE_LISTS:
            price_lists[name], _ = PriceList.objects.get_or_create(name=name)
        photographers = {u.username: u for u in staff["photographers"]}
        default_photographer = {"Newborn": "priya", "Wedding Consultation": "ava", "Headshot": "marco"}
        types = {}
        for order, spec in enumerate(TYPES, start=1):
            types[spec.name], _ = SessionType.objects.get_or_create(
                name=spec.name,
                defaults={
                    "color": spec.color, "default_length_minutes": spec.minutes,
                    "price_list": price_lists[spec.price_list],
                    "default_resource": self.rooms.get(spec.room) if spec.room else None,
                    "default_photographer": photographers.get(default_photographer.get(spec.name, "")),
                    "sort_order": order * 10,
                },
            )
        if self.settings.default_session_type_id is None:
            self.settings.default_session_type = types["Family Portrait"]
            self.settings.save(update_fields=["default_session_type"])
        return types

    # Households ------------------------------------------------------------------------------

    def clients(self, want: int) -> int:
        have = Client.objects.count()
        missing = max(0, want - have)
        fake, rng = self.fake, self.rng
        households, families = [], []
        for _ in range(missing):
            last = fake.last_name()
            first = fake.first_name()
            phone = f"({rng.randint(201, 989)}) {rng.randint(200, 999)}-{rng.randint(0, 9999):04d}"
            client = Client(
                last_name=last, first_name=first,
                email=f"{first}.{last}{rng.randint(1, 99)}@{rng.choice(['example.com', 'example.net', 'example.org'])}".lower(),
                phone=phone, phone_digits="".join(ch for ch in phone if ch.isdigit()),
                address=fake.street_address(), city=fake.city(), state=fake.state_abbr(),
                postal_code=fake.postcode(),
                notes=rng.choice(["", "", "", "Prefers text messages.", "Referred by a friend.",
                                  "Repeat client since 2019.", "Ask for the spring mini dates."]),
            )
            households.append(client)
            families.append(self.family(client))
        for start in range(0, len(households), BATCH):
            Client.objects.bulk_create(households[start:start + BATCH])
        members = []
        for client, family in zip(households, families, strict=True):
            for member in family:
                member.client = client
                members.append(member)
        FamilyMember.objects.bulk_create(members, batch_size=BATCH)
        return missing

    def family(self, client: Client) -> list[FamilyMember]:
        rng, fake, today = self.rng, self.fake, self.today
        adult_age = rng.randint(26, 52)
        members = [FamilyMember(first_name=client.first_name, relationship=Relationship.SELF,
                                birth_date=today - timedelta(days=365 * adult_age + rng.randint(0, 364)))]
        if rng.random() < 0.65:
            members.append(FamilyMember(
                first_name=fake.first_name(), relationship=Relationship.SPOUSE,
                birth_date=today - timedelta(days=365 * (adult_age + rng.randint(-4, 4)) + rng.randint(0, 364)),
            ))
        for _ in range(rng.choice([0, 1, 1, 2, 2, 3])):
            age_days = rng.randint(10, 365 * min(adult_age - 20, 18))
            members.append(FamilyMember(first_name=fake.first_name(), relationship=Relationship.CHILD,
                                        birth_date=today - timedelta(days=age_days)))
        if rng.random() < 0.25:
            members.append(FamilyMember(
                first_name=rng.choice(["Biscuit", "Luna", "Max", "Pepper", "Milo", "Daisy", "Ollie", "Juniper"]),
                last_name="", relationship=Relationship.PET,
            ))
        return members

    # Sessions ----------------------------------------------------------------------------------

    def sessions(self, want: int, staff) -> dict:
        have = Session.objects.count()
        missing = max(0, want - have)
        if not missing:
            return {"plans": []}
        rng = self.rng
        self.statuses = list(SessionStatus.objects.active().order_by("sort_order", "id"))
        self.initial = SessionStatus.initial()
        self.occupancy = self.existing_occupancy()
        self.days = self.calendar_days()
        self.tracked_rooms = {r.pk for r in self.rooms.values() if r.show_on_calendar}
        clients = list(Client.objects.prefetch_related("family_members"))
        studio_rooms = [r for r in self.rooms.values() if r.kind == ResourceKind.CAMERA_ROOM]
        weights = [spec.weight for spec in TYPES]
        self.clashes = 0

        redo_count = round(missing * 0.02)
        plans = [self.place(rng.choice(clients), rng.choices(TYPES, weights)[0], staff, studio_rooms)
                 for _ in range(missing - redo_count)]
        self.phase("placing sessions")
        self.finish(plans, staff)
        self.phase("status histories")
        self.copy_sessions(plans)
        self.phase("writing sessions")

        # Redos: a retake of a session that took place, same client, one to three weeks later.
        originals = [p for p in plans if p.day < self.today and not (p.cancelled or p.on_hold or p.no_show)]
        redos = []
        for original in rng.sample(originals, min(redo_count, len(originals))):
            after = original.day + timedelta(days=rng.randint(7, 21))
            plan = self.place(original.client, original.spec, staff, studio_rooms, not_before=after, flags=False)
            plan.redo_of = original
            redos.append(plan)
        self.finish(redos, staff)
        self.copy_sessions(redos)
        plans += redos
        self.phase("redos")
        self.copy_details(plans)
        return {"plans": plans, "redos": len(redos), "clashes": self.clashes}

    def existing_occupancy(self) -> Occupancy:
        occupancy = Occupancy()
        rows = CalendarEvent.objects.on_calendar().values_list(
            "starts_at", "ends_at", "photographer_id", "assistant_id", "resource_id"
        )
        for starts_at, ends_at, photographer, assistant, resource in rows.iterator(chunk_size=5000):
            start, end = to_local(starts_at), to_local(ends_at)
            keys = [("u", pk) for pk in (photographer, assistant) if pk]
            if resource:
                keys.append(("r", resource))
            occupancy.take(keys, start.date(), start.hour * 60 + start.minute,
                           (end.date() - start.date()).days * 1440 + end.hour * 60 + end.minute)
        return occupancy

    def calendar_days(self) -> list[date]:
        days = []
        for offset in range(-182, 183):
            day = self.today + timedelta(days=offset)
            if self.settings.is_work_day(day) or self.rng.random() < 0.04:
                days.append(day)
        return days

    def place(self, client: Client, spec: TypeSpec, staff, studio_rooms, *, not_before: date | None = None,
              flags: bool = True) -> Plan:
        """A time, photographer, assistant and room nobody else holds then (a few tries)."""
        rng = self.rng
        opens = self.settings.opens_at.hour * 60 + self.settings.opens_at.minute
        closes = self.settings.closes_at.hour * 60 + self.settings.closes_at.minute
        step = 15 if spec.minutes < 60 else 30
        days = self.days if not_before is None else [d for d in self.days if d >= not_before] or [not_before]
        cancelled = flags and rng.random() < 0.07
        on_hold = flags and not cancelled and rng.random() < 0.03
        plan = None
        for attempt in range(40):
            day = rng.choice(days)
            start = opens + step * rng.randrange(max(1, (closes - opens - spec.minutes) // step + 1))
            end = start + spec.minutes
            photographer = self.pick_photographer(spec, staff, attempt)
            assistant = (rng.choice(staff["assistants"]) if staff["assistants"] and rng.random() < spec.assistant_share
                         else None)
            if assistant is not None and assistant.pk == photographer.pk:
                assistant = None
            room, location = self.pick_room(spec, studio_rooms, attempt)
            keys = [("u", photographer.pk)] + ([("u", assistant.pk)] if assistant else [])
            if room is not None and room.pk in self.tracked_rooms:
                keys.append(("r", room.pk))
            plan = Plan(client, spec, day, start, end, photographer.pk, assistant.pk if assistant else None,
                        room.pk if room else None, location, cancelled=cancelled, on_hold=on_hold)
            if cancelled or on_hold:
                return plan  # not on the calendar: holds no slot
            if self.occupancy.free(keys, day, start, end):
                self.occupancy.take(keys, day, start, end)
                self.second_look(plan, closes)
                return plan
        self.clashes += 1  # fully booked: keep it, but off the calendar
        plan.on_hold = True
        return plan

    def second_look(self, plan: Plan, closes: int) -> None:
        """Now and then a family session adds a garden set right after (advanced calendar options)."""
        garden = self.rooms["Outdoor Garden"]
        if plan.spec.name != "Family Portrait" or plan.room_id == garden.pk or self.rng.random() > 0.05:
            return
        start, end = plan.end + 15, plan.end + 60
        keys = [("u", plan.photographer_id), ("r", garden.pk)]
        if end <= closes and self.occupancy.free(keys, plan.day, start, end):
            self.occupancy.take(keys, plan.day, start, end)
            plan.extra = (start, end, garden.pk)

    def pick_photographer(self, spec: TypeSpec, staff, attempt: int):
        default = self.types[spec.name].default_photographer
        if default is not None and attempt < 3 and self.rng.random() < 0.6:
            return default
        return self.rng.choice(staff["photographers"])

    def pick_room(self, spec: TypeSpec, studio_rooms, attempt: int) -> tuple[Resource | None, str]:
        """The type's room first; when it is taken, another studio room or a place outside."""
        rng = self.rng
        if spec.outside and (spec.room is None or rng.random() < 0.2 or (attempt >= 4 and rng.random() < 0.5)):
            return None, rng.choice(spec.outside)
        if spec.room and (attempt < 4 or rng.random() < 0.2):
            return self.rooms[spec.room], ""
        return rng.choice(studio_rooms), ""

    def finish(self, plans: list[Plan], staff) -> None:
        """Times, who booked it and when, flags, and the status history up to today."""
        rng, today, now = self.rng, self.today, timezone.now()
        bookers = [u.pk for u in staff["bookers"] + staff["photographers"][:1]]
        for plan in plans:
            # Open hours never fall in the hour a DST change skips or repeats.
            plan.starts_at = datetime.combine(plan.day, time(plan.start // 60, plan.start % 60), tzinfo=self.tz)
            past = plan.day < today
            plan.booked_on = min(now, plan.starts_at - timedelta(days=rng.randint(2, 75), hours=rng.randint(0, 8)))
            plan.booked_by_id = rng.choice(bookers)
            off_calendar = plan.cancelled or plan.on_hold
            soon = plan.day - today <= timedelta(days=14)
            plan.confirmed = not off_calendar and rng.random() < (0.92 if past else 0.65 if soon else 0.2)
            plan.no_show = past and not off_calendar and rng.random() < 0.02
            plan.history = self.history(plan, happened=past and not (off_calendar or plan.no_show), staff=staff)

    def history(self, plan: Plan, *, happened: bool, staff) -> list[tuple]:
        """(status, when, by id, due date) from booking on, one work-day schedule at a time."""
        rng, work_days, now = self.rng, self.settings.work_days, timezone.now()
        booked = to_local(plan.booked_on).date()
        history = [(self.initial, plan.booked_on, plan.booked_by_id,
                    add_work_days(booked, self.initial.default_duration_days, work_days))]
        if not happened:
            return history
        workers = [u.pk for u in staff["photographers"] + staff["bookers"]]
        set_on, current = plan.day, self.initial
        for nxt in self.statuses:
            if (nxt.sort_order, nxt.id) <= (current.sort_order, current.id):
                continue
            at = datetime.combine(set_on, time(rng.randint(9, 17), rng.randint(0, 59)), tzinfo=self.tz)
            if at > now:
                break
            due = add_work_days(set_on, nxt.default_duration_days, work_days)
            by = plan.photographer_id if nxt.sort_order <= 30 and plan.photographer_id else rng.choice(workers)
            history.append((nxt, at, by, due))
            current = nxt
            if rng.random() < 0.04:
                break  # stalled: shows up as past due
            set_on = add_work_days(due, rng.choice([0, 0, 1, 2]), work_days)
        return history

    def copy_sessions(self, plans: list[Plan]) -> None:
        """COPY the sessions in; the database numbers them and adds each primary event."""
        if not plans:
            return
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [Session._meta.db_table, len(plans)],
            )
            for plan, (pk,) in zip(plans, cursor.fetchall(), strict=True):
                plan.id = pk
        now, files = timezone.now(), self.rng
        columns = ["id", "client_id", "description", "session_type_id", "price_list_id", "starts_at", "ends_at",
                   "photographer_id", "assistant_id", "camera_room_id", "location", "status_id",
                   "status_due_date", "booked_by_id", "booked_on", "file_number", "reminder", "reminder_minutes",
                   "confirmed", "no_show", "redo", "redo_of_id", "on_hold", "cancelled", "use_advanced_calendar",
                   "updated_at"]
        rows = []
        for plan in plans:
            session_type = self.types[plan.spec.name]
            reminder = files.random() < 0.6
            rows.append((
                plan.id, plan.client.pk, self.describe(plan), session_type.pk, session_type.price_list_id,
                plan.starts_at, plan.starts_at + timedelta(minutes=plan.end - plan.start),
                plan.photographer_id, plan.assistant_id, plan.room_id, plan.location, plan.status.pk,
                plan.history[-1][3], plan.booked_by_id, plan.booked_on,
                f"F{plan.day:%y}-{files.randint(1, 99999):05d}" if files.random() < 0.4 else "",
                reminder, files.choice([30, 60, 120, 1440]) if reminder else 30,
                plan.confirmed, plan.no_show, plan.redo_of is not None,
                plan.redo_of.id if plan.redo_of else None, plan.on_hold, plan.cancelled, plan.extra is not None,
                now,
            ))
        copy_rows(Session, columns, rows)
        numbers = dict(Session.objects.filter(id__in=[plan.id for plan in plans]).values_list("id", "number"))
        for plan in plans:
            plan.number = numbers[plan.id]

    def copy_details(self, plans: list[Plan]) -> None:
        """Status history, participants, the log's first line, a few notes, tasks and extra rows."""
        rng, today = self.rng, self.today
        changes, participants, logs, notes, tasks, events = [], [], [], [], [], []
        for plan in plans:
            previous = None
            for status, at, by, due in plan.history:
                changes.append((plan.id, previous.pk if previous else None, status.pk, by, at,
                                to_local(at).date() if previous else None, due))
                previous = status
            participants += [(plan.id, member.pk) for member in self.participants_for(plan)]
            logs.append((plan.id, plan.booked_by_id, plan.booked_on, "session.created",
                         json.dumps({"number": plan.number, "type": plan.spec.name, "seeded": True})))
            if rng.random() < 0.08:
                notes.append((plan.id, plan.booked_by_id, plan.booked_on + timedelta(minutes=rng.randint(1, 600)),
                              rng.choice(NOTES)))
            if rng.random() < 0.06:
                done = plan.day < today - timedelta(days=10)
                tasks.append((plan.id, rng.choice(TASKS), plan.day + timedelta(days=rng.randint(1, 10)),
                              plan.photographer_id, done, plan.starts_at + timedelta(days=3) if done else None,
                              plan.photographer_id if done else None, plan.booked_by_id, plan.booked_on))
            if plan.extra:
                start, end, room = plan.extra
                midnight = datetime.combine(plan.day, time(), tzinfo=self.tz)
                events.append((plan.id, False, "Second look in the Outdoor Garden",
                               midnight + timedelta(minutes=start), midnight + timedelta(minutes=end),
                               plan.photographer_id, None, room, "", False))
        self.phase("building details")
        copy_rows(StatusChange, ["session_id", "from_status_id", "to_status_id", "changed_by_id",
                                                  "changed_at", "completed_on", "due_date"], changes)
        self.phase("writing status changes")
        copy_rows(SessionParticipant, ["session_id", "family_member_id"], participants)
        self.phase("writing participants")
        copy_rows(SessionLogEntry, ["session_id", "user_id", "at", "action", "data"], logs)
        copy_rows(SessionNote, ["session_id", "author_id", "created_at", "text"], notes)
        copy_rows(SessionTask, ["session_id", "title", "due_date", "assignee_id", "done", "done_at",
                                                 "done_by_id", "created_by_id", "created_at"], tasks)
        copy_rows(CalendarEvent, ["session_id", "is_primary", "description", "starts_at",
                                                   "ends_at", "photographer_id", "assistant_id", "resource_id",
                                                   "location", "hidden"], events)
        self.phase("writing log, notes, tasks, extra rows")

    def describe(self, plan: Plan) -> str:
        client, spec = plan.client, plan.spec
        members = list(client.family_members.all())
        children = [m for m in members if m.relationship == Relationship.CHILD]
        pets = [m for m in members if m.relationship == Relationship.PET]
        prefix = "Redo: " if plan.redo_of else ""
        match spec.name:
            case "Family Portrait":
                text = f"{client.last_name} family portraits"
            case "Newborn":
                text = f"Newborn session for baby {children[-1].first_name}" if children else "Newborn session"
            case "Senior Portrait":
                oldest = children[0].first_name if children else client.first_name
                text = f"Senior pictures for {oldest}"
            case "Headshot":
                text = f"Headshots for {client.first_name} {client.last_name}"
            case "Wedding Consultation":
                text = f"Wedding consultation: {client.first_name} {client.last_name}"
            case "Pet Portrait":
                text = f"Portraits of {pets[0].first_name}" if pets else f"{client.last_name} pet portraits"
            case "Maternity":
                text = f"Maternity portraits for {client.first_name}"
            case _:
                text = f"{SEASONS[plan.day.month]} mini session"
        return prefix + text

    def participants_for(self, plan: Plan) -> list[FamilyMember]:
        members = list(plan.client.family_members.all())
        by_role = defaultdict(list)
        for member in members:
            by_role[member.relationship].append(member)
        me = by_role[Relationship.SELF][:1]
        match plan.spec.name:
            case "Family Portrait" | "Mini Session":
                return members
            case "Newborn":
                return me + by_role[Relationship.SPOUSE] + by_role[Relationship.CHILD][-1:]
            case "Senior Portrait":
                return by_role[Relationship.CHILD][:1] or me
            case "Pet Portrait":
                return by_role[Relationship.PET][:1] or me
            case "Maternity" | "Wedding Consultation":
                return me + by_role[Relationship.SPOUSE]
            case _:
                return me

    # Report ------------------------------------------------------------------------------------

    def summary(self, clients_added: int, added: dict, elapsed: float) -> None:
        out = self.stdout
        plans = added["plans"]
        if plans:
            flags = Counter()
            for plan in plans:
                for flag in ("confirmed", "on_hold", "cancelled", "no_show"):
                    flags[flag] += getattr(plan, flag)
            flags["redo"] = added["redos"]
            by_status = Counter(plan.status.name for plan in plans)
            out.write(self.style.SUCCESS(
                f"Added {len(plans):,} sessions and {clients_added:,} client households in {elapsed:.1f}s."
            ))
            out.write("  " + ", ".join(f"{flag.replace('_', ' ')}: {n:,}" for flag, n in flags.items()))
            out.write("  statuses: " + ", ".join(f"{name}: {n:,}" for name, n in by_status.most_common()))
            if added["clashes"]:
                out.write(f"  {added['clashes']:,} sessions found no free slot and were put on hold.")
        else:
            out.write(self.style.SUCCESS(
                f"Demo data already there; added {clients_added:,} client households in {elapsed:.1f}s."
            ))
        out.write(f"Totals: {Session.objects.count():,} sessions, {Client.objects.count():,} clients, "
                  f"{CalendarEvent.objects.count():,} calendar events, "
                  f"{StatusChange.objects.count():,} status changes.")
        out.write(f"Demo logins (password: {DEMO_PASSWORD}):")
        for username, first, last, *_rest, group, is_staff in STAFF:
            where = "the studio pages and /admin/" if is_staff else "the studio pages"
            out.write(f"  {username:<10} {first} {last} ({group}): {where}")


def copy_rows(model, columns: list[str], rows: list[tuple]) -> None:
    """PostgreSQL COPY: the fast way in. Row triggers and constraints still apply."""
    if not rows:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
