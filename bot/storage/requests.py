"""Answering a person's data requests: everything kept about her, and erasing it.

Used by coordinators who receive a request by e-mail (`imentor privacy export|forget CHANNEL
SENDER_ID`); in chat, "forget me" does the same through the action server and the tracker store.
Her conversation lives in Rasa's tracker store (table `events`, one row per event); the rest is
in the assistant's own database under her pseudonymous key.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from bot.storage import forget_person
from bot.storage.deliveries import Deliveries
from bot.storage.schema import consents, feedback, intake_answers, kb_questions, people
from bot.storage.windows import ContactWindows

_EVENTS = sa.table(
    "events",
    sa.column("sender_id", sa.String),
    sa.column("type_name", sa.String),
    sa.column("timestamp", sa.Float),
    sa.column("data", sa.Text),
)
_SHOWN_EVENTS = ("user", "bot", "slot")  # what a person recognises as her conversation


def tracker_engine(location: str) -> Engine:
    """The tracker store's database: a SQLAlchemy URL, or the path of its SQLite file."""
    return sa.create_engine(location if "://" in location else f"sqlite:///{location}")


def _rows(connection: Any, query: Any) -> list[dict[str, Any]]:
    return [
        {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in row._mapping.items()}
        for row in connection.execute(query)
    ]


def export_person(database: Engine, tracker: Engine, key: str, sender_id: str) -> dict[str, Any]:
    """Everything kept about her, readable: her records and her conversation."""
    with database.connect() as connection:
        person = connection.execute(sa.select(people).where(people.c.key == key)).first()
        records: dict[str, Any] = {"person": None, "consents": [], "intake": [], "feedback": []}
        if person is not None:
            records["person"] = _rows(
                connection, sa.select(people).where(people.c.id == person.id)
            )[0]
            for name, table in (
                ("consents", consents),
                ("intake", intake_answers),
                ("feedback", feedback),
            ):
                records[name] = _rows(
                    connection, sa.select(table).where(table.c.person_id == person.id)
                )
        records["questions"] = _rows(
            connection, sa.select(kb_questions).where(kb_questions.c.person == key)
        )
    conversation = []
    if sa.inspect(tracker).has_table("events"):
        with tracker.connect() as connection:
            for row in connection.execute(
                sa.select(_EVENTS.c.type_name, _EVENTS.c.timestamp, _EVENTS.c.data)
                .where(_EVENTS.c.sender_id == sender_id)
                .order_by(_EVENTS.c.timestamp)
            ):
                if row.type_name not in _SHOWN_EVENTS:
                    continue
                data = json.loads(row.data)
                conversation.append(
                    {
                        "at": row.timestamp,
                        "type": row.type_name,
                        "text": data.get("text"),
                        **(
                            {"slot": data.get("name"), "value": data.get("value")}
                            if row.type_name == "slot"
                            else {}
                        ),
                    }
                )
    records["conversation"] = conversation
    return records


def forget(database: Engine, tracker: Engine, key: str, sender_id: str) -> dict[str, int]:
    """Erase her records and her conversation; how many rows went from each."""
    removed = forget_person(database, key)
    events = 0
    if sa.inspect(tracker).has_table("events"):
        with tracker.begin() as connection:
            result = connection.execute(sa.delete(_EVENTS).where(_EVENTS.c.sender_id == sender_id))
            events = int(result.rowcount or 0)
    return {"records": removed, "conversation_events": events}


def purge(database: Engine, tracker: Engine, older_than: dt.timedelta) -> dict[str, int]:
    """Remove what is older than the retention period: conversation events, logged questions,
    and people not seen since (with everything that points at them)."""
    cutoff = dt.datetime.now(dt.timezone.utc) - older_than
    removed = {"conversation_events": 0, "questions": 0, "people": 0}
    if sa.inspect(tracker).has_table("events"):
        with tracker.begin() as connection:
            result = connection.execute(
                sa.delete(_EVENTS).where(_EVENTS.c.timestamp < cutoff.timestamp())
            )
            removed["conversation_events"] = int(result.rowcount or 0)
    with database.begin() as connection:
        result = connection.execute(sa.delete(kb_questions).where(kb_questions.c.asked_at < cutoff))
        removed["questions"] = int(result.rowcount or 0)
        result = connection.execute(sa.delete(people).where(people.c.last_seen_at < cutoff))
        removed["people"] = int(result.rowcount or 0)
    # delivery ids (no content) are only needed while a platform may still redeliver
    removed["deliveries"] = Deliveries(database).forget_old()
    removed["contact_windows"] = ContactWindows(database).forget_old()
    return removed
