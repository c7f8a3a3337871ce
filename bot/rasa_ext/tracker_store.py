"""Rasa's SQL tracker store, tuned for its embedded SQLite default and ready for PostgreSQL."""

from __future__ import annotations

import itertools
import json
import logging
import os
from typing import Any, Iterator, Optional, Text

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY

from bot.storage import sqlite_pragmas

ERASE_SLOT = "erase_conversation"  # set by action_forget_me once she has confirmed

# How many of a tracker's events were read from the database, noted on the tracker object
# between `retrieve` and `save` of one turn (under the conversation's lock).
_STORED = "_imentor_events_in_store"

logger = logging.getLogger(__name__)

TRACKER_URL_VARIABLE = "TRACKER_DATABASE_URL"


def _from_url(url: str, kwargs: dict[str, Any]) -> tuple[str, str, dict[str, Any]]:
    """Rasa's SQLTrackerStore arguments from a SQLAlchemy URL."""
    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return "sqlite", parsed.database or "var/tracker.db", kwargs
    values = {
        **kwargs,
        "host": parsed.host,
        "port": parsed.port,
        "username": parsed.username,
        "password": parsed.password,
        "query": dict(parsed.query) or None,
    }
    return (
        parsed.drivername,
        parsed.database or "rasa",
        {k: v for k, v in values.items() if v is not None},
    )


_LATEST_SESSION_EVENTS = sa.text(
    """
    SELECT data FROM events
    WHERE sender_id = :sender_id
      AND (timestamp >= (SELECT MAX(timestamp) FROM events
                         WHERE sender_id = :sender_id AND type_name = 'session_started')
           OR (SELECT MAX(timestamp) FROM events
               WHERE sender_id = :sender_id AND type_name = 'session_started') IS NULL)
    ORDER BY id
    """
)


class ImentorTrackerStore(SQLTrackerStore):
    """Rasa's SQLTrackerStore (same tables, same rows), with less work per turn.

    - SQLite: creates the file's folder, keeps connections open, WAL mode.
    - `save` knows how many events `retrieve` read, instead of counting them again with a
      query (Rasa decides what is new by that count either way), and inserts the new rows
      in one statement.
    With `dialect: postgresql` (host, db, username, password from the environment) the
    same code runs against PostgreSQL.
    """

    def __init__(
        self,
        domain: Domain | None = None,
        dialect: str = "sqlite",
        db: str = "var/tracker.db",
        **kwargs: Any,
    ) -> None:
        url = os.environ.get(TRACKER_URL_VARIABLE)
        if url:
            # production: one URL, like DATABASE_URL (postgresql://user:password@host:port/db)
            dialect, db, kwargs = _from_url(url, kwargs)
        if dialect == "sqlite" and db and db != ":memory:":
            folder = os.path.dirname(os.path.abspath(db))
            os.makedirs(folder, exist_ok=True)
        super().__init__(domain=domain, dialect=dialect, db=db, **kwargs)
        if self.engine.dialect.name == "sqlite":
            # SQLAlchemy 1.4 opens and closes a file connection for every session (NullPool),
            # about 1 ms each, several times a turn: keep a few open instead.
            url = self.engine.url
            self.engine.dispose()
            self.engine = sa.create_engine(
                url,
                poolclass=sa.pool.QueuePool,
                pool_size=2,
                max_overflow=4,
                connect_args={"check_same_thread": False},
            )
            sa.event.listen(self.engine, "connect", sqlite_pragmas)
            self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)

    async def _retrieve(
        self, sender_id: Text, fetch_events_from_all_sessions: bool
    ) -> Optional[DialogueStateTracker]:
        if fetch_events_from_all_sessions:
            return await super()._retrieve(sender_id, fetch_events_from_all_sessions)
        # The same rows as Rasa's ORM query (events since the latest session start), as one
        # prepared statement: building the ORM query cost more than running it.
        with self.engine.connect() as connection:
            rows = connection.execute(_LATEST_SESSION_EVENTS, {"sender_id": sender_id}).all()
        if not self.domain or not rows:
            return None
        tracker = DialogueStateTracker.from_dict(
            sender_id, [json.loads(row.data) for row in rows], self.domain.slots
        )
        setattr(tracker, _STORED, len(tracker.events))
        return tracker

    def _additional_events(self, session: Any, tracker: DialogueStateTracker) -> Iterator:
        stored = getattr(tracker, _STORED, None)
        if stored is None:
            return super()._additional_events(session, tracker)
        return itertools.islice(tracker.events, stored, len(tracker.events))

    async def save(self, tracker: DialogueStateTracker) -> None:
        if tracker.get_slot(ERASE_SLOT) is True:
            # "forget me", confirmed: delete the whole conversation, this turn included, and
            # publish none of it
            with self.session_scope() as session:
                session.execute(
                    sa.delete(self.SQLEvent.__table__).where(
                        self.SQLEvent.__table__.c.sender_id == tracker.sender_id
                    )
                )
                session.commit()
            setattr(tracker, _STORED, len(tracker.events))
            return
        await self.stream_events(tracker)
        with self.session_scope() as session:
            rows = [
                _row(tracker.sender_id, event)
                for event in self._additional_events(session, tracker)
            ]
            if rows:
                session.execute(self.SQLEvent.__table__.insert(), rows)
                session.commit()
        setattr(tracker, _STORED, len(tracker.events))


def _row(sender_id: str, event: Any) -> dict[str, Any]:
    """The columns Rasa's SQLTrackerStore.save writes for an event."""
    data = event.as_dict()
    return {
        "sender_id": sender_id,
        "type_name": event.type_name,
        "timestamp": data.get("timestamp"),
        "intent_name": (data.get("parse_data") or {}).get("intent", {}).get(INTENT_NAME_KEY),
        "action_name": data.get("name"),
        "data": json.dumps(data),
    }
