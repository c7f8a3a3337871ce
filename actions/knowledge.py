"""Answering business and mentoring questions from the knowledge base."""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import her_language, her_records
from actions.fallback import FALLBACK_INTENT, affirmation
from actions.feedback import answer_feedback_events
from actions.handoff import offer_mentor
from bot.i18n import catalog
from bot.knowledge.replies import unsure_messages
from bot.knowledge.service import knowledge
from bot.knowledge.turn import FAILURES_SLOT, Turn, respond
from bot.language import DETECTION_KEY, Detection

logger = logging.getLogger(__name__)

knowledge().index()  # build the index when the action server starts, not on the first question

TEXT_LANGUAGE_CONFIDENCE = 0.8

# One writer thread: a 👍/👎 is written after the answer it rates, never before it.
_LOG_WRITER = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="kb-log")


def _entities(message: Dict[str, Any]) -> Dict[str, Any]:
    return {e.get("entity"): e.get("value") for e in message.get("entities") or []}


def _last_question(tracker: Tracker) -> str | None:
    """Her last typed message before this one (buttons are payloads starting with "/")."""
    seen_current = False
    for event in reversed(tracker.events):
        if event.get("event") != "user":
            continue
        if not seen_current:
            seen_current = True
            continue
        text = str(event.get("text") or "")
        if text and not text.startswith("/"):
            return text
    return None


def _text_languages(message: Dict[str, Any], language: str) -> tuple[str, ...]:
    """Also search the language the text is written in, when that is clear and not hers."""
    detection = Detection.from_dict(message.get(DETECTION_KEY))
    if (
        detection.language
        and detection.language != language
        and detection.confidence >= TEXT_LANGUAGE_CONFIDENCE
    ):
        return (detection.language,)
    return ()


class ActionAnswerQuestion(Action):
    def name(self) -> Text:
        return "action_answer_question"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        message = tracker.latest_message or {}
        language = her_language(tracker)
        entities = _entities(message)
        turn = Turn(
            text=str(message.get("text") or ""),
            language=language,
            entities=entities,
            slots=tracker.slots,
            intent=(message.get("intent") or {}).get("name"),
            also_languages=_text_languages(message, language),
            last_question=_last_question(tracker) if entities.get("kb_action") == "none" else None,
        )
        outcome = respond(catalog(), knowledge().index(), turn)
        suggestion = None
        if turn.intent == FALLBACK_INTENT and outcome.outcome in ("unsure", "declined"):
            # not understood and not a question it can answer: maybe another intent came close
            suggestion = affirmation(message, language)
        if suggestion is not None:
            dispatcher.utter_message(**suggestion)
        messages = outcome.messages
        events = [SlotSet(name, value) for name, value in outcome.slots.items()]
        if outcome.feedback and not outcome.feedback[1]:
            # 👎: the feedback form asks what was missing, then offers help
            events += answer_feedback_events(outcome.feedback[0])
        if turn.intent == FALLBACK_INTENT and outcome.outcome == "declined":
            # not understood at all: no reason to think it is off-topic, so ask to rephrase
            messages = unsure_messages(catalog(), language)
        failures = outcome.slots.get(FAILURES_SLOT)
        failed = outcome.outcome == "unsure" or (
            turn.intent == FALLBACK_INTENT and outcome.outcome == "declined"
        )
        if not suggestion and failed and (failures or 0) >= 2:
            # the second message in a row it could neither understand nor answer: a person
            offered = await offer_mentor(dispatcher, tracker, "handoff_after_failures")
            if offered is not None:
                return [*events, *offered]
        for reply in [] if suggestion else messages:
            if "response" in reply:
                dispatcher.utter_message(response=reply["response"])
            else:
                dispatcher.utter_message(text=reply["text"], buttons=reply.get("buttons") or [])
        if outcome.outcome or outcome.feedback:
            # written in a worker thread after the reply has gone: she does not wait for it
            asyncio.get_running_loop().run_in_executor(
                _LOG_WRITER, _log, tracker, language, outcome
            )
        return events


def _log(tracker: Tracker, language: str, outcome: Any) -> None:
    """The question log (the editors' gap list and each article's helpfulness)."""
    try:
        person, log = her_records(tracker)
        if outcome.feedback:
            article_id, helpful = outcome.feedback
            log.rate(person, article_id, helpful)
            return
        log.record(
            person=person,
            language=language,
            country=outcome.country,
            outcome=outcome.outcome,
            article_id=outcome.article_id,
            score=outcome.score,
            question=outcome.logged_question,
        )
    except Exception:  # the answer was sent; a failing log must not turn into a silent turn
        logger.exception("knowledge base: could not write the question log")
