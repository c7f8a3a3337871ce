"""Notifications to mentors on their own messenger (Telegram or WhatsApp), for the handoff.

    notifier = MentorNotifier.from_env()
    sent = await notifier.send(
        Notice(channel="telegram", address="123456789", text="…", language="fi",
               actions=[("Accept", "accept"), ("Decline", "decline")], ref="h42",
               template_values=["Ana", "Spain"]))

- Telegram: a message with an inline keyboard, paced and with RetryAfter waited out; a mentor
  who blocked the bot or never started it is reported (NotificationFailed), so the caller can
  try the next mentor.
- WhatsApp: inside the 24-hour window (when the mentor last wrote, kept in the database by the
  WhatsApp channel) a text or reply buttons; outside it the approved template
  WHATSAPP_MENTOR_TEMPLATE (default `mentor_request`) with `template_values` as its body
  parameters and the actions as its quick-reply button payloads.
- Buttons carry a signed action token, `a:<action>:<ref>:<mac>` (≤ 64 bytes, as Telegram
  requires), bound to the mentor's channel and address: `read_action` gives back (action, ref)
  only for a genuine tap by that mentor.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import os
import re
from dataclasses import dataclass, field
from typing import Any, Dict, List, Sequence, Tuple

import aiohttp
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, TelegramError

from bot.settings import Settings
from bot.storage import person_key, question_log
from bot.storage.windows import ContactWindows
from channels.telegram import Pacer, TelegramConfig, TelegramOutput
from channels.whatsapp import WhatsAppConfig, post_message, reply_body

logger = logging.getLogger(__name__)

ACTION = re.compile(r"[a-z_]{1,12}")
REF = re.compile(r"[A-Za-z0-9_-]{1,24}")
TOKEN = re.compile(r"a:([a-z_]{1,12}):([A-Za-z0-9_-]{1,24}):([0-9a-f]{16})")
DEFAULT_TEMPLATE = "mentor_request"


class NotificationFailed(Exception):
    """The mentor could not be reached; `reason` says why (no personal data)."""

    def __init__(self, channel: str, reason: str) -> None:
        super().__init__(f"{channel}: {reason}")
        self.channel = channel
        self.reason = reason


@dataclass(frozen=True)
class Notice:
    channel: str  # "telegram" or "whatsapp"
    address: str = field(repr=False)  # Telegram chat id or WhatsApp phone number (wa_id)
    text: str = field(repr=False)
    language: str = "en"
    actions: Sequence[Tuple[str, str]] = ()  # (button title, action name)
    ref: str = ""  # what the actions are about (a handoff id), ≤ 24 characters
    template_values: Sequence[str] = field(default=(), repr=False)


@dataclass(frozen=True)
class Sent:
    channel: str
    kind: str  # "text", "buttons" or "template"


class ActionTokens:
    """Button data for a mentor's choice, signed for one mentor's channel and address."""

    def __init__(self, secret_key: bytes) -> None:
        self._key = hmac.new(secret_key, b"imentor mentor actions", hashlib.sha256).digest()

    def _mac(self, channel: str, address: str, action: str, ref: str) -> str:
        message = f"{channel}\x00{address}\x00{action}\x00{ref}".encode()
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()[:16]

    def make(self, channel: str, address: str, action: str, ref: str) -> str:
        if not ACTION.fullmatch(action) or not REF.fullmatch(ref):
            raise ValueError("an action is 1-12 of a-z and _; a ref 1-24 letters, digits, _ or -")
        return f"a:{action}:{ref}:{self._mac(channel, address, action, ref)}"

    def read(self, channel: str, address: str, token: str) -> Tuple[str, str] | None:
        """(action, ref) of a genuine token for this mentor, else None."""
        match = TOKEN.fullmatch(token or "")
        if not match:
            return None
        action, ref, mac = match.groups()
        if not hmac.compare_digest(mac, self._mac(channel, address, action, ref)):
            return None
        return action, ref


class MentorNotifier:
    def __init__(
        self,
        settings: Settings,
        telegram: TelegramConfig | None = None,
        whatsapp: WhatsAppConfig | None = None,
        template: str = DEFAULT_TEMPLATE,
    ) -> None:
        self.settings = settings
        self.telegram = telegram or TelegramConfig()
        self.whatsapp = whatsapp or WhatsAppConfig()
        self.template = template
        self.tokens = ActionTokens(settings.secret_key)
        self._bot: Bot | None = None
        self._pacer = Pacer()
        self._session: aiohttp.ClientSession | None = None

    @classmethod
    def from_env(cls, env: Dict[str, str] | None = None) -> MentorNotifier:
        env = dict(os.environ if env is None else env)
        return cls(
            Settings.from_env(env),
            TelegramConfig.from_env(env),
            WhatsAppConfig.from_env(env),
            template=env.get("WHATSAPP_MENTOR_TEMPLATE") or DEFAULT_TEMPLATE,
        )

    @property
    def channels(self) -> List[str]:
        """The messengers notifications can go out on here."""
        return [
            name
            for name, config in (("telegram", self.telegram), ("whatsapp", self.whatsapp))
            if config.enabled
        ]

    def windows(self) -> ContactWindows:
        return ContactWindows(question_log(self.settings.database_url).engine)

    def contact(self, channel: str, address: str) -> str:
        return person_key(self.settings.secret_key, channel, address)

    def read_action(self, channel: str, address: str, token: str) -> Tuple[str, str] | None:
        return self.tokens.read(channel, address, token)

    async def close(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()
        if self._bot is not None:
            await self._bot.shutdown()

    async def send(self, notice: Notice) -> Sent:
        if notice.channel not in self.channels:
            raise NotificationFailed(notice.channel, "this messenger is not configured here")
        if notice.channel == "telegram":
            return await self._telegram(notice)
        return await self._whatsapp(notice)

    def _buttons(self, notice: Notice) -> List[Dict[str, str]]:
        return [
            {
                "title": title,
                "payload": self.tokens.make(notice.channel, notice.address, action, notice.ref),
            }
            for title, action in notice.actions
        ]

    # -- Telegram -----------------------------------------------------------------------------
    async def _telegram(self, notice: Notice) -> Sent:
        if self._bot is None:
            self._bot = Bot(self.telegram.token, base_url=self.telegram.base_url)
        buttons = self._buttons(notice)
        markup = None
        if buttons:
            rows = [
                [InlineKeyboardButton(b["title"][:64], callback_data=b["payload"])] for b in buttons
            ]
            markup = InlineKeyboardMarkup(rows)
        output = TelegramOutput(self._bot, self._pacer, give_up=(Forbidden, BadRequest))
        try:
            await output.send(notice.address, notice.text or "…", markup)
        except Forbidden as exc:
            raise NotificationFailed("telegram", "the mentor blocked the bot") from exc
        except BadRequest as exc:
            raise NotificationFailed("telegram", "Telegram refused the message") from exc
        except TelegramError as exc:
            raise NotificationFailed("telegram", "Telegram could not be reached") from exc
        return Sent("telegram", "buttons" if buttons else "text")

    # -- WhatsApp -----------------------------------------------------------------------------
    async def _whatsapp(self, notice: Notice) -> Sent:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                timeout=aiohttp.ClientTimeout(total=15, connect=5)
            )
        contact = self.contact("whatsapp", notice.address)
        window_open = await asyncio.to_thread(self.windows().is_open, "whatsapp", contact)
        buttons = self._buttons(notice)
        if window_open:
            body = reply_body(notice.address, notice.text, buttons, id_of=lambda b: b["payload"])
            kind = "buttons" if buttons else "text"
        else:
            body = self._template(notice, buttons)
            kind = "template"
        try:
            await post_message(self.whatsapp, self._session, body)
        except RuntimeError as exc:
            raise NotificationFailed("whatsapp", str(exc)) from exc
        return Sent("whatsapp", kind)

    def _template(self, notice: Notice, buttons: List[Dict[str, str]]) -> Dict[str, Any]:
        components: List[Dict[str, Any]] = []
        if notice.template_values:
            components.append(
                {
                    "type": "body",
                    "parameters": [
                        {"type": "text", "text": str(value)[:1024]}
                        for value in notice.template_values
                    ],
                }
            )
        for index, button in enumerate(buttons):
            components.append(
                {
                    "type": "button",
                    "sub_type": "quick_reply",
                    "index": str(index),
                    "parameters": [{"type": "payload", "payload": button["payload"]}],
                }
            )
        template: Dict[str, Any] = {"name": self.template, "language": {"code": notice.language}}
        if components:
            template["components"] = components
        return {
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": notice.address,
            "type": "template",
            "template": template,
        }
