"""Telegram channel (`/webhooks/telegram/webhook`) on python-telegram-bot: checked, once, paced.

- Enabled when TELEGRAM_TOKEN is set; TELEGRAM_SECRET_TOKEN is then required, and a delivery
  whose `X-Telegram-Bot-Api-Secret-Token` differs is refused (403) before anything is read.
- Each update is taken once (its update_id is kept 8 days in the database, so a restart or a
  second replica drops redeliveries too), acknowledged at once, and processed after the reply;
  a failure is recorded, never turned into a redelivery storm.
- Replies are plain text (no parse mode: nothing she or a slot wrote can become markup), split
  at Telegram's 4096 characters, with buttons as an inline keyboard whose callback data is a
  digest of the payload (Telegram allows 64 bytes), looked up in what was sent to her.
- Sending keeps to about 1 message a second per chat (after a burst of 3) and 30 overall, and
  waits out RetryAfter.
- Nothing touches the network at start-up: no getMe, no setWebhook.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import os
import time
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable, Dict, List, Optional, Tuple, Type

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import RetryAfter, TelegramError

from bot.i18n import catalog
from bot.language import current_language
from bot.settings import Settings
from channels.common import (
    OncePerDelivery,
    attach_to_handoff,
    button_token,
    freeze_startup_objects,
    guard_from_settings,
    handoff_service,
    payload_of_token,
    resolve_text,
    skip_cors,
)

logger = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 (a header name)
MAX_TEXT = 4096  # Telegram's limit for one message
MAX_BODY = 1_100_000  # a delivery larger than this is refused (413)
DEFAULT_BASE_URL = "https://api.telegram.org/bot"
ALLOWED_UPDATES = ("message", "edited_message", "callback_query")
# What she can send that the assistant cannot read: answered politely, in her language.
MEDIA = (
    "photo",
    "voice",
    "audio",
    "video",
    "video_note",
    "sticker",
    "document",
    "animation",
    "location",
    "venue",
    "contact",
    "poll",
    "dice",
)


@dataclass(frozen=True)
class TelegramConfig:
    token: str = field(default="", repr=False)
    secret: str = field(default="", repr=False)
    base_url: str = DEFAULT_BASE_URL

    @property
    def enabled(self) -> bool:
        return bool(self.token)

    @classmethod
    def from_env(cls, env: Dict[str, str] | None = None) -> TelegramConfig:
        env = dict(os.environ if env is None else env)
        config = cls(
            token=env.get("TELEGRAM_TOKEN", ""),
            secret=env.get("TELEGRAM_SECRET_TOKEN", ""),
            base_url=env.get("TELEGRAM_API_BASE_URL") or DEFAULT_BASE_URL,
        )
        if config.token and not config.secret:
            raise ValueError(
                "TELEGRAM_TOKEN is set but TELEGRAM_SECRET_TOKEN is not: set a secret (1-256 "
                "letters, digits, _ or -) and pass it to setWebhook (imentor telegram "
                "set-webhook does)"
            )
        return config


def split_text(text: str, limit: int = MAX_TEXT) -> List[str]:
    """Pieces of at most `limit` characters, cut at a paragraph, line or space when possible."""
    pieces: List[str] = []
    while len(text) > limit:
        cut = max(text.rfind(mark, 0, limit) for mark in ("\n\n", "\n", " "))
        cut = cut if cut > limit // 2 else limit
        pieces.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    if text or not pieces:
        pieces.append(text)
    return pieces


class Pacer:
    """Telegram's limits: about 1 message a second per chat, after a short burst (a reply of
    2-3 messages goes out at once), and 30 a second overall (a generic cell-rate algorithm)."""

    def __init__(self, per_chat: float = 1.0, per_second: int = 30, burst: int = 3) -> None:
        self.per_chat = per_chat
        self.tolerance = per_chat * (max(burst, 1) - 1)
        self.interval = 1.0 / per_second
        self._due: Dict[str, float] = {}  # per chat: when its next message is "due"
        self._next_any = 0.0
        self._lock = asyncio.Lock()

    async def wait(self, chat_id: str) -> None:
        async with self._lock:
            now = time.monotonic()
            due = max(self._due.get(chat_id, now), now)
            at = max(now, due - self.tolerance, self._next_any)
            self._due[chat_id] = max(due, at) + self.per_chat
            self._next_any = at + self.interval
            if len(self._due) > 10_000:  # forget chats that are quiet again
                self._due = {c: d for c, d in self._due.items() if d > now}
        if at > now:
            await asyncio.sleep(at - now)


class TelegramOutput(OutputChannel):
    """Sends the assistant's replies through python-telegram-bot's Bot."""

    @classmethod
    def name(cls) -> str:
        return "telegram"

    def __init__(
        self,
        bot: Bot,
        pacer: Pacer,
        attempts: int = 5,
        give_up: Tuple[Type[TelegramError], ...] = (),
    ) -> None:
        self.bot = bot
        self.pacer = pacer
        self.attempts = attempts
        self.give_up = give_up  # errors raised at once instead of retried

    async def _send(self, chat_id: str, text: str, markup: Any = None) -> None:
        for attempt in range(self.attempts):
            await self.pacer.wait(chat_id)
            try:
                await self.bot.send_message(chat_id=chat_id, text=text, reply_markup=markup)
                return
            except RetryAfter as exc:  # Telegram says when: wait, then send it (nothing dropped)
                delay = exc.retry_after
                seconds = delay.total_seconds() if hasattr(delay, "total_seconds") else delay
                await asyncio.sleep(float(seconds))
            except self.give_up:
                raise
            except TelegramError:
                if attempt == self.attempts - 1:
                    raise
                await asyncio.sleep(0.5 * 2**attempt)
        raise TelegramError(f"Telegram asked to wait {self.attempts} times in a row")

    async def send(self, chat_id: str, text: str, markup: Any = None) -> None:
        """Text in pieces of Telegram's size, the keyboard (if any) on the last piece."""
        pieces = split_text(text)
        for piece in pieces[:-1]:
            await self._send(chat_id, piece)
        await self._send(chat_id, pieces[-1], markup)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self.send(recipient_id, text)

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: List[Dict[str, Any]], **kwargs: Any
    ) -> None:
        rows = [
            [
                InlineKeyboardButton(
                    str(b.get("title", ""))[:64], callback_data=button_token(str(b["payload"]))
                )
            ]
            for b in buttons
            if b.get("payload")
        ]
        await self.send(recipient_id, text or "…", InlineKeyboardMarkup(rows) if rows else None)


