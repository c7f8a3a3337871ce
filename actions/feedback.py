"""Feedback: "what was missing?" after a 👎, a 1–5 rating at the end of a conversation (at most
once a day), the rating after a mentoring session, and at the end of a mentoring relationship.
One form, `feedback_form`.

`feedback_kind` says which: answer (after a 👎 on a knowledge answer), conversation, session
or mentoring (started by the handoff with `/give_feedback{"feedback_kind": "session", ...}`,
whose subject is the handoff or relationship it is about).
"""

from __future__ import annotations

import asyncio
import re
import time
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.carry_on import carry_on, command, leaving
from actions.common import answering, entity, her_language, her_person
from bot.i18n import catalog
from bot.intake import words as lexicon
from bot.knowledge.replies import unsure_messages
from bot.privacy import scrub

REQUESTED = "requested_slot"
KIND_SLOT = "feedback_kind"  # answer | conversation | session | mentoring
SUBJECT_SLOT = "feedback_subject"  # the article (answer), "goodbye", or the session's id
RATING_SLOT = "feedback_rating"
COMMENT_SLOT = "feedback_comment"
END_SLOT = "feedback_end"  # skipped, or the intent she left the questions for
ASKED_AT_SLOT = "feedback_asked_at"  # when the end-of-conversation rating was last asked
SKIPPED = "-"
KINDS = ("answer", "conversation", "session", "mentoring")
ONCE_IN = 24 * 3600  # seconds between two end-of-conversation ratings
MIN_MESSAGES = 3  # a conversation worth rating: at least this many of her messages
COMMENT_MAX = 1000
_DIGIT = re.compile(r"^\D*([1-5])(?:\s*/\s*5)?\D*$")


def payload(**values: str) -> str:
    inner = ",".join(f'"{k}":"{v}"' for k, v in values.items())
    return f"/give_feedback{{{inner}}}"


def read_rating(text: str) -> int | None:
    """ "4", "4/5", "⭐⭐⭐⭐" → 4."""
    text = text.strip()
    stars = text.count("⭐") + text.count("★")
    if stars and 1 <= stars <= 5 and not text.replace("⭐", "").replace("★", "").strip():
        return stars
    match = _DIGIT.match(text) if len(text) <= 12 else None
    return int(match.group(1)) if match else None


def _finish(reason: str | None = None) -> List[EventType]:
    return [SlotSet(END_SLOT, reason), SlotSet(REQUESTED, None)]


def start_events(kind: str, subject: str | None, rating: Any = None) -> List[EventType]:
    return [
        SlotSet(KIND_SLOT, kind),
        SlotSet(SUBJECT_SLOT, subject),
        SlotSet(RATING_SLOT, rating),
        SlotSet(COMMENT_SLOT, None),
        SlotSet(END_SLOT, None),
    ]


class ActionFeedbackStart(Action):
    """ "I want to give feedback" (or the handoff's post-session rating)."""

    def name(self) -> Text:
        return "action_feedback_start"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        kind = entity(tracker, KIND_SLOT)
        kind = kind if kind in ("conversation", "session", "mentoring") else "conversation"
        rating = entity(tracker, "rating")
        given = int(rating) if rating and rating.isdigit() and 1 <= int(rating) <= 5 else None
        return start_events(kind, entity(tracker, "subject"), given)


class ActionGoodbye(Action):
    """Goodbye; before it, at most once a day, "how useful was this conversation?"."""

    def name(self) -> Text:
        return "action_goodbye"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        asked_at = tracker.get_slot(ASKED_AT_SLOT)
        said = sum(1 for event in _this_session(tracker) if event.get("event") == "user")
        now = time.time()
        if said >= MIN_MESSAGES and (asked_at is None or now - float(asked_at) >= ONCE_IN):
            return [
                *start_events("conversation", "goodbye"),
                SlotSet(ASKED_AT_SLOT, now),
                FollowupAction("feedback_form"),
            ]
        dispatcher.utter_message(response="utter_goodbye")
        return []


def _this_session(tracker: Tracker) -> List[Dict[str, Any]]:
    events: List[Dict[str, Any]] = []
    for event in reversed(tracker.events):
        if event.get("event") == "session_started":
            break
        events.append(event)
    return events


