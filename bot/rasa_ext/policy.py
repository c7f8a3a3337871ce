"""Policy that never picks an action: it keeps the `language` slot right after each message."""

from __future__ import annotations

from typing import Any, Dict, List

from rasa.core.policies.policy import Policy, PolicyPrediction
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, Event, SlotSet, UserUttered
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker

from bot.language import (
    DETECTION_KEY,
    LANGUAGE_SLOT,
    Detection,
    decide_language,
    language_hint,
)
from bot.rasa_ext.nlu import LANGUAGE_ENTITY

# Questions whose answers name languages without asking to switch to them.
LANGUAGES_AS_ANSWERS = frozenset({"intake_languages"})


def _first_prediction_after_message(tracker: DialogueStateTracker) -> bool:
    """True until the first action after her latest message has run."""
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            return True
        if isinstance(event, ActionExecuted) and event.action_name != ACTION_LISTEN_NAME:
            return False
    return False


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=False
)
class LanguagePolicy(Policy):
    """Applies `bot.language.decide_language` to the latest message.

    Rasa applies the events of every policy's prediction (not only the winner's) before the
    next action runs, so the reply to a message is already rendered in the language that
    message established. The decision lives in the tracker as a slot: every replica sees it,
    and it is carried over to the next session.
    """

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        # Lowest priority: with all-zero predictions it can never win against a real policy.
        return {"priority": 0}

    def train(
        self, training_trackers: List[TrackerWithCachedStates], domain: Domain, **kwargs: Any
    ) -> Resource:
        return self._resource

    def predict_action_probabilities(
        self,
        tracker: DialogueStateTracker,
        domain: Domain,
        rule_only_data: Dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> PolicyPrediction:
        events: List[Event] = []
        message = tracker.latest_message
        if message and message.text and _first_prediction_after_message(tracker):
            current = tracker.get_slot(LANGUAGE_SLOT)
            requested = next(
                (e.get("value") for e in message.entities if e.get("entity") == LANGUAGE_ENTITY),
                None,
            )
            if tracker.get_slot("requested_slot") in LANGUAGES_AS_ANSWERS:
                requested = None  # "I speak Arabic and English" answers the survey
            decided = decide_language(
                current,
                Detection.from_dict(message.parse_data.get(DETECTION_KEY)),  # type: ignore[misc]
                requested=requested,
                hint=language_hint(message.metadata),
            )
            if decided and decided != current:
                events.append(SlotSet(LANGUAGE_SLOT, decided))
        return self._prediction(self._default_predictions(domain), events=events)
