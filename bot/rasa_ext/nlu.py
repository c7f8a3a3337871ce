"""NLU component: tags every message with its language and finds a language she asks for."""

from __future__ import annotations

import logging
from typing import Any, Dict, List

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_NAME_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.i18n import catalog
from bot.language import DETECTION_KEY, LanguageIdentifier, LanguageNames, short_words_from
from bot.rasa_ext.storage import DEFAULT_MODEL_CONFIG, fit_and_save, load_saved
from bot.textmodel import LinearTextModel

logger = logging.getLogger(__name__)

LANGUAGE_ENTITY = "language"
CHOOSE_LANGUAGE_INTENT = "choose_language"


def example_language(message: Message) -> str | None:
    """The language a training example is written in: `metadata: {language: xx}` on its intent."""
    metadata = message.get("metadata") or {}
    intent_meta = metadata.get("intent") if isinstance(metadata, dict) else None
    language = intent_meta.get("language") if isinstance(intent_meta, dict) else None
    return str(language) if language else None


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=True)
class LanguageDetector(GraphComponent, EntityExtractorMixin):
    """Adds `language_detection` to the parse result of every message.

    Trains a small language model on the training examples (each intent block says its
    language in `metadata`) and averages it with lingua's general one.

    Placed after the intent classifier: when the intent is `choose_language`, a language
    named in the text ("can we speak Turkish?") becomes a `language` entity, which fills the
    `language` slot. Naming a country ("I live in Poland") in other intents changes nothing.
    """

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {"char_ngram_range": [1, 4], "word_ngram_range": [1, 1], **DEFAULT_MODEL_CONFIG}

    def __init__(
        self,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        domain_model: LinearTextModel | None = None,
    ) -> None:
        self._config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        book = catalog()
        self._identifier = LanguageIdentifier(
            short_words=short_words_from(book), domain_model=domain_model
        )
        self._names = LanguageNames(book)

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> LanguageDetector:
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        pairs = [
            (e.get(TEXT), example_language(e))
            for e in training_data.intent_examples
            if e.get(TEXT) and example_language(e)
        ]
        if len({language for _, language in pairs}) < 2:
            logger.warning("Training examples name fewer than two languages: using lingua alone.")
            return self._resource
        fit_and_save(
            self._config,
            [text for text, _ in pairs],
            [language for _, language in pairs],
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
    ) -> LanguageDetector:
        component = cls(config, model_storage, resource, load_saved(model_storage, resource))
        component._identifier.warm_up()
        return component

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            detection = self._identifier.detect(text)
            message.set(DETECTION_KEY, detection.as_dict(), add_to_output=True)
            intent = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
            if intent != CHOOSE_LANGUAGE_INTENT:
                continue
            if any(e.get("entity") == LANGUAGE_ENTITY for e in message.get(ENTITIES, [])):
                continue
            request = self._names.find(text)
            if request is None:
                continue
            entity = {
                "entity": LANGUAGE_ENTITY,
                "value": request.language,
                "start": request.start,
                "end": request.end,
                "confidence": 1.0,
                "extractor": self.__class__.__name__,
            }
            message.set(ENTITIES, message.get(ENTITIES, []) + [entity], add_to_output=True)
        return messages
