""" "Did you mean …?" in her language, when a message was not understood."""

from __future__ import annotations

from typing import Any, Dict, List, Mapping

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.i18n import catalog
from bot.language import LANGUAGE_SLOT, current_language

FALLBACK_INTENT = "nlu_fallback"
# Intents not worth asking about: the knowledge base has already tried these.
NOT_SUGGESTED = {FALLBACK_INTENT, "ask_question", "out_of_scope"}
MIN_RUNNER_UP = 0.15


def affirmation(message: Mapping[str, Any], language: str) -> Dict[str, Any] | None:
    """The "Did you mean: …?" message for the runner-up intent, or None when none came close."""
    ranking = message.get("intent_ranking") or []
    intent = (message.get("intent") or {}).get("name")
    candidates = (
        [r for r in ranking if r.get("name") != FALLBACK_INTENT]
        if intent == FALLBACK_INTENT
        else ranking
    )
    if not candidates:
        return None
    best = candidates[0]
    name = best.get("name")
    book = catalog()
    label_key = f"label_{name}"
    if (
        name in NOT_SUGGESTED
        or best.get("confidence", 0) < MIN_RUNNER_UP
        or not book.has(label_key)
    ):
        return None
    return {
        "response": "utter_ask_affirmation",
        "intent_label": book.text(label_key, language),
        "buttons": [
            {"title": book.text("button_yes", language), "payload": f"/{name}"},
            {"title": book.text("button_no", language), "payload": "/deny"},
        ],
    }


class ActionDefaultAskAffirmation(Action):
    """Replaces Rasa's English-only default, which names the intent by its identifier."""

    def name(self) -> str:
        return "action_default_ask_affirmation"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[Dict[str, Any]]:
        message = tracker.latest_message or {}
        language = current_language(tracker.get_slot(LANGUAGE_SLOT), message.get("metadata"))
        suggestion = affirmation(message, language)
        if suggestion is None:
            dispatcher.utter_message(response="utter_ask_rephrase")
        else:
            dispatcher.utter_message(**suggestion)
        return []
