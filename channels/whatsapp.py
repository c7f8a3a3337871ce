"""WhatsApp Cloud API channel (`/webhooks/whatsapp/webhook`): signed, once, windowed.

- Enabled when WHATSAPP_ACCESS_TOKEN, WHATSAPP_PHONE_NUMBER_ID, WHATSAPP_APP_SECRET and
  WHATSAPP_VERIFY_TOKEN are all set.
- GET: the subscription handshake echoes `hub.challenge` only for the right verify token.
- POST: `X-Hub-Signature-256` must be HMAC-SHA256 of the raw body with the app secret
  (constant-time compare), else 401 and nothing is read. Status callbacks are acknowledged and
  ignored; each message id is taken once (kept 8 days); messages are processed after the
  acknowledgement.
- Replies: text; up to 3 buttons as reply buttons, up to 10 as a list, more as numbered text
  (she answers with the number). Button ids are digests looked up among what was sent to her.
- One aiohttp ClientSession with timeouts; 429 and 5xx are retried with backoff. Outside the
  24-hour customer-service window only an approved template is sent (WHATSAPP_TEMPLATE_NAME).
- WHATSAPP_GRAPH_URL and WHATSAPP_GRAPH_VERSION point it at a local fake in tests.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import os
import time
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Awaitable, Callable, Dict, List, Optional

import aiohttp
from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.i18n import catalog
from bot.language import current_language
from bot.settings import Settings
from bot.shortcuts import numbered_options
from bot.storage import person_key, question_log
from bot.storage.windows import WHATSAPP_WINDOW, ContactWindows
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

SIGNATURE_HEADER = "X-Hub-Signature-256"
MAX_BODY = 1_100_000
MAX_REPLY_BUTTONS = 3
MAX_LIST_ROWS = 10
BUTTON_TITLE = 20  # characters, Cloud API limit
ROW_TITLE = 24
MAX_TEXT = 4096
MEDIA = ("image", "audio", "video", "document", "sticker", "location", "contacts", "reaction")


@dataclass(frozen=True)
class WhatsAppConfig:
    access_token: str = field(default="", repr=False)
    phone_number_id: str = ""
    app_secret: str = field(default="", repr=False)
    verify_token: str = field(default="", repr=False)
    graph_url: str = "https://graph.facebook.com"
    graph_version: str = "v21.0"
    template_name: str = "imentor_follow_up"

    @property
    def enabled(self) -> bool:
        return all((self.access_token, self.phone_number_id, self.app_secret, self.verify_token))

    @property
    def messages_url(self) -> str:
        return f"{self.graph_url.rstrip('/')}/{self.graph_version}/{self.phone_number_id}/messages"

    @classmethod
    def from_env(cls, env: Dict[str, str] | None = None) -> WhatsAppConfig:
        env = dict(os.environ if env is None else env)
        return cls(
            access_token=env.get("WHATSAPP_ACCESS_TOKEN", ""),
            phone_number_id=env.get("WHATSAPP_PHONE_NUMBER_ID", ""),
            app_secret=env.get("WHATSAPP_APP_SECRET", ""),
            verify_token=env.get("WHATSAPP_VERIFY_TOKEN", ""),
            graph_url=env.get("WHATSAPP_GRAPH_URL") or cls.graph_url,
            graph_version=env.get("WHATSAPP_GRAPH_VERSION") or cls.graph_version,
            template_name=env.get("WHATSAPP_TEMPLATE_NAME") or cls.template_name,
        )


def signature_ok(secret: str, body: bytes, header: str) -> bool:
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected.encode(), (header or "").encode())


def _digest_id(button: Dict[str, Any]) -> str:
    return button_token(str(button["payload"]))


def reply_body(
    to: str,
    text: str,
    buttons: List[Dict[str, Any]],
    list_label: str = "☰",
    id_of: Callable[[Dict[str, Any]], str] = _digest_id,
) -> Dict[str, Any]:
    """The Cloud API message for a reply: text, reply buttons, a list, or numbered text.
    A button's id is a digest of its payload unless `id_of` says otherwise."""
    base = {"messaging_product": "whatsapp", "recipient_type": "individual", "to": to}
    buttons = [b for b in buttons if b.get("payload")]
    body_text = (text or "…")[:1024] if buttons else (text or "…")[:MAX_TEXT]
    if not buttons:
        return {**base, "type": "text", "text": {"body": body_text, "preview_url": False}}
    if len(buttons) <= MAX_REPLY_BUTTONS:
        return {
            **base,
            "type": "interactive",
            "interactive": {
                "type": "button",
                "body": {"text": body_text},
                "action": {
                    "buttons": [
                        {
                            "type": "reply",
                            "reply": {
                                "id": id_of(b),
                                "title": str(b.get("title", ""))[:BUTTON_TITLE],
                            },
                        }
                        for b in buttons
                    ]
                },
            },
        }
    if len(buttons) <= MAX_LIST_ROWS:
        return {
            **base,
            "type": "interactive",
            "interactive": {
                "type": "list",
                "body": {"text": body_text},
                "action": {
                    "button": (list_label or "☰")[:BUTTON_TITLE],
                    "sections": [
                        {
                            "rows": [
                                {
                                    "id": id_of(b),
                                    "title": str(b.get("title", ""))[:ROW_TITLE],
                                }
                                for b in buttons
                            ]
                        }
                    ],
                },
            },
        }
    listed = f"{text}\n{numbered_options(buttons)}" if text else numbered_options(buttons)
    return {**base, "type": "text", "text": {"body": listed[:MAX_TEXT], "preview_url": False}}


