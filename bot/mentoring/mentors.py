"""Mentors: who they are, what they know, when they can help, and how to reach them.

A mentor's first name, messenger and address are personal data kept because the programme
needs them to reach her (with her consent, given at onboarding); `remove` erases them. The
lists (languages, countries, topics, sectors) use the same ids as the needs survey.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import secrets
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any, Iterable, Mapping, Sequence
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.engine import Engine

from bot import SUPPORTED_LANGUAGES
from bot.intake.survey import OPTIONS, topics
from bot.knowledge.articles import COUNTRIES
from bot.storage.schema import mentors

TYPES = ("volunteer", "business_angel")
CHANNELS = ("telegram", "whatsapp")
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_SLOT = re.compile(
    r"^(?P<first>[a-z]{3})(?:-(?P<last>[a-z]{3}))?\s+(?P<start>\d{1,2}:\d{2})-(?P<end>\d{1,2}:\d{2})$"
)


class MentorError(ValueError):
    """A mentor's details are incomplete or wrong; the message says what to fix."""


@dataclass(frozen=True)
class Slot:
    day: int  # 0 = Monday
    start: dt.time
    end: dt.time


@dataclass(frozen=True)
class Mentor:
    first_name: str
    languages: tuple[str, ...]
    countries: tuple[str, ...]
    channel: str
    address: str = field(repr=False)
    topics: tuple[str, ...] = ()
    sectors: tuple[str, ...] = ()
    mentor_type: str = "volunteer"
    capacity: int = 3
    availability: tuple[Slot, ...] = ()  # none given: any time
    timezone: str = "UTC"
    coordinator: bool = False
    active: bool = True
    ref: str = ""

    def available_at(self, moment: dt.datetime) -> bool:
        if not self.availability:
            return True
        local = moment.astimezone(ZoneInfo(self.timezone))
        now = local.time()
        return any(
            slot.day == local.weekday() and slot.start <= now < slot.end
            for slot in self.availability
        )


@lru_cache(maxsize=4096)  # mentors share office hours: a reload parses each text once
def parse_availability(text: str) -> tuple[Slot, ...]:
    """ "mon-fri 09:00-17:00; sat 10:00-12:00" → slots (an empty text: any time)."""
    slots: list[Slot] = []
    for part in filter(None, (p.strip().lower() for p in (text or "").split(";"))):
        match = _SLOT.match(part)
        if not match or match["first"] not in DAYS or (match["last"] or "mon") not in DAYS:
            raise MentorError(f"availability {part!r}: write e.g. 'mon-fri 09:00-17:00'")
        try:
            start = dt.time.fromisoformat(match["start"].zfill(5))
            end = dt.time.fromisoformat(match["end"].zfill(5))
        except ValueError as exc:
            raise MentorError(f"availability {part!r}: {exc}") from exc
        if end <= start:
            raise MentorError(f"availability {part!r}: the end must come after the start")
        first = DAYS.index(match["first"])
        last = DAYS.index(match["last"]) if match["last"] else first
        if last < first:
            raise MentorError(f"availability {part!r}: days go from Monday to Sunday")
        slots += [Slot(day, start, end) for day in range(first, last + 1)]
    return tuple(slots)


def format_availability(slots: Sequence[Slot]) -> str:
    return "; ".join(f"{DAYS[s.day]} {s.start:%H:%M}-{s.end:%H:%M}" for s in slots)


