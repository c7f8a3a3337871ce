"""Channels: webhook acknowledgement under load, and reply latency through each channel.

Run with `make bench-channels`. Starts the real action server and Rasa server with the
Telegram and WhatsApp channels pointed at local fakes of the Bot API and the Graph API (the
tests' own), then:
  1. acknowledgement: 200 deliveries posted at once (200 different people, each a real update
     or a signed Cloud API delivery) over connections opened beforehand (as the platforms keep
     theirs), from a process of their own (bench/fire.py), three rounds per channel: the time
     until each webhook answers 200 (the platforms retry what is not acknowledged quickly);
  2. reply latency, one person at a time (each greeted first): the time from posting her
     question to the fake API receiving the assistant's first reply (Telegram, WhatsApp), or
     the widget's and REST's answer arriving (they answer in the response).
Figures are printed and written to --out (bench/results/channels.json).
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import hmac
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Awaitable, Callable

import aiohttp

from bench.common import messenger_env, percentile, write_result
from tests.auxil.fake_graph import FakeGraph
from tests.auxil.fake_telegram import FakeTelegram
from tests.auxil.stack import start_stack
from tests.data import telegram_updates as tg
from tests.data import whatsapp_payloads as wa

TELEGRAM_SECRET = "bench-telegram-secret"  # noqa: S105 (a local benchmark's)
APP_SECRET = "bench-app-secret"  # noqa: S105
QUESTIONS = [
    "What is a business angel?",
    "How do I register as self-employed in Spain?",
    "How do I find funding for my business?",
    "What taxes does a small business pay in Finland?",
    "How does mentoring work?",
]


def summary(values: list[float]) -> dict[str, float]:
    return {
        "count": len(values),
        "p50_ms": round(statistics.median(values), 2),
        "p95_ms": round(percentile(values, 95), 2),
        "p99_ms": round(percentile(values, 99), 2),
        "max_ms": round(max(values), 2),
    }


class Channels:
    """How to post one delivery to each webhook."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.update_id = 10_000
        self.message_id = 0

    def telegram(self, chat_id: int, text: str) -> tuple[str, bytes, dict[str, str]]:
        self.update_id += 1
        body = json.dumps(tg.message(self.update_id, text, chat_id=chat_id)).encode()
        headers = {
            "Content-Type": "application/json",
            "X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET,
        }
        return f"{self.url}/webhooks/telegram/webhook", body, headers

    def whatsapp(self, number: str, text: str) -> tuple[str, bytes, dict[str, str]]:
        self.message_id += 1
        body = json.dumps(wa.text(number, f"wamid.bench{self.message_id}", text)).encode()
        digest = hmac.new(APP_SECRET.encode(), body, hashlib.sha256).hexdigest()
        headers = {"Content-Type": "application/json", "X-Hub-Signature-256": f"sha256={digest}"}
        return f"{self.url}/webhooks/whatsapp/webhook", body, headers


async def timed_post(
    session: aiohttp.ClientSession, request: tuple[str, bytes, dict[str, str]]
) -> float:
    url, body, headers = request
    started = time.perf_counter()
    async with session.post(url, data=body, headers=headers) as answer:
        await answer.read()
        if answer.status != 200:
            raise RuntimeError(f"{url} answered {answer.status}")
    return (time.perf_counter() - started) * 1000


async def acknowledgements(
    make: Callable[[int], tuple[str, bytes, dict[str, str]]],
    settled: Callable[[int], bool],
    deliveries: int,
    rounds: int,
) -> dict[str, Any]:
    """Each round's deliveries are posted at once by bench.fire, in a process of its own."""
    times: list[float] = []
    per_round: list[float] = []
    for round_number in range(rounds):
        requests = [
            {"url": url, "body": body.decode(), "headers": headers}
            for url, body, headers in (
                make(round_number * deliveries + i) for i in range(deliveries)
            )
        ]
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as file:
            json.dump(requests, file)
        fired = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bench.fire", file.name, stdout=asyncio.subprocess.PIPE
        )
        output, _ = await fired.communicate()
        Path(file.name).unlink()
        if fired.returncode != 0:
            raise RuntimeError("bench.fire failed")
        fired_times = json.loads(output)
        times += fired_times
        per_round.append(round(percentile(fired_times, 99), 2))
        # let the assistant answer them all before the next round
        deadline = time.monotonic() + 300
        while not settled((round_number + 1) * deliveries) and time.monotonic() < deadline:
            await asyncio.sleep(0.2)
        await asyncio.sleep(1)  # and the last database writes
    return {
        "deliveries_at_once": deliveries,
        "rounds": rounds,
        **summary(times),
        "p99_ms_per_round": per_round,
    }


async def reply_latency(
    send: Callable[[aiohttp.ClientSession, int, str], Awaitable[None]],
    replies: Callable[[int], int],
    people: int,
    reading: float = 0.0,
) -> dict[str, Any]:
    """`reading`: seconds she takes between the greeting and her question (on Telegram the
    greeting's three messages use up the chat's burst; a person reads them first)."""
    times: list[float] = []
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60)) as session:
        for person in range(people):
            await send(session, person, "hello")  # greeted first: the question is a plain turn
            await wait_for(lambda p=person: replies(p) >= 3)
            await asyncio.sleep(reading)
            before = replies(person)
            started = time.perf_counter()
            await send(session, person, QUESTIONS[person % len(QUESTIONS)])
            await wait_for(lambda p=person, b=before: replies(p) > b)
            times.append((time.perf_counter() - started) * 1000)
    return summary(times)


