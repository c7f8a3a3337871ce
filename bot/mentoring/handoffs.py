"""Handoffs to mentors, kept in the database: requests, offers, acceptance, relays, endings.

A handoff moves through these states:

    offering  --accept-->  accepted  --/end-->  ended
       |  ^                                       ^
       v  | (retried when due)                    |
    waiting  ------------(cancelled, forgotten)---+

Every step is one transaction whose condition is the state it starts from, so two replicas,
two taps or a restart in between can never apply a step twice. Nothing is held in process
memory. `now` is always given by the caller: the sweeper passes the clock, tests pass any time.

Capacity ("never more mentees than a mentor said") is decided at accept, inside a transaction
that holds the mentor: on PostgreSQL her row is locked (SELECT … FOR UPDATE); on SQLite the
transaction starts with BEGIN IMMEDIATE, which serialises writers.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import json
import os
import secrets
import time
from dataclasses import dataclass, replace
from enum import Enum
from typing import Any, Iterator, Mapping

from sqlalchemy import and_, case, delete, func, insert, select, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError, OperationalError

from bot.mentoring.matching import Need
from bot.mentoring.mentors import Mentor
from bot.storage import claim_each
from bot.storage.records import aware
from bot.storage.schema import handoff_offers, handoffs, mentors, mentorships

OFFERING = "offering"
ACCEPTED = "accepted"
WAITING = "waiting"
ENDED = "ended"
OPEN_STATES = (OFFERING, ACCEPTED, WAITING)
LOOKING = (OFFERING, WAITING)
PSEUDONYM_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # nothing to misread (no 0/O, 1/I)


class Accept(str, Enum):
    ACCEPTED = "accepted"
    TAKEN = "taken"  # another mentor accepted first
    CLOSED = "closed"  # ended, cancelled or forgotten meanwhile
    FULL = "full"  # the mentor has no room
    NOT_OFFERED = "not_offered"  # the offer to this mentor is no longer open


@dataclass(frozen=True)
class Handoff:
    ref: str
    pseudonym: str
    mentee_key: str | None
    mentee_channel: str | None
    mentee_address: str | None = dataclasses.field(repr=False)
    language: str
    country: str | None
    mentor_type: str | None
    need: Need
    summary: dict[str, Any] | None = dataclasses.field(repr=False)
    state: str
    preferred_mentor: str | None
    mentor_ref: str | None
    created_at: dt.datetime
    accepted_at: dt.datetime | None
    ended_at: dt.datetime | None
    ended_by: str | None
    mentor_notice: str | None
    id: int = 0


def _need(text: str | None, language: str) -> Need:
    if not text:
        return Need(language=language)
    raw = json.loads(text)
    for name in ("languages", "survey_topics"):
        raw[name] = tuple(raw.get(name) or ())
    return Need(**raw)


def _handoff(row: Any) -> Handoff:
    return Handoff(
        id=row.id,
        ref=row.ref,
        pseudonym=row.pseudonym,
        mentee_key=row.mentee_key,
        mentee_channel=row.mentee_channel,
        mentee_address=row.mentee_address,
        language=row.language,
        country=row.country,
        mentor_type=row.mentor_type,
        need=_need(row.need, row.language),
        summary=json.loads(row.summary) if row.summary else None,
        state=row.state,
        preferred_mentor=row.preferred_mentor,
        mentor_ref=row.mentor_ref,
        created_at=aware(row.created_at),
        accepted_at=aware(row.accepted_at),
        ended_at=aware(row.ended_at),
        ended_by=row.ended_by,
        mentor_notice=row.mentor_notice,
    )


@dataclass(frozen=True)
class HandoffConfig:
    """How long a mentor has to answer, how often waiting requests are tried again, how often
    check-ins come, and what she is told about a coordinator's answer (HANDOFF_* variables)."""

    offer_after: dt.timedelta = dt.timedelta(minutes=10)
    retry_after: dt.timedelta = dt.timedelta(minutes=60)
    checkin_after: dt.timedelta = dt.timedelta(days=14)
    coordinator_hours: int = 48

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> HandoffConfig:
        env = os.environ if env is None else env

        def number(name: str, default: float) -> float:
            value = env.get(name)
            if not value:
                return default
            try:
                found = float(value)
            except ValueError as exc:
                raise ValueError(f"{name} must be a number, not {value!r}") from exc
            if found <= 0:
                raise ValueError(f"{name} must be more than 0")
            return found

        return cls(
            offer_after=dt.timedelta(minutes=number("HANDOFF_OFFER_MINUTES", 10)),
            retry_after=dt.timedelta(minutes=number("HANDOFF_RETRY_MINUTES", 60)),
            checkin_after=dt.timedelta(days=number("HANDOFF_CHECKIN_DAYS", 14)),
            coordinator_hours=int(number("HANDOFF_COORDINATOR_HOURS", 48)),
        )


