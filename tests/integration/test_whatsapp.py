"""The WhatsApp webhook against a local fake Graph API: handshake, signatures, once per message,
replies as text, reply buttons or lists, media and status callbacks, retries on 5xx."""

from __future__ import annotations

import concurrent.futures
import hashlib
import hmac
import json
from pathlib import Path
from typing import Any, Iterator

import httpx
import pytest

from bot.i18n import Catalog
from channels.common import run_on_plain_loop as run
from channels.notify import MentorNotifier, Notice
from channels.whatsapp import reply_body
from tests.auxil.fake_graph import FakeGraph
from tests.auxil.stack import Stack, start_stack
from tests.data import whatsapp_payloads as wa

pytestmark = pytest.mark.server

APP_SECRET = "test-app-secret-0123456789"
VERIFY = "test-verify-token"


@pytest.fixture(scope="module")
def wa_stack(tmp_path_factory: pytest.TempPathFactory, graph: FakeGraph) -> Iterator[Stack]:
    env = {
        "WHATSAPP_ACCESS_TOKEN": "test-access-token",
        "WHATSAPP_PHONE_NUMBER_ID": wa.PHONE_ID,
        "WHATSAPP_APP_SECRET": APP_SECRET,
        "WHATSAPP_VERIFY_TOKEN": VERIFY,
        "WHATSAPP_GRAPH_URL": graph.url,
        "WHATSAPP_GRAPH_VERSION": "v21.0",
    }
    stack = start_stack(Path(tmp_path_factory.mktemp("whatsapp")), env_extra=env)
    yield stack
    stack.stop()


def deliver(stack: Stack, payload: Any, secret: str | None = APP_SECRET, raw: bytes | None = None):
    body = raw if raw is not None else json.dumps(payload).encode()
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
        headers["X-Hub-Signature-256"] = f"sha256={digest}"
    return httpx.post(
        f"{stack.url}/webhooks/whatsapp/webhook", content=body, headers=headers, timeout=30
    )


def test_the_handshake_echoes_the_challenge_only_for_the_right_token(wa_stack: Stack) -> None:
    url = f"{wa_stack.url}/webhooks/whatsapp/webhook"
    ok = httpx.get(
        url, params={"hub.mode": "subscribe", "hub.verify_token": VERIFY, "hub.challenge": "1158"}
    )
    assert (ok.status_code, ok.text) == (200, "1158")
    wrong = httpx.get(
        url, params={"hub.mode": "subscribe", "hub.verify_token": "no", "hub.challenge": "1158"}
    )
    assert wrong.status_code == 403 and "1158" not in wrong.text


def test_a_message_is_answered_with_reply_buttons_and_a_tap_goes_on(
    wa_stack: Stack, graph: FakeGraph, book: Catalog
) -> None:
    number = "34600000001"
    assert (
        deliver(wa_stack, wa.text(number, "wamid.in1", "what is a business angel?")).status_code
        == 200
    )
    [answer] = graph.wait_for(number)
    assert answer["type"] == "interactive" and answer["interactive"]["type"] in ("button", "list")
    rows = (
        answer["interactive"]["action"].get("buttons")
        or answer["interactive"]["action"]["sections"][0]["rows"]
    )
    titles = [r.get("reply", r).get("title") for r in rows]
    assert all(len(t) <= 24 for t in titles)
    more = next(r.get("reply", r) for r in rows if r.get("reply", r)["title"].startswith("More"))
    tap = (
        wa.button_reply(number, "wamid.in2", more["id"], more["title"])
        if answer["interactive"]["type"] == "button"
        else wa.list_reply(number, "wamid.in2", more["id"], more["title"])
    )
    deliver(wa_stack, tap)
    after = graph.wait_for(number, count=2)
    assert after[1]["type"] in ("text", "interactive")


def test_missing_or_wrong_signatures_are_refused_and_nothing_is_sent(
    wa_stack: Stack, graph: FakeGraph
) -> None:
    number = "34600000002"
    assert deliver(wa_stack, wa.text(number, "wamid.s1", "hello"), secret=None).status_code == 401
    assert deliver(wa_stack, wa.text(number, "wamid.s2", "hello"), secret="x").status_code == 403
    assert graph.wait_for(number, timeout=2) == []


def test_malformed_json_is_400(wa_stack: Stack) -> None:
    assert deliver(wa_stack, None, raw=b"{nope").status_code == 400


