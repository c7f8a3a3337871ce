"""Each platform delivery is taken once: the first copy wins, later copies are dropped."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete, insert, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from bot.storage.schema import deliveries

KEEP = dt.timedelta(days=8)  # Telegram retries for hours, WhatsApp for up to 7 days


@dataclass
class Deliveries:
    engine: Engine

    def take(self, channel: str, delivery_id: str) -> bool:
        """True for the first copy of a delivery, False for any copy after it."""
        try:
            with self.engine.begin() as connection:
                connection.execute(
                    insert(deliveries).values(
                        channel=channel,
                        delivery_id=delivery_id[:128],
                        received_at=dt.datetime.now(dt.timezone.utc),
                    )
                )
            return True
        except IntegrityError:
            return False

    def failed(self, channel: str, delivery_id: str, kind: str) -> None:
        with self.engine.begin() as connection:
            connection.execute(
                update(deliveries)
                .where(deliveries.c.channel == channel, deliveries.c.delivery_id == delivery_id)
                .values(failure=kind[:200])
            )

    def forget_old(self, now: dt.datetime | None = None) -> int:
        cutoff = (now or dt.datetime.now(dt.timezone.utc)) - KEEP
        with self.engine.begin() as connection:
            result = connection.execute(delete(deliveries).where(deliveries.c.received_at < cutoff))
            return int(result.rowcount or 0)
