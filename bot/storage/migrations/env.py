"""Alembic's environment: the engine comes from bot.storage (config.attributes["engine"])."""

from __future__ import annotations

from alembic import context

from bot.storage.schema import metadata

engine = context.config.attributes["engine"]
with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite can't ALTER much
    )
    context.run_migrations()
