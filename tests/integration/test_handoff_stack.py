"""Whole handoffs through the real servers and webhooks, against the fake Bot API and Graph API:
a mentee on WhatsApp with a mentor on Telegram (through a restart mid-relay, to /end and both
ratings), and a mentee in the website widget with a mentor on WhatsApp (template, quick reply,
then the relay read back by the widget)."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from pathlib import Path
from typing import Any, Callable

import httpx
import pytest

from bot.i18n import Catalog
from bot.mentoring.handoffs import HandoffStore
from bot.mentoring.mentors import MentorStore, make_mentor
from bot.storage import make_engine
from tests.auxil.fake_graph import FakeGraph
from tests.auxil.fake_telegram import FakeTelegram
from tests.auxil.stack import Stack, start_stack
from tests.data import telegram_updates as tg
from tests.data import whatsapp_payloads as wa

pytestmark = pytest.mark.server

TG_SECRET = "handoff-telegram-secret_01"
WA_SECRET = "handoff-app-secret-0123456789"
MENTEE_WA = "34600009001"
MENTOR_TG = 8101
MENTOR_WA = "34600009900"


def environment(telegram: FakeTelegram, graph: FakeGraph) -> dict[str, str]:
    return {
        "TELEGRAM_TOKEN": "123456:TEST-token",
        "TELEGRAM_SECRET_TOKEN": TG_SECRET,
        "TELEGRAM_API_BASE_URL": telegram.base_url,
        "WHATSAPP_ACCESS_TOKEN": "test-access-token",
        "WHATSAPP_PHONE_NUMBER_ID": wa.PHONE_ID,
        "WHATSAPP_APP_SECRET": WA_SECRET,
        "WHATSAPP_VERIFY_TOKEN": "verify",
        "WHATSAPP_GRAPH_URL": graph.url,
        "HANDOFF_OFFER_MINUTES": "10",
    }


def to_telegram(stack: Stack, update: Any) -> None:
    answer = httpx.post(
        f"{stack.url}/webhooks/telegram/webhook",
        content=json.dumps(update).encode(),
        headers={"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": TG_SECRET},
        timeout=30,
    )
    assert answer.status_code == 200


def to_whatsapp(stack: Stack, payload: Any) -> None:
    body = json.dumps(payload).encode()
    digest = hmac.new(WA_SECRET.encode(), body, hashlib.sha256).hexdigest()
    answer = httpx.post(
        f"{stack.url}/webhooks/whatsapp/webhook",
        content=body,
        headers={"Content-Type": "application/json", "X-Hub-Signature-256": f"sha256={digest}"},
        timeout=30,
    )
    assert answer.status_code == 200


def eventually(check: Callable[[], Any], timeout: float = 20) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.1)
    raise AssertionError("not seen in time")


def wa_text(message: dict[str, Any]) -> str:
    if message["type"] == "text":
        return message["text"]["body"]
    if message["type"] == "interactive":
        return message["interactive"]["body"]["text"]
    return ""


def wa_choices(message: dict[str, Any]) -> dict[str, str]:
    action = message["interactive"]["action"]
    rows = [b["reply"] for b in action.get("buttons", [])] or action["sections"][0]["rows"]
    return {row["title"]: row["id"] for row in rows}


def add_mentors(stack: Stack, *given: dict[str, Any]) -> list[Any]:
    store = MentorStore(make_engine(stack.database_url))
    return [store.add(make_mentor(**mentor)) for mentor in given]


def test_whatsapp_mentee_and_telegram_mentor_through_a_restart(
    tmp_path: Path, telegram: FakeTelegram, graph: FakeGraph, book: Catalog
) -> None:
    env = environment(telegram, graph)
    stack = start_stack(tmp_path, env_extra=env)
    try:
        add_mentors(
            stack,
            {
                "first_name": "Ana",
                "languages": "en;es",
                "countries": "ES",
                "channel": "telegram",
                "address": str(MENTOR_TG),
                "topics": "finance",
            },
        )
        to_whatsapp(stack, wa.text(MENTEE_WA, "wamid.h1", "Hello"))
        eventually(lambda: len(graph.sent_to(MENTEE_WA)) >= 3)
        to_whatsapp(stack, wa.text(MENTEE_WA, "wamid.h2", "/mentor"))
        consent = eventually(
            lambda: [
                m
                for m in graph.sent_to(MENTEE_WA)
                if m["type"] == "interactive"
                and book.text("button_handoff_share", "en") in wa_choices(m)
            ]
        )[-1]
        share = wa_choices(consent)[book.text("button_handoff_share", "en")]
        to_whatsapp(stack, wa.list_reply(MENTEE_WA, "wamid.h3", share, "Share"))
        eventually(
            lambda: any(
                wa_text(m).startswith(book.text("handoff_asking", "en", minutes="10")[:30])
                for m in graph.sent_to(MENTEE_WA)
            )
        )
        # the mentor is offered her request on Telegram, and accepts
        offer = eventually(lambda: telegram.sent(MENTOR_TG))[-1]
        assert offer["text"].startswith("New mentoring request #")
        accept = offer["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
        to_telegram(stack, tg.callback(9001, accept, MENTOR_TG))
        accepted = book.text("handoff_accepted", "en", name="Ana", kind="\x00").split("\x00")[0]
        eventually(lambda: any(wa_text(m).startswith(accepted) for m in graph.sent_to(MENTEE_WA)))
        pseudonym = offer["text"].split()[3].rstrip(".")
        # her message reaches the mentor under her code; the mentor's reaches her with a name
        to_whatsapp(stack, wa.text(MENTEE_WA, "wamid.h4", "I make jewellery at home"))
        eventually(
            lambda: telegram.sent(MENTOR_TG)[-1]["text"] == f"{pseudonym}: I make jewellery at home"
        )
        to_telegram(stack, tg.message(9002, "Lovely! Do you sell online?", MENTOR_TG))
        from_mentor = book.text(
            "relay_from_mentor", "en", name="Ana", text="Lovely! Do you sell online?"
        )
        eventually(lambda: wa_text(graph.sent_to(MENTEE_WA)[-1]) == from_mentor)
    finally:
        stack.stop()

    # a restart in the middle of the relay loses nothing
    stack = start_stack(tmp_path, env_extra=env)
    try:
        to_whatsapp(stack, wa.text(MENTEE_WA, "wamid.h5", "Not yet, only at markets"))
        eventually(
            lambda: telegram.sent(MENTOR_TG)[-1]["text"] == f"{pseudonym}: Not yet, only at markets"
        )
        # the mentor ends it: both are told and asked for the session rating
        to_telegram(stack, tg.message(9003, "/end", MENTOR_TG))
        rating = book.text("feedback_ask_session_rating", "en")
        eventually(lambda: any(wa_text(m) == rating for m in graph.sent_to(MENTEE_WA)))
        eventually(lambda: any(m["text"] == rating for m in telegram.sent(MENTOR_TG)))
        ended = book.text("relay_ended_mentee", "en")
        assert any(wa_text(m) == ended for m in graph.sent_to(MENTEE_WA))
        # she rates 5 with the button: kept on the handoff, for the programme's report
        question = next(m for m in graph.sent_to(MENTEE_WA) if wa_text(m) == rating)
        to_whatsapp(stack, wa.list_reply(MENTEE_WA, "wamid.h6", wa_choices(question)["5"], "5"))
        comment = book.text("feedback_ask_comment", "en")
        eventually(lambda: any(wa_text(m) == comment for m in graph.sent_to(MENTEE_WA)))
        to_whatsapp(stack, wa.text(MENTEE_WA, "wamid.h6b", "Ana gave me good ideas"))
        store = HandoffStore(make_engine(stack.database_url))

        def rated() -> Any:
            with store.engine.connect() as connection:
                return connection.exec_driver_sql(
                    "SELECT mentee_rating FROM handoffs WHERE mentee_rating IS NOT NULL"
                ).scalar()

        assert eventually(rated) == 5
        # and the assistant answers her again
        to_whatsapp(stack, wa.text(MENTEE_WA, "wamid.h7", "thank you"))
        eventually(
            lambda: any(
                wa_text(m) == book.text("utter_welcome", "en") for m in graph.sent_to(MENTEE_WA)
            )
        )
    finally:
        stack.stop()


def test_widget_mentee_and_whatsapp_mentor(
    tmp_path: Path, telegram: FakeTelegram, graph: FakeGraph, book: Catalog
) -> None:
    stack = start_stack(tmp_path, env_extra=environment(telegram, graph))
    try:
        add_mentors(
            stack,
            {
                "first_name": "Zeynep",
                "languages": "en;tr",
                "countries": "TR",
                "channel": "whatsapp",
                "address": MENTOR_WA,
            },
        )
        widget = f"{stack.url}/widget"

        def post(path: str, body: dict[str, Any]) -> dict[str, Any]:
            answer = httpx.post(f"{widget}/{path}", content=json.dumps(body), timeout=30)
            assert answer.status_code == 200, answer.text
            return answer.json()

        session = post("session", {})["session"]
        count = iter(range(100))

        def say(text: str) -> dict[str, Any]:
            return post(
                "message",
                {
                    "session": session,
                    "client_id": f"client-{next(count):04d}",
                    "text": text,
                    "after": 0,
                },
            )

        shown = say("I need a person to talk to about my business")
        consent = next(m for m in shown["messages"] if m.get("buttons"))
        share = next(
            b
            for b in consent["buttons"]
            if b["title"] == book.text("button_handoff_no_summary", "en")
        )
        say(share["payload"])
        # the mentor has not written in 24 hours: the approved template, quick replies to tap
        template = eventually(
            lambda: [m for m in graph.sent_to(MENTOR_WA) if m["type"] == "template"]
        )[-1]
        payloads = [
            c["parameters"][0]["payload"]
            for c in template["template"]["components"]
            if c["type"] == "button"
        ]
        to_whatsapp(stack, wa.quick_reply(MENTOR_WA, "wamid.z1", payloads[0], "Accept"))
        accepted = book.text("handoff_accepted", "en", name="Zeynep", kind="\x00").split("\x00")[0]
        history = lambda: post("history", {"session": session, "after": 0})  # noqa: E731
        eventually(lambda: any(m["text"].startswith(accepted) for m in history()["messages"]))
        assert history()["relay"] is True  # the widget asks more often now
        connected = eventually(
            lambda: [m for m in graph.sent_to(MENTOR_WA) if m["type"] == "text"]
        )[-1]
        pseudonym = next(w for w in connected["text"]["body"].split() if w.startswith("#"))
        pseudonym = pseudonym.rstrip(".,")
        shown = say("Hello! I sell baklava in Izmir.")
        assert shown["messages"][-1]["text"] == "Hello! I sell baklava in Izmir."
        eventually(
            lambda: (
                wa_text(graph.sent_to(MENTOR_WA)[-1])
                == f"{pseudonym}: Hello! I sell baklava in Izmir."
            )
        )
        to_whatsapp(stack, wa.text(MENTOR_WA, "wamid.z2", "Merhaba! Tell me about your prices."))
        from_mentor = book.text(
            "relay_from_mentor", "en", name="Zeynep", text="Merhaba! Tell me about your prices."
        )
        eventually(lambda: history()["messages"][-1]["text"] == from_mentor)
        # she ends it in the widget: the rating question is in her conversation
        say("/end")
        rating = book.text("feedback_ask_session_rating", "en")
        eventually(lambda: any(m["text"] == rating for m in history()["messages"]))
        assert "relay" not in history()
    finally:
        stack.stop()


def test_becoming_a_mentor_in_chat_then_a_coordinator_confirms(
    tmp_path: Path, telegram: FakeTelegram, graph: FakeGraph, book: Catalog
) -> None:
    stack = start_stack(tmp_path, env_extra=environment(telegram, graph))
    applicant, coordinator = 8201, 8202
    update_ids = iter(range(20_000, 20_100))
    try:
        add_mentors(
            stack,
            {
                "first_name": "Carmen",
                "languages": "en",
                "countries": "ES",
                "channel": "telegram",
                "address": str(coordinator),
                "coordinator": "yes",
            },
        )

        def replies() -> list[dict[str, Any]]:
            return telegram.sent(applicant)

        def say(text: str) -> None:
            before = len(replies())
            to_telegram(stack, tg.message(next(update_ids), text, applicant))
            eventually(lambda: len(replies()) > before)

        def tap(title: str, chat: int = applicant) -> None:
            sent = telegram.sent(chat)
            before = len(sent)
            for message in reversed(sent):
                rows = (message.get("reply_markup") or {}).get("inline_keyboard") or []
                for row in rows:
                    if row[0]["text"] == title:
                        to_telegram(
                            stack, tg.callback(next(update_ids), row[0]["callback_data"], chat)
                        )
                        eventually(lambda: len(telegram.sent(chat)) > before)
                        return
            raise AssertionError(f"no button {title!r}")

        say("/start")
        eventually(lambda: len(replies()) >= 3)  # the greeting, the privacy notice, the menu
        tap(book.text("button_menu_become_mentor", "en"))
        assert replies()[-1]["text"] == book.text("signup_consent", "en")
        tap(book.text("button_intake_agree", "en"))
        assert replies()[-1]["text"] == book.text("signup_ask_name", "en")
        say("Maria")
        say("English and Spanish")
        assert replies()[-1]["text"] == book.text("signup_ask_country", "en")
        tap(book.text("country_ES", "en"))
        say("marketing")
        tap(book.text("intake_mentor_type_volunteer", "en"))
        tap("2")
        tap(book.text("button_hours_evenings", "en"))
        summary = replies()[-1]["text"]
        assert "Maria" in summary and "Español" in summary and "18:00" not in summary
        tap(book.text("button_signup_send", "en"))
        assert replies()[-1]["text"] == book.text("signup_sent", "en")
        # the coordinator is told, with Confirm and Reject; she confirms
        application = eventually(lambda: telegram.sent(coordinator))[-1]
        assert "Maria" in application["text"]
        tap(book.text("button_approve", "en"), chat=coordinator)
        eventually(lambda: replies()[-1]["text"] == book.text("signup_approved", "en"))
        [maria] = [
            m for m in MentorStore(make_engine(stack.database_url)).all() if m.first_name == "Maria"
        ]
        assert maria.active and maria.languages == ("en", "es") and maria.countries == ("ES",)
        assert maria.capacity == 2 and maria.timezone == "Europe/Madrid"
        assert maria.channel == "telegram" and maria.address == str(applicant)
        # asking again: she is a mentor already
        say("I want to become a mentor")
        assert replies()[-1]["text"] == book.text("signup_already", "en")
    finally:
        stack.stop()


def test_two_messages_it_cannot_understand_offer_a_person(stack: Stack, book: Catalog) -> None:
    sender = "handoff-fallbacks"
    stack.say(sender, "hello")
    first = stack.say(sender, "qwrtz plfnk vbbzx")
    assert not any(book.text("handoff_consent_question", "en") == m.get("text") for m in first)
    second = stack.say(sender, "zzkrp vlorb mnqtt")
    texts = [m.get("text") or "" for m in second]
    assert texts[0].startswith(book.text("handoff_after_failures", "en"))
    assert texts[-1] == book.text("handoff_consent_question", "en")
    titles = [b["title"] for b in second[-1]["buttons"]]
    assert titles == [
        book.text(key, "en")
        for key in (
            "button_handoff_share",
            "button_handoff_share_all",
            "button_handoff_no_summary",
            "button_handoff_cancel",
        )
    ]
    # her choice files the request (masked summary); "/end" cancels it
    stack.say(sender, second[-1]["buttons"][0]["payload"])
    [cancelled] = stack.say(sender, "/end")
    assert cancelled["text"] == book.text("handoff_cancelled", "en")
    [nothing] = stack.say(sender, "/end")
    assert nothing["text"] == book.text("relay_no_conversation", "en")


def test_telegram_mentee_and_whatsapp_mentor_with_buttons(
    tmp_path: Path, telegram: FakeTelegram, graph: FakeGraph, book: Catalog
) -> None:
    stack = start_stack(tmp_path, env_extra=environment(telegram, graph))
    mentee, mentor_number = 8301, "34600009911"
    update_ids = iter(range(30_000, 30_100))
    try:
        add_mentors(
            stack,
            {
                "first_name": "Olga",
                "languages": "en;uk",
                "countries": "PL",
                "channel": "whatsapp",
                "address": mentor_number,
            },
        )
        # the mentor wrote today: her 24-hour window is open, so the offer has reply buttons
        to_whatsapp(stack, wa.text(mentor_number, "wamid.o1", "hello"))
        eventually(lambda: len(graph.sent_to(mentor_number)) >= 3)

        def tap(title: str) -> None:
            for message in reversed(telegram.sent(mentee)):
                for row in (message.get("reply_markup") or {}).get("inline_keyboard") or []:
                    if row[0]["text"] == title:
                        data = row[0]["callback_data"]
                        to_telegram(stack, tg.callback(next(update_ids), data, mentee))
                        return
            raise AssertionError(f"no button {title!r}")

        to_telegram(stack, tg.message(next(update_ids), "/start", mentee))
        eventually(lambda: len(telegram.sent(mentee)) >= 3)
        to_telegram(stack, tg.message(next(update_ids), "/mentor", mentee))
        eventually(
            lambda: telegram.sent(mentee)[-1]["text"] == book.text("handoff_consent_question", "en")
        )
        tap(book.text("button_handoff_no_summary", "en"))
        offer = eventually(
            lambda: [
                m
                for m in graph.sent_to(mentor_number)
                if m["type"] == "interactive" and wa_text(m).startswith("New mentoring request")
            ]
        )[-1]
        assert book.text("handoff_no_summary", "en") in wa_text(offer)
        choices = wa_choices(offer)
        accept = choices[book.text("button_accept", "en")]
        to_whatsapp(stack, wa.button_reply(mentor_number, "wamid.o2", accept, "Accept"))
        eventually(lambda: telegram.sent(mentee)[-1]["text"].startswith("Good news: Olga"))
        to_telegram(stack, tg.message(next(update_ids), "Where do I find a bookkeeper?", mentee))
        eventually(
            lambda: wa_text(graph.sent_to(mentor_number)[-1]).endswith(
                ": Where do I find a bookkeeper?"
            )
        )
        to_whatsapp(stack, wa.text(mentor_number, "wamid.o3", "Ask the chamber of commerce."))
        said = book.text(
            "relay_from_mentor", "en", name="Olga", text="Ask the chamber of commerce."
        )
        eventually(lambda: telegram.sent(mentee)[-1]["text"] == said)
        # her /help: options as buttons; "End the conversation" ends it, and both rate it
        to_telegram(stack, tg.message(next(update_ids), "/help", mentee))
        eventually(
            lambda: (
                telegram.sent(mentee)[-1]["text"]
                == book.text("relay_help_mentee", "en", name="Olga")
            )
        )
        tap(book.text("button_relay_end", "en"))
        rating = book.text("feedback_ask_session_rating", "en")
        eventually(lambda: any(m["text"] == rating for m in telegram.sent(mentee)))
        eventually(lambda: any(wa_text(m) == rating for m in graph.sent_to(mentor_number)))
    finally:
        stack.stop()