def _chat_of(update: Dict[str, Any]) -> str:
    """The chat an update belongs to (its messages are processed in order)."""
    for kind in ("message", "edited_message", "callback_query"):
        part = update.get(kind)
        if isinstance(part, dict):
            message = part.get("message", part) if kind == "callback_query" else part
            chat = message.get("chat") if isinstance(message, dict) else None
            if isinstance(chat, dict) and "id" in chat:
                return str(chat["id"])
    return str(update.get("update_id"))


class TelegramInput(InputChannel):
    @classmethod
    def name(cls) -> str:
        return "telegram"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[str, Any]]) -> TelegramInput:
        return cls(TelegramConfig.from_env())

    def __init__(self, config: TelegramConfig, settings: Settings | None = None) -> None:
        self.config = config
        self.settings = settings or Settings.from_env()
        self.guard = guard_from_settings(self.settings)
        self._bot: Bot | None = None
        self._pacer: Pacer | None = None
        self.once = OncePerDelivery(self.name(), self.settings.database_url)

    def bot(self) -> Bot:
        if self._bot is None:  # made on first use: no network call here either
            self._bot = Bot(self.config.token, base_url=self.config.base_url)
        return self._bot

    def output(self) -> TelegramOutput:
        if self._pacer is None:
            self._pacer = Pacer()
        return TelegramOutput(self.bot(), self._pacer)

    async def _output_for(self, chat_id: str, language: str) -> OutputChannel:
        return self.output()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        hook = Blueprint(f"imentor_{self.name()}_webhook", __name__)
        hook.listener("after_server_start")(freeze_startup_objects)
        if self.config.enabled:
            hook.listener("before_server_start")(self.once.warm_up)
            attach_to_handoff(self.name(), on_new_message, self._output_for)

        @hook.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok", "enabled": self.config.enabled})

        @hook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if not self.config.enabled:
                return response.json({"error": "Telegram is not configured here."}, status=404)
            skip_cors(request)
            given = request.headers.get(SECRET_HEADER, "")
            if not hmac.compare_digest(given.encode(), self.config.secret.encode()):
                return response.json({"error": "Wrong or missing secret token."}, status=403)
            if len(request.body or b"") > MAX_BODY:
                return response.json({"error": "The update is too large."}, status=413)
            try:
                data = json.loads(request.body or b"")
            except (ValueError, UnicodeDecodeError):
                return response.json({"error": "The body must be JSON."}, status=400)
            if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
                return response.json({"error": "Not a Telegram update."}, status=400)
            agent = getattr(request.app.ctx, "agent", None)
            self.once.accept(
                str(data["update_id"]),
                _chat_of(data),
                lambda: self._handle(data, agent, on_new_message),
            )
            return response.json({"status": "accepted"})

        return hook

    async def _handle(
        self,
        data: Dict[str, Any],
        agent: Any,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
    ) -> None:
        update = Update.de_json(data, self.bot())  # parsed after the acknowledgement too
        if update is None:
            return
        output = self.output()
        query = update.callback_query
        if query is not None and query.message is not None:
            chat_id = str(query.message.chat.id)
            await self._answer_callback(query)
            data = query.data or ""
            if data.startswith("a:"):  # a mentor's Accept, Decline, Answer or End
                await handoff_service().route(self.name(), chat_id, data, agent)
                return
            payload = await self._payload_for(agent, chat_id, data)
            if payload is None:  # an old or forged button: nothing to do
                return
            if await handoff_service().route(self.name(), chat_id, payload, agent):
                return
            metadata = self._metadata(query.from_user)
            await on_new_message(
                UserMessage(payload, output, chat_id, input_channel=self.name(), metadata=metadata)
            )
            return
        message = update.message  # edited messages, channel posts etc. are ignored
        if message is None:
            return
        chat_id = str(message.chat.id)
        metadata = self._metadata(message.from_user)
        if message.text:
            text = message.text[: self.settings.max_message_chars]
            text = await resolve_text(self.guard, agent, chat_id, text)
            if await handoff_service().route(self.name(), chat_id, text, agent):
                return  # a conversation with a mentor, or a mentor's message
            await on_new_message(
                UserMessage(text, output, chat_id, input_channel=self.name(), metadata=metadata)
            )
            return
        if any(getattr(message, kind, None) for kind in MEDIA):
            language = await self._language(agent, chat_id, metadata)
            reply = catalog().text("channel_media_unsupported", language)
            await output.send_text_message(chat_id, reply)

    @staticmethod
    def _metadata(user: Any) -> Dict[str, Any] | None:
        code = getattr(user, "language_code", None)
        return {"language_hint": code} if code else None

    async def _answer_callback(self, query: Any) -> None:
        try:
            await self.bot().answer_callback_query(query.id)
        except TelegramError:  # the spinner on her button stops by itself after a while
            logger.info("telegram: could not answer a callback query")

    async def _payload_for(self, agent: Any, chat_id: str, data: str) -> str | None:
        """The payload of the button she tapped, among the buttons sent to her."""
        if agent is None or agent.tracker_store is None:
            return None
        tracker = await agent.tracker_store.retrieve(chat_id)
        return payload_of_token(tracker.events, data) if tracker is not None else None

    async def _language(self, agent: Any, chat_id: str, metadata: Dict[str, Any] | None) -> str:
        slot = None
        if agent is not None and agent.tracker_store is not None:
            tracker = await agent.tracker_store.retrieve(chat_id)
            slot = tracker.get_slot("language") if tracker is not None else None
        return current_language(slot, metadata)

    def get_output_channel(self) -> Optional[OutputChannel]:
        return self.output() if self.config.enabled else None
