"""Website widget channel (`/widget/…`): a chat box for the programme's website.

- `/widget/imentor-widget.js` and `.css` are the whole widget (no CDN, no build step); a site
  embeds it with one `<script>` tag and data attributes, shown working at `/widget/demo`.
- The server issues the conversation id, signed with the assistant's secret key: a client
  cannot make up one or take over another's, and the id says nothing about her.
- Each message carries a client id and is processed once however often the browser resends it
  (after a network drop); the reply is read back from the conversation itself, so a reply whose
  response was lost is found again by `/widget/history`, on any replica.
- Processing goes on when the browser goes away mid-request: nothing she sent is half-handled.
- Other sites may call it only when listed in WIDGET_ALLOWED_ORIGINS (CORS); none by default.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import os
import re
import secrets
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, Iterable, List, Optional

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from rasa.shared.core.events import BotUttered, UserUttered
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.i18n import catalog
from bot.settings import Settings
from channels.common import (
    OncePerDelivery,
    attach_to_handoff,
    freeze_startup_objects,
    guard_from_settings,
    handoff_service,
    resolve_text,
)

logger = logging.getLogger(__name__)

STATIC = Path(__file__).resolve().parent / "widget_static"
FILES = {
    "imentor-widget.js": "application/javascript; charset=utf-8",
    "imentor-widget.css": "text/css; charset=utf-8",
    "demo.css": "text/css; charset=utf-8",
}
# The demo page allows nothing but this server's own script, styles and API.
DEMO_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
    "img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"}
TOKEN_VERSION = "w1"  # noqa: S105 (a format version, not a secret)
TOKEN = re.compile(r"w1\.([A-Za-z0-9_-]{22})\.([0-9a-f]{32})")
CLIENT_ID = re.compile(r"[A-Za-z0-9_-]{8,64}")
MAX_BODY = 64_000
HISTORY_LIMIT = 60
WIDGET_KEY_PREFIX = "widget_"


def _error(status: int, message: str, headers: Dict[str, str] | None = None) -> HTTPResponse:
    return response.json({"error": message}, status=status, headers=headers)


class SessionTokens:
    """Conversation ids the server made: `w1.<random id>.<MAC>`, the sender id being `web-<id>`."""

    def __init__(self, secret_key: bytes) -> None:
        self._key = hmac.new(secret_key, b"imentor widget sessions", hashlib.sha256).digest()

    def _mac(self, conversation: str) -> str:
        return hmac.new(self._key, conversation.encode(), hashlib.sha256).hexdigest()[:32]

    def issue(self) -> str:
        conversation = secrets.token_urlsafe(16)  # 22 characters, 128 bits
        return f"{TOKEN_VERSION}.{conversation}.{self._mac(conversation)}"

    def sender_of(self, token: Any) -> str | None:
        """The sender id of a genuine token, else None."""
        if not isinstance(token, str):
            return None
        match = TOKEN.fullmatch(token)
        if not match or not hmac.compare_digest(match.group(2), self._mac(match.group(1))):
            return None
        return f"web-{match.group(1)}"


def _user_text(event: UserUttered, offered: List[Dict[str, Any]]) -> str | None:
    """What she wrote as she saw it: a tapped button shows its title; other payloads (the
    language switcher, the first greeting) are not shown."""
    text = event.text or ""
    if not text.startswith("/"):
        return text
    for button in offered:
        if button.get("payload") == text:
            return str(button.get("title") or "")
    return None


def conversation_after(events: Iterable[Any], after: float, limit: int = HISTORY_LIMIT):
    """The conversation as the widget shows it: messages newer than `after` (an event time),
    buttons only on the assistant's messages since her last turn (older choices are stale)."""
    shown: List[Dict[str, Any]] = []
    offered: List[Dict[str, Any]] = []
    fresh_from = 0  # index in `shown` of the first message after her latest turn
    for event in events:
        if isinstance(event, BotUttered):
            buttons = list(event.data.get("buttons") or [])
            if buttons:
                offered = buttons
            if event.timestamp > after and (event.text or buttons):
                shown.append(
                    {"at": event.timestamp, "from": "bot", "text": event.text or "", "_b": buttons}
                )
        elif isinstance(event, UserUttered):
            text = _user_text(event, offered)
            if text is not None and event.timestamp > after:
                client_id = (event.metadata or {}).get("client_id")
                shown.append({"at": event.timestamp, "from": "user", "text": text, "id": client_id})
            fresh_from = len(shown)
    for index, message in enumerate(shown):
        buttons = message.pop("_b", None)
        if message["from"] == "bot" and buttons and index >= fresh_from:
            message["buttons"] = [
                {"title": str(b.get("title") or ""), "payload": str(b.get("payload") or "")}
                for b in buttons
            ]
    return shown[-limit:]


