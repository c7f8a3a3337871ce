"""Mentor notifications against the local fake Bot API and fake Graph API, with the 24-hour
WhatsApp window kept in SQLite and in PostgreSQL (shared by two notifiers, as by replicas)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import sqlalchemy as sa

from bot.settings import Settings
from bot.storage import question_log
from bot.storage.schema import contact_windows
from bot.storage.windows import ContactWindows
from channels.common import run_on_plain_loop as run
from channels.notify import MentorNotifier, Notice, NotificationFailed, Sent
from tests.auxil.fake_graph import FakeGraph
from tests.auxil.fake_telegram import FakeTelegram
from tests.auxil.notifier import fake_notifier

KEY = "notify-test-key-0123456789abcdef0123456789"
MENTOR_PHONE = "358401234567"
ACTIONS = (("Accept", "accept"), ("Decline", "decline"))


def notifier(url: str, telegram: FakeTelegram, graph: FakeGraph) -> MentorNotifier:
    return fake_notifier(KEY, url, telegram, graph)


def send(notifier: MentorNotifier, notice: Notice) -> Sent:
    async def go() -> Sent:
        try:
            return await notifier.send(notice)
        finally:
            await notifier.close()

    return run(go())


def whatsapp_notice(text: str = "A mentee in Spain asks about funding.") -> Notice:
    return Notice(
        channel="whatsapp",
        address=MENTOR_PHONE,
        text=text,
        language="es",
        actions=ACTIONS,
        ref="h42",
        template_values=["Ana", "Spain"],
    )


def test_telegram_notice_with_buttons_only_that_mentor_can_use(
    tmp_path: Path, telegram: FakeTelegram, graph: FakeGraph
) -> None:
    mentors = notifier(f"sqlite:///{tmp_path / 'db.sqlite'}", telegram, graph)
    notice = Notice("telegram", "5001", "A new mentee needs you.", "fi", ACTIONS, ref="h42")
    assert send(mentors, notice) == Sent("telegram", "buttons")
    message = telegram.wait_for(5001)[0]
    assert message["text"] == "A new mentee needs you."
    assert "parse_mode" not in message
    keyboard = message["reply_markup"]["inline_keyboard"]
    assert [row[0]["text"] for row in keyboard] == ["Accept", "Decline"]
    tokens = [row[0]["callback_data"] for row in keyboard]
    assert all(len(token.encode()) <= 64 for token in tokens)
    assert mentors.read_action("telegram", "5001", tokens[0]) == ("accept", "h42")
    assert mentors.read_action("telegram", "5001", tokens[1]) == ("decline", "h42")
    # the same tap from another chat, another channel, or altered, means nothing
    assert mentors.read_action("telegram", "5002", tokens[0]) is None
    assert mentors.read_action("whatsapp", "5001", tokens[0]) is None
    assert mentors.read_action("telegram", "5001", tokens[0].replace("accept", "decline")) is None


def test_a_long_telegram_notice_is_split_with_the_buttons_on_the_last_part(
    tmp_path: Path, telegram: FakeTelegram, graph: FakeGraph
) -> None:
    mentors = notifier(f"sqlite:///{tmp_path / 'db.sqlite'}", telegram, graph)
    send(mentors, Notice("telegram", "5003", "word " * 1500, actions=ACTIONS, ref="h43"))
    parts = telegram.wait_for(5003, count=2)
    assert len(parts) == 2 and all(len(p["text"]) <= 4096 for p in parts)
    assert "reply_markup" not in parts[0] and parts[1]["reply_markup"]["inline_keyboard"]


def test_a_mentor_who_blocked_the_bot_is_reported_so_the_next_can_be_tried(
    tmp_path: Path, telegram: FakeTelegram, graph: FakeGraph
) -> None:
    telegram.blocked.add("5009")
    mentors = notifier(f"sqlite:///{tmp_path / 'db.sqlite'}", telegram, graph)
    with pytest.raises(NotificationFailed) as failed:
        send(mentors, Notice("telegram", "5009", "Hello", actions=ACTIONS, ref="h44"))
    assert failed.value.reason == "the mentor blocked the bot"


def test_whatsapp_outside_the_window_sends_the_approved_template(
    url: str, telegram: FakeTelegram, graph: FakeGraph
) -> None:
    graph.messages.clear()
    mentors = notifier(url, telegram, graph)
    assert send(mentors, whatsapp_notice()) == Sent("whatsapp", "template")
    body = graph.wait_for(MENTOR_PHONE)[0]
    assert body["type"] == "template"
    template = body["template"]
    assert template["name"] == "mentor_request" and template["language"] == {"code": "es"}
    parameters = template["components"][0]["parameters"]
    assert [p["text"] for p in parameters] == ["Ana", "Spain"]
    quick = [c for c in template["components"] if c["type"] == "button"]
    assert [c["index"] for c in quick] == ["0", "1"]
    payload = quick[0]["parameters"][0]["payload"]
    assert mentors.read_action("whatsapp", MENTOR_PHONE, payload) == ("accept", "h42")


def test_whatsapp_inside_the_window_sends_buttons_and_the_window_is_shared(
    url: str, telegram: FakeTelegram, graph: FakeGraph
) -> None:
    graph.messages.clear()
    writer, sender = (
        notifier(url, telegram, graph),
        notifier(url, telegram, graph),
    )
    windows = ContactWindows(question_log(url).engine)
    # the mentor wrote to the assistant (the WhatsApp channel records it on any replica)
    windows.wrote("whatsapp", writer.contact("whatsapp", MENTOR_PHONE))
    assert send(sender, whatsapp_notice()) == Sent("whatsapp", "buttons")
    body = graph.wait_for(MENTOR_PHONE)[0]
    assert body["type"] == "interactive"
    buttons = body["interactive"]["action"]["buttons"]
    assert [b["reply"]["title"] for b in buttons] == ["Accept", "Decline"]
    token = buttons[0]["reply"]["id"]
    assert sender.read_action("whatsapp", MENTOR_PHONE, token) == ("accept", "h42")
    # 25 hours later the window has closed: the template again
    old = dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=25)
    windows.wrote("whatsapp", writer.contact("whatsapp", MENTOR_PHONE), at=old)
    assert send(sender, whatsapp_notice()) == Sent("whatsapp", "template")
    # no phone number is stored, only the keyed hash
    with windows.engine.connect() as connection:
        rows = connection.execute(sa.select(contact_windows)).all()
    assert len(rows) == 1 and MENTOR_PHONE not in str(rows)


def test_whatsapp_retries_busy_answers_and_reports_a_refusal(
    tmp_path: Path, telegram: FakeTelegram, graph: FakeGraph
) -> None:
    graph.messages.clear()
    mentors = notifier(f"sqlite:///{tmp_path / 'db.sqlite'}", telegram, graph)
    graph.failures[:] = [503, 429]
    assert send(mentors, whatsapp_notice()).kind == "template"
    assert len(graph.sent_to(MENTOR_PHONE)) == 1
    graph.failures[:] = [400]
    with pytest.raises(NotificationFailed) as failed:
        send(mentors, whatsapp_notice())
    assert failed.value.channel == "whatsapp" and "400" in failed.value.reason


def test_a_messenger_not_configured_here_is_reported(tmp_path: Path) -> None:
    env = {"IMENTOR_SECRET_KEY": KEY, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite'}"}
    mentors = MentorNotifier(Settings.from_env(env))
    assert mentors.channels == []
    with pytest.raises(NotificationFailed):
        send(mentors, Notice("telegram", "5001", "Hello"))
    with pytest.raises(ValueError):
        mentors.tokens.make("telegram", "5001", "accept!", "h1")
