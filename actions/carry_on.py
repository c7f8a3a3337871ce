"""When she leaves a form (the survey, a feedback question) with another request: answer it.

The form ends itself (its answers so far are kept) and its closing action calls `carry_on`,
which replies to her message as the rules would have outside the form.
"""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Tracker
from rasa_sdk.events import FollowupAction
from rasa_sdk.executor import CollectingDispatcher

from actions.common import intent_of

# Intents that are clearly a new request, not an answer to the form's question.
LEAVING_INTENTS = frozenset(
    {
        "help",
        "greet",
        "goodbye",
        "request_mentor",
        "become_mentor",
        "privacy_question",
        "forget_me",
        "start_intake",
        "give_feedback",
        "bot_challenge",
        "ask_question",
        "out_of_scope",
    }
)
# Only asked when her message did not answer the question, so a modest confidence will do; a
# free-text answer (a city, a comment) is taken as a request only above FREE_TEXT_CONFIDENCE.
LEAVING_CONFIDENCE = 0.4
FREE_TEXT_CONFIDENCE = 0.6

# The replies of the rules in nlu_data/rules/, by intent.
_RESPONSES: Dict[str, List[str]] = {
    "help": ["utter_help", "utter_main_menu"],
    "greet": ["utter_greet_again", "utter_main_menu"],
    "goodbye": ["utter_goodbye"],
    "thank": ["utter_welcome"],
    "bot_challenge": ["utter_iamabot"],
    "affirm": ["utter_ok"],
    "deny": ["utter_ok"],
}


# Requests that are never an answer typed in her words (a city, a comment can look like a
# question or like nothing the assistant knows).
COMMANDS = LEAVING_INTENTS - {"ask_question", "out_of_scope", "greet", "start_intake"}


def leaving(tracker: Tracker) -> str | None:
    """The intent of her message when it is confidently a new request, else None."""
    intent, confidence = intent_of(tracker)
    if intent in LEAVING_INTENTS and confidence >= LEAVING_CONFIDENCE:
        return intent
    return None


def command(tracker: Tracker) -> str | None:
    """The intent of a free-text answer when it is clearly a command instead ("forget me")."""
    intent, confidence = intent_of(tracker)
    if intent in COMMANDS and confidence >= FREE_TEXT_CONFIDENCE:
        return intent
    return None


async def carry_on(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    domain: Dict[Text, Any],
    intent: str | None,
) -> List[Dict[Text, Any]]:
    """Reply to her message as the rules would have with no form open; the events to return.

    The other actions run here, in this action, rather than as a follow-up action: the rules
    then see one closing action, as they were trained to."""
    from actions.feedback import ActionFeedbackStart
    from actions.handoff import ActionRequestMentor
    from actions.intake import ActionIntakeStart
    from actions.knowledge import ActionAnswerQuestion
    from actions.mentor_signup import ActionMentorStart
    from actions.privacy import ActionForgetMe, ActionMyData

    actions = {
        "ask_question": ActionAnswerQuestion,
        "out_of_scope": ActionAnswerQuestion,
        "privacy_question": ActionMyData,
        "forget_me": ActionForgetMe,
        "start_intake": ActionIntakeStart,
        "give_feedback": ActionFeedbackStart,
        "request_mentor": ActionRequestMentor,
        "become_mentor": ActionMentorStart,
    }
    forms = {"start_intake": "intake_form", "give_feedback": "feedback_form"}
    if intent in actions:
        events = await actions[intent]().run(dispatcher, tracker, domain)
        if intent in forms:
            events = [*events, FollowupAction(forms[intent])]
        return events
    for response in _RESPONSES.get(intent or "", []):
        dispatcher.utter_message(response=response)
    return []