def _items(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = re.split(r"[;,\s]+", value)
    return tuple(dict.fromkeys(str(v).strip() for v in value or () if str(v).strip()))


def make_mentor(**given: Any) -> Mentor:
    """A checked Mentor from loose input (the CLI, a CSV row, the onboarding form)."""
    name = str(given.get("first_name") or "").strip()
    if not name or len(name) > 60:
        raise MentorError("first_name: 1-60 characters")
    languages = tuple(v.lower() for v in _items(given.get("languages")))
    countries = tuple(v.upper() for v in _items(given.get("countries")))
    known_topics, sectors = set(topics()), set(OPTIONS["sector"])
    checks = {
        "languages": (languages, set(SUPPORTED_LANGUAGES)),
        "countries": (countries, set(COUNTRIES)),
        "topics": (_items(given.get("topics")), known_topics),
        "sectors": (_items(given.get("sectors")), sectors),
    }
    for name_of, (values, allowed) in checks.items():
        wrong = [v for v in values if v not in allowed]
        if wrong:
            raise MentorError(f"{name_of}: unknown {wrong}; use {sorted(allowed)}")
    if not languages:
        raise MentorError("languages: at least one")
    if not countries:
        raise MentorError("countries: at least one")
    mentor_type = str(given.get("mentor_type") or "volunteer").strip()
    if mentor_type not in TYPES:
        raise MentorError(f"mentor_type: one of {TYPES}")
    channel = str(given.get("channel") or "").strip()
    if channel not in CHANNELS:
        raise MentorError(f"channel: one of {CHANNELS}")
    address = str(given.get("address") or "").strip().lstrip("+")
    if channel == "telegram" and not re.fullmatch(r"-?\d{1,20}", address):
        raise MentorError("address: a Telegram chat id (digits)")
    if channel == "whatsapp" and not re.fullmatch(r"\d{6,15}", address):
        raise MentorError("address: a WhatsApp number with its country code, digits only")
    try:
        raw = given.get("capacity")
        capacity = 3 if raw is None or raw == "" else int(raw)
    except (TypeError, ValueError) as exc:
        raise MentorError("capacity: a whole number") from exc
    if not 1 <= capacity <= 50:
        raise MentorError("capacity: 1-50 mentees at a time")
    timezone = str(given.get("timezone") or "UTC").strip()
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise MentorError(
            f"timezone: {timezone!r} is not a time zone (e.g. Europe/Madrid)"
        ) from exc
    availability = given.get("availability") or ()
    if isinstance(availability, str):
        availability = parse_availability(availability)
    return Mentor(
        first_name=name,
        languages=languages,
        countries=countries,
        channel=channel,
        address=address,
        topics=checks["topics"][0],
        sectors=checks["sectors"][0],
        mentor_type=mentor_type,
        capacity=capacity,
        availability=tuple(availability),
        timezone=timezone,
        coordinator=_flag(given.get("coordinator")),
        active=True if given.get("active") is None else _flag(given.get("active")),
        ref=str(given.get("ref") or ""),
    )


def _flag(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "yes", "true", "y")
    return bool(value)


CSV_COLUMNS = (
    "first_name",
    "languages",
    "countries",
    "topics",
    "sectors",
    "mentor_type",
    "capacity",
    "availability",
    "timezone",
    "channel",
    "address",
    "coordinator",
)


def read_csv(text: str) -> tuple[list[Mentor], list[str]]:
    """Mentors from a CSV file (columns: CSV_COLUMNS; lists separated by ';'), and the
    problems of the rows that could not be read, by line number."""
    reader = csv.DictReader(io.StringIO(text))
    missing = [
        c
        for c in ("first_name", "languages", "countries", "channel", "address")
        if c not in (reader.fieldnames or [])
    ]
    if missing:
        return [], [f"the header lacks {missing}; columns: {', '.join(CSV_COLUMNS)}"]
    found, problems = [], []
    for line, row in enumerate(reader, start=2):
        try:
            found.append(make_mentor(**{k: v for k, v in row.items() if k in CSV_COLUMNS}))
        except MentorError as exc:
            problems.append(f"line {line}: {exc}")
    return found, problems


def _row(mentor: Mentor) -> dict[str, Any]:
    return {
        "first_name": mentor.first_name,
        "languages": json.dumps(list(mentor.languages)),
        "countries": json.dumps(list(mentor.countries)),
        "topics": json.dumps(list(mentor.topics)),
        "sectors": json.dumps(list(mentor.sectors)),
        "mentor_type": mentor.mentor_type,
        "capacity": mentor.capacity,
        "availability": format_availability(mentor.availability),
        "timezone": mentor.timezone,
        "channel": mentor.channel,
        "address": mentor.address,
        "coordinator": mentor.coordinator,
        "active": mentor.active,
    }


def _mentor(row: Any) -> Mentor:
    return Mentor(
        ref=row.ref,
        first_name=row.first_name,
        languages=tuple(json.loads(row.languages)),
        countries=tuple(json.loads(row.countries)),
        topics=tuple(json.loads(row.topics)),
        sectors=tuple(json.loads(row.sectors)),
        mentor_type=row.mentor_type,
        capacity=row.capacity,
        availability=parse_availability(row.availability or ""),
        timezone=row.timezone,
        channel=row.channel,
        address=row.address,
        coordinator=bool(row.coordinator),
        active=bool(row.active),
    )


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


@dataclass
class MentorStore:
    engine: Engine

    def add(self, mentor: Mentor) -> Mentor:
        ref = "m-" + secrets.token_hex(4)
        at = _now()
        with self.engine.begin() as connection:
            connection.execute(
                insert(mentors).values(ref=ref, created_at=at, updated_at=at, **_row(mentor))
            )
        return replace(mentor, ref=ref)

    def add_many(self, found: Iterable[Mentor]) -> list[Mentor]:
        return [self.add(mentor) for mentor in found]

    def get(self, ref: str) -> Mentor | None:
        with self.engine.connect() as connection:
            row = connection.execute(select(mentors).where(mentors.c.ref == ref)).first()
        return _mentor(row) if row is not None else None

    def at(self, channel: str, address: str) -> Mentor | None:
        """The mentor (or applicant) who writes from this messenger address, if any."""
        with self.engine.connect() as connection:
            row = connection.execute(
                select(mentors)
                .where(mentors.c.channel == channel, mentors.c.address == address)
                .order_by(mentors.c.id)
                .limit(1)
            ).first()
        return _mentor(row) if row is not None else None

    def all(self, active_only: bool = False) -> list[Mentor]:
        needed = [c for c in mentors.c if c.name not in ("id", "created_at", "updated_at")]
        query = select(*needed).order_by(mentors.c.id)
        if active_only:
            query = query.where(mentors.c.active.is_(True))
        with self.engine.connect() as connection:
            return [_mentor(row) for row in connection.execute(query)]

    def apply(self, mentor: Mentor) -> Mentor:
        """Signed up in chat: kept inactive until a coordinator confirms her."""
        ref = "m-" + secrets.token_hex(4)
        at = _now()
        row = {**_row(mentor), "active": False}
        with self.engine.begin() as connection:
            connection.execute(
                insert(mentors).values(ref=ref, created_at=at, updated_at=at, applied_at=at, **row)
            )
        return replace(mentor, ref=ref, active=False)

    def pending(self, ref: str) -> bool:
        """Whether she signed up in chat and waits for a coordinator."""
        with self.engine.connect() as connection:
            row = connection.execute(
                select(mentors.c.applied_at, mentors.c.approved_at, mentors.c.active).where(
                    mentors.c.ref == ref
                )
            ).first()
        if row is None:
            return False
        return row.applied_at is not None and row.approved_at is None and not row.active

    def announce_applications(self, now: dt.datetime) -> list[Mentor]:
        """Applications coordinators have not been told about yet, each taken once."""
        from bot.storage import claim_each

        waiting = (
            mentors.c.applied_at.is_not(None),
            mentors.c.approved_at.is_(None),
            mentors.c.active.is_(False),
        )
        taken = claim_each(
            self.engine,
            mentors,
            mentors.c.announced_at,
            select(mentors.c.id, mentors.c.announced_at, mentors.c.ref).where(
                mentors.c.announced_at.is_(None), *waiting
            ),
            now,
            *waiting,
        )
        return [m for m in (self.get(row.ref) for row in taken) if m is not None]

    def approve(self, ref: str, now: dt.datetime) -> bool:
        """A coordinator confirms an application (once: False if it was not waiting)."""
        with self.engine.begin() as connection:
            result = connection.execute(
                update(mentors)
                .where(
                    mentors.c.ref == ref,
                    mentors.c.applied_at.is_not(None),
                    mentors.c.approved_at.is_(None),
                )
                .values(approved_at=now, active=True, updated_at=now)
            )
        return bool(result.rowcount)

    def reject(self, ref: str) -> bool:
        """A coordinator rejects an application: her details are erased."""
        with self.engine.begin() as connection:
            result = connection.execute(
                delete(mentors).where(
                    mentors.c.ref == ref,
                    mentors.c.applied_at.is_not(None),
                    mentors.c.approved_at.is_(None),
                )
            )
        return bool(result.rowcount)

    def set_active(self, ref: str, active: bool) -> bool:
        with self.engine.begin() as connection:
            result = connection.execute(
                update(mentors).where(mentors.c.ref == ref).values(active=active, updated_at=_now())
            )
        return bool(result.rowcount)

    def remove(self, ref: str) -> bool:
        """Erase a mentor (her name and address go with the row)."""
        with self.engine.begin() as connection:
            result = connection.execute(delete(mentors).where(mentors.c.ref == ref))
        return bool(result.rowcount)

    def version(self) -> tuple[int, Any]:
        """Changes whenever a mentor is added, changed or removed: (count, last change)."""
        with self.engine.connect() as connection:
            count, last = connection.execute(
                select(func.count(), func.max(mentors.c.updated_at))
            ).one()
        return int(count), last


def mentors_as_dicts(found: Iterable[Mentor], with_address: bool = False) -> list[Mapping]:
    shown = []
    for mentor in found:
        item = {
            "ref": mentor.ref,
            "first_name": mentor.first_name,
            "languages": list(mentor.languages),
            "countries": list(mentor.countries),
            "topics": list(mentor.topics),
            "sectors": list(mentor.sectors),
            "mentor_type": mentor.mentor_type,
            "capacity": mentor.capacity,
            "availability": format_availability(mentor.availability),
            "timezone": mentor.timezone,
            "channel": mentor.channel,
            "coordinator": mentor.coordinator,
            "active": mentor.active,
        }
        if with_address:
            item["address"] = mentor.address
        shown.append(item)
    return shown
