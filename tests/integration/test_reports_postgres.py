"""The reports on PostgreSQL: demo data and both reports, with the same figures as on SQLite."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path
from typing import Iterator

import pytest

from bot.cli import main
from bot.reports import Filters, build, render
from bot.reports.demo import fill, load_articles
from bot.storage import make_engine
from tests.auxil.databases import POSTGRES, postgres_database

NOW = dt.datetime(2026, 11, 27, tzinfo=dt.timezone.utc)


@pytest.fixture
def postgres_url() -> Iterator[str]:
    databases = postgres_database()  # skipped without PostgreSQL, unless CI=true
    name = next(databases)
    yield f"postgresql://{POSTGRES['username']}@{POSTGRES['host']}:{POSTGRES['port']}/{name}"
    databases.close()  # drops the database


def test_demo_data_and_both_reports_run_on_postgresql(
    postgres_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["demo-data", "--database", postgres_url, "--people", "150"]) == 0
    assert main(["demo-data", "--database", postgres_url, "--people", "150"]) == 0  # replaces
    assert "150 earlier demo people replaced" in capsys.readouterr().out
    for kind in ("needs", "guiding"):
        out = tmp_path / f"{kind}.json"
        args = ["report", kind, "--database", postgres_url, "--format", "json", "--out", str(out)]
        assert main(args) == 0
        data = json.loads(out.read_text(encoding="utf-8"))
        assert not data["too_few"] and data["population"]["count"] > 100
        assert data["sections"]
        page = tmp_path / f"{kind}.html"
        assert main(["report", kind, "--database", postgres_url, "--out", str(page)]) == 0
        assert "<svg" in page.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "filters",
    [Filters(), Filters(country="ES", since=dt.date(2026, 9, 1), until=dt.date(2026, 11, 15))],
)
def test_postgresql_and_sqlite_give_the_same_figures(
    postgres_url: str, tmp_path: Path, filters: Filters
) -> None:
    articles = load_articles()
    reports = []
    for url in (postgres_url, f"sqlite:///{tmp_path / 'demo.db'}"):
        engine = make_engine(url)
        fill(engine, 120, 11, now=NOW, articles=articles, force=True)
        for kind in ("needs", "guiding"):
            report = dataclasses.replace(build(engine, kind, filters, NOW), generated_at=NOW)
            reports.append(json.loads(render(report, "json")))
        engine.dispose()
    assert reports[:2] == reports[2:]
