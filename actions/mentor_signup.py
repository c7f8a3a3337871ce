""" "Become a mentor" in chat: a short form with consent (`mentor_form`), then a coordinator's
confirmation. Only on Telegram or WhatsApp, where requests will reach her; the chat she signs
up in is where she is written to. Until a coordinator confirms her (the Rasa server's handoff
service sends the application with Confirm / Reject) she is kept inactive; a rejection erases
her details.
"""

from __future__ import annotations

import asyncio
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.carry_on import carry_on, command, leaving
from actions.common import answering, entity, her_language, her_person
from bot import SUPPORTED_LANGUAGES
from bot.i18n import Catalog, catalog
from bot.intake import survey
from bot.intake import words as lexicon
from bot.knowledge.articles import COUNTRIES
from bot.mentoring.mentors import MentorError, MentorStore, make_mentor
from bot.mentoring.messages import signup_lines

REQUESTED = "requested_slot"
PREFIX = "mentor_"
STEPS = (
    "consent",
    "name",
    "languages",
    "country",
    "topics",
    "type",
    "capacity",
    "hours",
    "confirm",
)
SLOTS = tuple(PREFIX + step for step in STEPS)
RETRY_SLOT = "mentor_retry"
END_SLOT = "mentor_end"  # why the form ended: declined, cancelled, stopped, or an intent
VALUE_ENTITY = "mentor_value"
CHANNELS = ("telegram", "whatsapp")
CAPACITIES = ("1", "2", "3", "5")
HOURS = {
    "weekdays": ("button_hours_weekdays", "mon-fri 09:00-17:00"),
    "evenings": ("button_hours_evenings", "mon-fri 18:00-21:00"),
    "any": ("button_hours_any", ""),
}
TIMEZONES = {
    "FI": "Europe/Helsinki",
    "SK": "Europe/Bratislava",
    "TR": "Europe/Istanbul",
    "ES": "Europe/Madrid",
    "PL": "Europe/Warsaw",
    "PT": "Europe/Lisbon",
}
PURPOSE = "mentor_signup"
NOTICE_VERSION = "mentor-signup-2026-11"
MAX_TOPICS = 6


def payload(value: str) -> str:
    return f'/become_mentor{{"{VALUE_ENTITY}":"{value}"}}'


def _button(book: Catalog, key: str, language: str, value: str) -> Dict[str, str]:
    return {"title": book.text(key, language), "payload": payload(value)}


def _answers(tracker: Tracker) -> Dict[str, Any]:
    return {step: tracker.get_slot(PREFIX + step) for step in STEPS}


def _next(answers: Dict[str, Any]) -> str | None:
    for step in STEPS:
        if answers.get(step) in (None, [], ""):
            return PREFIX + step
    return None


def _finish(reason: str) -> List[EventType]:
    return [SlotSet(END_SLOT, reason), SlotSet(REQUESTED, None)]


def read(step: str, text: str, button: str | None, language: str, book: Catalog) -> Any:
    """Her answer to `step`, or None when it is not one."""
    typed = text.strip() if text and not text.startswith("/") else ""
    if step in ("consent", "confirm"):
        if button in ("yes", "no"):
            return button
        reading = survey.read(survey.CONSENT, typed, language, book)
        return reading.value
    if step == "name":
        name = " ".join(typed.split())
        return name if 0 < len(name) <= 60 else None
    if step == "languages":
        if button in SUPPORTED_LANGUAGES:
            return [button]
        found = survey.read("languages", typed, language, book).value or []
        chosen = [code for code in found if code in SUPPORTED_LANGUAGES]
        return chosen or None
    if step == "country":
        if button in COUNTRIES:
            return button
        found = survey.read("country", typed, language, book).value
        return found if found in COUNTRIES else None
    if step == "topics":
        reading = survey.read("topics", typed, language, book, button=button)
        if reading.control == "skip":
            return ["-"]
        return list(reading.value or [])[:MAX_TOPICS] or None
    if step == "type":
        return button if button in ("volunteer", "business_angel") else None
    if step == "capacity":
        value = button or typed
        return value if value in CAPACITIES or (value.isdigit() and 1 <= int(value) <= 20) else None
    if step == "hours":
        return button if button in HOURS else None
    return None


