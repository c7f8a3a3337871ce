"""The needs survey as a Rasa form: `intake_form`, its validation, its questions and its end.

What an answer means and what comes next is decided in `bot.intake.survey`; here the answers
travel in slots (`intake_<question>`), are kept in the database after each answer once she has
agreed, and the questions are rendered with their buttons in her language.
"""

from __future__ import annotations

import asyncio
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.carry_on import carry_on, command, leaving
from actions.common import answering, entity, her_language, her_person, intent_of
from bot.i18n import Catalog, catalog
from bot.intake import survey
from bot.intake import words as lexicon
from bot.settings import Settings

REQUESTED = "requested_slot"
CONSENT_SLOT = survey.slot(survey.CONSENT)
CONFIRM_SLOT = survey.slot(survey.CONFIRM)
PICKED_SLOT = "intake_picked"  # a multiple choice in progress
RETRY_SLOT = "intake_retry"  # the last answer was not understood: say so when asking again
EDITING_SLOT = "intake_editing"  # she asked to change something: ask which answer
END_SLOT = "intake_end"  # why the form ended: declined, paused or an intent she left for
VALUE_ENTITY = "intake_value"
PURPOSE = "intake"

# The form's own bookkeeping, emptied when it starts and ends; and her answers.
WORKING_SLOTS = (CONFIRM_SLOT, PICKED_SLOT, EDITING_SLOT, END_SLOT, RETRY_SLOT)
ANSWER_SLOTS = tuple(survey.slot(step) for step in survey.STEPS)

# Her answers feed the knowledge base's slots (country rules, audience, level).
KNOWLEDGE_SLOTS = {"country": "country", "role": "role", "stage": "business_stage"}


def payload(value: str) -> str:
    return f'/start_intake{{"{VALUE_ENTITY}":"{value}"}}'


def answers_of(tracker: Tracker) -> Dict[str, Any]:
    return {step: tracker.get_slot(survey.slot(step)) for step in survey.FIELDS}


def _step_of(requested: str | None) -> str | None:
    if requested and requested.startswith(survey.SLOT_PREFIX):
        step = requested[len(survey.SLOT_PREFIX) :]
        return step if step in survey.STEPS else None
    return None


def _next(consent: str | None, answers: Dict[str, Any], confirmed: bool) -> str | None:
    step = survey.next_step(consent, answers, confirmed)
    return survey.slot(step) if step else None


async def _save_progress(tracker: Tracker, answers: Dict[str, Any], language: str) -> None:
    key, channel, records = her_person(tracker)
    progress = {step: answers.get(step) for step in survey.FIELDS}  # skipped kept as "-"
    await asyncio.to_thread(records.save_intake, key, channel, language, progress, False)


