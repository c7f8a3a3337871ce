"""The assistant's database on SQLite and PostgreSQL: migrations, erasure, the question log."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from bot.storage import QuestionLog, alembic_config, make_engine, upgrade
from bot.storage.schema import (
    consents,
    contact_windows,
    deliveries,
    feedback,
    intake_answers,
    metadata,
    people,
)

NOW = dt.datetime(2026, 11, 27, 12, tzinfo=dt.timezone.utc)


def test_the_migrations_build_exactly_the_schema_the_code_describes(url: str) -> None:
    engine = make_engine(url)
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), metadata)
    engine.dispose()
    assert differences == []


def test_upgrading_again_changes_nothing_and_downgrading_removes_everything(url: str) -> None:
    engine = make_engine(url)
    upgrade(engine)
    command.downgrade(alembic_config(engine), "base")
    assert set(sa.inspect(engine).get_table_names()) <= {"alembic_version"}
    upgrade(engine)
    assert {"people", "consents", "intake_answers", "feedback", "kb_questions"} <= set(
        sa.inspect(engine).get_table_names()
    )
    engine.dispose()


def test_erasing_a_person_erases_everything_that_points_at_her(url: str) -> None:
    engine = make_engine(url)
    with engine.begin() as connection:
        person = connection.execute(
            sa.insert(people).values(
                key="k" * 32, channel="rest", language="fi", created_at=NOW, last_seen_at=NOW
            )
        ).inserted_primary_key[0]
        connection.execute(
            sa.insert(consents).values(
                person_id=person,
                purpose="intake",
                granted=True,
                notice_version="1",
                language="fi",
                at=NOW,
            )
        )
        connection.execute(
            sa.insert(intake_answers).values(
                person_id=person,
                version=1,
                answers="{}",
                completed=False,
                created_at=NOW,
                updated_at=NOW,
            )
        )
        connection.execute(sa.insert(feedback).values(person_id=person, kind="answer", at=NOW))
    with engine.begin() as connection:
        connection.execute(sa.delete(people).where(people.c.id == person))
    with engine.connect() as connection:
        for table in (consents, intake_answers, feedback):
            assert connection.execute(sa.select(sa.func.count()).select_from(table)).scalar() == 0
    engine.dispose()


def test_the_question_log_works_on_both_databases(url: str) -> None:
    engine = make_engine(url)
    log = QuestionLog(engine)
    log.record(
        person="a",
        language="pl",
        country="PL",
        outcome="answered",
        article_id="pl-taxes-vat",
        score=0.4,
        question=None,
    )
    log.record(
        person="a",
        language="pl",
        country=None,
        outcome="declined",
        article_id=None,
        score=0.05,
        question="jaka pogoda",
    )
    log.record(
        person="b",
        language="pl",
        country=None,
        outcome="unsure",
        article_id=None,
        score=0.1,
        question="jaka pogoda",
    )
    assert log.rate("a", "pl-taxes-vat", helpful=True)
    assert not log.rate("b", "pl-taxes-vat", helpful=False)  # b never got that answer
    assert [(g["question"], g["times"]) for g in log.gaps()] == [("jaka pogoda", 2)]
    tomorrow = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=1)
    assert log.gaps(since=tomorrow) == []
    engine.dispose()


def test_the_cli_applies_the_migrations(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    from alembic.script import ScriptDirectory

    from bot.cli import main
    from bot.storage import MIGRATIONS_DIR

    head = ScriptDirectory(str(MIGRATIONS_DIR)).get_current_head()
    assert main(["db-upgrade", "--database", url]) == 0
    assert f"is at revision {head}" in capsys.readouterr().out


def test_forgetting_a_person_removes_her_rows_and_no_one_elses(url: str) -> None:
    from bot.storage import forget_person

    engine = make_engine(url)
    log = QuestionLog(engine)
    for person in ("her", "other"):
        log.record(
            person=person,
            language="es",
            country=None,
            outcome="unsure",
            article_id=None,
            score=0.1,
            question=f"pregunta de {person}",
        )
    with engine.begin() as connection:
        connection.execute(
            sa.insert(people).values(key="her", channel="rest", created_at=NOW, last_seen_at=NOW)
        )
    assert forget_person(engine, "her") == 2
    assert [g["question"] for g in log.gaps()] == ["pregunta de other"]
    with engine.connect() as connection:
        assert connection.execute(sa.select(sa.func.count()).select_from(people)).scalar() == 0
    engine.dispose()


def test_purge_removes_only_what_is_older_than_the_retention_period(
    url: str, tmp_path: Path
) -> None:
    from bot.storage.requests import purge, tracker_engine

    now = dt.datetime.now(dt.timezone.utc)
    old, recent = now - dt.timedelta(days=400), now - dt.timedelta(days=3)
    tracker = tracker_engine(str(tmp_path / "tracker.db"))
    with tracker.begin() as connection:
        connection.execute(
            sa.text(
                "CREATE TABLE events (sender_id TEXT, type_name TEXT, timestamp REAL, data TEXT)"
            )
        )
        for when in (old, recent):
            connection.execute(
                sa.text("INSERT INTO events VALUES ('her', 'user', :t, '{}')"),
                {"t": when.timestamp()},
            )
    engine = make_engine(url)
    log = QuestionLog(engine)
    log.record(
        person="her",
        language="en",
        country=None,
        outcome="unsure",
        article_id=None,
        score=0.1,
        question="recent question",
    )
    with engine.begin() as connection:
        connection.execute(
            sa.update(sa.table("kb_questions", sa.column("asked_at"))).values(asked_at=recent)
        )
        connection.execute(
            sa.insert(
                sa.table(
                    "kb_questions",
                    *(
                        sa.column(c)
                        for c in ("asked_at", "language", "outcome", "score", "question")
                    ),
                )
            ).values(
                asked_at=old, language="en", outcome="unsure", score=0.1, question="old question"
            )
        )
        for number, when in ((1, old), (2, recent)):  # delivery ids: kept 8 days
            connection.execute(
                sa.insert(deliveries).values(
                    channel="telegram", delivery_id=str(number), received_at=when
                )
            )
        for key, seen in (("old", old), ("recent", recent)):
            connection.execute(
                sa.insert(people).values(
                    key=key, channel="rest", created_at=seen, last_seen_at=seen
                )
            )
            # when a messenger contact last wrote: kept 30 days (the window is 24 hours)
            connection.execute(
                sa.insert(contact_windows).values(
                    channel="whatsapp", contact=key, last_inbound_at=seen
                )
            )
    removed = purge(engine, tracker, dt.timedelta(days=180))
    assert removed == {
        "conversation_events": 1,
        "questions": 1,
        "people": 1,
        "deliveries": 1,
        "contact_windows": 1,
    }
    assert [g["question"] for g in log.gaps()] == ["recent question"]
    with tracker.connect() as connection:
        assert connection.execute(sa.text("SELECT COUNT(*) FROM events")).scalar() == 1
    engine.dispose()


def test_the_purge_command_reads_days(url: str, tmp_path: Path, capsys) -> None:
    from bot.cli import main

    tracker = str(tmp_path / "none.db")
    assert (
        main(
            ["privacy", "purge", "--older-than", "30d", "--database", url, "--tracker-db", tracker]
        )
        == 0
    )
    assert "older than 30 days" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["privacy", "purge", "--older-than", "soon", "--database", url])
