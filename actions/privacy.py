""" "Forget me": confirm, then erase everything kept about her, and tell her."""

from __future__ import annotations

import asyncio
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.i18n import catalog
from bot.language import LANGUAGE_SLOT, current_language
from bot.settings import Settings
from bot.storage import forget_person, person_key, question_log

ERASE_SLOT = "erase_conversation"


class ActionForgetMe(Action):
    def name(self) -> Text:
        return "action_forget_me"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        message = tracker.latest_message or {}
        language = current_language(tracker.get_slot(LANGUAGE_SLOT), message.get("metadata"))
        book = catalog()
        answer = next(
            (e.get("value") for e in message.get("entities") or [] if e.get("entity") == "confirm"),
            None,
        )
        if answer == "no":
            dispatcher.utter_message(text=book.text("forget_cancelled", language))
            return []
        if answer != "yes":
            dispatcher.utter_message(
                text=book.text("forget_confirm", language),
                buttons=[
                    {"title": book.text("button_yes", language), "payload": _payload("yes")},
                    {"title": book.text("button_no", language), "payload": _payload("no")},
                ],
            )
            return []
        settings = Settings.from_env()
        channel = tracker.get_latest_input_channel() or "unknown"
        key = person_key(settings.secret_key, channel, tracker.sender_id)
        engine = question_log(settings.database_url).engine
        await asyncio.to_thread(forget_person, engine, key)
        dispatcher.utter_message(text=book.text("forget_done", language))
        # the tracker store sees this slot and deletes the conversation, this turn included
        return [SlotSet(ERASE_SLOT, True)]


def _payload(answer: str) -> str:
    return f'/forget_me{{"confirm":"{answer}"}}'