async def wait_for(check: Callable[[], bool], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise RuntimeError("no reply in time")
        await asyncio.sleep(0.001)


async def answered(
    session: aiohttp.ClientSession, url: str, body: dict[str, Any]
) -> list[dict[str, Any]]:
    async with session.post(url, data=json.dumps(body).encode()) as answer:
        if answer.status != 200:
            raise RuntimeError(f"{url} answered {answer.status}")
        return await answer.json(content_type=None)


async def measure(url: str, telegram: FakeTelegram, graph: FakeGraph, deliveries: int) -> dict:
    channels = Channels(url)
    result: dict[str, Any] = {}

    # 1. acknowledgements under load
    def telegram_sent(chat: int) -> int:
        return len(telegram.sent(chat))

    def telegram_settled(count: int) -> bool:
        """All greeted: each new person gets the greeting, the privacy notice and the menu."""
        calls = list(telegram.calls)
        return sum(1 for n, p in calls if n == "sendMessage" and str(p["chat_id"])[:2] == "88") >= (
            3 * count
        )

    result["telegram_ack"] = await acknowledgements(
        lambda i: channels.telegram(880_000 + i, "hello"), telegram_settled, deliveries, 3
    )
    print(f"telegram acknowledgement: {result['telegram_ack']}")

    def whatsapp_settled(count: int) -> bool:
        return sum(1 for m in list(graph.messages) if str(m.get("to"))[:4] == "3477") >= 3 * count

    result["whatsapp_ack"] = await acknowledgements(
        lambda i: channels.whatsapp(f"3477{i:06d}", "hello"), whatsapp_settled, deliveries, 3
    )
    print(f"whatsapp acknowledgement: {result['whatsapp_ack']}")

    # 2. reply latency, one person at a time
    people = 30

    async def via_telegram(session: aiohttp.ClientSession, person: int, text: str) -> None:
        await timed_post(session, channels.telegram(770_000 + person, text))

    result["telegram_reply"] = await reply_latency(
        via_telegram, lambda p: telegram_sent(770_000 + p), 20, reading=3.0
    )
    print(f"telegram reply: {result['telegram_reply']}")

    async def via_whatsapp(session: aiohttp.ClientSession, person: int, text: str) -> None:
        await timed_post(session, channels.whatsapp(f"3466{person:06d}", text))

    result["whatsapp_reply"] = await reply_latency(
        via_whatsapp, lambda p: len(graph.sent_to(f"3466{p:06d}")), people
    )
    print(f"whatsapp reply: {result['whatsapp_reply']}")

    seen: dict[str, int] = {}

    async def via_widget(session: aiohttp.ClientSession, person: int, text: str) -> None:
        key = f"w{person}"
        if key not in seen:
            seen[key] = 0
            token = (await answered(session, f"{url}/widget/session", {}))["session"]
            seen[key + ":token"] = token  # type: ignore[assignment]
        body = {
            "session": seen[key + ":token"],
            "client_id": f"bench-{person}-{seen[key]}-{len(text)}",
            "text": text,
        }
        shown = (await answered(session, f"{url}/widget/message", body))["messages"]
        seen[key] += sum(1 for m in shown if m["from"] == "bot")

    result["widget_reply"] = await reply_latency(via_widget, lambda p: seen.get(f"w{p}", 0), people)
    print(f"widget reply: {result['widget_reply']}")

    rest_seen: dict[int, int] = {}

    async def via_rest(session: aiohttp.ClientSession, person: int, text: str) -> None:
        body = {"sender": f"bench-rest-{person}", "message": text}
        shown = await answered(session, f"{url}/webhooks/rest/webhook", body)
        rest_seen[person] = rest_seen.get(person, 0) + len(shown)

    result["rest_reply"] = await reply_latency(via_rest, lambda p: rest_seen.get(p, 0), people)
    print(f"rest reply: {result['rest_reply']}")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--deliveries", type=int, default=200, help="deliveries posted at once")
    parser.add_argument("--out", default="bench/results/channels.json")
    args = parser.parse_args()

    telegram, graph = FakeTelegram().start(), FakeGraph().start()
    work = Path(tempfile.mkdtemp(prefix="imentor-bench-channels-"))
    env = messenger_env(telegram.base_url, graph.url, TELEGRAM_SECRET, APP_SECRET, wa.PHONE_ID)
    stack = start_stack(work, env_extra=env)
    try:
        result = asyncio.run(measure(stack.url, telegram, graph, args.deliveries))
    finally:
        stack.stop()
        telegram.stop()
        graph.stop()
    result["target"] = "acknowledgement p99 <= 50 ms with 200 deliveries at once"
    result["met"] = all(result[k]["p99_ms"] <= 50 for k in ("telegram_ack", "whatsapp_ack"))
    write_result(result, args.out)


if __name__ == "__main__":
    main()
