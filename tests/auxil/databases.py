"""Test databases: a fresh PostgreSQL database per test (mandatory in CI, else skipped)."""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from typing import Iterator

import pytest
import sqlalchemy as sa

POSTGRES = {
    "host": os.environ.get("IMENTOR_TEST_PGHOST", "127.0.0.1"),
    "port": 5432,
    "username": os.environ.get("IMENTOR_TEST_PGUSER", "postgres"),
}


def postgres_database() -> Iterator[str]:
    """A fresh database on the local PostgreSQL (mandatory in CI, skipped elsewhere if absent)."""
    admin_url = (
        f"postgresql://{POSTGRES['username']}@{POSTGRES['host']}:{POSTGRES['port']}/postgres"
    )
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
    except sa.exc.OperationalError as exc:
        if os.environ.get("CI") == "true":
            raise
        pytest.skip(
            f"PostgreSQL not reachable ({exc.__class__.__name__}); "
            "start it on 127.0.0.1:5432 to run these tests"
        )
    name = f"imentor_test_{uuid.uuid4().hex[:12]}"
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield name
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def database_url(kind: str, tmp_path: Path) -> Iterator[str]:
    """For a fixture with params=["sqlite", "postgresql"]: an SQLite file, or a fresh
    PostgreSQL database (dropped afterwards)."""
    if kind == "sqlite":
        yield f"sqlite:///{tmp_path / 'imentor.db'}"
        return
    databases = postgres_database()
    name = next(databases)
    yield f"postgresql://{POSTGRES['username']}@{POSTGRES['host']}:{POSTGRES['port']}/{name}"
    databases.close()  # drops the database
