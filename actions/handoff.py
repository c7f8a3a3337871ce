""" "Talk to a mentor": her consent to share a summary, then her request for the sweeper.

The Rasa server's handoff service (channels/handoff.py) does the rest: offers, the relay and
the end. This action only asks and records: what she agreed to share, and her request.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import dataclass
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import entity, her_language, her_person
from bot.i18n import Catalog, catalog
from bot.knowledge.service import knowledge
from bot.mentoring.handoffs import HandoffConfig, HandoffStore
from bot.mentoring.matching import Need
from bot.mentoring.mentors import MentorStore
from bot.mentoring.messages import minutes, render_summary
from bot.privacy import scrub

# Channels a mentor's replies can reach her on (the widget and REST show them in the
# conversation; Telegram and WhatsApp send them).
RELAY_CHANNELS = ("telegram", "whatsapp", "widget", "rest")
NOTICE_VERSION = "handoff-2026-11"
CONSENT_PURPOSE = "mentor_summary"
SHARE = ("masked", "full", "none", "cancel")
TURNS = 3
TURN_CHARS = 300
ASKING_INTENTS = ("ask_question", "nlu_fallback", "out_of_scope")


def _payload(share: str) -> str:
    return f'/request_mentor{{"share":"{share}"}}'


def summary_of(tracker: Tracker, answers: Dict[str, Any], unmasked: bool) -> Dict[str, Any]:
    """Her survey answers, her latest question and her last typed messages (masked unless
    she said her contact details may be shown)."""
    clean = (lambda text: text) if unmasked else scrub
    typed: List[tuple[str, str | None]] = []
    for event in tracker.events:
        if event.get("event") != "user":
            continue
        text = str(event.get("text") or "").strip()
        if text and not text.startswith("/"):
            intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
            typed.append((clean(" ".join(text.split()))[:TURN_CHARS], intent))
    question = next((text for text, intent in reversed(typed) if intent in ASKING_INTENTS), None)
    turns = [text for text, _ in typed[-TURNS:] if text != question]
    summary: Dict[str, Any] = {}
    if answers:
        summary["answers"] = answers
    if question:
        summary["question"] = question
    if turns:
        summary["turns"] = turns
    return summary


def consent_messages(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    book: Catalog,
    language: str,
    answers: Dict[str, Any],
    intro: str | None = None,
) -> None:
    """What a mentor would see, and her choice: share it, share it unmasked, or not."""
    preview = render_summary(book, summary_of(tracker, answers, unmasked=False), language)
    lines = [book.text(intro, language)] if intro else []
    lines += [book.text("handoff_consent", language), book.text("handoff_preview", language)]
    dispatcher.utter_message(text="\n".join(lines) + "\n" + preview)
    dispatcher.utter_message(
        text=book.text("handoff_consent_question", language),
        buttons=[
            {"title": book.text("button_handoff_share", language), "payload": _payload("masked")},
            {"title": book.text("button_handoff_share_all", language), "payload": _payload("full")},
            {
                "title": book.text("button_handoff_no_summary", language),
                "payload": _payload("none"),
            },
            {"title": book.text("button_handoff_cancel", language), "payload": _payload("cancel")},
        ],
    )


def _question_topic(tracker: Tracker) -> str | None:
    article = knowledge().index().by_id.get(str(tracker.get_slot("kb_article") or ""))
    return article.topic if article is not None else None


class ActionRequestMentor(Action):
    def name(self) -> Text:
        return "action_request_mentor"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        return await request_mentor(dispatcher, tracker)


@dataclass
class _Her:
    key: str
    channel: str
    people: Any
    store: HandoffStore
    cannot: str | None  # why she cannot ask for a mentor here and now (a message key)
    answers: Dict[str, Any]


async def _her(tracker: Tracker) -> _Her:
    """Who she is, whether she may ask for a mentor now, and her survey answers."""
    key, channel, people = her_person(tracker)
    store = HandoffStore(people.engine)
    if channel not in RELAY_CHANNELS:
        return _Her(key, channel, people, store, "handoff_unreachable_channel", {})
    if await asyncio.to_thread(store.open_for_mentee, key) is not None:
        return _Her(key, channel, people, store, "handoff_already_looking", {})
    intake = await asyncio.to_thread(people.latest_intake, key)
    answers = dict(intake.answers) if intake is not None else {}
    return _Her(key, channel, people, store, None, answers)


async def offer_mentor(
    dispatcher: CollectingDispatcher, tracker: Tracker, intro: str
) -> List[EventType] | None:
    """After questions it could not answer: the consent question for a mentor, when she can
    have one here and is not waiting for one already (else None: nothing was said)."""
    her = await _her(tracker)
    if her.cannot is not None:
        return None
    consent_messages(dispatcher, tracker, catalog(), her_language(tracker), her.answers, intro)
    return [SlotSet("kb_failures", 0)]


async def request_mentor(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[EventType]:
    language = her_language(tracker)
    book = catalog()
    her = await _her(tracker)
    if her.cannot is not None:
        dispatcher.utter_message(text=book.text(her.cannot, language))
        return []
    key, channel, people, store, answers = her.key, her.channel, her.people, her.store, her.answers
    share = entity(tracker, "share")
    if share not in SHARE:
        consent_messages(dispatcher, tracker, book, language, answers)
        return [SlotSet("kb_failures", 0)]
    if share == "cancel":
        dispatcher.utter_message(text=book.text("handoff_cancel_kept", language))
        dispatcher.utter_message(response="utter_main_menu")
        return []
    shared = share in ("masked", "full")
    await asyncio.to_thread(
        people.record_consent, key, channel, language, CONSENT_PURPOSE, NOTICE_VERSION, shared
    )
    need = Need.from_survey(
        language,
        answers,
        question_topic=_question_topic(tracker),
        country=tracker.get_slot("country"),
    )
    preferred = await asyncio.to_thread(store.mentor_of_mentee, key)
    if preferred is not None:  # "my mentor": her own mentor is asked first
        mine = await asyncio.to_thread(MentorStore(people.engine).get, preferred)
        if mine is not None:
            name = mine.first_name
            dispatcher.utter_message(text=book.text("handoff_my_mentor_first", language, name=name))
    summary = summary_of(tracker, answers, unmasked=share == "full") if shared else None
    await asyncio.to_thread(
        lambda: store.open(
            mentee_key=key,
            channel=channel,
            address=tracker.sender_id,
            need=need,
            summary=summary,
            now=dt.datetime.now(dt.timezone.utc),
            preferred_mentor=preferred,
        )
    )
    text = book.text(
        "handoff_asking", language, minutes=minutes(HandoffConfig.from_env().offer_after)
    )
    dispatcher.utter_message(text=text)
    return [SlotSet("kb_failures", 0)]