class ValidateFeedbackForm(Action):
    def name(self) -> Text:
        return "validate_feedback_form"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        # Rasa rejects the form (and lets the rules answer) when the validation sets no slot
        # but `requested_slot`: setting END_SLOT keeps her in the form to be asked again.
        return [SlotSet(END_SLOT, None), *self._validate(dispatcher, tracker)]

    def _validate(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> List[EventType]:
        requested = tracker.get_slot(REQUESTED)
        if not answering(tracker, "feedback_form") or requested is None:
            return [SlotSet(REQUESTED, _next(tracker))]
        language = her_language(tracker)
        text = str((tracker.latest_message or {}).get("text") or "")
        button = entity(tracker, "rating") or entity(tracker, "feedback")
        typed = not text.startswith("/")
        if button == "skip" or (typed and lexicon.says("stop", text, language)):
            return _finish("skipped")
        if requested == RATING_SLOT:
            rating = read_rating(button or (text if typed else ""))
            if rating is not None:
                return [SlotSet(RATING_SLOT, rating), SlotSet(REQUESTED, COMMENT_SLOT)]
            if typed and lexicon.says("skip", text, language):
                return _finish("skipped")
            intent = leaving(tracker)
            if intent is not None:
                return _finish(intent)
            dispatcher.utter_message(text=catalog().text("feedback_retry", language))
            return [SlotSet(REQUESTED, RATING_SLOT)]
        # the comment: anything she writes, except a clear new request or "skip"
        if typed and lexicon.says("skip", text, language):
            return [SlotSet(COMMENT_SLOT, SKIPPED), SlotSet(REQUESTED, None)]
        intent = command(tracker)
        if intent is not None and intent != "give_feedback":
            return [SlotSet(COMMENT_SLOT, SKIPPED), *_finish(intent)]
        comment = scrub(" ".join(text.split()))[:COMMENT_MAX] if typed else ""
        if not comment:
            return [SlotSet(REQUESTED, COMMENT_SLOT)]
        return [SlotSet(COMMENT_SLOT, comment), SlotSet(REQUESTED, None)]


def _next(tracker: Tracker) -> str | None:
    if tracker.get_slot(RATING_SLOT) is None:
        return RATING_SLOT
    if tracker.get_slot(COMMENT_SLOT) is None:
        return COMMENT_SLOT
    return None


class ActionAskFeedbackRating(Action):
    def name(self) -> Text:
        return "action_ask_feedback_rating"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        language = her_language(tracker)
        book = catalog()
        key = {
            "session": "feedback_ask_session_rating",
            "mentoring": "feedback_ask_mentoring_rating",
        }.get(tracker.get_slot(KIND_SLOT) or "", "feedback_ask_rating")
        buttons = [{"title": str(n), "payload": payload(rating=str(n))} for n in range(1, 6)]
        buttons.append(
            {"title": book.text("button_not_now", language), "payload": payload(rating="skip")}
        )
        dispatcher.utter_message(text=book.text(key, language), buttons=buttons)
        return []


class ActionAskFeedbackComment(Action):
    def name(self) -> Text:
        return "action_ask_feedback_comment"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        language = her_language(tracker)
        book = catalog()
        answer = tracker.get_slot(KIND_SLOT) == "answer"
        key = "feedback_ask_missing" if answer else "feedback_ask_comment"
        skip = {"title": book.text("button_skip", language), "payload": payload(feedback="skip")}
        dispatcher.utter_message(text=book.text(key, language), buttons=[skip])
        return []


class ActionFeedbackSubmit(Action):
    """Keeps what she gave (masked), thanks her, and goes on with what she asked, if anything."""

    def name(self) -> Text:
        return "action_feedback_submit"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        language = her_language(tracker)
        book = catalog()
        kind = tracker.get_slot(KIND_SLOT) or "conversation"
        subject = tracker.get_slot(SUBJECT_SLOT)
        reason = tracker.get_slot(END_SLOT)
        rating = _int(tracker.get_slot(RATING_SLOT))
        comment = tracker.get_slot(COMMENT_SLOT)
        comment = None if comment in (None, SKIPPED) else str(comment)
        kept = rating is not None or comment is not None
        if kept and kind in ("session", "mentoring") and rating is not None and subject:
            await asyncio.to_thread(rate_session, tracker, str(subject), rating)
        if kept:
            key, channel, records = her_person(tracker)
            await asyncio.to_thread(
                records.record_feedback,
                key,
                channel,
                language,
                kind if kind in KINDS else "conversation",
                article_id=subject if kind == "answer" else None,
                helpful=False if kind == "answer" else None,
                rating=rating,
                comment=comment,
            )
        events: List[EventType] = [
            SlotSet(name, None)
            for name in (KIND_SLOT, SUBJECT_SLOT, RATING_SLOT, COMMENT_SLOT, END_SLOT)
        ]
        if kind == "answer" and reason in (None, "skipped"):
            # after a 👎: what she can do now
            for message in unsure_messages(book, language, "feedback_after_answer"):
                dispatcher.utter_message(text=message["text"], buttons=message["buttons"])
        elif kept:
            dispatcher.utter_message(text=book.text("feedback_thanks", language))
        if reason not in (None, "skipped"):
            events += await carry_on(dispatcher, tracker, domain, reason)
        elif subject == "goodbye":
            dispatcher.utter_message(response="utter_goodbye")
        elif kind != "answer" and not kept:
            dispatcher.utter_message(response="utter_ok")  # "not now": never a silent turn
        return events


def rate_session(tracker: Tracker, ref: str, rating: int) -> None:
    """A post-session rating, on the handoff it is about: from the mentee or from its mentor
    (for `imentor report mentoring`)."""
    from bot.mentoring.handoffs import HandoffStore
    from bot.mentoring.mentors import MentorStore

    key, channel, records = her_person(tracker)
    store = HandoffStore(records.engine)
    about = store.mentorship(ref) if ref.startswith("ms-") else store.get(ref)
    if about is None:
        return
    rate = store.rate_mentorship if ref.startswith("ms-") else store.rate
    if about.mentee_key == key:
        rate(ref, "mentee", rating)
        return
    mentor = MentorStore(records.engine).at(channel, tracker.sender_id)
    if mentor is not None and mentor.ref == about.mentor_ref:
        rate(ref, "mentor", rating)


def _int(value: Any) -> int | None:
    try:
        number = int(float(value))
    except (TypeError, ValueError):
        return None
    return number if 1 <= number <= 5 else None


def answer_feedback_events(article_id: str) -> List[EventType]:
    """After a 👎 on a knowledge answer: ask what was missing (rating already given)."""
    return [*start_events("answer", article_id, SKIPPED), FollowupAction("feedback_form")]
