"""REST channel (`/webhooks/rest/webhook`): input checks, signed buttons, a text-only mode."""

from __future__ import annotations

import logging
import re
from typing import Any, Awaitable, Callable, Dict

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.settings import Settings
from channels.common import (
    GuardedCollectingOutputChannel,
    attach_to_handoff,
    freeze_startup_objects,
    guard_from_settings,
    handoff_service,
    resolve_text,
)

logger = logging.getLogger(__name__)

SENDER_ID = re.compile(r"[A-Za-z0-9_.:@-]{1,128}")
METADATA_KEYS = ("language_hint",)


def _error(status: int, message: str) -> HTTPResponse:
    return response.json({"error": message}, status=status)


class RestInput(InputChannel):
    """Rasa's REST webhook, made safe for a public client.

    Body: {"sender": id, "message": text, "metadata": {"language_hint": "fi"}, "text_only": false}.
    Answers a JSON list of messages; buttons carry signed payloads to send back as the message.
    """

    @classmethod
    def name(cls) -> str:
        return "rest"

    @classmethod
    def from_credentials(cls, credentials: Dict[str, Any] | None) -> RestInput:
        return cls()

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or Settings.from_env()
        self.guard = guard_from_settings(self.settings)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        hook = Blueprint(f"imentor_{self.name()}_webhook", __name__)
        hook.listener("after_server_start")(freeze_startup_objects)
        attach_to_handoff(self.name(), on_new_message)

        @hook.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @hook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            try:
                body = request.json
            except Exception:  # sanic raises InvalidUsage on malformed JSON
                return _error(400, "The request body must be JSON.")
            if not isinstance(body, dict):
                return _error(400, "The request body must be a JSON object.")
            sender, text = body.get("sender"), body.get("message")
            if not isinstance(sender, str) or not SENDER_ID.fullmatch(sender):
                return _error(400, "'sender' must be 1-128 letters, digits or . _ : @ -")
            if not isinstance(text, str) or not text.strip():
                return _error(400, "'message' must be a non-empty string.")
            if len(text) > self.settings.max_message_chars:
                return _error(
                    413, f"'message' is longer than {self.settings.max_message_chars} characters."
                )
            raw_metadata = body.get("metadata")
            if raw_metadata is None:
                raw_metadata = {}
            if not isinstance(raw_metadata, dict):
                return _error(400, "'metadata' must be a JSON object.")
            metadata = {
                k: v for k, v in raw_metadata.items() if k in METADATA_KEYS and isinstance(v, str)
            }
            text_only = bool(body.get("text_only", False))

            agent = getattr(request.app.ctx, "agent", None)
            text = await resolve_text(self.guard, agent, sender, text)
            collector = GuardedCollectingOutputChannel(self.guard, sender, text_only=text_only)
            routed = handoff_service().route(
                self.name(), sender, text, agent, metadata or None, reply=collector
            )
            if await routed:
                # a conversation with a mentor: what she is told now is in the answer, and
                # what the mentor writes later is kept in her conversation
                return response.json(collector.messages)
            await on_new_message(
                UserMessage(
                    text, collector, sender, input_channel=self.name(), metadata=metadata or None
                )
            )
            return response.json(collector.messages)

        return hook
