"""What the widget shows of a conversation, read from its events."""

from __future__ import annotations

from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered

from bot.settings import Settings
from channels.widget import SessionTokens, conversation_after

MENU = [
    {"title": "Ask a question", "payload": "/ask_question"},
    {"title": "Language", "payload": "/choose_language"},
]


def events() -> list:
    return [
        UserUttered("/greet", timestamp=1.0, metadata={"client_id": "c-start1"}),
        BotUttered("Hello!", timestamp=2.0),
        BotUttered("What would you like to do?", {"buttons": MENU}, timestamp=3.0),
        UserUttered("/ask_question", timestamp=4.0, metadata={"client_id": "c-tap0001"}),
        ActionExecuted("action_listen", timestamp=4.5),
        BotUttered("Ask me anything.", timestamp=5.0),
        UserUttered('/choose_language{"language": "fi"}', timestamp=6.0),
        SlotSet("language", "fi", timestamp=6.1),
        BotUttered("Selvä!", {"buttons": MENU}, timestamp=7.0),
    ]


def test_her_taps_show_their_titles_and_system_payloads_are_hidden() -> None:
    shown = conversation_after(events(), 0)
    assert [(m["from"], m["text"]) for m in shown] == [
        ("bot", "Hello!"),
        ("bot", "What would you like to do?"),
        ("user", "Ask a question"),
        ("bot", "Ask me anything."),
        ("bot", "Selvä!"),
    ]
    assert shown[2]["id"] == "c-tap0001"


def test_only_the_latest_choices_are_offered() -> None:
    shown = conversation_after(events(), 0)
    assert "buttons" not in shown[1]  # she answered the first menu already
    assert [b["title"] for b in shown[-1]["buttons"]] == ["Ask a question", "Language"]


def test_only_what_came_after_is_returned() -> None:
    assert [m["text"] for m in conversation_after(events(), 5.0)] == ["Selvä!"]
    assert conversation_after(events(), 7.0) == []
    assert len(conversation_after(events(), 0, limit=2)) == 2


def test_session_tokens_are_the_servers_own() -> None:
    tokens = SessionTokens(Settings.from_env({"IMENTOR_SECRET_KEY": "k" * 40}).secret_key)
    other = SessionTokens(Settings.from_env({"IMENTOR_SECRET_KEY": "o" * 40}).secret_key)
    token = tokens.issue()
    sender = tokens.sender_of(token)
    assert sender is not None and sender.startswith("web-") and sender[4:] in token
    assert other.sender_of(token) is None  # another deployment's key
    assert tokens.sender_of(token[:-1] + ("0" if token[-1] != "0" else "1")) is None
    assert tokens.sender_of(None) is None and tokens.sender_of("w1..") is None
