"""The assistant's own database: SQLite by default, PostgreSQL when DATABASE_URL says so.

SQLAlchemy Core with the 2.0-style API; the tables are in `schema.py` and every change to
them is an Alembic migration (`migrations/`), applied when an engine is made (`imentor db
upgrade` does it by hand). The knowledge-base question log keeps one row per question the
knowledge base handled, with the article given and its 👍/👎, and the words only of the
questions it could not answer (personal data masked) — the editors' gap list. People appear
only as a keyed hash of channel and sender id, never their raw ids.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import (
    create_engine,
    delete,
    event,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.engine import Engine

from bot.storage.schema import contact_windows, kb_questions, people

ANSWERED = "answered"
UNANSWERED_OUTCOMES = ("unsure", "declined")


def person_key(secret: bytes, channel: str, sender_id: str) -> str:
    """A pseudonymous, stable key for one person on one channel."""
    message = f"{channel}\x00{sender_id}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()[:32]


def sqlite_pragmas(dbapi_connection: Any, connection_record: Any) -> None:
    """For every SQLite connection (ours and the tracker store's)."""
    cursor = dbapi_connection.cursor()
    # Write-ahead logging: readers don't block the writer, and a commit is one append.
    cursor.execute("PRAGMA journal_mode=WAL")
    # In WAL mode NORMAL is still safe against corruption; a power cut may lose the last turn.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    # Erasing a person erases what points at her (ON DELETE CASCADE); SQLite needs asking.
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, future=True, pool_pre_ping=not url.startswith("sqlite"))
    if url.startswith("sqlite"):
        event.listen(engine, "connect", sqlite_pragmas)
    upgrade(engine)
    return engine


MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config(engine: Engine) -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database to the newest schema (or `revision`); safe to run every start."""
    from alembic import command

    with _upgrade_lock:
        command.upgrade(alembic_config(engine), revision)


_upgrade_lock = threading.Lock()


@dataclass
class QuestionLog:
    engine: Engine

    def record(
        self,
        *,
        person: str | None,
        language: str,
        country: str | None,
        outcome: str,
        article_id: str | None,
        score: float,
        question: str | None,
    ) -> int:
        with self.engine.begin() as connection:
            result = connection.execute(
                insert(kb_questions).values(
                    asked_at=dt.datetime.now(dt.timezone.utc),
                    person=person,
                    language=language,
                    country=country,
                    outcome=outcome,
                    article_id=article_id,
                    score=round(float(score), 4),
                    question=question,
                )
            )
            return int(result.inserted_primary_key[0])

    def rate(self, person: str | None, article_id: str, helpful: bool) -> bool:
        """Mark this person's latest answer from the article helpful or not."""
        with self.engine.begin() as connection:
            row = connection.execute(
                select(kb_questions.c.id)
                .where(kb_questions.c.article_id == article_id)
                .where(kb_questions.c.person == person)
                .where(kb_questions.c.outcome == ANSWERED)
                .order_by(kb_questions.c.id.desc())
                .limit(1)
            ).first()
            if row is None:
                return False
            connection.execute(
                update(kb_questions).where(kb_questions.c.id == row.id).values(helpful=helpful)
            )
            return True

    def of_person(self, person: str) -> tuple[list[str], int]:
        """Her kept (masked) unanswered questions, oldest first, and how many answers she rated."""
        with self.engine.connect() as connection:
            rows = connection.execute(
                select(kb_questions.c.question, kb_questions.c.helpful)
                .where(kb_questions.c.person == person)
                .order_by(kb_questions.c.id)
            ).all()
        questions = [row.question for row in rows if row.question]
        return questions, sum(row.helpful is not None for row in rows)

    def gaps(self, since: dt.datetime | None = None, limit: int = 50) -> list[dict[str, Any]]:
        """The unanswered questions, most asked first."""
        query = (
            select(
                kb_questions.c.question,
                kb_questions.c.language,
                func.count().label("times"),
                func.max(kb_questions.c.asked_at).label("last_asked"),
            )
            .where(kb_questions.c.outcome.in_(UNANSWERED_OUTCOMES))
            .where(kb_questions.c.question.is_not(None))
            .group_by(kb_questions.c.question, kb_questions.c.language)
            .order_by(func.count().desc(), func.max(kb_questions.c.asked_at).desc())
            .limit(limit)
        )
        if since is not None:
            query = query.where(kb_questions.c.asked_at >= since)
        with self.engine.connect() as connection:
            return [dict(row._mapping) for row in connection.execute(query)]


def forget_person(engine: Engine, key: str) -> int:
    """Erase everything the assistant's database keeps about one person; the rows removed.

    Her person row (consents, intake answers and feedback go with it, ON DELETE CASCADE), her
    rows in the question log, when she last wrote on a messenger, and her handoffs and
    mentoring relationships (a relay still open ends, and its mentor is told). Her
    conversation is erased by the tracker store."""
    from bot.mentoring.handoffs import forget_handoffs

    with engine.begin() as connection:
        handed = forget_handoffs(connection, key, dt.datetime.now(dt.timezone.utc))
        removed = connection.execute(delete(kb_questions).where(kb_questions.c.person == key))
        gone = connection.execute(delete(people).where(people.c.key == key))
        window = connection.execute(delete(contact_windows).where(contact_windows.c.contact == key))
        return (
            handed
            + int(removed.rowcount or 0)
            + int(gone.rowcount or 0)
            + int(window.rowcount or 0)
        )


def claim_each(
    engine: Engine, table: Any, column: Any, candidates: Any, value: Any, *still: Any
) -> list[Any]:
    """The rows of `candidates` (a query of `table.c.id` and `column`) this process takes, each
    by moving `column` from what was read to `value` while `still` holds: a sweeper on another
    replica reading the same rows takes none of them a second time."""
    with engine.connect() as connection:
        rows = connection.execute(candidates).all()
    taken = []
    for row in rows:
        read = row._mapping[column.name]
        unchanged = column.is_(None) if read is None else column == read
        with engine.begin() as connection:
            result = connection.execute(
                update(table)
                .where(table.c.id == row.id, unchanged, *still)
                .values({column.name: value})
            )
        if result.rowcount:
            taken.append(row)
    return taken


_logs: dict[str, QuestionLog] = {}


def question_log(url: str) -> QuestionLog:
    if url not in _logs:
        _logs[url] = QuestionLog(make_engine(url))
    return _logs[url]
