"""The Telegram webhook against a local fake Bot API: refused when forged or malformed, once per
update however often it is delivered, text, commands, buttons and media handled."""

from __future__ import annotations

import concurrent.futures
import json
from pathlib import Path
from typing import Any, Iterator

import httpx
import pytest

from bot.i18n import Catalog
from tests.auxil.fake_telegram import FakeTelegram
from tests.auxil.stack import Stack, start_stack
from tests.data import telegram_updates as tg

pytestmark = pytest.mark.server

SECRET = "test-telegram-secret_0123"


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeTelegram]:
    server = FakeTelegram().start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def tg_stack(tmp_path_factory: pytest.TempPathFactory, fake: FakeTelegram) -> Iterator[Stack]:
    env = {
        "TELEGRAM_TOKEN": "123456:TEST-token",
        "TELEGRAM_SECRET_TOKEN": SECRET,
        "TELEGRAM_API_BASE_URL": fake.base_url,
    }
    stack = start_stack(Path(tmp_path_factory.mktemp("telegram")), env_extra=env)
    yield stack
    stack.stop()


def deliver(stack: Stack, update: Any, secret: str | None = SECRET, raw: bytes | None = None):
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret
    body = raw if raw is not None else json.dumps(update).encode()
    return httpx.post(
        f"{stack.url}/webhooks/telegram/webhook", content=body, headers=headers, timeout=30
    )


def test_a_message_is_answered_through_the_bot_api(
    tg_stack: Stack, fake: FakeTelegram, book: Catalog
) -> None:
    reply = deliver(tg_stack, tg.message(1001, "hello", chat_id=7001))
    assert reply.status_code == 200
    sent = fake.wait_for(7001, count=3)
    assert sent[0]["text"] == book.text("utter_greet", "en")
    menu = sent[2]
    assert menu["text"] == book.text("utter_main_menu", "en")
    keyboard = menu["reply_markup"]["inline_keyboard"]
    assert keyboard[0][0]["text"] == book.text("button_menu_ask", "en")
    assert all(len(row[0]["callback_data"].encode()) <= 64 for row in keyboard)
    assert "parse_mode" not in menu  # plain text: nothing she wrote can become markup


def test_a_tapped_button_goes_on_with_its_payload(
    tg_stack: Stack, fake: FakeTelegram, book: Catalog
) -> None:
    deliver(tg_stack, tg.message(1101, "How do I register as self-employed in Spain?", 7101))
    answer = fake.wait_for(7101)
    keyboard = answer[-1]["reply_markup"]["inline_keyboard"]
    more = next(row[0] for row in keyboard if row[0]["text"] == book.text("button_more", "en"))
    deliver(tg_stack, tg.callback(1102, more["callback_data"], 7101))
    after = fake.wait_for(7101, count=2)
    assert after[1]["text"].startswith("Becoming self-employed")
    assert any(name == "answerCallbackQuery" for name, _ in fake.calls)
    forged = deliver(tg_stack, tg.callback(1103, "p:" + "0" * 32, 7101))
    assert forged.status_code == 200
    assert len(fake.wait_for(7101, count=3, timeout=2)) == 2  # an unknown button does nothing


def test_a_wrong_or_missing_secret_is_refused_and_nothing_is_sent(
    tg_stack: Stack, fake: FakeTelegram
) -> None:
    assert deliver(tg_stack, tg.message(1201, "hello", 7201), secret="wrong").status_code == 403
    assert deliver(tg_stack, tg.message(1202, "hello", 7201), secret=None).status_code == 403
    assert fake.wait_for(7201, timeout=2) == []


def test_malformed_and_oversized_bodies_get_clear_errors(tg_stack: Stack) -> None:
    assert deliver(tg_stack, None, raw=b"{not json").status_code == 400
    assert deliver(tg_stack, {"hello": 1}).status_code == 400
    huge = tg.message(1301, "x" * 1_200_000, 7301)
    assert deliver(tg_stack, huge).status_code == 413


def test_a_one_megabyte_message_is_taken_and_answered(tg_stack: Stack, fake: FakeTelegram) -> None:
    big = tg.message(1302, "How do I find funding? " + "x" * 1_000_000, 7302)
    assert deliver(tg_stack, big).status_code == 200
    assert fake.wait_for(7302)  # read up to IMENTOR_MAX_MESSAGE_CHARS, and answered


def test_the_same_update_delivered_five_times_at_once_is_answered_once(
    tg_stack: Stack, fake: FakeTelegram, book: Catalog
) -> None:
    update = tg.message(1401, "what is a business angel?", 7401)
    with concurrent.futures.ThreadPoolExecutor(5) as pool:
        codes = list(pool.map(lambda _: deliver(tg_stack, update).status_code, range(5)))
    assert codes == [200] * 5
    fake.wait_for(7401, timeout=10)
    assert len(fake.wait_for(7401, count=2, timeout=3)) == 1


def test_photos_and_voice_get_a_polite_reply_in_her_language(
    tg_stack: Stack, fake: FakeTelegram, book: Catalog
) -> None:
    deliver(tg_stack, tg.photo(1501, 7501, language="fi"))
    [reply] = fake.wait_for(7501)
    assert reply["text"] == book.text("channel_media_unsupported", "fi")
    deliver(tg_stack, tg.voice(1502, 7501, language="fi"))
    assert len(fake.wait_for(7501, count=2)) == 2


def test_edited_messages_are_ignored(tg_stack: Stack, fake: FakeTelegram) -> None:
    assert deliver(tg_stack, tg.edited(1601, "hello", 7601)).status_code == 200
    assert fake.wait_for(7601, timeout=2) == []


def test_a_long_answer_is_split_at_telegrams_limit() -> None:
    from channels.telegram import split_text

    pieces = split_text(("word " * 2000).strip())
    assert len(pieces) == 3 and all(len(p) <= 4096 for p in pieces)
    assert " ".join(pieces) == ("word " * 2000).strip()