class ActionMentorStart(Action):
    """Checks she can be a mentor from this chat, then opens the form."""

    def name(self) -> Text:
        return "action_mentor_start"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        language = her_language(tracker)
        book = catalog()
        _, channel, people = her_person(tracker)
        if channel not in CHANNELS:
            dispatcher.utter_message(text=book.text("signup_only_messengers", language))
            return []
        found = await asyncio.to_thread(MentorStore(people.engine).at, channel, tracker.sender_id)
        if found is not None:
            pending = await asyncio.to_thread(MentorStore(people.engine).pending, found.ref)
            key = "signup_pending" if pending else "signup_already"
            dispatcher.utter_message(text=book.text(key, language))
            return []
        return [
            *[SlotSet(name, None) for name in (*SLOTS, RETRY_SLOT, END_SLOT)],
            SlotSet(PREFIX + "languages", None),
            FollowupAction("mentor_form"),
        ]


class ValidateMentorForm(Action):
    def name(self) -> Text:
        return "validate_mentor_form"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        answers = _answers(tracker)
        requested = tracker.get_slot(REQUESTED)
        step = requested[len(PREFIX) :] if requested and requested.startswith(PREFIX) else None
        if not answering(tracker, "mentor_form") or step not in STEPS:
            return [SlotSet(RETRY_SLOT, False), SlotSet(REQUESTED, _next(answers))]
        language = her_language(tracker)
        book = catalog()
        text = str((tracker.latest_message or {}).get("text") or "")
        button = entity(tracker, VALUE_ENTITY)
        events: List[EventType] = [SlotSet(RETRY_SLOT, False)]
        if button == "stop" or (not button and lexicon.says("stop", text, language)):
            return [*events, *_finish("stopped")]
        if step == "name" and not button:
            intent = command(tracker)  # a name is free text: unless it is clearly a request
            if intent is not None:
                return [*events, *_finish(intent)]
        value = read(step, text, button, language, book)
        if value is None:
            intent = leaving(tracker)
            if intent is not None and intent != "become_mentor":
                return [*events, *_finish(intent)]
            return [SlotSet(RETRY_SLOT, True), SlotSet(REQUESTED, requested)]
        if step == "consent" and value == "no":
            return [*events, *_finish("declined")]
        if step == "confirm" and value == "no":
            return [*events, *_finish("cancelled")]
        if step == "consent":
            key, channel, people = her_person(tracker)
            await asyncio.to_thread(
                people.record_consent, key, channel, language, PURPOSE, NOTICE_VERSION
            )
        answers[step] = value
        return [*events, SlotSet(PREFIX + step, value), SlotSet(REQUESTED, _next(answers))]