def new_pseudonym() -> str:
    return "#" + "".join(secrets.choice(PSEUDONYM_LETTERS) for _ in range(4))


@dataclass
class HandoffStore:
    engine: Engine

    # -- transactions ---------------------------------------------------------------------
    @contextlib.contextmanager
    def _serial(self) -> Iterator[Connection]:
        """A write transaction that other writers wait for (see the module's docstring)."""
        with self.engine.connect() as connection:
            if self.engine.dialect.name == "sqlite":
                connection.exec_driver_sql("BEGIN IMMEDIATE")
            try:
                yield connection
            except BaseException:
                connection.rollback()
                raise
            connection.commit()

    # -- her request ----------------------------------------------------------------------
    def open(
        self,
        *,
        mentee_key: str,
        channel: str,
        address: str,
        need: Need,
        summary: dict[str, Any] | None,
        now: dt.datetime,
        preferred_mentor: str | None = None,
    ) -> tuple[Handoff, bool]:
        """Her request (offered from `now` on); her open one instead if she has one already.
        Returns (handoff, made now)."""
        with self.engine.begin() as connection:
            row = connection.execute(
                select(handoffs)
                .where(handoffs.c.mentee_key == mentee_key, handoffs.c.state.in_(OPEN_STATES))
                .order_by(handoffs.c.id.desc())
                .limit(1)
            ).first()
            if row is not None:
                return _handoff(row), False
            ref = "h-" + secrets.token_hex(5)
            values = {
                "ref": ref,
                "pseudonym": new_pseudonym(),
                "mentee_key": mentee_key,
                "mentee_channel": channel,
                "mentee_address": address,
                "language": need.language,
                "country": need.country,
                "mentor_type": need.mentor_type,
                "need": json.dumps(dataclasses.asdict(need)),
                "summary": json.dumps(summary, ensure_ascii=False) if summary else None,
                "state": OFFERING,
                "preferred_mentor": preferred_mentor,
                "created_at": now,
                "due_at": now,
            }
            connection.execute(insert(handoffs).values(**values))
            row = connection.execute(select(handoffs).where(handoffs.c.ref == ref)).one()
            return _handoff(row), True

    def get(self, ref: str) -> Handoff | None:
        with self.engine.connect() as connection:
            row = connection.execute(select(handoffs).where(handoffs.c.ref == ref)).first()
        return _handoff(row) if row is not None else None

    def open_for_mentee(self, mentee_key: str) -> Handoff | None:
        """Her request that is being offered, waiting, or relayed now, if any."""
        with self.engine.connect() as connection:
            row = connection.execute(
                select(handoffs)
                .where(handoffs.c.mentee_key == mentee_key, handoffs.c.state.in_(OPEN_STATES))
                .order_by(handoffs.c.id.desc())
                .limit(1)
            ).first()
        return _handoff(row) if row is not None else None

    # -- the mentor's side ------------------------------------------------------------------
    def relays_of(self, mentor_ref: str) -> list[Handoff]:
        """Her mentor's conversations now, the one she chose to answer last first."""
        with self.engine.connect() as connection:
            rows = connection.execute(
                select(handoffs)
                .where(handoffs.c.mentor_ref == mentor_ref, handoffs.c.state == ACCEPTED)
                .order_by(handoffs.c.focused_at.desc().nulls_last(), handoffs.c.accepted_at.desc())
            ).all()
        return [_handoff(row) for row in rows]

    def set_focus(self, ref: str, mentor_ref: str, now: dt.datetime) -> bool:
        """The mentor answers her from now on (strictly after any earlier choice, even when
        two choices fall in the same clock tick)."""
        with self.engine.begin() as connection:
            latest = aware(
                connection.execute(
                    select(func.max(handoffs.c.focused_at)).where(
                        handoffs.c.mentor_ref == mentor_ref, handoffs.c.state == ACCEPTED
                    )
                ).scalar()
            )
            if latest is not None and latest >= now:
                now = latest + dt.timedelta(milliseconds=1)
            result = connection.execute(
                update(handoffs)
                .where(
                    handoffs.c.ref == ref,
                    handoffs.c.mentor_ref == mentor_ref,
                    handoffs.c.state == ACCEPTED,
                )
                .values(focused_at=now)
            )
        return bool(result.rowcount)

    # -- offers ---------------------------------------------------------------------------
    def claim_due(self, now: dt.datetime, lease: dt.timedelta, limit: int = 20) -> list[Handoff]:
        """Requests whose next step is due (a new request, an offer that ran out, a waiting
        request to try again), each taken by this process for `lease`: another replica's
        sweeper skips them meanwhile."""
        taken = claim_each(
            self.engine,
            handoffs,
            handoffs.c.due_at,
            select(handoffs.c.id, handoffs.c.due_at)
            .where(handoffs.c.state.in_(LOOKING), handoffs.c.due_at <= now)
            .order_by(handoffs.c.due_at)
            .limit(limit),
            now + lease,
            handoffs.c.state.in_(LOOKING),
        )
        return [found for found in (self._by_id(row.id) for row in taken) if found is not None]

    def _by_id(self, number: int) -> Handoff | None:
        with self.engine.connect() as connection:
            row = connection.execute(select(handoffs).where(handoffs.c.id == number)).first()
        return _handoff(row) if row is not None else None

    def offers(self, handoff: Handoff) -> dict[str, str | None]:
        """Mentor ref → the answer to the offer (None while open), for every mentor offered."""
        with self.engine.connect() as connection:
            rows = connection.execute(
                select(handoff_offers.c.mentor_ref, handoff_offers.c.answer).where(
                    handoff_offers.c.handoff_id == handoff.id
                )
            ).all()
        return {row.mentor_ref: row.answer for row in rows}

    def close_open_offers(self, handoff: Handoff, answer: str, now: dt.datetime) -> list[str]:
        """Ends the offers still open (expired, withdrawn); the mentors they were made to."""
        with self.engine.begin() as connection:
            refs = connection.execute(
                select(handoff_offers.c.mentor_ref).where(
                    handoff_offers.c.handoff_id == handoff.id, handoff_offers.c.answer.is_(None)
                )
            ).scalars()
            refs = list(refs)
            connection.execute(
                update(handoff_offers)
                .where(handoff_offers.c.handoff_id == handoff.id, handoff_offers.c.answer.is_(None))
                .values(answer=answer, answered_at=now)
            )
        return refs

    def add_offer(
        self, handoff: Handoff, mentor_ref: str, now: dt.datetime, answer_by: dt.datetime
    ) -> bool:
        """Offer the request to a mentor until `answer_by` (False if offered to her before or
        the request is no longer looking)."""
        try:
            with self.engine.begin() as connection:
                moved = connection.execute(
                    update(handoffs)
                    .where(handoffs.c.id == handoff.id, handoffs.c.state.in_(LOOKING))
                    .values(state=OFFERING, due_at=answer_by)
                )
                if not moved.rowcount:
                    return False
                connection.execute(
                    insert(handoff_offers).values(
                        handoff_id=handoff.id, mentor_ref=mentor_ref, offered_at=now
                    )
                )
        except IntegrityError:
            return False
        return True

    def answer_offer(self, ref: str, mentor_ref: str, answer: str, now: dt.datetime) -> bool:
        """Close one open offer (declined, unreachable); True if it was open. A declined offer
        makes the request due at once, so the next mentor is asked without waiting."""
        with self.engine.begin() as connection:
            handoff = connection.execute(
                select(handoffs.c.id, handoffs.c.state).where(handoffs.c.ref == ref)
            ).first()
            if handoff is None:
                return False
            result = connection.execute(
                update(handoff_offers)
                .where(
                    handoff_offers.c.handoff_id == handoff.id,
                    handoff_offers.c.mentor_ref == mentor_ref,
                    handoff_offers.c.answer.is_(None),
                )
                .values(answer=answer, answered_at=now)
            )
            if result.rowcount and handoff.state == OFFERING:
                connection.execute(
                    update(handoffs)
                    .where(handoffs.c.id == handoff.id, handoffs.c.state == OFFERING)
                    .values(due_at=now)
                )
        return bool(result.rowcount)

    def wait(self, handoff: Handoff, retry_at: dt.datetime) -> bool:
        """Nobody is left to ask now: waiting for a coordinator, and tried again at `retry_at`
        (a mentor may join or have room by then). True if it was offering until now."""
        with self.engine.begin() as connection:
            result = connection.execute(
                update(handoffs)
                .where(handoffs.c.id == handoff.id, handoffs.c.state.in_(LOOKING))
                .values(state=WAITING, due_at=retry_at)
            )
        return bool(result.rowcount) and handoff.state == OFFERING

    def load(self) -> dict[str, int]:
        """Each mentor's open mentorships plus the requests offered to her now."""
        counts: dict[str, int] = {}
        with self.engine.connect() as connection:
            for ref, count in connection.execute(
                select(mentorships.c.mentor_ref, func.count())
                .where(mentorships.c.closed_at.is_(None))
                .group_by(mentorships.c.mentor_ref)
            ):
                counts[ref] = counts.get(ref, 0) + int(count)
            for ref, count in connection.execute(
                select(handoff_offers.c.mentor_ref, func.count())
                .where(handoff_offers.c.answer.is_(None))
                .group_by(handoff_offers.c.mentor_ref)
            ):
                counts[ref] = counts.get(ref, 0) + int(count)
        return counts

    def last_offered(self, since: dt.datetime) -> dict[str, dt.datetime]:
        with self.engine.connect() as connection:
            rows = connection.execute(
                select(handoff_offers.c.mentor_ref, func.max(handoff_offers.c.offered_at))
                .where(handoff_offers.c.offered_at >= since)
                .group_by(handoff_offers.c.mentor_ref)
            ).all()
        return {ref: aware(at) for ref, at in rows}

    # -- accept ---------------------------------------------------------------------------
    def accept(
        self,
        ref: str,
        mentor: Mentor,
        now: dt.datetime,
        checkin_after: dt.timedelta,
        coordinator: bool = False,
    ) -> Accept:
        """The mentor takes the request, if it is still hers to take and she has room.
        A coordinator may take a request that is waiting even without an offer or room."""
        for attempt in range(6):
            try:
                return self._accept(ref, mentor, now, checkin_after, coordinator)
            except OperationalError:  # SQLite busy beyond its timeout: try again
                if attempt == 5:
                    raise
                time.sleep(0.05 * (attempt + 1))
        raise AssertionError("unreachable")

    def _accept(
        self,
        ref: str,
        mentor: Mentor,
        now: dt.datetime,
        checkin_after: dt.timedelta,
        coordinator: bool,
    ) -> Accept:
        with self._serial() as connection:
            if connection.dialect.name != "sqlite":
                connection.execute(
                    select(mentors.c.id).where(mentors.c.ref == mentor.ref).with_for_update()
                )
            row = connection.execute(select(handoffs).where(handoffs.c.ref == ref)).first()
            if row is None or row.state == ENDED or row.mentee_key is None:
                return Accept.CLOSED
            if row.state == ACCEPTED:
                return Accept.TAKEN
            offer = connection.execute(
                select(handoff_offers.c.id).where(
                    handoff_offers.c.handoff_id == row.id,
                    handoff_offers.c.mentor_ref == mentor.ref,
                    handoff_offers.c.answer.is_(None),
                )
            ).first()
            if offer is None and not coordinator:
                return Accept.NOT_OFFERED
            busy = connection.execute(
                select(func.count()).where(
                    mentorships.c.mentor_ref == mentor.ref,
                    mentorships.c.closed_at.is_(None),
                    mentorships.c.mentee_key != row.mentee_key,
                )
            ).scalar_one()
            if busy >= mentor.capacity and not coordinator:
                return Accept.FULL
            moved = connection.execute(
                update(handoffs)
                .where(handoffs.c.id == row.id, handoffs.c.state.in_(LOOKING))
                .values(
                    state=ACCEPTED,
                    mentor_ref=mentor.ref,
                    accepted_at=now,
                    focused_at=now,
                    due_at=None,
                )
            )
            if not moved.rowcount:
                return Accept.TAKEN
            open_offers = and_(
                handoff_offers.c.handoff_id == row.id, handoff_offers.c.answer.is_(None)
            )
            connection.execute(
                update(handoff_offers)
                .where(open_offers, handoff_offers.c.mentor_ref == mentor.ref)
                .values(answer="accepted", answered_at=now)
            )
            connection.execute(
                update(handoff_offers)
                .where(open_offers)
                .values(answer="withdrawn", answered_at=now)
            )
            # the mentor who accepted becomes her mentor (one at a time)
            current = connection.execute(
                select(mentorships.c.id, mentorships.c.mentor_ref).where(
                    mentorships.c.mentee_key == row.mentee_key, mentorships.c.closed_at.is_(None)
                )
            ).all()
            if not any(m.mentor_ref == mentor.ref for m in current):
                for old in current:
                    connection.execute(
                        update(mentorships)
                        .where(mentorships.c.id == old.id)
                        .values(closed_at=now, closed_by="replaced")
                    )
                connection.execute(
                    insert(mentorships).values(
                        mentee_key=row.mentee_key,
                        mentee_channel=row.mentee_channel,
                        mentee_address=row.mentee_address,
                        language=row.language,
                        country=row.country,
                        mentor_ref=mentor.ref,
                        mentor_type=mentor.mentor_type,
                        started_at=now,
                        checkin_due_at=now + checkin_after,
                    )
                )
            return Accept.ACCEPTED

    # -- the end --------------------------------------------------------------------------
    def end(self, ref: str, by: str, now: dt.datetime) -> Handoff | None:
        """Ends a relay, a request being offered or a waiting one; the handoff as it was,
        or None when it had ended already."""
        with self.engine.begin() as connection:
            row = connection.execute(select(handoffs).where(handoffs.c.ref == ref)).first()
            if row is None or row.state not in OPEN_STATES:
                return None
            moved = connection.execute(
                update(handoffs)
                .where(handoffs.c.id == row.id, handoffs.c.state == row.state)
                .values(state=ENDED, ended_at=now, ended_by=by, due_at=None)
            )
            if not moved.rowcount:
                return None
            connection.execute(
                update(handoff_offers)
                .where(handoff_offers.c.handoff_id == row.id, handoff_offers.c.answer.is_(None))
                .values(answer="withdrawn", answered_at=now)
            )
        return _handoff(row)

    def rate(self, ref: str, side: str, rating: int) -> bool:
        column = {"mentee": "mentee_rating", "mentor": "mentor_rating"}[side]
        with self.engine.begin() as connection:
            result = connection.execute(
                update(handoffs).where(handoffs.c.ref == ref).values(**{column: rating})
            )
        return bool(result.rowcount)

    # -- things still to tell a mentor ------------------------------------------------------
    def take_notices(self, limit: int = 20) -> list[Handoff]:
        """Handoffs with something still to tell their mentor, each taken once."""
        taken = claim_each(
            self.engine,
            handoffs,
            handoffs.c.mentor_notice,
            select(handoffs.c.id, handoffs.c.mentor_notice)
            .where(handoffs.c.mentor_notice.is_not(None))
            .limit(limit),
            None,
        )
        found = [(self._by_id(row.id), row.mentor_notice) for row in taken]
        return [replace(h, mentor_notice=notice) for h, notice in found if h is not None]

    # -- mentorships ----------------------------------------------------------------------
    def mentor_of_mentee(self, mentee_key: str) -> str | None:
        """Her mentor's ref while their relationship is open."""
        with self.engine.connect() as connection:
            return connection.execute(
                select(mentorships.c.mentor_ref)
                .where(mentorships.c.mentee_key == mentee_key, mentorships.c.closed_at.is_(None))
                .order_by(mentorships.c.id.desc())
                .limit(1)
            ).scalar()

    def mentorship_of_mentee(self, mentee_key: str) -> Mentorship | None:
        with self.engine.connect() as connection:
            row = connection.execute(
                select(mentorships)
                .where(mentorships.c.mentee_key == mentee_key, mentorships.c.closed_at.is_(None))
                .order_by(mentorships.c.id.desc())
                .limit(1)
            ).first()
        return self._mentorship(row) if row is not None else None

    def mentorship(self, ref: str) -> Mentorship | None:
        number = _mentorship_id(ref)
        if number is None:
            return None
        with self.engine.connect() as connection:
            row = connection.execute(select(mentorships).where(mentorships.c.id == number)).first()
        return self._mentorship(row) if row is not None else None

    def _mentorship(self, row: Any) -> Mentorship:
        with self.engine.connect() as connection:
            pseudonym = connection.execute(
                select(handoffs.c.pseudonym)
                .where(
                    handoffs.c.mentee_key == row.mentee_key,
                    handoffs.c.mentor_ref == row.mentor_ref,
                )
                .order_by(handoffs.c.id.desc())
                .limit(1)
            ).scalar()
        return Mentorship(
            ref=f"ms-{row.id}",
            mentee_key=row.mentee_key,
            mentee_channel=row.mentee_channel,
            mentee_address=row.mentee_address,
            language=row.language,
            mentor_ref=row.mentor_ref,
            pseudonym=pseudonym or "#",
            closed=row.closed_at is not None,
        )

    def close_mentorship(self, ref: str, by: str, now: dt.datetime) -> Mentorship | None:
        """Closes an open mentoring relationship (either side); None if it was not open."""
        number = _mentorship_id(ref)
        if number is None:
            return None
        with self.engine.begin() as connection:
            result = connection.execute(
                update(mentorships)
                .where(mentorships.c.id == number, mentorships.c.closed_at.is_(None))
                .values(closed_at=now, closed_by=by)
            )
        if not result.rowcount:
            return None
        return self.mentorship(ref)

    def claim_checkins(
        self, now: dt.datetime, interval: dt.timedelta, limit: int = 20
    ) -> list[Mentorship]:
        """Open relationships whose check-in is due, each taken once (the next one is set)."""
        taken = claim_each(
            self.engine,
            mentorships,
            mentorships.c.checkin_due_at,
            select(mentorships.c.id, mentorships.c.checkin_due_at)
            .where(mentorships.c.closed_at.is_(None), mentorships.c.checkin_due_at <= now)
            .order_by(mentorships.c.checkin_due_at)
            .limit(limit),
            now + interval,
            mentorships.c.closed_at.is_(None),
        )
        return [m for m in (self.mentorship(f"ms-{row.id}") for row in taken) if m is not None]

    def rate_mentorship(self, ref: str, side: str, rating: int) -> bool:
        number = _mentorship_id(ref)
        column = {"mentee": "mentee_rating", "mentor": "mentor_rating"}[side]
        if number is None:
            return False
        with self.engine.begin() as connection:
            result = connection.execute(
                update(mentorships).where(mentorships.c.id == number).values(**{column: rating})
            )
        return bool(result.rowcount)


