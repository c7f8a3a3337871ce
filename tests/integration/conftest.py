"""Fixtures the integration tests share: the fake messenger APIs, and a database of each kind."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

from bot.storage import question_log
from tests.auxil.databases import database_url
from tests.auxil.fake_graph import FakeGraph
from tests.auxil.fake_telegram import FakeTelegram


@pytest.fixture(scope="module")
def telegram() -> Iterator[FakeTelegram]:
    """A local stand-in for the Telegram Bot API (one per test module)."""
    server = FakeTelegram().start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def graph() -> Iterator[FakeGraph]:
    """A local stand-in for the WhatsApp Cloud API (one per test module)."""
    server = FakeGraph().start()
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An SQLite file, or a fresh PostgreSQL database (dropped afterwards)."""
    for made in database_url(request.param, tmp_path):
        yield made
        question_log(made).engine.dispose()  # before the database is dropped
