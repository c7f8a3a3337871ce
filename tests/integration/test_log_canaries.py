"""No message text, name, phone number or e-mail address reaches the logs (INFO and above).

The test stack logs at INFO. Canaries typed through every kind of turn — a question, an
out-of-domain message, the survey, a comment, a rating, "forget me" — must not appear in
either server's log."""

from __future__ import annotations

import time

import pytest

from bot.i18n import Catalog
from tests.auxil.stack import Stack
from tests.integration.test_intake_rest import click

pytestmark = pytest.mark.server

NAME = "Zofiakanaria Przybylska"
PHONE = "+48 601 234 567"
EMAIL = "canary.person@example.org"
WORDS = "purplecanary marmalade"


def test_canaries_typed_in_chat_never_reach_a_log(stack: Stack, book: Catalog) -> None:
    sender = "canary"
    stack.say(sender, f"Hello, my name is {NAME}")
    stack.say(sender, f"How do I register as self-employed in Spain? Call me on {PHONE}")
    stack.say(sender, f"where can I buy {WORDS} for {NAME}, write to {EMAIL}")
    consent = stack.say(sender, "survey")
    click(stack, sender, consent, book.text("button_intake_agree", "en"))
    stack.say(sender, f"{WORDS} {NAME}")  # not a role: asked again
    stack.say(sender, "I run a business")
    stack.say(sender, "Spain")
    stack.say(sender, f"{NAME} street, {PHONE}")  # the city question takes free text
    stack.say(sender, "stop")
    feedback = stack.say(sender, "I want to give feedback")
    comment = click(stack, sender, feedback, "3")
    stack.say(sender, f"{NAME} says: {WORDS}, {EMAIL}, {PHONE}")
    stack.say(sender, "what do you know about me?")
    stack.say(sender, '{"not": "a message"} ' + NAME)
    stack.say(sender, "forget me")
    time.sleep(1)  # the question log is written after the reply
    assert comment  # the rating question was answered
    assert "Rasa server is up and running" in stack.logs["rasa"].read_text()  # INFO is on
    for name, path in stack.logs.items():
        log = path.read_text(errors="replace")
        for canary in (NAME, "Zofiakanaria", PHONE, "601 234", EMAIL, "purplecanary"):
            assert canary not in log, f"{canary!r} in the {name} log"
