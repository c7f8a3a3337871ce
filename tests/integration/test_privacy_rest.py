""" "Forget me" over REST: confirmed, it leaves nothing of her in either database."""

from __future__ import annotations

import sqlite3
import time

import pytest
import sqlalchemy as sa

from bot.i18n import Catalog
from bot.storage.schema import kb_questions
from tests.auxil.stack import Stack

pytestmark = pytest.mark.server


def tracker_rows(stack: Stack, sender: str) -> int:
    assert stack.tracker_db is not None
    with sqlite3.connect(stack.tracker_db) as connection:
        query = "SELECT COUNT(*) FROM events WHERE sender_id = ?"
        return int(connection.execute(query, (sender,)).fetchone()[0])


def logged_questions(stack: Stack, words: str) -> int:
    """Rows of the question log holding these words (0 before the action server made it)."""
    engine = sa.create_engine(stack.database_url)
    try:
        with engine.connect() as connection:
            count = connection.execute(
                sa.select(sa.func.count())
                .select_from(kb_questions)
                .where(kb_questions.c.question.contains(words))
            ).scalar()
    except sa.exc.OperationalError:  # no table yet
        count = 0
    finally:
        engine.dispose()
    return int(count or 0)


def test_forget_me_asks_first_then_erases_her_conversation_and_questions(
    stack: Stack, book: Catalog
) -> None:
    sender = "forget-me"
    stack.say(sender, "hello")
    stack.say(sender, "where can I buy a blue bicycle for my son?")
    deadline = time.monotonic() + 10
    while logged_questions(stack, "blue bicycle") == 0 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert logged_questions(stack, "blue bicycle") == 1
    assert tracker_rows(stack, sender) > 0

    asked = stack.say(sender, "please forget me and delete my data")
    assert asked[0]["text"] == book.text("forget_confirm", "en")
    yes, no = asked[0]["buttons"]
    assert [yes["title"], no["title"]] == [
        book.text("button_yes", "en"),
        book.text("button_no", "en"),
    ]
    done = stack.say(sender, yes["payload"])
    assert done[0]["text"] == book.text("forget_done", "en")

    assert tracker_rows(stack, sender) == 0
    assert logged_questions(stack, "blue bicycle") == 0
    again = stack.say(sender, "hello")
    assert again[0]["text"] == book.text("utter_greet", "en")  # a new conversation


def test_saying_no_erases_nothing(stack: Stack, book: Catalog) -> None:
    sender = "keep-me"
    stack.say(sender, "hello")
    asked = stack.say(sender, "/forget")
    cancelled = stack.say(sender, asked[0]["buttons"][1]["payload"])
    assert cancelled[0]["text"] == book.text("forget_cancelled", "en")
    assert tracker_rows(stack, sender) > 0


@pytest.mark.parametrize(
    ("language", "words"),
    [("fi", "unohda minut"), ("tr", "beni unut"), ("ar", "انسيني"), ("uk", "забудь мене")],
)
def test_the_words_the_privacy_notice_teaches_work(
    stack: Stack, book: Catalog, language: str, words: str
) -> None:
    replies = stack.say(f"forget-{language}", words, metadata={"language_hint": language})
    assert replies[0]["text"] == book.text("forget_confirm", language)
