"""Restart: a fresh conversation that still speaks her language."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import Restarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.language import LANGUAGE_SLOT


class ActionRestart(Action):
    """Replaces Rasa's default restart, which empties every slot, her language included."""

    def name(self) -> Text:
        return "action_restart"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        dispatcher.utter_message(response="utter_restart")
        events: List[Dict[Text, Any]] = [Restarted()]
        language = tracker.get_slot(LANGUAGE_SLOT)
        if language:
            events.append(SlotSet(LANGUAGE_SLOT, language))
        return events
