"""The mentoring report: requests for a mentor, how fast mentors accepted, relationships and
ratings, per country and mentor type. Every count goes through suppression.py; times and means
are shown only over 5 or more. People appear here only as counts: no key, pseudonym or name.

The window applies to when a request was made (handoffs) and when a relationship started.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from typing import Any, Iterable, Sequence

from sqlalchemy import select
from sqlalchemy.engine import Engine

from bot.knowledge.articles import COUNTRIES
from bot.mentoring.handoffs import aware
from bot.reports import suppression
from bot.reports.guiding import rating_breakdown
from bot.reports.labels import label
from bot.reports.model import Breakdown, Column, CrossTable, Figure, Filters, Report, Row
from bot.reports.queries import in_window
from bot.reports.suppression import Cell
from bot.storage.schema import handoffs, mentors, mentorships

TYPES = ("volunteer", "business_angel")
TYPE_LABELS = {"volunteer": "Volunteer mentor", "business_angel": "Business angel"}
UNKNOWN = "unknown"
OUTCOMES = {
    "accepted": "A mentor accepted",
    "offering": "Being offered now",
    "waiting": "Waiting for a coordinator",
    "cancelled": "Cancelled by her",
    "forgotten": "Ended: she asked to be forgotten",
}
WAIT_BUCKETS = (
    ("under_5", "Under 5 minutes", 5),
    ("under_15", "5 to 15 minutes", 15),
    ("under_60", "15 to 60 minutes", 60),
    ("under_1440", "1 to 24 hours", 1440),
    ("longer", "More than a day", None),
)


def _outcome(row: Any) -> str:
    if row.accepted_at is not None:
        return "accepted"
    if row.state == "ended":
        return "forgotten" if row.ended_by == "forgotten" else "cancelled"
    return row.state if row.state in OUTCOMES else "cancelled"


def _minutes_to_accept(rows: Iterable[Any]) -> list[float]:
    return [
        (aware(r.accepted_at) - aware(r.created_at)).total_seconds() / 60
        for r in rows
        if r.accepted_at is not None
    ]


def _by_country_and_type(
    key: str, title: str, description: str, pairs: Sequence[tuple[str, str]]
) -> CrossTable:
    countries = [c for c in COUNTRIES] + ([UNKNOWN] if any(c == UNKNOWN for c, _ in pairs) else [])
    counts = {c: Counter(t for country, t in pairs if country == c) for c in countries}
    cells = suppression.table({c: dict(counts[c]) for c in countries}, TYPES)
    totals = {t: suppression.figure(sum(counts[c][t] for c in countries)) for t in TYPES}
    return CrossTable(
        key=key,
        title=title,
        description=description,
        rows=tuple((c, label("country", c) if c != UNKNOWN else "Not known") for c in countries),
        columns=tuple(Column(t, TYPE_LABELS[t], totals[t]) for t in TYPES),
        cells=cells,
        row_heading="Country",
        caption="by her country and the kind of mentor (share of each kind's total)",
    )


def mentoring_report(engine: Engine, filters: Filters, now: dt.datetime | None = None) -> Report:
    with engine.connect() as connection:
        # the kind of mentor who accepted: as it was then (relationships keep it), else now
        types = dict(connection.execute(select(mentors.c.ref, mentors.c.mentor_type)).all())
        types.update(
            connection.execute(select(mentorships.c.mentor_ref, mentorships.c.mentor_type)).all()
        )
        query = select(handoffs).where(*in_window(handoffs.c.created_at, filters))
        if filters.country:
            query = query.where(handoffs.c.country == filters.country)
        requests = connection.execute(query).all()
        query = select(mentorships).where(*in_window(mentorships.c.started_at, filters))
        if filters.country:
            query = query.where(mentorships.c.country == filters.country)
        relations = connection.execute(query).all()
    too_few = len(requests) < suppression.THRESHOLD and len(relations) < suppression.THRESHOLD
    figures: tuple[Figure, ...] = ()
    sections: tuple = ()
    if not too_few:
        outcomes = Counter(_outcome(r) for r in requests)
        cells = suppression.distribution({k: outcomes[k] for k in OUTCOMES}, base=len(requests))
        waits = _minutes_to_accept(requests)
        median = round(statistics.median(waits), 1) if len(waits) >= suppression.THRESHOLD else None
        buckets: Counter[str] = Counter()
        for minutes in waits:
            for bucket, _, limit in WAIT_BUCKETS:
                if limit is None or minutes < limit:
                    buckets[bucket] += 1
                    break
        open_now = sum(1 for r in relations if r.closed_at is None)
        mentee_ratings = [r.mentee_rating for r in requests if r.mentee_rating] + [
            r.mentee_rating for r in relations if r.mentee_rating
        ]
        mentor_ratings = [r.mentor_rating for r in requests if r.mentor_rating] + [
            r.mentor_rating for r in relations if r.mentor_rating
        ]
        mentees = rating_breakdown(
            "mentee_rating",
            "Mentees' ratings",
            "How mentees rated a session (after /end) or the whole mentoring (when it closed).",
            mentee_ratings,
        )
        mentors_rating = rating_breakdown(
            "mentor_rating",
            "Mentors' ratings",
            "How mentors rated a session or the whole mentoring, 1 to 5.",
            mentor_ratings,
        )
        figures = (
            Figure("requests", "Requests for a mentor", suppression.figure(len(requests))),
            *(Figure(k, OUTCOMES[k], cells[k], of="requests") for k in OUTCOMES),
            Figure(
                "median_minutes_to_accept",
                "Median minutes until a mentor accepted (shown from 5 accepted requests)",
                Cell(round(median)) if median is not None else suppression.figure(len(waits)),
            ),
            Figure(
                "relationships",
                "Mentoring relationships started",
                suppression.figure(len(relations)),
            ),
            Figure(
                "open_relationships",
                "of them still open",
                suppression.figure(open_now),
                of="relationships",
            ),
            Figure("mentee_rating", "Mentees' ratings", mentees.total, mean=mentees.mean),
            Figure(
                "mentor_rating", "Mentors' ratings", mentors_rating.total, mean=mentors_rating.mean
            ),
        )
        accepted = [r for r in requests if r.accepted_at is not None]
        sections = (
            Breakdown(
                key="outcomes",
                title="What happened to the requests",
                description="Every request for a mentor in the window, by where it is now.",
                unit="requests",
                total=suppression.figure(len(requests)),
                rows=tuple(Row(k, OUTCOMES[k], cells[k]) for k in OUTCOMES),
            ),
            Breakdown(
                key="time_to_accept",
                title="Time until a mentor accepted",
                description="From her request to a mentor's Accept (or a coordinator taking it).",
                unit="requests",
                total=suppression.figure(len(waits)),
                rows=tuple(
                    Row(bucket, title, cell)
                    for (bucket, title, _), cell in zip(
                        WAIT_BUCKETS,
                        suppression.distribution(
                            {b: buckets[b] for b, _, _ in WAIT_BUCKETS}
                        ).values(),
                        strict=True,
                    )
                ),
            ),
            _by_country_and_type(
                "relationships_by_country",
                "Relationships by country and mentor type",
                "Mentoring relationships started in the window, by the mentee's country and the "
                "kind of mentor who accepted her.",
                [(r.country or UNKNOWN, r.mentor_type) for r in relations],
            ),
            _by_country_and_type(
                "accepted_by_country",
                "Accepted requests by country and mentor type",
                "Requests a mentor accepted, by her country and the kind of mentor.",
                [(r.country or UNKNOWN, types.get(r.mentor_ref, "volunteer")) for r in accepted],
            ),
            mentees,
            mentors_rating,
        )
    return Report(
        kind="mentoring",
        title="Mentoring report",
        filters=filters,
        generated_at=now or dt.datetime.now(dt.timezone.utc),
        population=suppression.figure(len(requests)),
        population_label="Requests for a mentor",
        too_few=too_few,
        figures=figures,
        sections=sections,
    )
