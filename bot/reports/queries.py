"""Reading what the reports count (SQLAlchemy Core, the same on SQLite and PostgreSQL).

JSON columns are read as text and parsed here, so no database's JSON functions are needed.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any, Iterable

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from bot.reports.model import Filters
from bot.storage.schema import feedback, intake_answers, kb_questions, people

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Intake:
    """One person's answers, as the needs report reads them."""

    person_id: int
    version: int
    answers: dict[str, Any]

    @property
    def country(self) -> str | None:
        value = self.answers.get("country")
        return str(value).upper() if value else None


def _answers(text: str | None, person_id: int) -> dict[str, Any] | None:
    try:
        value = json.loads(text or "{}")
    except ValueError:
        logger.warning("reports: person %s has intake answers that are not JSON", person_id)
        return None
    return value if isinstance(value, dict) else None


def in_window(column: Any, filters: Filters) -> list[Any]:
    conditions = []
    if filters.start() is not None:
        conditions.append(column >= filters.start())
    if filters.end() is not None:
        conditions.append(column < filters.end())
    return conditions


def latest_intakes(connection: Connection, filters: Filters) -> list[Intake]:
    """Each person's latest completed intake among those finished in the window (and in the
    country, when asked)."""
    query = (
        sa.select(intake_answers.c.person_id, intake_answers.c.version, intake_answers.c.answers)
        .where(intake_answers.c.completed.is_(True))
        .where(*in_window(intake_answers.c.updated_at, filters))
        .order_by(intake_answers.c.person_id, intake_answers.c.version)
    )
    latest: dict[int, Intake] = {}
    for row in connection.execute(query):
        answers = _answers(row.answers, row.person_id)
        if answers is not None:
            latest[row.person_id] = Intake(row.person_id, row.version, answers)
    intakes = list(latest.values())
    if filters.country:
        intakes = [i for i in intakes if i.country == filters.country]
    return intakes


def intake_countries(connection: Connection) -> dict[str, str]:
    """Each person's country (by people.key), from her latest intake that names one."""
    query = (
        sa.select(people.c.key, intake_answers.c.answers)
        .join(people, people.c.id == intake_answers.c.person_id)
        .order_by(intake_answers.c.person_id, intake_answers.c.version)
    )
    countries: dict[str, str] = {}
    for row in connection.execute(query):
        answers = _answers(row.answers, 0) or {}
        if answers.get("country"):
            countries[row.key] = str(answers["country"]).upper()
    return countries


@dataclass(frozen=True)
class QuestionGroup:
    """Questions the knowledge base handled, counted by who asked, the outcome and article."""

    person: str | None
    country: str | None  # the question's own country, else the asker's intake country
    outcome: str
    article_id: str | None
    helpful: bool | None
    count: int


def question_groups(
    connection: Connection, filters: Filters, countries: dict[str, str]
) -> list[QuestionGroup]:
    c = kb_questions.c
    query = (
        sa.select(c.person, c.country, c.outcome, c.article_id, c.helpful, sa.func.count())
        .where(*in_window(c.asked_at, filters))
        .group_by(c.person, c.country, c.outcome, c.article_id, c.helpful)
    )
    groups = []
    for person, country, outcome, article_id, helpful, count in connection.execute(query):
        where = (country or countries.get(person or "") or "").upper() or None
        if filters.country and where != filters.country:
            continue
        groups.append(QuestionGroup(person, where, outcome, article_id, helpful, int(count)))
    return groups


@dataclass(frozen=True)
class UnansweredText:
    question: str
    language: str
    count: int


def unanswered_texts(
    connection: Connection,
    filters: Filters,
    countries: dict[str, str],
    outcomes: Iterable[str],
) -> list[UnansweredText]:
    c = kb_questions.c
    query = (
        sa.select(c.question, c.language, c.person, c.country, sa.func.count())
        .where(c.outcome.in_(tuple(outcomes)))
        .where(c.question.is_not(None))
        .where(*in_window(c.asked_at, filters))
        .group_by(c.question, c.language, c.person, c.country)
    )
    totals: dict[tuple[str, str], int] = {}
    for question, language, person, country, count in connection.execute(query):
        where = (country or countries.get(person or "") or "").upper() or None
        if filters.country and where != filters.country:
            continue
        key = (question, language)
        totals[key] = totals.get(key, 0) + int(count)
    return [UnansweredText(q, lang, n) for (q, lang), n in totals.items()]


@dataclass(frozen=True)
class Feedback:
    kind: str
    person: str | None  # people.key
    rating: int | None
    comment: str | None


def feedback_rows(
    connection: Connection, filters: Filters, countries: dict[str, str]
) -> list[Feedback]:
    f = feedback.c
    query = (
        sa.select(f.kind, people.c.key, f.rating, f.comment)
        .select_from(feedback.outerjoin(people, people.c.id == f.person_id))
        .where(*in_window(f.at, filters))
    )
    rows = []
    for kind, key, rating, comment in connection.execute(query):
        if filters.country and countries.get(key or "") != filters.country:
            continue
        rows.append(Feedback(kind, key, rating, comment))
    return rows
