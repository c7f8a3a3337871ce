"""Intent classifier for all ten languages at once: character and word n-grams, linear SVM."""

from __future__ import annotations

import logging
from typing import Any, Dict, List

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.rasa_ext.storage import DEFAULT_MODEL_CONFIG, fit_and_save, load_saved
from bot.textmodel import LinearTextModel

logger = logging.getLogger(__name__)

RANKING_LENGTH = 10


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class NgramIntentClassifier(GraphComponent, IntentClassifier):
    """TF-IDF over character n-grams (inflections, typos, missing diacritics, any script) and
    words, fed to a linear SVM; confidences are a softmax over its margins.

    Reads the message text itself, so it needs no featurizer before it: training takes
    seconds and a prediction well under a millisecond.
    """

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        # `temperature` multiplies the margins before the softmax: higher = more decisive.
        return {"char_ngram_range": [1, 5], "word_ngram_range": [1, 2], **DEFAULT_MODEL_CONFIG}

    def __init__(
        self,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        model: LinearTextModel | None = None,
    ) -> None:
        self.config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self.model = model

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> NgramIntentClassifier:
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        examples = [e for e in training_data.intent_examples if e.get(INTENT) and e.get(TEXT)]
        if not examples:
            logger.warning("No intent examples: the intent classifier is not trained.")
            return self._resource
        self.model = fit_and_save(
            self.config,
            [e.get(TEXT) for e in examples],
            [e.get(INTENT) for e in examples],
            self._model_storage,
            self._resource,
        )
        return self._resource

    @classmethod
    def load(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> NgramIntentClassifier:
        temperature = {**cls.get_default_config(), **config}["temperature"]
        model = load_saved(model_storage, resource, temperature)
        if model is None:
            logger.warning("No trained intent classifier found; predicting no intents.")
        return cls(config, model_storage, resource, model)

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT)
            if self.model is None or not self.model.trained or not text:
                message.set(INTENT, {INTENT_NAME_KEY: None, "confidence": 0.0}, add_to_output=True)
                message.set(INTENT_RANKING_KEY, [], add_to_output=True)
                continue
            ranking = [
                {INTENT_NAME_KEY: name, "confidence": confidence}
                for name, confidence in self.model.ranking(text, RANKING_LENGTH)
            ]
            message.set(INTENT, ranking[0], add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        return messages
