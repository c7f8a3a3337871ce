"""Alembic's environment: the engine comes from bot.storage (config.attributes["engine"])."""

from __future__ import annotations

from alembic import context
from sqlalchemy import text

from bot.storage.schema import metadata

# Any number: the advisory lock that stops two replicas starting at once from both migrating.
MIGRATION_LOCK = 7_400_113

engine = context.config.attributes["engine"]
with engine.begin() as connection:
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite can't ALTER much
    )
    context.run_migrations()
