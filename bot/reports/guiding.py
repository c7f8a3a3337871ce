"""The guiding report: how the knowledge base and the mentoring helped, and what was missing."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Sequence

from sqlalchemy.engine import Engine

from bot.reports import suppression
from bot.reports.labels import article_label
from bot.reports.model import (
    ArticleRow,
    ArticleTable,
    Breakdown,
    Figure,
    Filters,
    Question,
    QuestionList,
    Report,
    Row,
)
from bot.reports.queries import (
    Feedback,
    QuestionGroup,
    feedback_rows,
    intake_countries,
    question_groups,
    unanswered_texts,
)
from bot.storage import ANSWERED, UNANSWERED_OUTCOMES

# The question log's outcomes, grouped as the report shows them. The assistant writes
# "offered" and "asked_country"; "choose" and "ask_country" (the search's own words) are read
# the same way.
OUTCOMES = {
    ANSWERED: "answered",
    "offered": "offered",
    "choose": "offered",
    "asked_country": "asked_country",
    "ask_country": "asked_country",
    **{outcome: "fallback" for outcome in UNANSWERED_OUTCOMES},
}
OUTCOME_LABELS = {
    "answered": "Answered without a mentor",
    "offered": "Offered a choice of answers",
    "asked_country": "Asked which country",
    "fallback": "Not answered (not sure, or not business)",
    "other": "Other",
}
RATINGS = ("1", "2", "3", "4", "5")
TOP_QUESTIONS = 20
MIN_TIMES = 2  # a question asked once is not listed: it may be one person's own words


def _ratings(
    key: str, title: str, description: str, rows: Sequence[Feedback], kind: str
) -> Breakdown:
    return rating_breakdown(key, title, description, [r.rating for r in rows if r.kind == kind])


def rating_breakdown(
    key: str, title: str, description: str, values: Sequence[int | None]
) -> Breakdown:
    """1-5 ratings as a breakdown (5 stars first), with the mean when the total is shown."""
    ratings = [v for v in values if v in (1, 2, 3, 4, 5)]
    counts = Counter(str(r) for r in ratings)
    cells = suppression.distribution({k: counts[k] for k in RATINGS})
    total = suppression.figure(len(ratings))
    mean = round(sum(ratings) / len(ratings), 2) if not total.hidden and ratings else None
    return Breakdown(
        key=key,
        title=title,
        description=description,
        unit="ratings",
        total=total,
        rows=tuple(
            Row(k, f"{k} star" + ("" if k == "1" else "s"), cells[k]) for k in reversed(RATINGS)
        ),
        mean=mean,
    )


def _articles(groups: Sequence[QuestionGroup]) -> ArticleTable:
    answered: Counter[str] = Counter()
    helpful: Counter[str] = Counter()
    unhelpful: Counter[str] = Counter()
    for group in groups:
        if not group.article_id:
            continue
        if group.outcome == ANSWERED:
            answered[group.article_id] += group.count
        if group.helpful is True:
            helpful[group.article_id] += group.count
        elif group.helpful is False:
            unhelpful[group.article_id] += group.count
    ids = sorted(set(answered) | set(helpful) | set(unhelpful), key=lambda a: (-answered[a], a))
    # the answers per article add up to the answers shown above: one breakdown
    answers = suppression.distribution({a: answered[a] for a in ids})
    rows = []
    for article in ids:
        up, down = suppression.figure(helpful[article]), suppression.figure(unhelpful[article])
        rated = helpful[article] + unhelpful[article]
        share = (
            helpful[article] / rated
            if rated >= suppression.THRESHOLD and not (up.hidden or down.hidden)
            else None
        )
        rows.append(ArticleRow(article, article_label(article), answers[article], up, down, share))
    return ArticleTable(
        key="helpfulness",
        title="Helpfulness per article",
        description=(
            "How often each article was given as the answer, and the 👍 / 👎 people gave it; "
            "the share is of the answers that were rated."
        ),
        rows=tuple(rows),
    )


def guiding_report(engine: Engine, filters: Filters, now: dt.datetime | None = None) -> Report:
    """The guiding report for the questions and feedback in the window (and country)."""
    with engine.connect() as connection:
        countries = intake_countries(connection)
        groups = question_groups(connection, filters, countries)
        texts = unanswered_texts(connection, filters, countries, UNANSWERED_OUTCOMES)
        feedback = feedback_rows(connection, filters, countries)
    askers = {g.person for g in groups if g.person}
    people = len(askers | {f.person for f in feedback if f.person})
    too_few = people < suppression.THRESHOLD
    figures: tuple[Figure, ...] = ()
    sections: tuple = ()
    if not too_few:
        questions = sum(g.count for g in groups)
        outcomes: Counter[str] = Counter()
        for group in groups:
            outcomes[OUTCOMES.get(group.outcome, "other")] += group.count
        order = ["answered", "offered", "asked_country", "fallback"]
        order += ["other"] if outcomes["other"] else []
        cells = suppression.distribution({k: outcomes[k] for k in order}, base=questions)
        conversation = _ratings(
            "conversation_rating",
            "End-of-conversation rating",
            "How people rated the conversation when it ended (1 to 5).",
            feedback,
            "conversation",
        )
        session = _ratings(
            "session_rating",
            "Rating after a mentoring session",
            "How people rated a session with their mentor (1 to 5).",
            feedback,
            "session",
        )
        missing = sum(1 for f in feedback if f.kind == "answer" and (f.comment or "").strip())
        figures = (
            Figure(
                "conversations",
                "Conversations (people who asked the knowledge base)",
                suppression.figure(len(askers)),
            ),
            Figure("questions", "Questions asked", suppression.figure(questions)),
            Figure(
                "anonymous_questions",
                "of them asked without a known person",
                suppression.figure(sum(g.count for g in groups if not g.person)),
            ),
            *(
                Figure(k, OUTCOME_LABELS[k], cells[k], of="questions")
                for k in ("answered", "offered", "asked_country", "fallback")
            ),
            Figure("missing_comments", '"What was missing" comments', suppression.figure(missing)),
            Figure(
                "conversation_rating",
                "End-of-conversation ratings",
                conversation.total,
                mean=conversation.mean,
            ),
            Figure("session_rating", "Post-session ratings", session.total, mean=session.mean),
        )
        top = sorted(
            (t for t in texts if t.count >= MIN_TIMES),
            key=lambda t: (-t.count, t.language, t.question),
        )[:TOP_QUESTIONS]
        sections = (
            Breakdown(
                key="outcomes",
                title="What the knowledge base did",
                description="Every question sent to the knowledge base, by what happened to it.",
                unit="questions",
                total=suppression.figure(questions),
                rows=tuple(Row(k, OUTCOME_LABELS[k], cells[k]) for k in order),
            ),
            conversation,
            session,
            _articles(groups),
            QuestionList(
                key="unanswered_questions",
                title="Top unanswered questions",
                description=(
                    "Questions the knowledge base could not answer, as typed (personal data "
                    f"masked), most asked first; only those asked at least {MIN_TIMES} times."
                ),
                rows=tuple(Question(t.question, t.language, t.count) for t in top),
            ),
        )
    return Report(
        kind="guiding",
        title="Guiding report",
        filters=filters,
        generated_at=now or dt.datetime.now(dt.timezone.utc),
        population=suppression.figure(people),
        population_label="People who asked a question or gave feedback",
        too_few=too_few,
        figures=figures,
        sections=sections,
    )
