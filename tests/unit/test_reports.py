"""The partners' reports on hand-made rows: the figures a partner reads, filters and formats."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from bot.cli import main
from bot.intake.survey import FIELDS
from bot.reports import Filters, build, render
from bot.reports.model import Breakdown, CrossTable
from bot.reports.suppression import HIDDEN, SMALL
from bot.storage import make_engine
from bot.storage.schema import feedback, intake_answers, kb_questions, people

UTC = dt.timezone.utc
NOW = dt.datetime(2026, 11, 27, 12, tzinfo=UTC)
OCTOBER = dt.datetime(2026, 10, 15, 9, tzinfo=UTC)


def answers(**given: Any) -> dict[str, Any]:
    return {field: given.get(field) for field in FIELDS}


def add_person(
    connection: Any, key: str, *versions: tuple[dict[str, Any], bool, dt.datetime]
) -> int:
    pid = connection.execute(
        sa.insert(people).values(
            key=key, channel="rest", language="en", created_at=OCTOBER, last_seen_at=OCTOBER
        )
    ).inserted_primary_key[0]
    for number, (given, completed, at) in enumerate(versions, start=1):
        connection.execute(
            sa.insert(intake_answers).values(
                person_id=pid,
                version=number,
                answers=json.dumps(given),
                completed=completed,
                created_at=at,
                updated_at=at,
            )
        )
    return int(pid)


@pytest.fixture
def url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'imentor.db'}"


@pytest.fixture
def engine(url: str) -> Engine:
    engine = make_engine(url)
    yield engine
    engine.dispose()


@pytest.fixture
def needs_db(engine: Engine) -> Engine:
    """14 people counted: FI 7 (one of them after redoing it), ES 5, SK 1, PT 1."""
    owner = answers(
        role="business_owner",
        country="FI",
        city="Oulu",
        stage="running_new",
        sector="food",
        topics=["taxes_vat", "marketing"],
        languages=["ar", "en"],
        mentor_type="volunteer",
        channel="whatsapp",
    )
    planner = answers(
        role="planning",
        country="ES",
        city="Vigo",
        stage="idea",
        sector="beauty",
        topics=["business_plan", "finance", "business_plan"],
        languages=["es"],
        mentor_type="any",
        channel="this_chat",
    )
    with engine.begin() as connection:
        for n in range(6):
            add_person(connection, f"owner-{n}", (owner, True, OCTOBER))
        for n in range(5):
            add_person(connection, f"planner-{n}", (planner, True, OCTOBER))
        mentor = answers(role="mentor", country="SK", languages=["uk"], channel="telegram")
        add_person(connection, "mentor", (mentor, True, OCTOBER))
        add_person(
            connection, "unfinished", (answers(role="planning", country="ES"), False, OCTOBER)
        )
        before = answers(role="planning", country="TR", stage="idea", topics=["finance"])
        after = answers(
            role="business_owner",
            country="FI",
            stage="registering",
            sector="food",
            topics=["taxes_vat"],
            languages=["ar"],
            mentor_type="volunteer",
            channel="whatsapp",
        )
        add_person(
            connection,
            "moved",
            (before, True, dt.datetime(2026, 9, 1, tzinfo=UTC)),
            (after, True, dt.datetime(2026, 11, 20, tzinfo=UTC)),
        )
        shop = answers(
            role="business_owner",
            country="PT",
            stage="running_long",
            sector="retail",
            topics=["online_selling"],
            languages=["pt"],
            mentor_type="volunteer",
            channel="this_chat",
        )
        add_person(
            connection,
            "shop",
            (shop, True, OCTOBER),
            ({**shop, "country": "ES"}, False, dt.datetime(2026, 11, 1, tzinfo=UTC)),
        )
    return engine


def section(report: Any, key: str) -> Any:
    return next(s for s in report.sections if s.key == key)


def counts(breakdown: Breakdown) -> dict[str, Any]:
    return {row.id: row.cell.shown for row in breakdown.rows}


def test_the_needs_report_counts_each_persons_latest_completed_intake(needs_db: Engine) -> None:
    report = build(needs_db, "needs", Filters(), NOW)
    assert report.population.shown == 14 and not report.too_few
    country = section(report, "country")
    assert counts(country) == {"FI": 7, "SK": SMALL, "TR": 0, "ES": 5, "PL": 0, "PT": SMALL}
    assert country.rows[0].label == "Finland" and country.rows[0].cell.share == 0.5
    # a lone small cell (the mentor) hides the next smallest (the 5 planners)
    assert counts(section(report, "role")) == {
        "business_owner": 8,
        "planning": HIDDEN,
        "mentor": SMALL,
        "information": 0,
    }
    assert counts(section(report, "stage")) == {
        "idea": 5,
        "registering": SMALL,
        "running_new": 6,
        "running_long": SMALL,
        "not_answered": SMALL,
    }


def test_several_answers_count_once_each_and_a_repeated_one_once(needs_db: Engine) -> None:
    report = build(needs_db, "needs", Filters(), NOW)
    topics = section(report, "topics")
    assert topics.multiple
    got = counts(topics)
    assert [k for k, v in got.items() if v not in (0,)][:4] == [
        "taxes_vat",
        "marketing",
        "business_plan",
        "finance",
    ]
    assert (got["taxes_vat"], got["marketing"], got["business_plan"], got["finance"]) == (
        7,
        6,
        5,
        5,
    )
    assert got["online_selling"] == SMALL and got["not_answered"] == SMALL and got["pricing"] == 0
    assert section(report, "topics").rows[0].cell.share == 0.5  # of the 14 people
    languages = counts(section(report, "languages"))
    assert (languages["ar"], languages["en"], languages["es"]) == (7, 6, 5)
    assert languages["uk"] == SMALL and languages["pt"] == SMALL
    assert counts(section(report, "channel")) == {
        "this_chat": HIDDEN,
        "telegram": SMALL,
        "whatsapp": 7,
    }


def test_the_topic_by_country_table_shows_what_each_country_needs(needs_db: Engine) -> None:
    table = section(build(needs_db, "needs", Filters(), NOW), "topics_by_country")
    assert isinstance(table, CrossTable)
    assert [c.id for c in table.columns] == ["FI", "SK", "ES", "PT"]
    assert table.cells["taxes_vat"]["FI"].shown == 7
    assert table.cells["taxes_vat"]["FI"].share == 1.0  # all 7 Finnish people
    assert table.cells["business_plan"]["ES"].shown == 5
    assert table.cells["online_selling"]["PT"].shown == SMALL
    assert table.cells["taxes_vat"]["ES"].shown == 0


def test_filters_pick_the_country_and_the_version_finished_in_the_window(
    needs_db: Engine,
) -> None:
    finland = build(needs_db, "needs", Filters(country="FI"), NOW)
    assert finland.population.shown == 7
    assert counts(section(finland, "country"))["FI"] == 7
    october = build(needs_db, "needs", Filters(until=dt.date(2026, 10, 31)), NOW)
    assert counts(section(october, "country"))["FI"] == 6
    assert counts(section(october, "country"))["TR"] == SMALL  # her first answers, then
    recent = build(needs_db, "needs", Filters(since=dt.date(2026, 11, 1)), NOW)
    assert recent.too_few and recent.population.shown == SMALL and recent.sections == ()
    nobody = build(needs_db, "needs", Filters(country="PL"), NOW)
    assert nobody.too_few and nobody.population.shown == 0


@pytest.fixture
def guiding_db(engine: Engine) -> Engine:
    """k1-k6 in Finland, k7-k9 in Spain; 30 questions, one of them anonymous."""
    rows: list[dict[str, Any]] = []

    def ask(person: str | None, outcome: str, **values: Any) -> None:
        rows.append(
            {
                "asked_at": values.pop("at", OCTOBER),
                "person": person,
                "language": "en",
                "country": None,
                "outcome": outcome,
                "article_id": None,
                "score": 0.5,
                "question": None,
                "helpful": None,
                **values,
            }
        )

    for i in range(1, 7):
        ask(f"k{i}", "answered", article_id="fi-taxes-vat", country="FI", helpful=True)
        ask(
            f"k{i}",
            "answered",
            article_id="fi-taxes-vat",
            country="FI",
            helpful=None if i <= 4 else False,
        )
    for i in range(1, 6):
        ask(f"k{i}", "answered", article_id="fi-self-employment", country="FI", helpful=True)
    for i in range(7, 10):
        ask(f"k{i}", "answered", article_id="pricing")
    ask(None, "answered", article_id="pricing", country="PT")
    ask("k1", "offered")
    ask("k2", "offered")
    ask("k3", "asked_country")
    for i in (4, 5, 6):
        ask(f"k{i}", "unsure", question="how do I open a food truck")
    for i in (7, 8):
        ask(
            f"k{i}",
            "unsure",
            question="<script>alert(1)</script>",
            at=dt.datetime(2026, 11, 20, tzinfo=UTC),
        )
    ask("k9", "declined", question="weather tomorrow")
    with engine.begin() as connection:
        ids = {}
        for i in range(1, 10):
            country = "FI" if i <= 6 else "ES"
            ids[i] = add_person(connection, f"k{i}", (answers(country=country), True, OCTOBER))
        connection.execute(sa.insert(kb_questions), rows)
        notes: list[dict[str, Any]] = []
        for i, rating in zip(range(1, 9), (5, 5, 5, 5, 5, 4, 4, 1), strict=True):
            notes.append({"person_id": ids[i], "kind": "conversation", "rating": rating})
        for i, rating in zip(range(1, 8), (5, 5, 5, 5, 5, 5, 4), strict=True):
            notes.append({"person_id": ids[i], "kind": "session", "rating": rating})
        for i, comment in zip(range(1, 8), ("more on VAT",) * 5 + ("  ", None), strict=True):
            notes.append(
                {
                    "person_id": ids[i],
                    "kind": "answer",
                    "article_id": "fi-taxes-vat",
                    "comment": comment,
                }
            )
        connection.execute(
            sa.insert(feedback),
            [
                {
                    "article_id": None,
                    "helpful": None,
                    "rating": None,
                    "comment": None,
                    **n,
                    "at": OCTOBER,
                }
                for n in notes
            ],
        )
    return engine


def figures(report: Any) -> dict[str, Any]:
    return {f.key: f.cell.shown for f in report.figures}


def test_the_guiding_report_gives_the_figures_a_partner_reads(guiding_db: Engine) -> None:
    report = build(guiding_db, "guiding", Filters(), NOW)
    assert report.population.shown == 9 and not report.too_few
    assert figures(report) == {
        "conversations": 9,
        "questions": 30,
        "anonymous_questions": SMALL,
        "answered": 21,
        "offered": SMALL,
        "asked_country": SMALL,
        "fallback": 6,
        "missing_comments": 5,
        "conversation_rating": 8,
        "session_rating": 7,
    }
    shares = {f.key: f.cell.share for f in report.figures}
    assert shares["answered"] == 0.7 and shares["fallback"] == 0.2
    conversation = section(report, "conversation_rating")
    assert counts(conversation) == {"5": 5, "4": SMALL, "3": 0, "2": 0, "1": SMALL}
    assert conversation.mean == 4.25
    session = section(report, "session_rating")
    assert counts(session) == {"5": HIDDEN, "4": SMALL, "3": 0, "2": 0, "1": 0}
    assert session.mean == 4.86


def test_helpfulness_per_article_hides_what_the_answers_total_would_give_away(
    guiding_db: Engine,
) -> None:
    articles = {
        r.id: r for r in section(build(guiding_db, "guiding", Filters(), NOW), "helpfulness").rows
    }
    assert list(articles) == ["fi-taxes-vat", "fi-self-employment", "pricing"]
    taxes, self_employment, pricing = articles.values()
    assert (taxes.answered.shown, taxes.helpful.shown, taxes.unhelpful.shown) == (12, 6, SMALL)
    assert taxes.helpful_share is None  # it would give the 👎 away
    assert taxes.label != "fi-taxes-vat"  # the article's English title
    assert self_employment.answered.shown == HIDDEN  # pricing's <5 would follow from the total
    assert (self_employment.helpful.shown, self_employment.helpful_share) == (5, 1.0)
    assert pricing.answered.shown == SMALL


def test_top_unanswered_questions_list_only_those_asked_twice_or_more(guiding_db: Engine) -> None:
    questions = section(build(guiding_db, "guiding", Filters(), NOW), "unanswered_questions")
    assert [(q.text, q.times) for q in questions.rows] == [
        ("how do I open a food truck", 3),
        ("<script>alert(1)</script>", 2),
    ]


def test_the_country_filter_uses_the_askers_country_when_the_question_has_none(
    guiding_db: Engine,
) -> None:
    finland = build(guiding_db, "guiding", Filters(country="FI"), NOW)
    assert figures(finland)["questions"] == 23
    assert figures(finland)["conversations"] == 6
    assert [q.text for q in section(finland, "unanswered_questions").rows] == [
        "how do I open a food truck"
    ]
    ratings = section(finland, "conversation_rating")
    assert counts(ratings) == {"5": HIDDEN, "4": SMALL, "3": 0, "2": 0, "1": 0}
    spain = build(guiding_db, "guiding", Filters(country="ES"), NOW)
    assert spain.too_few and spain.population.shown == SMALL and not spain.figures


def test_the_date_filter_applies_to_questions_and_feedback(guiding_db: Engine) -> None:
    recent = build(guiding_db, "guiding", Filters(since=dt.date(2026, 11, 1)), NOW)
    assert recent.too_few and recent.population.shown == SMALL
    october = build(guiding_db, "guiding", Filters(until=dt.date(2026, 10, 31)), NOW)
    assert figures(october)["questions"] == 28


def test_json_has_stable_keys_and_small_numbers_as_strings(guiding_db: Engine) -> None:
    data = json.loads(render(build(guiding_db, "guiding", Filters(country="FI"), NOW), "json"))
    assert data["report"] == "guiding"
    assert data["filters"] == {"country": "FI", "since": None, "until": None}
    assert data["generated_at"] == "2026-11-27T12:00:00+00:00"
    assert data["population"]["count"] == 6
    assert {f["key"]: f["count"] for f in data["figures"]}["offered"] == SMALL
    outcomes = next(s for s in data["sections"] if s["key"] == "outcomes")
    assert outcomes["type"] == "breakdown" and outcomes["total"] == 23
    assert {r["id"]: (r["count"], r["share"]) for r in outcomes["rows"]} == {
        "answered": (17, round(17 / 23, 4)),
        "offered": (SMALL, None),
        "asked_country": (SMALL, None),
        "fallback": (SMALL, None),
    }


def test_csv_is_long_format_and_cannot_smuggle_a_formula(engine: Engine) -> None:
    with engine.begin() as connection:
        for n in range(5):
            add_person(connection, f"p{n}", (answers(country="PL"), True, OCTOBER))
        connection.execute(
            sa.insert(kb_questions),
            [
                {
                    "asked_at": OCTOBER,
                    "person": f"p{n}",
                    "language": "pl",
                    "outcome": "unsure" if n < 2 else "answered",
                    "article_id": None if n < 2 else "pl-taxes-vat",
                    "score": 0.1,
                    "question": '=HYPERLINK("x")' if n < 2 else None,
                }
                for n in range(5)
            ],
        )
    text = render(build(engine, "guiding", Filters(), NOW), "csv")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["section", "category", "value", "count", "share"]
    assert ["report", "kind", "guiding", "", ""] in rows
    assert ["summary", "questions", "Questions asked", "5", ""] in rows
    assert ["outcomes", "answered", "Answered without a mentor", SMALL, ""] in rows
    assert ["unanswered_questions", "pl", '\'=HYPERLINK("x")', "2", ""] in rows
    assert all(len(row) == 5 for row in rows)


def test_html_is_one_self_contained_accessible_page(guiding_db: Engine) -> None:
    page = render(build(guiding_db, "guiding", Filters(), NOW), "html")
    assert page.startswith("<!DOCTYPE html>") and '<html lang="en">' in page
    assert "<script" not in page.lower() and "http" not in page.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert page.count('<svg class="chart" role="img"') == 3  # outcomes and the two ratings
    assert page.count("<table>") == 5
    assert 'aria-labelledby="chart-outcomes-t chart-outcomes-d"' in page
    assert '<title id="chart-outcomes-t">' in page
    assert "2026-11-27 12:00 UTC" in page and "all countries" in page
    assert "shown as “&lt;5”" in page  # the note on small numbers


def test_html_of_too_few_people_says_so_and_shows_no_breakdown(needs_db: Engine) -> None:
    page = render(build(needs_db, "needs", Filters(country="SK"), NOW), "html")
    assert "fewer than 5 people" in page and "<svg" not in page and "<table" not in page
    assert "Slovakia (SK)" in page


def test_needs_html_draws_a_bar_chart_per_breakdown(needs_db: Engine) -> None:
    page = render(build(needs_db, "needs", Filters(), NOW), "html")
    assert page.count('<svg class="chart"') == 8
    assert '<rect class="bar"' in page and "http" not in page and "<script" not in page


def test_the_cli_writes_a_report_to_a_file_or_standard_output(
    needs_db: Engine, url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "needs.json"
    args = ["report", "needs", "--database", url, "--format", "json", "--country", "fi"]
    assert main([*args, "--out", str(out)]) == 0
    assert json.loads(out.read_text(encoding="utf-8"))["population"]["count"] == 7
    assert main(["report", "guiding", "--database", url, "--format", "csv"]) == 0
    assert capsys.readouterr().out.startswith("section,category,value,count,share\n")


@pytest.mark.parametrize(
    "bad",
    [
        ["--since", "2026-13-01"],
        ["--until", "yesterday"],
        ["--country", "DE"],
        ["--format", "pdf"],
    ],
)
def test_bad_dates_and_countries_are_refused_with_exit_code_2(
    bad: list[str], url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["report", "needs", "--database", url, *bad])
    assert exit_.value.code == 2
    assert "error: argument" in capsys.readouterr().err


def test_a_window_that_ends_before_it_starts_is_refused(
    url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    args = [
        "report",
        "guiding",
        "--database",
        url,
        "--since",
        "2026-11-02",
        "--until",
        "2026-11-01",
    ]
    assert main(args) == 2
    assert "is after --until" in capsys.readouterr().err
