"""The first stage of the two-stage fallback: "Did you mean …?" in her language."""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.i18n import catalog
from bot.language import LANGUAGE_SLOT, current_language

FALLBACK_INTENT = "nlu_fallback"


class ActionDefaultAskAffirmation(Action):
    """Replaces Rasa's English-only default, which names the intent by its identifier."""

    def name(self) -> str:
        return "action_default_ask_affirmation"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[Dict[str, Any]]:
        message = tracker.latest_message or {}
        intent = (message.get("intent") or {}).get("name")
        ranking = message.get("intent_ranking") or []
        if intent == FALLBACK_INTENT and len(ranking) > 1:
            intent = ranking[1].get("name")
        book = catalog()
        language = current_language(tracker.get_slot(LANGUAGE_SLOT), message.get("metadata"))
        label_key = f"label_{intent}"
        if not intent or not book.has(label_key):
            dispatcher.utter_message(response="utter_ask_rephrase")
            return []
        dispatcher.utter_message(
            response="utter_ask_affirmation",
            intent_label=book.text(label_key, language),
            buttons=[
                {"title": book.text("button_yes", language), "payload": f"/{intent}"},
                {"title": book.text("button_no", language), "payload": "/out_of_scope"},
            ],
        )
        return []
