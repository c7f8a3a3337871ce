"""`imentor demo-data`: realistic made-up rows, the same for a seed, never mixed with real data."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from pathlib import Path

import pytest
import sqlalchemy as sa

from bot.cli import main
from bot.knowledge.articles import article_files, read_article
from bot.reports import Filters, build
from bot.reports.demo import DAYS, RealDataError, fill, generate, load_articles
from bot.storage import make_engine
from bot.storage.schema import handoffs, intake_answers, kb_questions, people

NOW = dt.datetime(2026, 11, 27, tzinfo=dt.timezone.utc)


@pytest.fixture(scope="module")
def articles():
    return load_articles()


@pytest.fixture(scope="module")
def rows(articles) -> dict:
    return generate(400, 2026, NOW, articles)


def test_the_same_seed_gives_the_same_rows_and_another_seed_others(articles, rows) -> None:
    assert generate(400, 2026, NOW, articles) == rows
    assert generate(400, 7, NOW, articles)["questions"] != rows["questions"]


def test_demo_people_are_marked_as_such_and_spread_over_the_last_120_days(rows) -> None:
    assert [p["key"] for p in rows["people"]] == [f"demo-{n}" for n in range(1, 401)]
    assert {p["channel"] for p in rows["people"]} == {"demo"}
    moments = [q["asked_at"] for q in rows["questions"]] + [p["created_at"] for p in rows["people"]]
    assert NOW - dt.timedelta(days=DAYS) <= min(moments) and max(moments) <= NOW
    assert max(moments) - min(moments) > dt.timedelta(days=DAYS - 10)


def test_intakes_have_versions_and_some_are_never_finished(rows) -> None:
    by_person: dict[str, list[dict]] = {}
    for row in rows["intakes"]:
        by_person.setdefault(row["key"], []).append(row)
    assert sum(len(v) == 2 for v in by_person.values()) > 20
    never = sum(not any(r["completed"] for r in v) for v in by_person.values())
    assert 0.06 < never / len(by_person) < 0.15
    answers = [json.loads(r["answers"]) for r in rows["intakes"] if r["completed"]]
    sectors = Counter(a["sector"] for a in answers if a["sector"])
    assert {s for s, _ in sectors.most_common(4)} == {"food", "beauty", "retail", "care_health"}
    ideas = Counter(t for a in answers if a["stage"] == "idea" for t in a["topics"] or [])
    running = Counter(t for a in answers if a["stage"] == "running_new" for t in a["topics"] or [])
    assert ideas["business_plan"] > ideas["marketing"]
    assert running["marketing"] > running["business_plan"]
    languages = Counter(code for a in answers for code in a["languages"] or [])
    assert {"ar", "ru", "uk", "es", "fa", "so"} <= set(languages)


def test_questions_use_real_articles_and_a_realistic_mix_of_outcomes(articles, rows) -> None:
    ids = {a.id for a in articles}
    questions = rows["questions"]
    assert {q["article_id"] for q in questions if q["article_id"]} <= ids
    outcomes = Counter(q["outcome"] for q in questions)
    assert 0.7 < outcomes["answered"] / len(questions) < 0.82
    assert set(outcomes) == {"answered", "offered", "asked_country", "unsure", "declined"}
    rated = [q["helpful"] for q in questions if q["helpful"] is not None]
    assert rated.count(True) > rated.count(False) > 0
    unanswered = Counter((q["question"], q["language"]) for q in questions if q["question"])
    assert 35 <= len(unanswered) <= 45 and max(unanswered.values()) == 8
    assert len({language for _, language in unanswered}) >= 8
    assert all(q["question"] is None for q in questions if q["outcome"] == "answered")


def test_ratings_lean_positive(rows) -> None:
    ratings = [f["rating"] for f in rows["feedback"] if f["kind"] == "conversation"]
    assert 3.7 < sum(ratings) / len(ratings) < 4.4 and min(ratings) == 1
    assert any(f["kind"] == "session" for f in rows["feedback"])
    assert any(f["kind"] == "answer" and f["comment"] for f in rows["feedback"])


def test_the_demo_reads_every_article_of_the_knowledge_base(articles) -> None:
    assert [a.id for a in articles] == sorted(read_article(p).id for p in article_files())


def count(engine: sa.engine.Engine, table: sa.Table) -> int:
    with engine.connect() as connection:
        return int(connection.execute(sa.select(sa.func.count()).select_from(table)).scalar())


def test_filling_twice_replaces_the_demo_rows_instead_of_adding_to_them(
    tmp_path: Path, articles
) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'demo.db'}")
    first = fill(engine, 60, 3, now=NOW, articles=articles)
    sizes = (count(engine, people), count(engine, intake_answers), count(engine, kb_questions))
    second = fill(engine, 60, 3, now=NOW, articles=articles)
    assert second.removed == 60 and first.people == second.people == 60
    assert (
        count(engine, people),
        count(engine, intake_answers),
        count(engine, kb_questions),
    ) == sizes
    report = build(engine, "needs", Filters(), NOW)
    assert not report.too_few and isinstance(report.population.shown, int)
    requests = count(engine, handoffs)
    assert requests == first.handoffs == second.handoffs > 0  # replaced, not added to
    mentoring = build(engine, "mentoring", Filters(), NOW)
    assert not mentoring.too_few and mentoring.population.shown == requests
    engine.dispose()


def test_a_database_with_real_people_is_refused_unless_forced(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'real.db'}"
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(
            sa.insert(people).values(key="a" * 32, channel="rest", created_at=NOW, last_seen_at=NOW)
        )
    with pytest.raises(RealDataError):
        fill(engine, 10, now=NOW)
    assert main(["demo-data", "--database", url, "--people", "10"]) == 2
    assert "refusing" in capsys.readouterr().err
    assert count(engine, people) == 1
    assert main(["demo-data", "--database", url, "--people", "10", "--force"]) == 0
    assert "10 people" in capsys.readouterr().out
    assert count(engine, people) == 11
    engine.dispose()


def test_logged_questions_of_real_people_count_as_real_data(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'log.db'}")
    with engine.begin() as connection:
        connection.execute(
            sa.insert(kb_questions).values(
                asked_at=NOW, person="f" * 32, language="fi", outcome="answered", score=0.5
            )
        )
    with pytest.raises(RealDataError):
        fill(engine, 10, now=NOW)
    engine.dispose()


def test_the_command_needs_a_positive_number_of_people(tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["demo-data", "--database", f"sqlite:///{tmp_path / 'x.db'}", "--people", "0"])
    assert exit_.value.code == 2
