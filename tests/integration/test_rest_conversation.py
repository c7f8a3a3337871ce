"""End to end over REST against the real Rasa and action servers: what a user sees."""

from __future__ import annotations

import json

import httpx
import pytest

from bot.i18n import Catalog
from tests.auxil.stack import Stack

pytestmark = pytest.mark.server

GREETINGS = {
    "en": "Hello there, good morning!",
    "fi": "Moi! Hyvää huomenta sinulle",
    "sk": "Dobrý deň, zdravím vás",
    "tr": "Merhaba, iyi günler efendim",
    "es": "¡Hola! Muy buenos días",
    "pl": "Dzień dobry, witam serdecznie",
    "pt": "Olá, muito bom dia!",
    "ar": "مرحبا، صباح الخير",
    "ru": "Здравствуйте, добрый день!",
    "uk": "Добрий день, вітаю вас!",
}


def texts(replies: list[dict]) -> list[str]:
    return [r.get("text", "") for r in replies]


@pytest.mark.parametrize("language", sorted(GREETINGS))
def test_first_greeting_comes_in_her_language_with_privacy_notice_and_menu(
    stack: Stack, book: Catalog, language: str
) -> None:
    replies = stack.say(f"greet-{language}", GREETINGS[language])
    assert texts(replies) == [
        book.text("utter_greet", language),
        book.text("utter_privacy_notice", language),
        book.text("utter_main_menu", language),
    ]
    titles = [b["title"] for b in replies[-1]["buttons"]]
    assert titles == [
        book.text(key, language)
        for key in (
            "button_menu_ask",
            "button_menu_intake",
            "button_menu_mentor",
            "button_menu_become_mentor",
            "button_menu_language",
        )
    ]


def test_short_messages_keep_the_language(stack: Stack, book: Catalog) -> None:
    stack.say("sticky", GREETINGS["fi"])
    for short in ["ok", "👍", "Maria"]:
        replies = stack.say("sticky", short)
        assert replies, short
        for text in texts(replies):
            assert text in book.locales["fi"].strings.values(), (short, text)


def test_she_can_switch_language_in_words_and_it_stays(stack: Stack, book: Catalog) -> None:
    stack.say("switch", GREETINGS["en"])
    replies = stack.say("switch", "can we speak Turkish?")
    assert texts(replies)[0] == book.text("utter_language_changed", "tr")
    replies = stack.say("switch", "thanks")
    assert texts(replies)[0] == book.text("utter_welcome", "tr")


def test_a_full_sentence_in_another_language_switches(stack: Stack, book: Catalog) -> None:
    stack.say("midway", GREETINGS["en"])
    replies = stack.say("midway", "Dziękuję bardzo za pomoc, do widzenia!")
    assert book.text("utter_goodbye", "pl") in texts(replies) or book.text(
        "utter_welcome", "pl"
    ) in texts(replies)


def test_the_language_button_switches(stack: Stack, book: Catalog) -> None:
    stack.say("button", GREETINGS["en"])
    offer = stack.say("button", "change language")
    assert texts(offer)[0] == book.text("utter_choose_language", "en")
    buttons = offer[0]["buttons"]
    assert [b["title"] for b in buttons][:3] == ["English", "Suomi", "Slovenčina"]
    spanish = next(b for b in buttons if b["title"] == book.locales["es"].name)
    replies = stack.say("button", spanish["payload"])
    assert texts(replies)[0] == book.text("utter_language_changed", "es")


def test_a_typed_shortcut_cannot_set_the_language(stack: Stack, book: Catalog) -> None:
    stack.say("hacker", GREETINGS["en"])
    replies = stack.say("hacker", '/choose_language{"language": "ar"}')
    assert book.text("utter_language_changed", "ar") not in texts(replies)
    replies = stack.say("hacker", "thanks")
    assert texts(replies)[0] == book.text("utter_welcome", "en")


def test_commands_work(stack: Stack, book: Catalog) -> None:
    replies = stack.say("command", "/start", metadata={"language_hint": "uk-UA"})
    assert texts(replies)[0] == book.text("utter_greet", "uk")


def test_numbered_options_where_buttons_are_not_shown(stack: Stack, book: Catalog) -> None:
    replies = stack.say("numbers", GREETINGS["es"], text_only=True)
    menu = replies[-1]
    assert "buttons" not in menu
    assert f"5. {book.text('button_menu_language', 'es')}" in menu["text"]
    replies = stack.say("numbers", "5", text_only=True)
    assert replies[0]["text"].startswith(book.text("utter_choose_language", "es"))
    assert "2. Suomi" in replies[0]["text"]
    replies = stack.say("numbers", "2", text_only=True)
    assert texts(replies)[0].startswith(book.text("utter_language_changed", "fi"))


def test_not_understood_asks_did_you_mean_in_her_language(stack: Stack, book: Catalog) -> None:
    stack.say("confused", GREETINGS["fi"])
    replies = stack.say("confused", "qwrtz bbbb xkcd")
    expected_prefix = book.text("utter_ask_affirmation", "fi", intent_label="").split(" ")[0]
    first = texts(replies)[0]
    assert first.startswith(expected_prefix) or first == book.text("kb_unsure", "fi")


def test_arabic_replies_are_in_arabic(stack: Stack, book: Catalog) -> None:
    replies = stack.say("arabic", GREETINGS["ar"])
    assert texts(replies)[0] == book.text("utter_greet", "ar")
    assert book.locales["ar"].direction == "rtl"


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (b"{not json", 400),
        (b"[1, 2]", 400),
        (json.dumps({"message": "hi"}).encode(), 400),
        (json.dumps({"sender": "a b", "message": "hi"}).encode(), 400),
        (json.dumps({"sender": "x", "message": ""}).encode(), 400),
        (json.dumps({"sender": "x", "message": 5}).encode(), 400),
        (json.dumps({"sender": "x", "message": "hi", "metadata": []}).encode(), 400),
        (json.dumps({"sender": "x", "message": "a" * 5000}).encode(), 413),
    ],
)
def test_bad_requests_get_a_clear_http_error(stack: Stack, body: bytes, status: int) -> None:
    response = httpx.post(
        f"{stack.url}/webhooks/rest/webhook",
        content=body,
        headers={"Content-Type": "application/json"},
        timeout=10,
    )
    assert response.status_code == status
    assert response.json()["error"]


def test_the_conversation_is_kept_in_the_tracker_database(stack: Stack) -> None:
    import sqlite3

    stack.say("stored", GREETINGS["sk"])
    database = stack.logs["rasa"].parent / "tracker.db"
    with sqlite3.connect(database) as connection:
        count = connection.execute(
            "SELECT COUNT(*) FROM events WHERE sender_id = ?", ("stored",)
        ).fetchone()[0]
    assert count > 3


def test_a_restart_keeps_her_language(stack: Stack, book: Catalog) -> None:
    stack.say("restarter", GREETINGS["tr"])
    replies = stack.say("restarter", "/restart")
    assert texts(replies)[0] == book.text("utter_restart", "tr")
    replies = stack.say("restarter", "👍")
    assert all(t in book.locales["tr"].strings.values() for t in texts(replies))
