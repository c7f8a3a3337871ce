"""Button payloads and typed commands: what may skip language understanding, and what may not.

Rasa treats any message that starts with "/" as an already-understood intent, with entities that
set slots ("/greet{"language": "xx"}"). On user-facing channels only two kinds of such messages
are let through: payloads of buttons the assistant itself sent to this user (signed with a key
only the server knows), and a short list of bare commands (/start, /help, …). Anything else that
starts with "/" is handed to language understanding as plain text.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from typing import Any, Iterable, Mapping

COMMANDS: Mapping[str, str] = {
    "start": "/greet",
    "help": "/help",
    "menu": "/help",
    "language": "/choose_language",
    "lang": "/choose_language",
    "restart": "/restart",
    "privacy": "/privacy_question",
    "forget": "/forget_me",
    "mentor": "/request_mentor",
    "end": "/end_relay",  # ends a conversation with a mentor (channels/handoff.py)
    "close": "/close_mentoring",  # ends the mentoring relationship (channels/handoff.py)
}
_COMMAND = re.compile(r"/([a-z_]+)(?:@[A-Za-z0-9_]+)?")
_SEPARATOR = "~"
_MAC_LENGTH = 16


class PayloadGuard:
    """Signs the payloads the assistant sends and checks the ones that come back."""

    def __init__(self, key: bytes) -> None:
        if len(key) < 16:
            raise ValueError("the payload signing key must be at least 16 bytes")
        self._key = key

    def _mac(self, sender_id: str, payload: str) -> str:
        message = f"{sender_id}\x00{payload}".encode()
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()[:_MAC_LENGTH]

    def sign(self, sender_id: str, payload: str) -> str:
        """A payload that starts with "/" gets a signature bound to this user; text stays text."""
        if not payload.startswith("/"):
            return payload
        return f"{payload}{_SEPARATOR}{self._mac(sender_id, payload)}"

    def sign_buttons(
        self, sender_id: str, buttons: Iterable[Mapping[str, Any]]
    ) -> list[dict[str, Any]]:
        return [{**b, "payload": self.sign(sender_id, str(b.get("payload", "")))} for b in buttons]

    def inbound(self, sender_id: str, text: str) -> str:
        """The text to hand to Rasa for what the user sent."""
        stripped = text.strip()
        if not stripped.startswith("/"):
            return text
        body, separator, mac = stripped.rpartition(_SEPARATOR)
        if separator and hmac.compare_digest(mac, self._mac(sender_id, body)):
            return body
        command = _COMMAND.fullmatch(stripped.lower())
        if command and command.group(1) in COMMANDS:
            return COMMANDS[command.group(1)]
        return stripped.lstrip("/").strip()


def choice_by_number(text: str, buttons: list[Mapping[str, Any]] | None) -> str | None:
    """The payload of button N when she answers a list of options with the number "N"."""
    stripped = text.strip().rstrip(".)")
    if not buttons or not stripped.isdigit():
        return None
    index = int(stripped)
    if 1 <= index <= len(buttons):
        return str(buttons[index - 1].get("payload") or "") or None
    return None


def numbered_options(buttons: Iterable[Mapping[str, Any]]) -> str:
    """Buttons as a numbered list for channels that cannot show buttons."""
    return "\n".join(f"{i}. {b.get('title', '')}" for i, b in enumerate(buttons, start=1))
