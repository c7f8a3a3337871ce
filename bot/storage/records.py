"""What the assistant keeps about one person: consent, needs-survey answers and feedback.

Everything is found by her pseudonymous key (`people.key`); the person row (the key, the
channel's name, her language; no address) is made the first time something of hers is kept,
so she can see it and erase it.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.engine import Connection, Engine

from bot.storage.schema import consents, feedback, intake_answers, people


def now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def aware(value: dt.datetime | None) -> dt.datetime | None:
    """SQLite hands datetimes back without their time zone: they were stored in UTC."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=dt.timezone.utc)
    return value


def person_id(
    connection: Connection, key: str, channel: str, language: str | None, create: bool = True
) -> int | None:
    """Her row's id (made if `create`), with her language and last-seen time brought up to date."""
    at = now()
    row = connection.execute(select(people.c.id).where(people.c.key == key)).first()
    if row is not None:
        values: dict[str, Any] = {"last_seen_at": at}
        if language:
            values["language"] = language
        connection.execute(update(people).where(people.c.id == row.id).values(**values))
        return int(row.id)
    if not create:
        return None
    result = connection.execute(
        insert(people).values(
            key=key, channel=channel, language=language, created_at=at, last_seen_at=at
        )
    )
    return int(result.inserted_primary_key[0])


@dataclass(frozen=True)
class Intake:
    version: int
    answers: dict[str, Any]
    completed: bool
    updated_at: dt.datetime


@dataclass
class PersonRecords:
    """Consent, survey answers and feedback of the people the assistant talks to."""

    engine: Engine

    # consent -------------------------------------------------------------------------
    def consent(self, key: str, purpose: str) -> dt.datetime | None:
        """When she agreed to `purpose`, if her latest answer about it was yes."""
        with self.engine.connect() as connection:
            row = connection.execute(
                select(consents.c.granted, consents.c.at)
                .join(people, people.c.id == consents.c.person_id)
                .where(people.c.key == key, consents.c.purpose == purpose)
                .order_by(consents.c.id.desc())
                .limit(1)
            ).first()
        return aware(row.at) if row is not None and row.granted else None

    def record_consent(
        self,
        key: str,
        channel: str,
        language: str,
        purpose: str,
        notice_version: str,
        granted: bool = True,
    ) -> None:
        with self.engine.begin() as connection:
            pid = person_id(connection, key, channel, language)
            connection.execute(
                insert(consents).values(
                    person_id=pid,
                    purpose=purpose,
                    granted=granted,
                    notice_version=notice_version,
                    language=language,
                    at=now(),
                )
            )

    # needs survey ----------------------------------------------------------------------
    def latest_intake(self, key: str) -> Intake | None:
        with self.engine.connect() as connection:
            row = connection.execute(
                select(intake_answers)
                .join(people, people.c.id == intake_answers.c.person_id)
                .where(people.c.key == key)
                .order_by(intake_answers.c.version.desc())
                .limit(1)
            ).first()
        if row is None:
            return None
        return Intake(row.version, json.loads(row.answers), row.completed, aware(row.updated_at))

    def save_intake(
        self, key: str, channel: str, language: str, answers: dict[str, Any], completed: bool
    ) -> int:
        """Keep her answers: the unfinished version is updated, else a new version begins.

        Earlier finished versions stay (the statistics can show how needs change)."""
        text = json.dumps(answers, ensure_ascii=False, sort_keys=True)
        at = now()
        with self.engine.begin() as connection:
            pid = person_id(connection, key, channel, language)
            row = connection.execute(
                select(intake_answers.c.id, intake_answers.c.version, intake_answers.c.completed)
                .where(intake_answers.c.person_id == pid)
                .order_by(intake_answers.c.version.desc())
                .limit(1)
            ).first()
            if row is not None and not row.completed:
                connection.execute(
                    update(intake_answers)
                    .where(intake_answers.c.id == row.id)
                    .values(answers=text, completed=completed, updated_at=at)
                )
                return int(row.version)
            version = (row.version if row is not None else 0) + 1
            connection.execute(
                insert(intake_answers).values(
                    person_id=pid,
                    version=version,
                    answers=text,
                    completed=completed,
                    created_at=at,
                    updated_at=at,
                )
            )
            return version

    # feedback --------------------------------------------------------------------------
    def record_feedback(
        self,
        key: str | None,
        channel: str,
        language: str,
        kind: str,
        *,
        article_id: str | None = None,
        helpful: bool | None = None,
        rating: int | None = None,
        comment: str | None = None,
    ) -> int:
        """One piece of feedback, under her key (so she can see and erase it)."""
        with self.engine.begin() as connection:
            pid = person_id(connection, key, channel, language) if key else None
            result = connection.execute(
                insert(feedback).values(
                    person_id=pid,
                    kind=kind,
                    article_id=article_id,
                    helpful=helpful,
                    rating=rating,
                    comment=comment,
                    at=now(),
                )
            )
            return int(result.inserted_primary_key[0])

    def feedback_count(self, key: str) -> int:
        with self.engine.connect() as connection:
            return int(
                connection.execute(
                    select(func.count())
                    .select_from(feedback.join(people, people.c.id == feedback.c.person_id))
                    .where(people.c.key == key)
                ).scalar()
                or 0
            )


_records: dict[str, PersonRecords] = {}


def person_records(url: str) -> PersonRecords:
    from bot.storage import question_log

    if url not in _records:  # one engine per database: the question log's
        _records[url] = PersonRecords(question_log(url).engine)
    return _records[url]
