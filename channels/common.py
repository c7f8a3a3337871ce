"""What every user-facing channel does to a message before Rasa sees it."""

from __future__ import annotations

import gc
import logging
from typing import Any, Dict, List

from rasa.core.channels.channel import CollectingOutputChannel
from rasa.shared.core.events import BotUttered, UserUttered

from bot.settings import Settings
from bot.shortcuts import PayloadGuard, choice_by_number, numbered_options

logger = logging.getLogger(__name__)


async def freeze_startup_objects(app: Any, loop: Any) -> None:
    """Once the model is loaded, move everything alive to the garbage collector's permanent
    generation: the full collections that would otherwise walk Rasa's and TensorFlow's
    millions of start-up objects paused a turn for ~240 ms now and then."""
    gc.collect()
    gc.freeze()


def guard_from_settings(settings: Settings | None = None) -> PayloadGuard:
    return PayloadGuard((settings or Settings.from_env()).secret_key)


def last_offered_buttons(events: List[Any]) -> List[Dict[str, Any]] | None:
    """Buttons of the assistant's latest turn, if she has not written since."""
    buttons: List[Dict[str, Any]] = []
    for event in reversed(events):
        if isinstance(event, UserUttered):
            break
        if isinstance(event, BotUttered):
            if event.data.get("buttons"):
                # The turn's last message with buttons is the one shown nearest her reply.
                buttons = list(event.data["buttons"])
                break
    return buttons or None


async def resolve_text(guard: PayloadGuard, agent: Any, sender_id: str, text: str) -> str:
    """Check shortcuts and turn "2" into the second offered button's payload."""
    text = guard.inbound(sender_id, text)
    stripped = text.strip()
    if stripped.rstrip(".)").isdigit() and agent is not None and agent.tracker_store is not None:
        tracker = await agent.tracker_store.retrieve(sender_id)
        if tracker is not None:
            payload = choice_by_number(stripped, last_offered_buttons(list(tracker.events)))
            if payload:
                return payload
    return text


class GuardedCollectingOutputChannel(CollectingOutputChannel):
    """Collects replies with signed button payloads; text-only mode lists buttons as numbers."""

    def __init__(self, guard: PayloadGuard, sender_id: str, text_only: bool = False) -> None:
        super().__init__()
        self._guard = guard
        self._sender_id = sender_id
        self._text_only = text_only

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: List[Dict[str, Any]], **kwargs: Any
    ) -> None:
        if self._text_only:
            body = f"{text}\n{numbered_options(buttons)}" if text else numbered_options(buttons)
            await self._persist_message(self._message(recipient_id, text=body))
            return
        signed = self._guard.sign_buttons(self._sender_id, buttons)
        await self._persist_message(self._message(recipient_id, text=text, buttons=signed))