def question(tracker: Tracker, step: str, language: str, book: Catalog) -> Dict[str, Any]:
    lines = [book.text("signup_retry", language)] if tracker.get_slot(RETRY_SLOT) else []
    buttons: List[Dict[str, str]] = []
    if step == "consent":
        lines.append(book.text("signup_consent", language))
        buttons = [
            _button(book, "button_intake_agree", language, "yes"),
            _button(book, "button_intake_decline", language, "no"),
        ]
    elif step == "name":
        lines.append(book.text("signup_ask_name", language))
    elif step == "languages":
        lines.append(book.text("signup_ask_languages", language))
        own = book.locales[language].name
        buttons = [{"title": own, "payload": payload(language)}]
    elif step == "country":
        lines.append(book.text("signup_ask_country", language))
        buttons = [
            {"title": book.text(f"country_{code}", language), "payload": payload(code)}
            for code in COUNTRIES
        ]
    elif step == "topics":
        lines.append(book.text("signup_ask_topics", language))
        buttons = [_button(book, "button_skip", language, "skip")]
    elif step == "type":
        lines.append(book.text("signup_ask_type", language))
        buttons = [
            _button(book, "intake_mentor_type_volunteer", language, "volunteer"),
            _button(book, "intake_mentor_type_business_angel", language, "business_angel"),
        ]
    elif step == "capacity":
        lines.append(book.text("signup_ask_capacity", language))
        buttons = [{"title": n, "payload": payload(n)} for n in CAPACITIES]
    elif step == "hours":
        lines.append(book.text("signup_ask_hours", language))
        buttons = [_button(book, key, language, value) for value, (key, _) in HOURS.items()]
    elif step == "confirm":
        lines.append(book.text("signup_summary", language))
        lines += summary_lines(_answers(tracker), language, book)
        lines.append(book.text("signup_ask_confirm", language))
        buttons = [
            _button(book, "button_signup_send", language, "yes"),
            _button(book, "button_signup_cancel", language, "no"),
        ]
    return {"text": "\n".join(lines), "buttons": buttons}


def summary_lines(answers: Dict[str, Any], language: str, book: Catalog) -> List[str]:
    """Her answers as she is asked to confirm them (hours as the button she chose)."""
    hours = HOURS.get(str(answers.get("hours")), ("button_hours_any", ""))[0]
    return signup_lines(
        book,
        language,
        name=str(answers.get("name") or ""),
        languages=[c for c in answers.get("languages") or [] if c in book.locales],
        countries=[answers["country"]] if answers.get("country") in COUNTRIES else [],
        topics=[t for t in answers.get("topics") or [] if t != "-"],
        mentor_type=str(answers.get("type") or "volunteer"),
        capacity=answers.get("capacity") or "",
        hours=book.text(hours, language),
    )


class _AskMentor(Action):
    step = ""

    def name(self) -> Text:
        return f"action_ask_{PREFIX}{self.step}"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        dispatcher.utter_message(**question(tracker, self.step, her_language(tracker), catalog()))
        return []


for _step in STEPS:
    _name = "ActionAskMentor" + _step.title()
    globals()[_name] = type(_name, (_AskMentor,), {"step": _step, "__module__": __name__})


class ActionMentorSubmit(Action):
    """The form has ended: her application goes to a coordinator, or nothing is kept."""

    def name(self) -> Text:
        return "action_mentor_submit"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        language = her_language(tracker)
        book = catalog()
        answers = _answers(tracker)
        reason = tracker.get_slot(END_SLOT)
        cleared = [SlotSet(name, None) for name in (*SLOTS, RETRY_SLOT, END_SLOT)]
        if reason is None and answers.get("confirm") == "yes":
            key, channel, people = her_person(tracker)
            try:
                mentor = make_mentor(
                    first_name=answers["name"],
                    languages=answers["languages"],
                    countries=[answers["country"]],
                    topics=[t for t in answers.get("topics") or [] if t != "-"],
                    mentor_type=answers["type"],
                    capacity=answers["capacity"],
                    availability=HOURS[answers["hours"]][1],
                    timezone=TIMEZONES.get(answers["country"], "UTC"),
                    channel=channel,
                    address=tracker.sender_id,
                )
            except (MentorError, KeyError):
                dispatcher.utter_message(text=book.text("signup_cancelled", language))
                return cleared
            await asyncio.to_thread(MentorStore(people.engine).apply, mentor)
            dispatcher.utter_message(text=book.text("signup_sent", language))
            return cleared
        if reason in ("declined", "cancelled", "stopped"):
            dispatcher.utter_message(text=book.text("signup_cancelled", language))
            return cleared
        events = await carry_on(dispatcher, tracker, domain, reason)
        return [*cleared, *events]
