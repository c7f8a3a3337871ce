"""Typed "/intent{...}" shortcuts cannot set slots; signed button payloads and commands work."""

from __future__ import annotations

import pytest

from bot.shortcuts import PayloadGuard, choice_by_number, numbered_options

GUARD = PayloadGuard(b"k" * 32)


def test_a_signed_payload_comes_back_as_the_original() -> None:
    signed = GUARD.sign("alice", '/choose_language{"language": "fi"}')
    assert signed != '/choose_language{"language": "fi"}'
    assert GUARD.inbound("alice", signed) == '/choose_language{"language": "fi"}'


def test_a_payload_signed_for_another_user_is_only_text() -> None:
    signed = GUARD.sign("alice", "/request_mentor")
    assert not GUARD.inbound("mallory", signed).startswith("/")


@pytest.mark.parametrize(
    "typed",
    [
        '/choose_language{"language": "ar"}',
        '/greet{"language":"fi"}',
        "//greet",
        " /affirm@0.99",
        "/ask_question~0000000000000000",
    ],
)
def test_typed_shortcuts_become_plain_text(typed: str) -> None:
    out = GUARD.inbound("alice", typed)
    assert not out.lstrip().startswith("/")


@pytest.mark.parametrize(
    ("typed", "intent"),
    [
        ("/start", "/greet"),
        ("/help", "/help"),
        ("/language", "/choose_language"),
        ("/restart", "/restart"),
        ("/START@iMentorBot", "/greet"),
    ],
)
def test_bare_commands_map_to_intents(typed: str, intent: str) -> None:
    assert GUARD.inbound("alice", typed) == intent


def test_ordinary_text_is_untouched() -> None:
    assert GUARD.inbound("alice", "Hei! Miten voin / voinko?") == "Hei! Miten voin / voinko?"


def test_text_payloads_are_not_signed() -> None:
    assert GUARD.sign("alice", "yes") == "yes"


def test_a_short_key_is_refused() -> None:
    with pytest.raises(ValueError):
        PayloadGuard(b"short")


BUTTONS = [
    {"title": "Ask", "payload": "/ask_question"},
    {"title": "Mentor", "payload": "/request_mentor"},
]


def test_a_number_picks_the_offered_button() -> None:
    assert choice_by_number("2", BUTTONS) == "/request_mentor"
    assert choice_by_number(" 1. ", BUTTONS) == "/ask_question"
    assert choice_by_number("3", BUTTONS) is None
    assert choice_by_number("0", BUTTONS) is None
    assert choice_by_number("2", None) is None
    assert choice_by_number("two", BUTTONS) is None


def test_buttons_as_a_numbered_list() -> None:
    assert numbered_options(BUTTONS) == "1. Ask\n2. Mentor"