async def post_message(
    config: WhatsAppConfig, session: aiohttp.ClientSession, body: Dict[str, Any], attempts: int = 4
) -> None:
    """POST one message to the Cloud API; 429 and 5xx are retried with backoff, any other
    refusal raises RuntimeError (with the API's error, which holds no message text)."""
    headers = {"Authorization": f"Bearer {config.access_token}"}
    for attempt in range(attempts):
        async with session.post(config.messages_url, json=body, headers=headers) as answer:
            if answer.status < 300:
                return
            if answer.status != 429 and answer.status < 500:
                detail = (await answer.text())[:200]
                raise RuntimeError(f"WhatsApp refused the message ({answer.status}): {detail}")
        await asyncio.sleep(0.25 * 2**attempt)
    raise RuntimeError("WhatsApp did not take the message after retries")


class WhatsAppOutput(OutputChannel):
    @classmethod
    def name(cls) -> str:
        return "whatsapp"

    def __init__(
        self,
        config: WhatsAppConfig,
        session: Callable[[], Awaitable[aiohttp.ClientSession]],
        last_message_at: float | None,
        language: str = "en",
        attempts: int = 4,
    ) -> None:
        self.config = config
        self.session = session
        self.last_message_at = last_message_at
        self.language = language
        self.attempts = attempts

    def window_open(self) -> bool:
        return (
            self.last_message_at is not None
            and time.time() - self.last_message_at < WHATSAPP_WINDOW.total_seconds()
        )

    async def _post(self, body: Dict[str, Any]) -> None:
        await post_message(self.config, await self.session(), body, self.attempts)

    async def _send(
        self, to: str, text: str, buttons: List[Dict[str, Any]], language: str | None = None
    ) -> None:
        language = language if isinstance(language, str) and language else self.language
        if not self.window_open():
            # outside the 24 hours only an approved template may be sent
            await self._post(
                {
                    "messaging_product": "whatsapp",
                    "to": to,
                    "type": "template",
                    "template": {
                        "name": self.config.template_name,
                        "language": {"code": language},
                    },
                }
            )
            return
        label = catalog().text("channel_list_button", language)
        await self._post(reply_body(to, text, buttons, list_label=label))

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self._send(recipient_id, text, [], kwargs.get("language"))

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: List[Dict[str, Any]], **kwargs: Any
    ) -> None:
        await self._send(recipient_id, text, buttons, kwargs.get("language"))