class ValidateIntakeForm(Action):
    """Reads each answer; decides the next question, or the end of the survey."""

    def name(self) -> Text:
        return "validate_intake_form"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        answers = answers_of(tracker)
        consent = tracker.get_slot(CONSENT_SLOT)
        confirmed = tracker.get_slot(CONFIRM_SLOT) == "yes"
        step = _step_of(tracker.get_slot(REQUESTED))
        if not answering(tracker, "intake_form") or step is None:
            # the form is starting: ask the first open question
            return [SlotSet(RETRY_SLOT, False), SlotSet(REQUESTED, _next(consent, answers, False))]

        language = her_language(tracker)
        book = catalog()
        message = tracker.latest_message or {}
        text = str(message.get("text") or "")
        reading = survey.read(step, text, language, book, button=entity(tracker, VALUE_ENTITY))
        events: List[EventType] = [SlotSet(RETRY_SLOT, False)]

        if reading.control == "stop":
            return [*events, *_finish("paused")]
        if step == "city" and reading.value is not None and not entity(tracker, VALUE_ENTITY):
            # any short text is a city: unless it is clearly a request ("what do you know...")
            intent = command(tracker)
            if intent is not None:
                return [*events, *_finish(intent)]

        if step == survey.CONSENT:
            if reading.value == "yes":
                key, channel, records = her_person(tracker)
                await asyncio.to_thread(
                    records.record_consent, key, channel, language, PURPOSE, survey.NOTICE_VERSION
                )
                events.append(SlotSet(CONSENT_SLOT, "yes"))
                return [*events, SlotSet(REQUESTED, _next("yes", answers, False))]
            if reading.value == "no":
                return [*events, SlotSet(CONSENT_SLOT, "no"), *_finish("declined")]
            return [*events, *self._not_understood(dispatcher, tracker, step, language, book)]

        if step == survey.CONFIRM:
            return [*events, *self._confirm(dispatcher, tracker, reading, answers, language, book)]

        value: Any = reading.value
        if step in survey.MULTI:
            value = self._multi(dispatcher, tracker, step, reading, language, book, events)
            if value is _KEEP_ASKING:
                return [*events, SlotSet(REQUESTED, survey.slot(step))]
        elif reading.control == "skip" and step in survey.OPTIONAL:
            value = survey.SKIPPED
        if value is None:
            return [*events, *self._not_understood(dispatcher, tracker, step, language, book)]

        answers[step] = value
        events.append(SlotSet(survey.slot(step), value))
        if step == "role":
            # answers that do not apply to her new role are dropped
            for other in survey.FIELDS:
                if not survey.asked(other, answers) and answers.get(other) is not None:
                    answers[other] = None
                    events.append(SlotSet(survey.slot(other), None))
        if consent == "yes":
            await _save_progress(tracker, answers, language)
        return [*events, SlotSet(REQUESTED, _next(consent, answers, confirmed))]

    def _multi(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        step: str,
        reading: survey.Reading,
        language: str,
        book: Catalog,
        events: List[EventType],
    ) -> Any:
        """Topics and languages: chosen one button at a time, or typed all at once."""
        limit = survey.MULTI[step]
        picked = list(tracker.get_slot(PICKED_SLOT) or [])
        if reading.control == "skip" and step in survey.OPTIONAL:
            events.append(SlotSet(PICKED_SLOT, None))
            return survey.SKIPPED
        if reading.control == "done":
            events.append(SlotSet(PICKED_SLOT, None))
            return picked or None
        if not reading.value:
            return None
        chosen = survey.merge_picked(picked, reading.value, limit)
        typed = entity(tracker, VALUE_ENTITY) is None
        if typed or len(chosen) >= limit:
            events.append(SlotSet(PICKED_SLOT, None))
            return chosen
        events.append(SlotSet(PICKED_SLOT, chosen))
        return _KEEP_ASKING

    def _confirm(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        reading: survey.Reading,
        answers: Dict[str, Any],
        language: str,
        book: Catalog,
    ) -> List[EventType]:
        editing = bool(tracker.get_slot(EDITING_SLOT))
        if reading.value == "yes" and not editing:
            return [SlotSet(CONFIRM_SLOT, "yes"), SlotSet(REQUESTED, None)]
        if reading.control == "start_over":
            cleared = [SlotSet(survey.slot(step), None) for step in survey.FIELDS]
            empty = {step: None for step in survey.FIELDS}
            return [
                *cleared,
                SlotSet(EDITING_SLOT, False),
                SlotSet(REQUESTED, _next("yes", empty, False)),
            ]
        if reading.control == "change":
            return [SlotSet(EDITING_SLOT, True), SlotSet(REQUESTED, CONFIRM_SLOT)]
        if reading.control == "edit" and isinstance(reading.value, str):
            return self._reask(reading.value, answers)
        if reading.control == "edit" and isinstance(reading.value, tuple):
            step, value = reading.value
            if survey.asked(step, {**answers, step: value}):
                label = book.text(f"intake_field_{step}", language)
                dispatcher.utter_message(text=book.text("intake_changed", language, field=label))
                return [
                    SlotSet(survey.slot(step), value),
                    SlotSet(EDITING_SLOT, False),
                    SlotSet(REQUESTED, _next("yes", {**answers, step: value}, False)),
                ]
        if editing:
            named = lexicon.positions(
                "fields", str((tracker.latest_message or {}).get("text") or ""), language
            )
            if len(named) == 1:
                return self._reask(next(iter(named)), answers)
        return self._not_understood(dispatcher, tracker, survey.CONFIRM, language, book)

    @staticmethod
    def _reask(step: str, answers: Dict[str, Any]) -> List[EventType]:
        """She wants to answer one question again: empty it, the form asks it next."""
        if not survey.asked(step, answers):
            step = "role"
        return [
            SlotSet(survey.slot(step), None),
            SlotSet(PICKED_SLOT, None),
            SlotSet(EDITING_SLOT, False),
            SlotSet(REQUESTED, survey.slot(step)),
        ]

    @staticmethod
    def _not_understood(
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        step: str,
        language: str,
        book: Catalog,
    ) -> List[EventType]:
        """Another request ends the survey (kept, to resume); else ask again, with help."""
        intent = leaving(tracker)
        if intent is not None and intent != "start_intake":  # "the survey": she is in it
            return [*_finish(intent)]
        name, _ = intent_of(tracker)
        if name == "choose_language" and entity(tracker, "language"):
            # the language changed (bot.rasa_ext.policy): say so, and ask again in it
            dispatcher.utter_message(response="utter_language_changed")
            return [SlotSet(REQUESTED, survey.slot(step))]
        return [SlotSet(RETRY_SLOT, True), SlotSet(REQUESTED, survey.slot(step))]


_KEEP_ASKING = object()


def _cleared(names: tuple[str, ...]) -> List[EventType]:
    return [SlotSet(name, None) for name in names]


def _finish(reason: str) -> List[EventType]:
    return [SlotSet(END_SLOT, reason), SlotSet(REQUESTED, None)]


# The questions ---------------------------------------------------------------------------


def _button(book: Catalog, key: str, language: str, value: str) -> Dict[str, str]:
    return {"title": book.text(key, language), "payload": payload(value)}


