"""Shared fixtures."""

from __future__ import annotations

import os

os.environ.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")

from typing import Iterator

import pytest

from bot.i18n import Catalog, catalog
from tests.auxil.stack import Stack, start_stack


@pytest.fixture(scope="session")
def book() -> Catalog:
    return catalog()


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    running = start_stack(tmp_path_factory.mktemp("stack"))
    try:
        yield running
    finally:
        running.stop()
