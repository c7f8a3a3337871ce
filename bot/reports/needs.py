"""The needs report: who completed the intake, and what they need."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any, Iterable, Sequence

from sqlalchemy.engine import Engine

from bot.intake.survey import OPTIONS
from bot.knowledge.articles import COUNTRIES, read_topics
from bot.reports import suppression
from bot.reports.labels import knowledge_dir, label
from bot.reports.model import (
    NOT_ANSWERED,
    Breakdown,
    Column,
    CrossTable,
    Filters,
    Report,
    Row,
)
from bot.reports.queries import Intake, latest_intakes

# The options the intake offers, in the order it offers them (bot/intake/survey.py).
ROLES = OPTIONS["role"]
STAGES = OPTIONS["stage"]
SECTORS = OPTIONS["sector"]
MENTOR_TYPES = OPTIONS["mentor_type"]
CHANNELS = OPTIONS["channel"]


def topic_ids() -> tuple[str, ...]:
    try:
        return read_topics(knowledge_dir())
    except OSError:
        return ()


def _values(answers: dict[str, Any], key: str) -> list[str]:
    """A person's answer as a list of ids (each counted once); [] when skipped."""
    value = answers.get(key)
    if value is None or value == "":
        return []
    items = value if isinstance(value, list) else [value]
    return list(dict.fromkeys(str(v) for v in items if v not in (None, "")))


def _breakdown(
    key: str,
    title: str,
    description: str,
    intakes: Sequence[Intake],
    kind: str,
    options: Iterable[str],
    *,
    multiple: bool = False,
    by_count: bool = False,
) -> Breakdown:
    """Counts people per option (every known option shown, 0 included; unknown ids after
    them; "not answered" last). With `multiple`, each of a person's answers counts once."""
    counts: Counter[str] = Counter()
    for intake in intakes:
        values = (
            [intake.country]
            if key == "country" and intake.country
            else _values(intake.answers, key)
        )
        if not multiple:
            values = values[:1]
        for value in values or [NOT_ANSWERED]:
            counts[value] += 1
    known = list(options)
    extra = sorted(k for k in counts if k not in known and k != NOT_ANSWERED)
    order = known + extra
    if by_count:
        order.sort(key=lambda k: -counts[k])  # stable: ties keep the intake's order
    if counts[NOT_ANSWERED]:
        order.append(NOT_ANSWERED)
    people = len(intakes)
    cells = suppression.distribution({k: counts[k] for k in order}, base=people)
    rows = tuple(Row(k, label(kind, None if k == NOT_ANSWERED else k), cells[k]) for k in order)
    return Breakdown(
        key=key,
        title=title,
        description=description,
        unit="people",
        total=suppression.figure(people),
        rows=rows,
        multiple=multiple,
    )


def _topics_by_country(intakes: Sequence[Intake], topics: Sequence[str]) -> CrossTable:
    countries = [c for c in COUNTRIES if any(i.country == c for i in intakes)]
    countries += sorted({i.country for i in intakes if i.country and i.country not in countries})
    people = Counter(i.country for i in intakes if i.country)
    counts: dict[str, Counter[str]] = {}
    for intake in intakes:
        if not intake.country:
            continue
        for topic in _values(intake.answers, "topics"):
            counts.setdefault(topic, Counter())[intake.country] += 1
    order = [t for t in topics if t in counts] + sorted(t for t in counts if t not in topics)
    order.sort(key=lambda t: -sum(counts[t].values()))
    cells = suppression.table({t: counts[t] for t in order}, countries, column_bases=people)
    return CrossTable(
        key="topics_by_country",
        title="Topics needed, by country",
        description=(
            "How many people in each country chose each topic (up to three each); the share "
            "is of the people in that country. Most needed topics first."
        ),
        rows=tuple((t, label("topic", t)) for t in order),
        columns=tuple(
            Column(c, label("country", c), suppression.figure(people[c])) for c in countries
        ),
        cells=cells,
    )


def needs_report(engine: Engine, filters: Filters, now: dt.datetime | None = None) -> Report:
    """The needs report for the people whose latest completed intake is in the window."""
    with engine.connect() as connection:
        intakes = latest_intakes(connection, filters)
    people = len(intakes)
    too_few = people < suppression.THRESHOLD
    sections: tuple = ()
    if not too_few:
        topics = topic_ids()
        sections = (
            _breakdown(
                "country",
                "Country",
                "Where the business is run or planned.",
                intakes,
                "country",
                COUNTRIES,
            ),
            _breakdown("role", "Role", "What brings them to i-Mentor.", intakes, "role", ROLES),
            _breakdown(
                "stage",
                "Business stage",
                "How far the business is (asked of business owners and planners).",
                intakes,
                "stage",
                STAGES,
            ),
            _breakdown(
                "sector",
                "Sector",
                "The kind of business, most frequent first.",
                intakes,
                "sector",
                SECTORS,
                by_count=True,
            ),
            _breakdown(
                "languages",
                "Languages spoken",
                "Every language a person speaks counts once, so the rows add up to more than "
                "the number of people.",
                intakes,
                "language",
                (),
                multiple=True,
                by_count=True,
            ),
            _breakdown(
                "topics",
                "Topics needed",
                "Each of a person's (up to three) topics counts once, so the rows add up to "
                "more than the number of people.",
                intakes,
                "topic",
                topics,
                multiple=True,
                by_count=True,
            ),
            _breakdown(
                "mentor_type",
                "Preferred mentor",
                "The kind of mentor they would like.",
                intakes,
                "mentor_type",
                MENTOR_TYPES,
            ),
            _breakdown(
                "channel",
                "Contact channel",
                "Where they would like their mentor to reach them.",
                intakes,
                "channel",
                CHANNELS,
            ),
            _topics_by_country(intakes, topics),
        )
    return Report(
        kind="needs",
        title="Needs report",
        filters=filters,
        generated_at=now or dt.datetime.now(dt.timezone.utc),
        population=suppression.figure(people),
        population_label="People who completed the intake",
        too_few=too_few,
        sections=sections,
    )