def widget_strings() -> Dict[str, Any]:
    """Everything the widget shows, in every language, from the translators' files."""
    book = catalog()
    languages = []
    strings: Dict[str, Dict[str, str]] = {}
    for code in book.languages():
        locale = book.locales[code]
        languages.append({"code": code, "name": locale.name, "direction": locale.direction})
        strings[code] = {
            key[len(WIDGET_KEY_PREFIX) :]: value
            for key, value in locale.strings.items()
            if key.startswith(WIDGET_KEY_PREFIX)
        }
    return {"languages": languages, "strings": strings}


class WidgetInput(InputChannel):
    """The website widget's API. All POST bodies are JSON objects:

    - `/widget/session` {} → {"session": token}
    - `/widget/message` {"session", "client_id", "after", and one of "text", "language",
      "start": true} → {"messages": [...]} (the conversation after `after`, her message included)
    - `/widget/history` {"session", "after"} → {"messages": [...]}
    """

    @classmethod
    def name(cls) -> str:
        return "widget"

    def url_prefix(self) -> str:
        return "/widget"  # joined to Rasa's "/webhooks/" as an absolute path: /widget/…

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[str, Any]]) -> WidgetInput:
        return cls()

    def __init__(self, settings: Settings | None = None, env: Dict[str, str] | None = None):
        env = dict(os.environ if env is None else env)
        self.settings = settings or Settings.from_env()
        self.guard = guard_from_settings(self.settings)
        self.tokens = SessionTokens(self.settings.secret_key)
        self.once = OncePerDelivery(self.name(), self.settings.database_url)
        origins = env.get("WIDGET_ALLOWED_ORIGINS", "")
        self.allowed_origins = {o.strip().rstrip("/") for o in origins.split(",") if o.strip()}
        self._strings: bytes | None = None
        self._languages = set(catalog().languages())

    # -- cross-origin use from the programme's own sites -------------------------------------
    def cors_headers(self, request: Request) -> Dict[str, str]:
        """The widget's requests are CORS "simple requests" (POST with a text/plain body that
        holds JSON, no credentials), so there is no preflight: only the answer says whether
        the page's origin may read it."""
        origin = request.headers.get("Origin", "")
        if origin and (origin in self.allowed_origins or "*" in self.allowed_origins):
            return {"Access-Control-Allow-Origin": origin, "Vary": "Origin"}
        return {"Vary": "Origin"}

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        hook = Blueprint(f"imentor_{self.name()}", __name__)
        hook.listener("after_server_start")(freeze_startup_objects)
        hook.listener("before_server_start")(self.once.warm_up)
        attach_to_handoff(self.name(), on_new_message)

        @hook.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @hook.route("/demo", methods=["GET"])
        async def demo(request: Request) -> HTTPResponse:
            page = (STATIC / "demo.html").read_text(encoding="utf-8")
            headers = {**SECURITY_HEADERS, "Content-Security-Policy": DEMO_CSP}
            return response.html(page, headers=headers)

        @hook.route("/<name:imentor-widget\\.js|imentor-widget\\.css|demo\\.css>", methods=["GET"])
        async def static(request: Request, name: str) -> HTTPResponse:
            body = (STATIC / name).read_bytes()
            headers = {**SECURITY_HEADERS, "Cache-Control": "public, max-age=300"}
            return response.raw(body, content_type=FILES[name], headers=headers)

        @hook.route("/strings", methods=["GET"])
        async def strings(request: Request) -> HTTPResponse:
            headers = {**SECURITY_HEADERS, **self.cors_headers(request)}
            if self._strings is None:
                self._strings = json.dumps(widget_strings(), ensure_ascii=False).encode()
            headers["Cache-Control"] = "public, max-age=300"
            return response.raw(self._strings, content_type="application/json", headers=headers)

        @hook.route("/session", methods=["POST"])
        async def session(request: Request) -> HTTPResponse:
            headers = self.cors_headers(request)
            return response.json({"session": self.tokens.issue()}, headers=headers)

        @hook.route("/message", methods=["POST"])
        async def message(request: Request) -> HTTPResponse:
            headers = self.cors_headers(request)
            body, sender, problem = self._read(request)
            if problem is not None:
                return _error(*problem, headers=headers)
            client_id = body.get("client_id")
            if not isinstance(client_id, str) or not CLIENT_ID.fullmatch(client_id):
                return _error(400, "'client_id' must be 8-64 letters, digits, _ or -", headers)
            agent = getattr(request.app.ctx, "agent", None)
            text, problem = await self._text_of(body, agent, sender)
            if problem is not None:
                return _error(*problem, headers=headers)
            after = _after(body)
            # the id kept is a digest: the delivery table does not link her conversation
            delivery = hashlib.sha256(f"{sender}:{client_id}".encode()).hexdigest()[:40]
            if not await self.once.first(delivery):
                # sent again after a lost response: show what the first delivery produced
                shown = await self._history(agent, sender, after)
                return response.json({**shown, "duplicate": True}, headers=headers)
            metadata = {"client_id": client_id}
            language = body.get("language_hint")
            if isinstance(language, str) and language in self._languages:
                metadata["language_hint"] = language
            routed = handoff_service().route(self.name(), sender, text, agent, metadata)
            if await asyncio.shield(asyncio.ensure_future(routed)):
                # a conversation with a mentor: her message is in the conversation now
                return response.json(await self._history(agent, sender, after), headers=headers)
            user_message = UserMessage(
                text,
                CollectingOutputChannel(),
                sender,
                input_channel=self.name(),
                metadata=metadata,
            )
            # finished even if the browser goes away mid-request: nothing is half-handled
            await asyncio.shield(asyncio.ensure_future(on_new_message(user_message)))
            return response.json(await self._history(agent, sender, after), headers=headers)

        @hook.route("/history", methods=["POST"])
        async def history(request: Request) -> HTTPResponse:
            headers = self.cors_headers(request)
            body, sender, problem = self._read(request)
            if problem is not None:
                return _error(*problem, headers=headers)
            agent = getattr(request.app.ctx, "agent", None)
            shown = await self._history(agent, sender, _after(body))
            return response.json(shown, headers=headers)

        return hook

    def _read(self, request: Request):
        """The JSON body and the sender of its session token, or (status, message)."""
        if len(request.body or b"") > MAX_BODY:
            return None, None, (413, "The request is too large.")
        try:
            body = json.loads(request.body or b"")
        except (ValueError, UnicodeDecodeError):
            return None, None, (400, "The request body must be JSON.")
        if not isinstance(body, dict):
            return None, None, (400, "The request body must be a JSON object.")
        sender = self.tokens.sender_of(body.get("session"))
        if sender is None:
            return None, None, (401, "Unknown session: ask /widget/session for a new one.")
        return body, sender, None

    async def _text_of(self, body: Dict[str, Any], agent: Any, sender: str):
        """What to hand to Rasa: her text, a language switch, or the first greeting."""
        if body.get("start") is True:
            return "/greet", None
        language = body.get("language")
        if language is not None:
            if language not in self._languages:
                return None, (400, f"'language' must be one of {sorted(self._languages)}")
            return f'/choose_language{{"language": "{language}"}}', None
        text = body.get("text")
        if not isinstance(text, str) or not text.strip():
            return None, (400, "'text' must be a non-empty string.")
        if len(text) > self.settings.max_message_chars:
            limit = self.settings.max_message_chars
            return None, (413, f"'text' is longer than {limit} characters.")
        return await resolve_text(self.guard, agent, sender, text), None

    async def _history(self, agent: Any, sender: str, after: float) -> Dict[str, Any]:
        """{"messages": the conversation after `after`, "language": hers (when known)}."""
        tracker = None
        if agent is not None and agent.tracker_store is not None:
            tracker = await agent.tracker_store.retrieve(sender)
        if tracker is None:
            return {"messages": []}
        messages = conversation_after(tracker.events, after)
        for shown in messages:
            if "buttons" in shown:
                shown["buttons"] = self.guard.sign_buttons(sender, shown["buttons"])
        found: Dict[str, Any] = {"messages": messages}
        language = tracker.get_slot("language")
        if language in self._languages:
            found["language"] = language
        if await handoff_service().relaying(self.name(), sender):
            found["relay"] = True  # a mentor may write any moment: the widget asks more often
        return found


def _after(body: Dict[str, Any]) -> float:
    after = body.get("after", 0)
    return float(after) if isinstance(after, (int, float)) and not isinstance(after, bool) else 0.0