class WhatsAppInput(InputChannel):
    @classmethod
    def name(cls) -> str:
        return "whatsapp"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[str, Any]]) -> WhatsAppInput:
        return cls(WhatsAppConfig.from_env())

    def __init__(self, config: WhatsAppConfig, settings: Settings | None = None) -> None:
        self.config = config
        self.settings = settings or Settings.from_env()
        self.guard = guard_from_settings(self.settings)
        self._session: aiohttp.ClientSession | None = None
        self.once = OncePerDelivery(self.name(), self.settings.database_url)

    def _windows(self) -> ContactWindows:
        return ContactWindows(question_log(self.settings.database_url).engine)

    async def session(self) -> aiohttp.ClientSession:
        """One session for the process, with timeouts (made on first use, not at start-up)."""
        if self._session is None or self._session.closed:
            timeout = aiohttp.ClientTimeout(total=15, connect=5)
            self._session = aiohttp.ClientSession(timeout=timeout)
        return self._session

    async def _output_for(self, number: str, language: str) -> OutputChannel:
        """For the handoff: to her (or a mentor), inside the 24-hour window when it is open."""
        contact = person_key(self.settings.secret_key, self.name(), number)
        window = await asyncio.to_thread(self._windows().is_open, self.name(), contact)
        return WhatsAppOutput(self.config, self.session, time.time() if window else None, language)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        hook = Blueprint(f"imentor_{self.name()}_webhook", __name__)
        hook.listener("after_server_start")(freeze_startup_objects)
        if self.config.enabled:
            hook.listener("before_server_start")(self.once.warm_up)
            attach_to_handoff(self.name(), on_new_message, self._output_for)

        @hook.route("/webhook", methods=["GET"])
        async def verify(request: Request) -> HTTPResponse:
            if not self.config.enabled:
                return response.json({"error": "WhatsApp is not configured here."}, status=404)
            args = request.args
            token = args.get("hub.verify_token") or ""
            if args.get("hub.mode") == "subscribe" and hmac.compare_digest(
                token.encode(), self.config.verify_token.encode()
            ):
                return response.text(args.get("hub.challenge") or "")
            return response.json({"error": "Wrong verify token."}, status=403)

        @hook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if not self.config.enabled:
                return response.json({"error": "WhatsApp is not configured here."}, status=404)
            skip_cors(request)
            body = request.body or b""
            if len(body) > MAX_BODY:
                return response.json({"error": "The delivery is too large."}, status=413)
            header = request.headers.get(SIGNATURE_HEADER, "")
            if not header:
                return response.json({"error": "Missing signature."}, status=401)
            if not signature_ok(self.config.app_secret, body, header):
                return response.json({"error": "Wrong signature."}, status=403)
            try:
                data = json.loads(body)
            except (ValueError, UnicodeDecodeError):
                return response.json({"error": "The body must be JSON."}, status=400)
            if not isinstance(data, dict):
                return response.json({"error": "Not a WhatsApp delivery."}, status=400)
            agent = getattr(request.app.ctx, "agent", None)
            for message in _messages(data):
                message_id = str(message.get("id") or "")
                if message_id:
                    self.once.accept(
                        message_id,
                        str(message.get("from") or ""),
                        partial(self._handle, message, agent, on_new_message),
                    )
            return response.json({"status": "accepted"})

        return hook

    async def _handle(
        self,
        message: Dict[str, Any],
        agent: Any,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
    ) -> None:
        sender = str(message.get("from") or "")
        if not sender:
            return
        tracker = None
        if agent is not None and agent.tracker_store is not None:
            tracker = await agent.tracker_store.retrieve(sender)
        language = current_language(tracker.get_slot("language") if tracker else None, None)
        # she has just written: the window is open for the replies to this message, and for
        # notifications to her (a mentor) for 24 hours, whichever replica sends them
        contact = person_key(self.settings.secret_key, self.name(), sender)
        await asyncio.to_thread(self._windows().wrote, self.name(), contact)
        output = WhatsAppOutput(self.config, self.session, time.time(), language)
        kind = message.get("type")
        text: str | None = None
        if kind == "text":
            text = str((message.get("text") or {}).get("body") or "")
            text = await resolve_text(
                self.guard, agent, sender, text[: self.settings.max_message_chars]
            )
        elif kind == "interactive":
            interactive = message.get("interactive") or {}
            reply = interactive.get("button_reply") or interactive.get("list_reply") or {}
            token = str(reply.get("id") or "")
            if token.startswith("a:"):  # a mentor's Accept, Decline, Answer or End
                await handoff_service().route(self.name(), sender, token, agent)
                return
            text = payload_of_token(tracker.events, token) if tracker is not None else None
            if text is None:
                return
        elif kind == "button":  # a quick reply on a template (a mentor's Accept or Decline)
            button = message.get("button") or {}
            token = str(button.get("payload") or "")
            if token.startswith("a:"):
                await handoff_service().route(self.name(), sender, token, agent)
                return
            text = str(button.get("text") or "")
        elif kind in MEDIA or kind == "unsupported":
            await output.send_text_message(
                sender, catalog().text("channel_media_unsupported", language)
            )
            return
        if text:
            if await handoff_service().route(self.name(), sender, text, agent):
                return  # a conversation with a mentor, or a mentor's message
            await on_new_message(UserMessage(text, output, sender, input_channel=self.name()))

    def get_output_channel(self) -> Optional[OutputChannel]:
        return None  # proactive messages go through channels.notify (window and template aware)


def _messages(data: Dict[str, Any]) -> List[Dict[str, Any]]:
    """The messages of a delivery (status callbacks have none and are ignored)."""
    found = []
    for entry in data.get("entry") or []:
        for change in (entry or {}).get("changes") or []:
            value = (change or {}).get("value") or {}
            found += [m for m in value.get("messages") or [] if isinstance(m, dict)]
    return found
