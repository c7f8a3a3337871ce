"""The linear text model: its fast prediction equals sklearn's, and it survives a save and load."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from bot.textmodel import LinearTextModel

TEXTS = [
    "hello there",
    "hi friend",
    "hei kaikki",
    "moi moi",
    "bye now",
    "see you later",
    "näkemiin",
    "heippa sitten",
    "thanks a lot",
    "kiitos paljon",
]
LABELS = ["greet", "greet", "greet", "greet", "bye", "bye", "bye", "bye", "thank", "thank"]


def test_fast_margins_equal_sklearn_features_times_weights() -> None:
    model = LinearTextModel().fit(TEXTS, LABELS)
    for text in ["hello moi", "kiitos, heippa!", "ÄÄKKÖSET ja emoji 👍", "zzz"]:
        reference = np.asarray(model.sklearn_features([text]) @ model._coef_by_feature).ravel()
        assert np.allclose(model.margins(text), reference + model._intercept, atol=1e-5)


def test_probabilities_rank_the_right_label() -> None:
    model = LinearTextModel().fit(TEXTS, LABELS)
    assert model.ranking("hello hello")[0][0] == "greet"
    assert abs(sum(model.probabilities("anything")) - 1.0) < 1e-9


def test_save_and_load_predict_the_same(tmp_path: Path) -> None:
    model = LinearTextModel().fit(TEXTS, LABELS)
    model.save(tmp_path)
    assert not list(tmp_path.glob("*.pkl"))
    loaded = LinearTextModel.load(tmp_path)
    assert loaded.labels == model.labels
    assert np.allclose(
        loaded.probabilities("see you, kiitos"), model.probabilities("see you, kiitos")
    )


def test_two_labels_work() -> None:
    model = LinearTextModel().fit(TEXTS[:8], LABELS[:8])
    assert model.ranking("moi")[0][0] == "greet"
    assert model.ranking("näkemiin")[0][0] == "bye"