def question(tracker: Tracker, step: str, language: str, book: Catalog) -> Dict[str, Any]:
    """The message asking `step`, with its buttons."""
    answers = answers_of(tracker)
    retry = bool(tracker.get_slot(RETRY_SLOT))
    lines = [book.text("intake_retry", language)] if retry else []
    buttons: List[Dict[str, str]] = []
    if step == survey.CONSENT:
        days = str(Settings.from_env().retention_days)
        lines.append(book.text("intake_consent", language, days=days))
        buttons = [
            _button(book, "button_intake_agree", language, "yes"),
            _button(book, "button_intake_decline", language, "no"),
        ]
    elif step == survey.CONFIRM:
        if tracker.get_slot(EDITING_SLOT):
            lines.append(book.text("intake_which_field", language))
            buttons = [
                _button(book, f"intake_field_{field}", language, f"edit:{field}")
                for field in survey.FIELDS
                if survey.asked(field, answers)
            ]
        else:
            lines += [book.text("intake_summary", language)]
            lines += survey.summary_lines(answers, language, book)
            lines.append(book.text("intake_ask_confirm", language))
            buttons = [
                _button(book, "button_intake_save", language, "yes"),
                _button(book, "button_intake_change", language, "change"),
                _button(book, "button_intake_start_over", language, "start_over"),
            ]
    else:
        picked = list(tracker.get_slot(PICKED_SLOT) or []) if step in survey.MULTI else []
        if picked:
            shown = survey.describe(step, picked, language, book)
            lines.append(book.text(f"intake_{step}_chosen", language, **{step: shown}))
        else:
            lines.append(book.text(f"intake_ask_{step}", language))
        for option in survey.options(step):
            title = survey.label(book, step, option, language)
            if option not in picked and title:
                buttons.append({"title": title, "payload": payload(option)})
        if picked:
            buttons.append(_button(book, "button_done", language, "done"))
        if step in survey.OPTIONAL:
            buttons.append(_button(book, "button_skip", language, "skip"))
        if retry:
            hint = "intake_controls" if step in survey.OPTIONAL else "intake_stop_hint"
            lines.append(book.text(hint, language))
    # one message (Rasa splits a button-less text at blank lines; this one keeps its lines)
    return {"text": "\n".join(lines), "buttons": buttons}


class _AskIntake(Action):
    step = ""

    def name(self) -> Text:
        return f"action_ask_{survey.slot(self.step)}"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        dispatcher.utter_message(**question(tracker, self.step, her_language(tracker), catalog()))
        return []


# One asking action per question (rasa-sdk finds every Action subclass in the package).
for _step in survey.STEPS:
    _name = "ActionAskIntake" + "".join(part.title() for part in _step.split("_"))
    globals()[_name] = type(_name, (_AskIntake,), {"step": _step, "__module__": __name__})


class ActionIntakeStart(Action):
    """Start, resume or redo the survey: her earlier answers come back from the database."""

    def name(self) -> Text:
        return "action_intake_start"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        key, _, records = her_person(tracker)
        consent = await asyncio.to_thread(records.consent, key, PURPOSE)
        latest = await asyncio.to_thread(records.latest_intake, key) if consent else None
        language = her_language(tracker)
        book = catalog()
        events: List[EventType] = _cleared(WORKING_SLOTS)
        events.append(SlotSet(CONSENT_SLOT, "yes" if consent else None))
        answers: Dict[str, Any] = dict(latest.answers) if latest else {}
        for step in survey.FIELDS:
            value = answers.get(step)
            if latest and latest.completed and value is None and survey.asked(step, answers):
                value = survey.SKIPPED  # she skipped it last time: don't ask again
            events.append(SlotSet(survey.slot(step), value))
        if latest and not latest.completed:
            dispatcher.utter_message(text=book.text("intake_welcome_back", language))
        elif latest:
            dispatcher.utter_message(text=book.text("intake_previous", language))
        return events


class ActionIntakeSubmit(Action):
    """The survey has ended: saved, declined, paused, or left for another request."""

    def name(self) -> Text:
        return "action_intake_submit"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        language = her_language(tracker)
        book = catalog()
        consent = tracker.get_slot(CONSENT_SLOT)
        reason = tracker.get_slot(END_SLOT)
        answers = answers_of(tracker)
        working = _cleared(WORKING_SLOTS)
        if consent == "yes" and tracker.get_slot(CONFIRM_SLOT) == "yes" and not reason:
            key, channel, records = her_person(tracker)
            kept = survey.stored(answers)
            await asyncio.to_thread(records.save_intake, key, channel, language, kept, True)
            dispatcher.utter_message(text=book.text("intake_saved", language))
            known = [
                SlotSet(slot_name, kept.get(step))
                for step, slot_name in KNOWLEDGE_SLOTS.items()
                if kept.get(step)
            ]
            return [*working, *_cleared(ANSWER_SLOTS), *known]
        if consent != "yes":
            dispatcher.utter_message(text=book.text("intake_declined", language))
            working += _cleared(ANSWER_SLOTS)
        else:
            dispatcher.utter_message(text=book.text("intake_paused", language))
        if reason not in (None, "paused", "declined"):
            working += await carry_on(dispatcher, tracker, domain, reason)
        return working
