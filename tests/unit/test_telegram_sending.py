"""Telegram sending and set-up against the local fake Bot API (no Rasa server needed)."""

from __future__ import annotations

import time
from typing import Iterator

import pytest
from telegram import Bot

from channels.common import run_on_plain_loop as run
from channels.telegram import Pacer, TelegramConfig, TelegramOutput
from tests.auxil.fake_telegram import FakeTelegram


@pytest.fixture
def fake() -> Iterator[FakeTelegram]:
    server = FakeTelegram().start()
    yield server
    server.stop()


def test_retry_after_is_waited_out_and_nothing_is_dropped(fake: FakeTelegram) -> None:
    fake.too_many = 1
    bot = Bot("1:T", base_url=fake.base_url)
    output = TelegramOutput(bot, Pacer(per_chat=0.0))

    async def send() -> None:
        try:
            await output.send_text_message("42", "hello")
        finally:
            await bot.shutdown()

    started = time.monotonic()
    run(send())
    assert time.monotonic() - started >= 1.0  # Telegram said "retry after 1"
    assert [name for name, _ in fake.calls] == ["429", "sendMessage"]
    assert fake.sent(42)[0]["text"] == "hello"


def test_one_chat_gets_about_one_message_a_second_after_a_short_burst() -> None:
    pacer = Pacer(per_chat=0.2, per_second=1000, burst=3)

    async def times(count: int) -> list[float]:
        started, seen = time.monotonic(), []
        for _ in range(count):
            await pacer.wait("7")
            seen.append(time.monotonic() - started)
        return seen

    seen = run(times(5))
    assert seen[2] < 0.05  # a three-message reply goes out at once
    assert seen[3] >= 0.19 and seen[4] >= 0.39  # then one per interval


def test_a_token_without_a_secret_is_refused_at_start() -> None:
    with pytest.raises(ValueError, match="TELEGRAM_SECRET_TOKEN"):
        TelegramConfig.from_env({"TELEGRAM_TOKEN": "1:T"})
    assert not TelegramConfig.from_env({}).enabled
    assert "1:T" not in repr(
        TelegramConfig.from_env({"TELEGRAM_TOKEN": "1:T", "TELEGRAM_SECRET_TOKEN": "s"})
    )


def test_set_webhook_sends_the_secret(fake: FakeTelegram, monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.cli import main

    monkeypatch.setenv("TELEGRAM_TOKEN", "1:T")
    monkeypatch.setenv("TELEGRAM_SECRET_TOKEN", "s3cret")
    monkeypatch.setenv("TELEGRAM_API_BASE_URL", fake.base_url)
    url = "https://example.org/webhooks/telegram/webhook"
    assert main(["telegram", "set-webhook", "--url", "http://plain"]) == 2
    assert main(["telegram", "set-webhook", "--url", url]) == 0
    [(name, params)] = fake.calls
    assert name == "setWebhook" and params["url"] == url and params["secret_token"] == "s3cret"


def test_polling_hands_each_update_to_our_webhook_once_with_the_secret(
    fake: FakeTelegram, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.cli import main
    from tests.data import telegram_updates as tg

    fake.queued = [tg.message(5, "hello"), tg.message(6, "what is a business angel?")]
    monkeypatch.setenv("TELEGRAM_TOKEN", "1:T")
    monkeypatch.setenv("TELEGRAM_SECRET_TOKEN", "s3cret")
    monkeypatch.setenv("TELEGRAM_API_BASE_URL", fake.base_url)
    server = fake.base_url.removesuffix("/bot")
    assert main(["telegram", "poll", "--server", server, "--rounds", "2"]) == 0
    assert [name for name, _ in fake.calls][:2] == ["deleteWebhook", "getUpdates"]
    assert [(secret, body["update_id"]) for secret, body in fake.received] == [
        ("s3cret", 5),
        ("s3cret", 6),
    ]
    assert fake.received[1][1]["message"]["text"] == "what is a business angel?"
    second = [p for name, p in fake.calls if name == "getUpdates"][1]
    assert int(second["offset"]) == 7  # confirmed: Telegram will not hand them out again
