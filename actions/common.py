"""What every action needs to know about the person it is talking to."""

from __future__ import annotations

from rasa_sdk import Tracker

from bot.language import LANGUAGE_SLOT, current_language
from bot.settings import Settings
from bot.storage import QuestionLog, person_key, question_log


def her_language(tracker: Tracker) -> str:
    message = tracker.latest_message or {}
    return current_language(tracker.get_slot(LANGUAGE_SLOT), message.get("metadata"))


def her_records(tracker: Tracker) -> tuple[str, QuestionLog]:
    """Her pseudonymous key (channel + sender id, keyed) and the database her records are in."""
    settings = Settings.from_env()
    channel = tracker.get_latest_input_channel() or "unknown"
    return person_key(settings.secret_key, channel, tracker.sender_id), question_log(
        settings.database_url
    )
