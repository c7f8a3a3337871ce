""" "Forget me": confirm, then erase everything kept about her, and tell her."""

from __future__ import annotations

import asyncio
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import her_language, her_person, her_records
from bot.i18n import catalog
from bot.intake import survey
from bot.storage import forget_person

ERASE_SLOT = "erase_conversation"


class ActionForgetMe(Action):
    def name(self) -> Text:
        return "action_forget_me"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        message = tracker.latest_message or {}
        language = her_language(tracker)
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
        key, records = her_records(tracker)
        await asyncio.to_thread(forget_person, records.engine, key)
        dispatcher.utter_message(text=book.text("forget_done", language))
        # the tracker store sees this slot and deletes the conversation, this turn included
        return [SlotSet(ERASE_SLOT, True)]


class ActionMyData(Action):
    """ "What do you know about me?": how data is handled, then what is kept about her now."""

    def name(self) -> Text:
        return "action_my_data"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        language = her_language(tracker)
        book = catalog()
        dispatcher.utter_message(response="utter_privacy_info")
        key, records = her_records(tracker)
        questions, ratings = await asyncio.to_thread(records.of_person, key)
        lines = [
            book.text("mydata_heading", language),
            book.text("mydata_language", language, language=book.locales[language].name),
        ]
        country = tracker.get_slot("country")
        if country:
            name = book.text(f"country_{country}", language)
            lines.append(book.text("mydata_country", language, country=name))
        said = sum(1 for event in tracker.events if event.get("event") == "user")
        lines.append(book.text("mydata_messages", language, count=str(said)))
        if questions:
            # no blank line: Rasa splits a text message at blank lines
            lines += [book.text("mydata_questions", language), *(f"- {q}" for q in questions)]
        if ratings:
            lines.append(book.text("mydata_ratings", language, count=str(ratings)))
        _, _, people = her_person(tracker)
        consent = await asyncio.to_thread(people.consent, key, "intake")
        intake = await asyncio.to_thread(people.latest_intake, key)
        if consent is not None:
            date = consent.date().isoformat()
            lines.append(book.text("mydata_consent", language, date=date))
        if intake is not None:
            lines.append(book.text("mydata_intake", language))
            lines += [f"- {line}" for line in survey.summary_lines(intake.answers, language, book)]
        given = await asyncio.to_thread(people.feedback_count, key)
        if given:
            lines.append(book.text("mydata_feedback", language, count=str(given)))
        dispatcher.utter_message(text="\n".join(lines))
        return []


def _payload(answer: str) -> str:
    return f'/forget_me{{"confirm":"{answer}"}}'
