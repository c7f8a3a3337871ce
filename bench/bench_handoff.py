"""The handoff relay: how long a message takes through the assistant between mentee and mentor.

Run with `make bench-handoff`. Starts the real action server and Rasa server with Telegram and
WhatsApp pointed at the tests' local fakes of the Bot API and the Graph API, adds mentors on
Telegram, and connects mentees on WhatsApp to them through the real flow ("/mentor", her
consent, the offer, the mentor's Accept tap). Then, one message at a time:
  1. mentee → mentor: from posting her WhatsApp message to our webhook until the fake Bot API
     receives "#CODE: text" for the mentor;
  2. mentor → mentee: from posting the mentor's Telegram update until the fake Graph API
     receives "Name (your mentor): text" for her.
That is all the latency the relay adds between the two messengers (their own delivery is not
ours to measure). Each mentor chat gets a message at most every 1.2 s, inside Telegram's
per-chat pace, so the figures are the relay's, not the pacing's. Also: the time from her
consent to the mentor's offer arriving (the sweeper's round). Figures are printed and written
to --out (bench/results/handoff.json).
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

import httpx

from bench.common import messenger_env, percentile, write_result
from bot.i18n import catalog
from bot.mentoring.mentors import MentorStore, make_mentor
from bot.storage import make_engine
from tests.auxil.fake_graph import FakeGraph
from tests.auxil.fake_telegram import FakeTelegram
from tests.auxil.stack import Stack, start_stack
from tests.data import telegram_updates as tg
from tests.data import whatsapp_payloads as wa

TELEGRAM_SECRET = "bench-telegram-secret"  # noqa: S105 (a local benchmark's)
APP_SECRET = "bench-app-secret"  # noqa: S105
PAIRS = 3
MENTOR_CHAT = 990_000
MENTEE = "3479000000"


def summary(values: list[float]) -> dict[str, float]:
    return {
        "count": len(values),
        "p50_ms": round(statistics.median(values), 2),
        "p95_ms": round(percentile(values, 95), 2),
        "p99_ms": round(percentile(values, 99), 2),
        "max_ms": round(max(values), 2),
    }


def wait_for(check: Callable[[], Any], timeout: float = 60) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        found = check()
        if found:
            return found
        if time.monotonic() > deadline:
            raise RuntimeError("not seen in time")
        time.sleep(0.0005)


class Post:
    def __init__(self, stack: Stack) -> None:
        self.url = stack.url
        self.client = httpx.Client(timeout=30)
        self.update_id = 50_000
        self.message_id = 0

    def telegram(self, update: dict[str, Any]) -> None:
        answer = self.client.post(
            f"{self.url}/webhooks/telegram/webhook",
            content=json.dumps(update).encode(),
            headers={
                "Content-Type": "application/json",
                "X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET,
            },
        )
        answer.raise_for_status()

    def telegram_text(self, chat: int, text: str) -> None:
        self.update_id += 1
        self.telegram(tg.message(self.update_id, text, chat_id=chat))

    def telegram_tap(self, chat: int, data: str) -> None:
        self.update_id += 1
        self.telegram(tg.callback(self.update_id, data, chat_id=chat))

    def whatsapp(self, payload: dict[str, Any]) -> None:
        body = json.dumps(payload).encode()
        digest = hmac.new(APP_SECRET.encode(), body, hashlib.sha256).hexdigest()
        answer = self.client.post(
            f"{self.url}/webhooks/whatsapp/webhook",
            content=body,
            headers={"Content-Type": "application/json", "X-Hub-Signature-256": f"sha256={digest}"},
        )
        answer.raise_for_status()

    def next_id(self) -> str:
        self.message_id += 1
        return f"wamid.bench-handoff-{self.message_id}"


def body_of(message: dict[str, Any]) -> str:
    if message.get("type") == "text":
        return message["text"]["body"]
    if message.get("type") == "interactive":
        return message["interactive"]["body"]["text"]
    return ""


def connect(post: Post, telegram: FakeTelegram, graph: FakeGraph, number: str) -> dict[str, Any]:
    """One mentee through the real flow; her mentor's chat and her code."""
    book = catalog()
    post.whatsapp(wa.text(number, post.next_id(), "Hello"))
    wait_for(lambda: len(graph.sent_to(number)) >= 3)
    post.whatsapp(wa.text(number, post.next_id(), "/mentor"))
    title = book.text("button_handoff_no_summary", "en")

    def consent() -> str | None:
        for message in graph.sent_to(number):
            if message.get("type") != "interactive":
                continue
            action = message["interactive"]["action"]
            rows = [b["reply"] for b in action.get("buttons", [])]
            rows += [r for s in action.get("sections", []) for r in s["rows"]]
            for row in rows:
                if row["title"] == title:
                    return row["id"]
        return None

    choice = wait_for(consent)
    offers_before = {c: len(telegram.sent(c)) for c in range(MENTOR_CHAT, MENTOR_CHAT + PAIRS)}
    consented = time.perf_counter()
    post.whatsapp(wa.list_reply(number, post.next_id(), choice, title))

    def offered() -> tuple[int, dict[str, Any]] | None:
        for chat, before in offers_before.items():
            sent = telegram.sent(chat)
            if len(sent) > before and sent[-1].get("reply_markup"):
                return chat, sent[-1]
        return None

    chat, offer = wait_for(offered)
    offer_ms = (time.perf_counter() - consented) * 1000
    code = offer["text"].split()[3].rstrip(".")
    accept = offer["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    before = len(graph.sent_to(number))
    post.telegram_tap(chat, accept)
    wait_for(lambda: len(graph.sent_to(number)) > before)
    return {"number": number, "chat": chat, "code": code, "offer_ms": offer_ms}


def measure(stack: Stack, telegram: FakeTelegram, graph: FakeGraph, messages: int) -> dict:
    store = MentorStore(make_engine(stack.database_url))
    for n in range(PAIRS):
        store.add(
            make_mentor(
                first_name=f"Mentor{n}",
                languages="en",
                countries="ES",
                channel="telegram",
                address=str(MENTOR_CHAT + n),
                capacity=5,
            )
        )
    post = Post(stack)
    pairs = [connect(post, telegram, graph, f"{MENTEE}{n}") for n in range(PAIRS)]
    if len({p["chat"] for p in pairs}) != PAIRS:
        raise RuntimeError("the mentees did not go to different mentors")
    time.sleep(2)  # let the "connected" messages' pacing settle
    to_mentor: list[float] = []
    to_mentee: list[float] = []
    gap = 1.2 / PAIRS  # each mentor chat: one message every 1.2 s
    for n in range(messages):
        pair = pairs[n % PAIRS]
        text = f"Question number {n} about my shop"
        started = time.perf_counter()
        post.whatsapp(wa.text(pair["number"], post.next_id(), text))
        wait_for(lambda p=pair, t=text: telegram.sent(p["chat"])[-1]["text"].endswith(t))
        to_mentor.append((time.perf_counter() - started) * 1000)
        time.sleep(gap)
    for n in range(messages):
        pair = pairs[n % PAIRS]
        text = f"Answer number {n}: try the local market"
        started = time.perf_counter()
        post.telegram_text(pair["chat"], text)
        wait_for(lambda p=pair, t=text: body_of(graph.sent_to(p["number"])[-1]).endswith(t))
        to_mentee.append((time.perf_counter() - started) * 1000)
        time.sleep(gap)
    return {
        "mentee_to_mentor": summary(to_mentor),
        "mentor_to_mentee": summary(to_mentee),
        "offer_after_consent_ms": [round(p["offer_ms"], 1) for p in pairs],
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--messages", type=int, default=100, help="messages each way")
    parser.add_argument("--out", default="bench/results/handoff.json")
    args = parser.parse_args()

    telegram, graph = FakeTelegram().start(), FakeGraph().start()
    work = Path(tempfile.mkdtemp(prefix="imentor-bench-handoff-"))
    env = messenger_env(telegram.base_url, graph.url, TELEGRAM_SECRET, APP_SECRET, wa.PHONE_ID)
    stack = start_stack(work, env_extra=env)
    try:
        result = measure(stack, telegram, graph, args.messages)
    finally:
        stack.stop()
        telegram.stop()
        graph.stop()
    for key in ("mentee_to_mentor", "mentor_to_mentee"):
        print(f"{key}: {result[key]}")
    print(f"offer after her consent (ms): {result['offer_after_consent_ms']}")
    result["target"] = "relay p99 <= 100 ms each way"
    result["met"] = all(
        result[k]["p99_ms"] <= 100 for k in ("mentee_to_mentor", "mentor_to_mentee")
    )
    write_result(result, args.out)


if __name__ == "__main__":
    main()
