"""The knowledge-base checker: what makes an article acceptable, and what it refuses."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot import SUPPORTED_LANGUAGES
from bot.cli import main
from bot.knowledge.articles import KNOWLEDGE_DIR
from bot.knowledge.lint import lint

TODAY = dt.date(2026, 11, 26)


def article(article_id: str = "what-is-mentoring", **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": article_id,
        "topic": "mentoring",
        "countries": ["all"],
        "level": "basic",
        "audience": "both",
        "sources": [{"title": "Programme site", "url": "https://example.org/mentoring"}],
        "reviewed": "2026-10-01",
        "translations": {
            code: {
                "status": "reviewed",
                "title": f"{article_id} ({code})",
                "answer": f"Answer of {article_id} in {code}.",
                "questions": [f"{article_id} question {n} {code}" for n in range(3)],
            }
            for code in SUPPORTED_LANGUAGES
        },
    }
    body.update(changes)
    return body


@pytest.fixture
def kb(tmp_path: Path) -> Path:
    shutil.copy(KNOWLEDGE_DIR / "topics.yml", tmp_path / "topics.yml")
    return tmp_path


def write(folder: Path, body: dict[str, Any], name: str | None = None) -> Path:
    path = folder / "mentoring" / f"{name or body['id']}.yml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(body, allow_unicode=True), encoding="utf-8")
    return path


def test_a_complete_article_passes(kb: Path) -> None:
    write(kb, article())
    report = lint(kb, TODAY)
    assert report.articles == 1 and report.errors == [] and report.warnings == []


def test_a_missing_language_is_an_error(kb: Path) -> None:
    body = article()
    del body["translations"]["uk"]
    write(kb, body)
    assert "what-is-mentoring.yml: no uk text" in lint(kb, TODAY).errors


def test_answers_must_be_chat_sized_and_questions_at_least_three(kb: Path) -> None:
    body = article()
    body["translations"]["fi"]["answer"] = "x" * 701
    body["translations"]["ar"]["questions"] = ["yksi", "kaksi"]
    write(kb, body)
    errors = lint(kb, TODAY).errors
    assert any("fi: answer has 701 characters" in e for e in errors)
    assert any("ar: needs at least 3 questions" in e for e in errors)


@pytest.mark.parametrize(
    "url", ["http://example.org", "https://", "https://exa mple.org", "ftp://x.org"]
)
def test_source_links_must_be_https_urls(kb: Path, url: str) -> None:
    write(kb, article(sources=[{"title": "x", "url": url}]))
    assert any("not a well-formed https URL" in e for e in lint(kb, TODAY).errors)


def test_a_question_may_belong_to_one_article_only(kb: Path) -> None:
    write(kb, article("first"))
    second = article("second")
    second["translations"]["es"]["questions"][0] = "FIRST question 0 es!"
    write(kb, second)
    assert any("is in several articles" in e for e in lint(kb, TODAY).errors)


def test_ids_are_unique_and_match_the_file_name(kb: Path) -> None:
    write(kb, article("same"), name="same")
    (kb / "other").mkdir()
    (kb / "other" / "same.yml").write_text(
        yaml.safe_dump(article("same", topic="pricing")), encoding="utf-8"
    )
    write(kb, article("mismatch"), name="elsewhere")
    errors = lint(kb, TODAY).errors
    assert any("is also used by" in e for e in errors)
    assert "elsewhere.yml: file name must be mismatch.yml" in errors


def test_reviews_older_than_a_year_warn_and_future_ones_fail(kb: Path) -> None:
    write(kb, article("old", reviewed="2025-06-01"))
    write(kb, article("future", reviewed="2027-01-01"))
    report = lint(kb, TODAY)
    assert any("old.yml: last reviewed 2025-06-01" in w for w in report.warnings)
    assert "future.yml: reviewed 2027-01-01 is in the future" in report.errors


def test_fields_must_take_known_values(kb: Path) -> None:
    write(kb, article(topic="astrology", level="expert", audience="everyone", countries=["DE"]))
    errors = lint(kb, TODAY).errors
    assert any("topic 'astrology'" in e for e in errors)
    assert any("level must be" in e for e in errors)
    assert any("audience must be" in e for e in errors)
    assert any("countries ['DE']" in e for e in errors)


def test_a_broken_file_is_reported_by_name(kb: Path) -> None:
    (kb / "mentoring").mkdir()
    (kb / "mentoring" / "broken.yml").write_text("id: [unclosed", encoding="utf-8")
    assert any(e.startswith("broken.yml: not valid YAML") for e in lint(kb, TODAY).errors)


def test_an_article_outside_a_topic_folder_is_reported(kb: Path) -> None:
    (kb / "stray.yml").write_text("id: stray", encoding="utf-8")
    assert any(
        e.startswith("stray.yml: articles go in a topic folder") for e in lint(kb, TODAY).errors
    )


def test_country_variants_must_not_overlap(kb: Path) -> None:
    for name in ("fi-one", "fi-two"):
        write(kb, article(name, group="one-question", countries=["FI"]))
    errors = lint(kb, TODAY).errors
    assert any("group 'one-question': FI is answered by both" in e for e in errors)


def test_the_cli_fails_on_errors(kb: Path) -> None:
    write(kb, article(level="expert"))
    assert main(["kb-lint", "--dir", str(kb)]) == 1
    assert main(["kb-lint"]) == 0