def test_a_one_megabyte_message_is_answered_and_a_larger_body_refused(
    wa_stack: Stack, graph: FakeGraph
) -> None:
    number = "34600000008"
    big = wa.text(number, "wamid.big", "How do I find funding? " + "x" * 1_000_000)
    assert deliver(wa_stack, big).status_code == 200
    assert graph.wait_for(number)
    huge = wa.text(number, "wamid.huge", "x" * 1_200_000)
    assert deliver(wa_stack, huge).status_code == 413


def test_the_same_message_five_times_at_once_is_answered_once(
    wa_stack: Stack, graph: FakeGraph
) -> None:
    number = "34600000003"
    payload = wa.text(number, "wamid.dup", "hello")
    with concurrent.futures.ThreadPoolExecutor(5) as pool:
        codes = list(pool.map(lambda _: deliver(wa_stack, payload).status_code, range(5)))
    assert codes == [200] * 5
    greeting = graph.wait_for(number, count=3)  # greeting, privacy notice, menu
    assert len(greeting) == 3
    assert len(graph.wait_for(number, count=4, timeout=3)) == 3  # once, not five times


def test_images_get_a_polite_reply_and_statuses_are_ignored(
    wa_stack: Stack, graph: FakeGraph, book: Catalog
) -> None:
    number = "34600000004"
    assert deliver(wa_stack, wa.status("wamid.out1", number)).status_code == 200
    deliver(wa_stack, wa.image(number, "wamid.img"))
    [reply] = graph.wait_for(number)
    assert reply["text"]["body"] == book.text("channel_media_unsupported", "en")


def test_a_server_error_is_retried(wa_stack: Stack, graph: FakeGraph) -> None:
    number = "34600000005"
    graph.failures = [500, 429]
    deliver(wa_stack, wa.text(number, "wamid.retry", "what is a business angel?"))
    assert graph.wait_for(number)  # got through on the third try


def test_replies_choose_text_buttons_list_or_numbers() -> None:
    def buttons(n: int) -> list[dict[str, str]]:
        return [
            {"title": f"Option number {i} with a long title", "payload": f"/x{i}"} for i in range(n)
        ]

    assert reply_body("1", "hi", [])["type"] == "text"
    three = reply_body("1", "hi", buttons(3))["interactive"]
    assert three["type"] == "button" and all(
        len(b["reply"]["title"]) <= 20 for b in three["action"]["buttons"]
    )
    ten = reply_body("1", "hi", buttons(10))["interactive"]
    assert ten["type"] == "list" and len(ten["action"]["sections"][0]["rows"]) == 10
    many = reply_body("1", "hi", buttons(14))
    assert many["type"] == "text" and "14." in many["text"]["body"]


def test_lists_are_opened_with_a_label_in_her_language(
    wa_stack: Stack, graph: FakeGraph, book: Catalog
) -> None:
    number = "34600000006"
    deliver(wa_stack, wa.text(number, "wamid.es1", "hola"))
    menu = graph.wait_for(number, count=3)[-1]
    assert menu["interactive"]["type"] == "list"
    assert menu["interactive"]["action"]["button"] == book.text("channel_list_button", "es")


def test_her_message_opens_the_window_for_notifications_on_any_replica(
    wa_stack: Stack, graph: FakeGraph
) -> None:
    number = "34600000007"
    notice = Notice("whatsapp", number, "Your mentor is ready.", actions=(("OK", "ok"),), ref="r1")
    env = {
        "IMENTOR_SECRET_KEY": wa_stack.secret_key,
        "DATABASE_URL": wa_stack.database_url,
        "WHATSAPP_ACCESS_TOKEN": "test-access-token",
        "WHATSAPP_PHONE_NUMBER_ID": wa.PHONE_ID,
        "WHATSAPP_APP_SECRET": APP_SECRET,
        "WHATSAPP_VERIFY_TOKEN": VERIFY,
        "WHATSAPP_GRAPH_URL": graph.url,
    }

    def notify() -> str:
        notifier = MentorNotifier.from_env(env)  # another process than the one she wrote to

        async def go() -> str:
            try:
                return (await notifier.send(notice)).kind
            finally:
                await notifier.close()

        return run(go())

    assert notify() == "template"  # she has never written
    deliver(wa_stack, wa.text(number, "wamid.win1", "hello"))
    graph.wait_for(number, count=4)  # the template, then greeting, privacy notice, menu
    assert notify() == "buttons"
    assert (
        graph.sent_to(number)[-1]["interactive"]["action"]["buttons"][0]["reply"]["title"] == "OK"
    )
