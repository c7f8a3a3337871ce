"""Training, saving and loading a LinearTextModel inside Rasa's model storage."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping, Sequence

from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage

from bot.textmodel import LinearTextModel

DEFAULT_MODEL_CONFIG = {"C": 1.0, "temperature": 4.0}


def fit_and_save(
    config: Mapping[str, Any],
    texts: Sequence[str],
    labels: Sequence[str],
    model_storage: ModelStorage,
    resource: Resource,
) -> LinearTextModel:
    """Train with the component's n-gram ranges, C and temperature; save in the model file."""
    model = LinearTextModel(
        config["char_ngram_range"], config["word_ngram_range"], config["C"], config["temperature"]
    ).fit(texts, labels)
    with model_storage.write_to(resource) as directory:
        model.save(Path(directory))
    return model


def load_saved(
    model_storage: ModelStorage, resource: Resource, temperature: float | None = None
) -> LinearTextModel | None:
    """The saved model, or None when the component was never trained."""
    try:
        with model_storage.read_from(resource) as directory:
            return LinearTextModel.load(Path(directory), temperature=temperature)
    except (ValueError, FileNotFoundError):
        return None
