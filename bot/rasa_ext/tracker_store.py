"""Rasa's SQL tracker store, tuned for its embedded SQLite default and ready for PostgreSQL."""

from __future__ import annotations

import logging
import os
from typing import Any

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain

logger = logging.getLogger(__name__)


def _sqlite_pragmas(dbapi_connection: Any, connection_record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # Write-ahead logging: readers don't block the writer, and a commit is one append.
    cursor.execute("PRAGMA journal_mode=WAL")
    # In WAL mode NORMAL is still safe against corruption; a power cut may lose the last turn.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


class ImentorTrackerStore(SQLTrackerStore):
    """SQLTrackerStore that creates the SQLite file's folder and turns on WAL mode.

    With `dialect: postgresql` (and host, db, username, password from the environment) it
    behaves exactly like Rasa's SQLTrackerStore.
    """

    def __init__(
        self,
        domain: Domain | None = None,
        dialect: str = "sqlite",
        db: str = "var/tracker.db",
        **kwargs: Any,
    ) -> None:
        if dialect == "sqlite" and db and db != ":memory:":
            folder = os.path.dirname(os.path.abspath(db))
            os.makedirs(folder, exist_ok=True)
        super().__init__(domain=domain, dialect=dialect, db=db, **kwargs)
        if self.engine.dialect.name == "sqlite":
            self.engine.dispose()
            sa.event.listen(self.engine, "connect", _sqlite_pragmas)
