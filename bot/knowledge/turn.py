"""One knowledge-base turn: from her message and the conversation's state to the reply.

Kept apart from Rasa so it can be tested and benchmarked alone; `actions/knowledge.py` only
reads the tracker, calls `respond` and sends what it returns.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from bot.i18n import Catalog
from bot.knowledge import replies
from bot.knowledge.articles import COUNTRIES
from bot.knowledge.places import places
from bot.knowledge.search import Decision, KnowledgeIndex, is_bare_place
from bot.privacy import scrub

# Slots the knowledge base keeps in the conversation (declared in domain.yml).
COUNTRY_SLOT = "country"
ARTICLE_SLOT = "kb_article"
PENDING_SLOT = "kb_pending"  # a group waiting for "which country?"
FAILURES_SLOT = "kb_failures"  # questions in a row without an answer
ROLE_SLOT = "role"
STAGE_SLOT = "business_stage"
# Her business stage (from the intake) → the article level that suits her best.
STAGE_LEVEL = {
    "idea": "basic",
    "registering": "basic",
    "running_new": "intermediate",
    "running_long": "advanced",
}

MENTOR_ROLE = "mentor"
OUT_OF_SCOPE_INTENT = "out_of_scope"


@dataclass
class Turn:
    """What the action knows about the message."""

    text: str
    language: str
    entities: Mapping[str, Any] = field(default_factory=dict)
    slots: Mapping[str, Any] = field(default_factory=dict)
    intent: str | None = None
    also_languages: tuple[str, ...] = ()
    last_question: str | None = None  # her last typed question, for "none of these"


@dataclass
class Outcome:
    """What to send, which slots to set, and what to log."""

    messages: list[dict[str, Any]]
    slots: dict[str, Any] = field(default_factory=dict)
    outcome: str | None = None  # for the question log: answered, offered, asked_country, ...
    article_id: str | None = None
    country: str | None = None
    score: float = 0.0
    logged_question: str | None = None  # masked; only when nothing answered it
    feedback: tuple[str, bool] | None = None  # (article id, helpful)


def _country(value: Any) -> str | None:
    code = str(value or "").upper()
    return code if code in COUNTRIES else None


def _failures(turn: Turn) -> int:
    try:
        return int(turn.slots.get(FAILURES_SLOT) or 0)
    except (TypeError, ValueError):
        return 0


def _answer(book: Catalog, turn: Turn, decision: Decision) -> Outcome:
    article = decision.article
    assert article is not None
    note = None
    if decision.country and decision.country_source in ("remembered", "implied"):
        # she did not name it in this message: say which country the answer is for
        note = replies.country_name(book, decision.country, turn.language)
    slots: dict[str, Any] = {ARTICLE_SLOT: article.id, PENDING_SLOT: None, FAILURES_SLOT: 0}
    if decision.country:
        slots[COUNTRY_SLOT] = decision.country
    return Outcome(
        replies.answer_messages(book, article, turn.language, country_note=note),
        slots,
        outcome="answered",
        article_id=article.id,
        country=decision.country,
        score=decision.score,
    )


def _not_answered(book: Catalog, turn: Turn, decision: Decision, text: str) -> Outcome:
    declined = decision.kind == "decline"
    messages = (
        replies.decline_messages(book, turn.language)
        if declined
        else replies.unsure_messages(book, turn.language)
    )
    return Outcome(
        messages,
        {PENDING_SLOT: None, FAILURES_SLOT: _failures(turn) + 1},
        outcome="declined" if declined else "unsure",
        score=decision.score,
        logged_question=scrub(text)[:500] if text else None,
    )


def respond(book: Catalog, index: KnowledgeIndex, turn: Turn) -> Outcome:
    """The reply to one message sent to the knowledge base."""
    language = turn.language
    action = str(turn.entities.get("kb_action") or "")
    chosen = index.by_id.get(str(turn.entities.get("article") or ""))

    if action in ("helpful", "unhelpful") and chosen is not None:
        helpful = action == "helpful"
        # 👎 has no reply here: the feedback form asks what was missing (actions/feedback.py)
        messages = [{"text": book.text("kb_thanks_helpful", language)}] if helpful else []
        return Outcome(messages, feedback=(chosen.id, helpful))
    if action == "more" and chosen is not None:
        return Outcome(replies.more_messages(book, chosen, language), {ARTICLE_SLOT: chosen.id})
    if action == "none":
        decision = Decision(kind="unsure", language=language)
        return _not_answered(book, turn, decision, turn.last_question or "")

    country = _country(turn.entities.get("country"))
    if chosen is not None:  # she picked one of the offered answers
        decision = Decision(kind="answer", language=language, article=chosen, score=1.0)
        if index.country_specific(chosen.group):
            picked = country or _country(turn.slots.get(COUNTRY_SLOT))
            if picked is None:  # offered by topic: now ask for her country
                return Outcome(
                    replies.which_country_messages(book, language),
                    {PENDING_SLOT: chosen.group},
                    outcome="asked_country",
                )
            decision = index.answer_group(decision, chosen.group, picked, "remembered")
            if decision.kind != "answer":
                return _country_missing(book, turn, picked)
        return _answer(book, turn, decision)

    pending = turn.slots.get(PENDING_SLOT)
    if country and pending:  # the answer to "which country?"
        decision = index.answer_group(
            Decision(kind="answer", language=language, score=1.0), str(pending), country, "chosen"
        )
        if decision.kind == "answer":
            return _answer(book, turn, decision)
        return _country_missing(book, turn, country)

    text = turn.text.strip()
    if not text or text.startswith("/"):
        # the "Ask a question" button: invite her to type it (a domain response, with buttons)
        return Outcome([{"response": "utter_ask_question_prompt"}])

    named = places().country_in(text) if pending else None
    if pending and named and is_bare_place(text, language):  # typed "Spain" after "which country?"
        decision = index.answer_group(
            Decision(kind="answer", language=language, score=1.0), str(pending), named, "named"
        )
        if decision.kind == "answer":
            return _answer(book, turn, decision)

    role = str(turn.slots.get(ROLE_SLOT) or "")
    decision = index.decide(
        text,
        language,
        also_languages=turn.also_languages,
        country=_country(turn.slots.get(COUNTRY_SLOT)),
        previous_article=turn.slots.get(ARTICLE_SLOT),
        audience="mentor" if role == MENTOR_ROLE else ("mentee" if role else None),
        level=STAGE_LEVEL.get(str(turn.slots.get(STAGE_SLOT) or "")),
        out_of_scope=turn.intent == OUT_OF_SCOPE_INTENT,
    )
    if decision.kind == "answer":
        if decision.article is None:
            return _not_answered(book, turn, decision, text)
        return _answer(book, turn, decision)
    if decision.kind == "ask_country":
        return Outcome(
            replies.which_country_messages(book, language),
            {PENDING_SLOT: decision.group},
            outcome="asked_country",
            score=decision.score,
        )
    if decision.kind == "choose":
        known = bool(decision.country or _country(turn.slots.get(COUNTRY_SLOT)))
        return Outcome(
            replies.choose_messages(book, decision.options, language, country_known=known),
            {PENDING_SLOT: None},
            outcome="offered",
            score=decision.score,
        )
    if decision.kind == "unsure" and decision.country and decision.group:
        return _country_missing(book, turn, decision.country)
    return _not_answered(book, turn, decision, text)


def _country_missing(book: Catalog, turn: Turn, country: str) -> Outcome:
    name = replies.country_name(book, country, turn.language)
    return Outcome(
        replies.unsure_messages(book, turn.language, "kb_country_missing", country=name),
        {PENDING_SLOT: None, COUNTRY_SLOT: country},
        outcome="unsure",
    )
