"""When a messenger contact last wrote: WhatsApp lets anything be sent for 24 hours after
that, and only an approved template outside it. Kept in the database, so every replica and a
restarted one agree; the contact is the person key, never the phone number."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from bot.storage.schema import contact_windows

WHATSAPP_WINDOW = dt.timedelta(hours=24)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)  # SQLite


@dataclass
class ContactWindows:
    engine: Engine

    def wrote(self, channel: str, contact: str, at: dt.datetime | None = None) -> None:
        """She (or he) has just written to us on `channel`."""
        at = at or _now()
        where = (contact_windows.c.channel == channel, contact_windows.c.contact == contact)
        with self.engine.begin() as connection:
            changed = connection.execute(
                update(contact_windows).where(*where).values(last_inbound_at=at)
            )
            if changed.rowcount:
                return
        try:
            with self.engine.begin() as connection:
                connection.execute(
                    insert(contact_windows).values(
                        channel=channel, contact=contact, last_inbound_at=at
                    )
                )
        except IntegrityError:  # another replica inserted it first: just update
            with self.engine.begin() as connection:
                connection.execute(update(contact_windows).where(*where).values(last_inbound_at=at))

    def last_inbound(self, channel: str, contact: str) -> dt.datetime | None:
        query = select(contact_windows.c.last_inbound_at).where(
            contact_windows.c.channel == channel, contact_windows.c.contact == contact
        )
        with self.engine.connect() as connection:
            found = connection.execute(query).scalar_one_or_none()
        return _aware(found) if found is not None else None

    def is_open(
        self,
        channel: str,
        contact: str,
        window: dt.timedelta = WHATSAPP_WINDOW,
        now: dt.datetime | None = None,
    ) -> bool:
        last = self.last_inbound(channel, contact)
        return last is not None and (now or _now()) - last < window

    def forget(self, contact: str) -> int:
        with self.engine.begin() as connection:
            result = connection.execute(
                delete(contact_windows).where(contact_windows.c.contact == contact)
            )
            return int(result.rowcount or 0)

    def forget_old(self, older_than: dt.timedelta = dt.timedelta(days=30)) -> int:
        """Windows long closed say nothing useful: drop them."""
        cutoff = _now() - older_than
        with self.engine.begin() as connection:
            result = connection.execute(
                delete(contact_windows).where(contact_windows.c.last_inbound_at < cutoff)
            )
            return int(result.rowcount or 0)
