"""Custom actions, run without a server on recorded trackers."""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.fallback import ActionDefaultAskAffirmation
from bot.i18n import Catalog


def _tracker(
    intent: str, ranking: list, language: str | None, metadata: dict | None = None
) -> Tracker:
    return Tracker(
        sender_id="test",
        slots={"language": language},
        latest_message={
            "text": "hmm",
            "intent": {"name": intent, "confidence": 0.3},
            "intent_ranking": ranking,
            "metadata": metadata or {},
        },
        events=[],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


async def test_affirmation_names_the_runner_up_intent_in_her_language(book: Catalog) -> None:
    dispatcher = CollectingDispatcher()
    ranking = [
        {"name": "nlu_fallback", "confidence": 0.3},
        {"name": "request_mentor", "confidence": 0.2},
    ]
    await ActionDefaultAskAffirmation().run(dispatcher, _tracker("nlu_fallback", ranking, "fi"), {})
    [message] = dispatcher.messages
    assert message["response"] == "utter_ask_affirmation"
    assert message["intent_label"] == book.text("label_request_mentor", "fi")
    assert [b["payload"] for b in message["buttons"]] == ["/request_mentor", "/deny"]
    assert message["buttons"][0]["title"] == book.text("button_yes", "fi")


async def test_affirmation_uses_the_channel_hint_before_a_language_is_chosen(book: Catalog) -> None:
    dispatcher = CollectingDispatcher()
    ranking = [{"name": "nlu_fallback", "confidence": 0.3}, {"name": "help", "confidence": 0.2}]
    tracker = _tracker("nlu_fallback", ranking, None, {"language_hint": "pl-PL"})
    await ActionDefaultAskAffirmation().run(dispatcher, tracker, {})
    assert dispatcher.messages[0]["intent_label"] == book.text("label_help", "pl")


async def test_without_a_runner_up_it_asks_to_rephrase() -> None:
    dispatcher = CollectingDispatcher()
    await ActionDefaultAskAffirmation().run(dispatcher, _tracker("nlu_fallback", [], "en"), {})
    assert dispatcher.messages[0]["response"] == "utter_ask_rephrase"


async def test_restart_keeps_only_her_language() -> None:
    from actions.restart import ActionRestart

    dispatcher = CollectingDispatcher()
    events = await ActionRestart().run(dispatcher, _tracker("restart", [], "uk"), {})
    assert dispatcher.messages[0]["response"] == "utter_restart"
    assert [e["event"] for e in events] == ["restart", "slot"]
    assert events[1]["name"] == "language" and events[1]["value"] == "uk"
