"""What every action needs to know about the person it is talking to."""

from __future__ import annotations

from rasa_sdk import Tracker

from bot.language import LANGUAGE_SLOT, current_language
from bot.settings import Settings
from bot.storage import QuestionLog, person_key, question_log
from bot.storage.records import PersonRecords, person_records


def her_language(tracker: Tracker) -> str:
    message = tracker.latest_message or {}
    return current_language(tracker.get_slot(LANGUAGE_SLOT), message.get("metadata"))


def _her_key(tracker: Tracker, settings: Settings) -> tuple[str, str]:
    """Her pseudonymous key (channel + sender id, keyed) and the channel she writes on."""
    channel = tracker.get_latest_input_channel() or "unknown"
    return person_key(settings.secret_key, channel, tracker.sender_id), channel


def her_records(tracker: Tracker) -> tuple[str, QuestionLog]:
    """Her pseudonymous key and the question log her questions are in."""
    settings = Settings.from_env()
    key, _ = _her_key(tracker, settings)
    return key, question_log(settings.database_url)


def her_person(tracker: Tracker) -> tuple[str, str, PersonRecords]:
    """Her pseudonymous key, the channel she writes on, and her consent/survey/feedback records."""
    settings = Settings.from_env()
    key, channel = _her_key(tracker, settings)
    return key, channel, person_records(settings.database_url)


def entity(tracker: Tracker, name: str) -> str | None:
    """The value of an entity in her latest message (a button's payload), if any."""
    message = tracker.latest_message or {}
    for found in message.get("entities") or []:
        if found.get("entity") == name and found.get("value") not in (None, ""):
            return str(found.get("value"))
    return None


def intent_of(tracker: Tracker) -> tuple[str | None, float]:
    intent = (tracker.latest_message or {}).get("intent") or {}
    return intent.get("name"), float(intent.get("confidence") or 0.0)


def answering(tracker: Tracker, form: str) -> bool:
    """Whether the form is running on her message (not being opened by another action).

    Rasa runs the validation with the form's own action already in the tracker, so look at
    the action before it."""
    for event in reversed(tracker.events):
        if event.get("event") != "action":
            continue
        name = event.get("name")
        if name in (form, f"validate_{form}"):
            continue
        return name == "action_listen"
    return False