@dataclass(frozen=True)
class Mentorship:
    """A mentor–mentee relationship; `ref` ("ms-12") is what buttons and ratings name."""

    ref: str
    mentee_key: str | None
    mentee_channel: str | None
    mentee_address: str | None = dataclasses.field(repr=False)
    language: str
    mentor_ref: str
    pseudonym: str
    closed: bool


def _mentorship_id(ref: str) -> int | None:
    if not ref.startswith("ms-") or not ref[3:].isdigit():
        return None
    return int(ref[3:])


def forget_handoffs(connection: Connection, mentee_key: str, now: dt.datetime) -> int:
    """Her part of the handoff tables, erased (inside forget_person's transaction).

    A relay or request still open becomes a stub with nothing of hers, which only tells its
    mentor that it ended; every other handoff and relationship of hers is deleted. The rows
    removed or emptied."""
    touched = connection.execute(
        update(handoffs)
        .where(handoffs.c.mentee_key == mentee_key, handoffs.c.state.in_(OPEN_STATES))
        .values(
            state=ENDED,
            ended_at=now,
            ended_by="forgotten",
            due_at=None,
            mentee_key=None,
            mentee_channel=None,
            mentee_address=None,
            need=None,
            summary=None,
            country=None,
            mentee_rating=None,
            mentor_notice=case_forgotten(),
        )
    ).rowcount
    removed = connection.execute(
        delete(handoffs).where(handoffs.c.mentee_key == mentee_key)
    ).rowcount
    relations = connection.execute(
        delete(mentorships).where(mentorships.c.mentee_key == mentee_key)
    ).rowcount
    return int(touched or 0) + int(removed or 0) + int(relations or 0)


def case_forgotten() -> Any:
    """Only a relay that a mentor had accepted needs telling (an open offer is withdrawn)."""
    return case((handoffs.c.mentor_ref.is_not(None), "forgotten"), else_=None)
