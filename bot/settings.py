"""Settings read from the environment at start-up, with safe local defaults."""

from __future__ import annotations

import logging
import os
import secrets
import sys
from dataclasses import dataclass, field
from typing import Mapping

logger = logging.getLogger(__name__)

_GENERATED_KEY: bytes | None = None


@dataclass(frozen=True)
class Settings:
    """What the assistant needs from its environment. Secrets never appear in `repr`."""

    secret_key: bytes = field(repr=False)
    secret_key_generated: bool = False
    max_message_chars: int = 4096
    database_url: str = "sqlite:///var/imentor.db"
    retention_days: int = 180

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        global _GENERATED_KEY
        env = os.environ if env is None else env
        key = env.get("IMENTOR_SECRET_KEY", "")
        generated = False
        if key:
            if len(key) < 32:
                raise ValueError("IMENTOR_SECRET_KEY must be at least 32 characters long")
            key_bytes = key.encode()
        else:
            if _GENERATED_KEY is None:
                _GENERATED_KEY = secrets.token_bytes(32)
                logger.warning(
                    "IMENTOR_SECRET_KEY is not set: using a random key for this process. "
                    "Buttons sent before a restart will then be read as plain text; set it in "
                    "production and give every replica the same value."
                )
            key_bytes, generated = _GENERATED_KEY, True
        return cls(
            secret_key=key_bytes,
            secret_key_generated=generated,
            max_message_chars=int(env.get("IMENTOR_MAX_MESSAGE_CHARS", "4096")),
            database_url=env.get("DATABASE_URL") or "sqlite:///var/imentor.db",
            retention_days=int(env.get("IMENTOR_RETENTION_DAYS") or "180"),
        )


def explain_missing_key(command: str) -> bool:
    """For commands that find people by their keyed hash: True (after saying why on stderr)
    when IMENTOR_SECRET_KEY is not set, so the command can stop."""
    if os.environ.get("IMENTOR_SECRET_KEY"):
        return False
    print(
        f"{command}: set IMENTOR_SECRET_KEY to the key the assistant runs with: people are "
        "stored under a keyed hash of channel and sender id",
        file=sys.stderr,
    )
    return True
