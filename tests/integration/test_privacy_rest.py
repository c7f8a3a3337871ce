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


def wait_for_question(stack: Stack, words: str) -> int:
    """The log is written just after the reply: wait for it a little."""
    deadline = time.monotonic() + 10
    while logged_questions(stack, words) == 0 and time.monotonic() < deadline:
        time.sleep(0.2)
    return logged_questions(stack, words)


def test_forget_me_asks_first_then_erases_her_conversation_and_questions(
    stack: Stack, book: Catalog
) -> None:
    sender = "forget-me"
    stack.say(sender, "hello")
    stack.say(sender, "where can I buy a blue bicycle for my son?")
    assert wait_for_question(stack, "blue bicycle") == 1
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


def test_a_coordinator_can_export_and_then_erase_her_data(stack: Stack, book: Catalog) -> None:
    import json
    import os
    import subprocess

    from tests.auxil.stack import VENV_BIN

    sender = "asked-by-email"
    stack.say(sender, "hello")
    stack.say(sender, "where do I buy a red umbrella? call me on +34 600 123 456")
    assert wait_for_question(stack, "red umbrella") == 1
    env = {**os.environ, "IMENTOR_SECRET_KEY": stack.secret_key}
    where = ["--database", stack.database_url, "--tracker-db", str(stack.tracker_db)]
    command = [str(VENV_BIN / "imentor"), "privacy"]
    exported = subprocess.run(
        [*command, "export", "rest", sender, *where], env=env, capture_output=True, text=True
    )
    assert exported.returncode == 0, exported.stderr
    data = json.loads(exported.stdout)
    assert [q["question"] for q in data["questions"]] == [
        "where do I buy a red umbrella? call me on [phone]"
    ]
    said = [e["text"] for e in data["conversation"] if e["type"] == "user"]
    assert said[:2] == ["hello", "where do I buy a red umbrella? call me on +34 600 123 456"]
    assert book.text("utter_greet", "en") in [e["text"] for e in data["conversation"]]

    refused = subprocess.run(
        [*command, "forget", "rest", sender, *where], env=env, capture_output=True, text=True
    )
    assert refused.returncode == 2 and tracker_rows(stack, sender) > 0
    erased = subprocess.run(
        [*command, "forget", "rest", sender, "--yes", *where],
        env=env,
        capture_output=True,
        text=True,
    )
    assert erased.returncode == 0, erased.stderr
    assert tracker_rows(stack, sender) == 0
    assert logged_questions(stack, "red umbrella") == 0


def test_what_do_you_know_about_me_shows_what_is_kept_about_her(
    stack: Stack, book: Catalog
) -> None:
    sender = "curious"
    stack.say(sender, "Hei! Mitä kuuluu?", metadata={"language_hint": "fi"})
    stack.say(
        sender, "missä on halvin kampaamo, soita 040 123 4567", metadata={"language_hint": "fi"}
    )
    assert wait_for_question(stack, "halvin kampaamo") == 1
    replies = stack.say(sender, "mitä tietoja minusta tallennetaan?")
    assert replies[0]["text"] == book.text("utter_privacy_info", "fi")
    mine = replies[1]["text"]
    assert mine.startswith(book.text("mydata_heading", "fi"))
    assert book.text("mydata_language", "fi", language="Suomi") in mine
    assert "- missä on halvin kampaamo, soita [phone]" in mine
    assert "040 123 4567" not in mine


def test_forget_me_erases_her_survey_consent_and_feedback_and_no_one_elses(
    stack: Stack, book: Catalog
) -> None:
    from bot.storage import person_key
    from bot.storage.schema import consents, feedback, intake_answers, people
    from tests.integration.test_intake_rest import click

    def count(table: sa.Table, sender: str) -> int:
        key = person_key(stack.secret_key.encode(), "rest", sender)
        engine = sa.create_engine(stack.database_url)
        try:
            with engine.connect() as connection:
                query = sa.select(sa.func.count()).select_from(table)
                if table is not people:
                    query = query.join(people, people.c.id == table.c.person_id)
                return int(connection.execute(query.where(people.c.key == key)).scalar() or 0)
        finally:
            engine.dispose()

    for sender in ("forget-all", "stays"):
        consent = stack.say(sender, "survey")
        click(stack, sender, consent, book.text("button_intake_agree", "en"))
        stack.say(sender, "I run a business")
        stack.say(sender, "stop")
        stack.say(sender, "I want to give feedback")
        stack.say(sender, "5")
        stack.say(sender, "thanks, all good")
    mine = stack.say("forget-all", "what do you know about me?")
    shown = "\n".join(str(r.get("text")) for r in mine)
    assert book.text("mydata_intake", "en") in shown
    assert book.text("mydata_feedback", "en", count="1") in shown
    for table in (people, consents, intake_answers, feedback):
        assert count(table, "forget-all") == 1

    asked = stack.say("forget-all", "forget me")
    stack.say("forget-all", asked[0]["buttons"][0]["payload"])
    for table in (people, consents, intake_answers, feedback):
        assert count(table, "forget-all") == 0, table.name
        assert count(table, "stays") == 1, table.name
    assert tracker_rows(stack, "forget-all") == 0
