"""Feedback over REST: 👎 asks what was missing, a rating at the end at most once a day (never in
the middle of the survey), "I want to give feedback", and the post-session rating."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from bot.i18n import Catalog
from bot.shortcuts import PayloadGuard
from bot.storage import person_key
from bot.storage.schema import feedback, kb_questions, people
from tests.auxil.stack import Stack
from tests.integration.test_intake_rest import click, texts

pytestmark = pytest.mark.server


def her_feedback(stack: Stack, sender: str) -> list[dict[str, Any]]:
    key = person_key(stack.secret_key.encode(), "rest", sender)
    engine = sa.create_engine(stack.database_url)
    try:
        with engine.connect() as connection:
            return [
                dict(r._mapping)
                for r in connection.execute(
                    sa.select(feedback)
                    .join(people, people.c.id == feedback.c.person_id)
                    .where(people.c.key == key)
                    .order_by(feedback.c.id)
                )
            ]
    finally:
        engine.dispose()


def helpful_marks(stack: Stack, sender: str, article: str) -> list[Any]:
    key = person_key(stack.secret_key.encode(), "rest", sender)
    engine = sa.create_engine(stack.database_url)
    try:
        with engine.connect() as connection:
            return list(
                connection.execute(
                    sa.select(kb_questions.c.helpful).where(
                        kb_questions.c.person == key, kb_questions.c.article_id == article
                    )
                ).scalars()
            )
    finally:
        engine.dispose()


def test_thumbs_down_asks_what_was_missing_and_keeps_it_masked(stack: Stack, book: Catalog) -> None:
    sender = "fb-down"
    answer = stack.say(sender, "How do I register as self-employed in Spain?")
    asked = click(stack, sender, answer, book.text("button_unhelpful", "en"))
    assert texts(asked) == book.text("feedback_ask_missing", "en")
    done = stack.say(sender, "The monthly fee is missing. Call me on +34 612 345 678")
    assert texts(done) == book.text("feedback_after_answer", "en")
    assert [b["title"] for b in done[0]["buttons"]] == [
        book.text("button_menu_mentor", "en"),
        book.text("button_main_menu", "en"),
    ]
    [kept] = her_feedback(stack, sender)
    assert (kept["kind"], kept["article_id"], kept["helpful"]) == (
        "answer",
        "es-self-employment",
        False,
    )
    assert "612" not in kept["comment"] and "monthly fee is missing" in kept["comment"]
    assert helpful_marks(stack, sender, "es-self-employment") == [False]


def test_thumbs_down_then_skip_keeps_only_the_thumb(stack: Stack, book: Catalog) -> None:
    sender = "fb-down-skip"
    answer = stack.say(sender, "How do I register as self-employed in Spain?")
    asked = click(stack, sender, answer, book.text("button_unhelpful", "en"))
    skipped = click(stack, sender, asked, book.text("button_skip", "en"))
    assert texts(skipped) == book.text("feedback_after_answer", "en")
    assert her_feedback(stack, sender) == []
    assert helpful_marks(stack, sender, "es-self-employment") == [False]


def test_rating_at_goodbye_once_a_day(stack: Stack, book: Catalog) -> None:
    sender = "fb-bye"
    stack.say(sender, "hello")
    stack.say(sender, "How do I register as self-employed in Spain?")
    stack.say(sender, "thanks")
    rating = stack.say(sender, "bye")
    assert texts(rating) == book.text("feedback_ask_rating", "en")
    assert [b["title"] for b in rating[0]["buttons"]][:5] == ["1", "2", "3", "4", "5"]
    comment = click(stack, sender, rating, "4")
    assert texts(comment) == book.text("feedback_ask_comment", "en")
    end = click(stack, sender, comment, book.text("button_skip", "en"))
    assert texts(end) == "\n".join(
        [book.text("feedback_thanks", "en"), book.text("utter_goodbye", "en")]
    )
    [kept] = her_feedback(stack, sender)
    assert (kept["kind"], kept["rating"], kept["comment"]) == ("conversation", 4, None)

    stack.say(sender, "hello again")
    stack.say(sender, "what is a business angel?")
    again = stack.say(sender, "bye")
    assert texts(again) == book.text("utter_goodbye", "en")  # not asked twice in a day


def test_no_rating_for_a_one_line_conversation(stack: Stack, book: Catalog) -> None:
    assert texts(stack.say("fb-short", "bye")) == book.text("utter_goodbye", "en")


def test_no_rating_in_the_middle_of_the_survey(stack: Stack, book: Catalog) -> None:
    sender = "fb-survey"
    stack.say(sender, "hello")
    consent = stack.say(sender, "survey")
    click(stack, sender, consent, book.text("button_intake_agree", "en"))
    stack.say(sender, "I run a business")
    bye = stack.say(sender, "bye")
    assert texts(bye) == "\n".join(
        [book.text("intake_paused", "en"), book.text("utter_goodbye", "en")]
    )


def test_she_asks_to_give_feedback(stack: Stack, book: Catalog) -> None:
    sender = "fb-asked"
    rating = stack.say(sender, "I want to give feedback")
    assert texts(rating) == book.text("feedback_ask_rating", "en")
    comment = stack.say(sender, "5")
    assert texts(comment) == book.text("feedback_ask_comment", "en")
    thanks = stack.say(sender, "Very clear answers, write to anna.k@example.org")
    assert texts(thanks) == book.text("feedback_thanks", "en")
    [kept] = her_feedback(stack, sender)
    assert kept["rating"] == 5 and "example.org" not in kept["comment"]


def test_a_rating_that_is_not_a_number_is_asked_again(stack: Stack, book: Catalog) -> None:
    sender = "fb-retry"
    stack.say(sender, "I want to give feedback")
    again = stack.say(sender, "hmm")
    assert texts(again) == "\n".join(
        [book.text("feedback_retry", "en"), book.text("feedback_ask_rating", "en")]
    )
    later = click(stack, sender, again, book.text("button_not_now", "en"))
    assert her_feedback(stack, sender) == []
    assert texts(later) == book.text("utter_ok", "en")  # no thanks, and never silence


def test_post_session_rating_started_by_the_handoff(stack: Stack, book: Catalog) -> None:
    """The handoff (next issue) opens it with a signed payload naming the session."""
    sender = "fb-session"
    guard = PayloadGuard(stack.secret_key.encode())
    start = '/give_feedback{"feedback_kind":"session","subject":"session-17"}'
    rating = stack.say(sender, guard.sign(sender, start))
    assert texts(rating) == book.text("feedback_ask_session_rating", "en")
    click(stack, sender, rating, "2")
    stack.say(sender, "She came late")
    [kept] = her_feedback(stack, sender)
    assert (kept["kind"], kept["rating"], kept["comment"]) == ("session", 2, "She came late")
