"""The tracker store keeps every event exactly once, whether a tracker was read or created."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest
import sqlalchemy as sa
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.rasa_ext.tracker_store import ImentorTrackerStore
from tests.auxil.databases import POSTGRES, postgres_database

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def domain() -> Domain:
    return Domain.load(str(ROOT / "domain.yml"))


@pytest.fixture(params=["sqlite", "postgresql"])
def store(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    domain: Domain,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[ImentorTrackerStore]:
    if request.param == "sqlite":
        yield ImentorTrackerStore(
            domain=domain, dialect="sqlite", db=str(tmp_path / "sub" / "t.db")
        )
        return
    databases = postgres_database()
    name = next(databases)
    # configured as in production: one URL in the environment, endpoints.yml unchanged
    url = f"postgresql://{POSTGRES['username']}@{POSTGRES['host']}:{POSTGRES['port']}/{name}"
    monkeypatch.setenv("TRACKER_DATABASE_URL", url)
    created = ImentorTrackerStore(domain=domain, dialect="sqlite", db=str(tmp_path / "unused.db"))
    assert created.engine.dialect.name == "postgresql"
    try:
        yield created
    finally:
        created.engine.dispose()
        next(databases, None)


def _rows(store: ImentorTrackerStore, sender: str) -> int:
    with store.engine.connect() as connection:
        query = sa.text("SELECT COUNT(*) FROM events WHERE sender_id = :sender")
        return int(connection.execute(query, {"sender": sender}).scalar_one())


def _session_start() -> list:
    return [
        ActionExecuted("action_session_start"),
        SessionStarted(),
        ActionExecuted("action_listen"),
    ]


def _turn(text: str) -> list:
    return [
        UserUttered(text, {"name": "greet", "confidence": 1.0}),
        ActionExecuted("utter_greet"),
        BotUttered("utter_greet"),
        ActionExecuted("action_listen"),
    ]


async def test_a_new_tracker_is_stored_whole(store: ImentorTrackerStore, domain: Domain) -> None:
    tracker = DialogueStateTracker.from_events(
        "ana",
        _session_start(),
        domain.slots,
    )
    await store.save(tracker)
    assert _rows(store, "ana") == 3
    if store.engine.dialect.name == "sqlite":
        assert Path(store.engine.url.database).parent.name == "sub"


async def test_turns_after_a_read_add_only_their_own_events(
    store: ImentorTrackerStore, domain: Domain
) -> None:
    start = _session_start()
    await store.save(DialogueStateTracker.from_events("bea", start, domain.slots))
    for text in ["hei", "moi", "terve"]:
        tracker = await store.retrieve("bea")
        assert tracker is not None
        for event in _turn(text):
            tracker.update(event)
        tracker.update(SlotSet("language", "fi"))
        await store.save(tracker)
        await store.save(tracker)  # saving twice adds nothing
    assert _rows(store, "bea") == 3 + 3 * 5
    final = await store.retrieve("bea")
    assert final is not None
    assert [e.text for e in final.events if isinstance(e, UserUttered)] == ["hei", "moi", "terve"]
    assert final.get_slot("language") == "fi"


async def test_new_events_are_the_ones_rasa_itself_would_store(
    store: ImentorTrackerStore, domain: Domain
) -> None:
    from rasa.core.tracker_store import SQLTrackerStore

    start = _session_start()
    await store.save(DialogueStateTracker.from_events("cid", start, domain.slots))
    for text in ["hola", "gracias"]:
        tracker = await store.retrieve("cid")
        assert tracker is not None
        for event in _turn(text):
            tracker.update(event)
        ours = list(store._additional_events(None, tracker))
        with store.session_scope() as session:
            theirs = list(SQLTrackerStore._additional_events(store, session, tracker))
        assert ours == theirs and len(ours) == 4
        await store.save(tracker)


async def test_reading_returns_what_rasa_reads(store: ImentorTrackerStore, domain: Domain) -> None:
    from rasa.core.tracker_store import SQLTrackerStore

    first = _session_start()
    tracker = DialogueStateTracker.from_events("dee", first + _turn("hi"), domain.slots)
    await store.save(tracker)
    second = [ActionExecuted("action_session_start"), SessionStarted()]
    for event in second + [ActionExecuted("action_listen")] + _turn("hello again"):
        tracker.update(event)
    await store.save(tracker)
    ours = await store.retrieve("dee")
    theirs = await SQLTrackerStore._retrieve(store, "dee", fetch_events_from_all_sessions=False)
    assert ours is not None and theirs is not None
    assert list(ours.events) == list(theirs.events)
    assert [e.text for e in ours.events if isinstance(e, UserUttered)] == ["hello again"]
    assert await store.retrieve("nobody") is None
