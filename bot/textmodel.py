"""A small linear text classifier over TF-IDF character and word n-grams, with fast prediction.

Used for intents and for languages. Saved as JSON and .npy files (no pickles), so loading a
model runs no code from it.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from pathlib import Path
from typing import Any, Mapping, Sequence

import numpy as np
from scipy.sparse import hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.svm import LinearSVC

WORD_PATTERN = r"(?u)\b\w+\b"


def softmax(scores: np.ndarray) -> np.ndarray:
    exp = np.exp(scores - scores.max())
    return exp / exp.sum()


def _vectorizers(
    char_ngrams: Sequence[int], word_ngrams: Sequence[int] | None
) -> list[TfidfVectorizer]:
    common: dict[str, Any] = {"lowercase": True, "sublinear_tf": True, "dtype": np.float32}
    out = [
        TfidfVectorizer(
            analyzer="char_wb", ngram_range=tuple(char_ngrams), strip_accents="unicode", **common
        )
    ]
    if word_ngrams:
        out.append(
            TfidfVectorizer(
                analyzer="word",
                ngram_range=tuple(word_ngrams),
                token_pattern=WORD_PATTERN,
                strip_accents="unicode",
                **common,
            )
        )
    return out


class LinearTextModel:
    """TF-IDF (sublinear tf, L2 per block) + one-vs-rest linear SVM; softmax over margins."""

    def __init__(
        self,
        char_ngrams: Sequence[int] = (1, 5),
        word_ngrams: Sequence[int] | None = (1, 2),
        C: float = 1.0,
        temperature: float = 4.0,
    ) -> None:
        self.char_ngrams = list(char_ngrams)
        self.word_ngrams = list(word_ngrams) if word_ngrams else None
        self.C = C
        self.temperature = temperature
        self.labels: list[str] = []
        self._vectorizers: list[TfidfVectorizer] = []
        self._coef_by_feature = np.zeros((0, 0), dtype=np.float32)
        self._intercept = np.zeros(0, dtype=np.float32)
        self._blocks: list[tuple[Any, Mapping[str, int], np.ndarray, int]] = []

    @property
    def trained(self) -> bool:
        return bool(self.labels)

    def fit(self, texts: Sequence[str], labels: Sequence[str]) -> LinearTextModel:
        vectorizers = _vectorizers(self.char_ngrams, self.word_ngrams)
        features = hstack([v.fit_transform(texts) for v in vectorizers]).tocsr()
        svm = LinearSVC(C=self.C, class_weight="balanced", random_state=0)
        svm.fit(features, list(labels))
        coef = np.asarray(svm.coef_, dtype=np.float32)
        intercept = np.asarray(svm.intercept_, dtype=np.float32)
        if len(svm.classes_) == 2:  # a binary SVM keeps one row; make one per class
            coef = np.vstack([-coef[0], coef[0]])
            intercept = np.array([-intercept[0], intercept[0]], dtype=np.float32)
        self.labels = [str(c) for c in svm.classes_]
        self._set(vectorizers, coef.T, intercept)
        return self

    def _set(
        self, vectorizers: list[TfidfVectorizer], coef_by_feature: np.ndarray, intercept: np.ndarray
    ) -> None:
        self._vectorizers = vectorizers
        self._coef_by_feature = np.ascontiguousarray(coef_by_feature, dtype=np.float32)
        self._intercept = np.asarray(intercept, dtype=np.float64)
        self._blocks = []
        offset = 0
        for vectorizer in vectorizers:
            vocabulary = vectorizer.vocabulary_
            self._blocks.append(
                (
                    vectorizer.build_analyzer(),
                    vocabulary,
                    np.asarray(vectorizer.idf_, dtype=np.float64),
                    offset,
                )
            )
            offset += len(vocabulary)

    def sklearn_features(self, texts: Sequence[str]) -> Any:
        """The same features through sklearn (slow; for checking the fast path)."""
        return hstack([v.transform(texts) for v in self._vectorizers]).tocsr()

    def margins(self, text: str) -> np.ndarray:
        """Raw SVM margins, computed with dictionary lookups (sklearn's transform costs ms)."""
        margins = self._intercept.copy()
        for analyze, vocabulary, idf, offset in self._blocks:
            counts = Counter(analyze(text))
            found = [(vocabulary[g], c) for g, c in counts.items() if g in vocabulary]
            if not found:
                continue
            columns = np.fromiter((i for i, _ in found), dtype=np.int64, count=len(found))
            tf = np.fromiter(
                (1.0 + math.log(c) for _, c in found), dtype=np.float64, count=len(found)
            )
            weights = tf * idf[columns]
            weights /= np.linalg.norm(weights)
            margins += weights @ self._coef_by_feature[columns + offset]
        return margins

    def probabilities(self, text: str) -> np.ndarray:
        return softmax(self.margins(text) * self.temperature)

    def ranking(self, text: str, limit: int = 10) -> list[tuple[str, float]]:
        probabilities = self.probabilities(text)
        order = np.argsort(-probabilities)[:limit]
        return [(self.labels[i], float(probabilities[i])) for i in order]

    def save(self, directory: Path) -> None:
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        meta = {
            "labels": self.labels,
            "char_ngrams": self.char_ngrams,
            "word_ngrams": self.word_ngrams,
            "C": self.C,
            "temperature": self.temperature,
            "vocabularies": [
                {t: int(i) for t, i in v.vocabulary_.items()} for v in self._vectorizers
            ],
        }
        (directory / "model.json").write_text(
            json.dumps(meta, ensure_ascii=False), encoding="utf-8"
        )
        for i, vectorizer in enumerate(self._vectorizers):
            np.save(
                directory / f"idf_{i}.npy",
                np.asarray(vectorizer.idf_, dtype=np.float32),
                allow_pickle=False,
            )
        np.save(directory / "coef.npy", self._coef_by_feature, allow_pickle=False)
        np.save(directory / "intercept.npy", self._intercept.astype(np.float32), allow_pickle=False)

    @classmethod
    def load(cls, directory: Path, temperature: float | None = None) -> LinearTextModel:
        directory = Path(directory)
        meta = json.loads((directory / "model.json").read_text(encoding="utf-8"))
        model = cls(
            meta["char_ngrams"], meta["word_ngrams"], meta["C"], temperature or meta["temperature"]
        )
        vectorizers = _vectorizers(model.char_ngrams, model.word_ngrams)
        for i, (vectorizer, vocabulary) in enumerate(
            zip(vectorizers, meta["vocabularies"], strict=True)
        ):
            vectorizer.vocabulary_ = vocabulary
            vectorizer.idf_ = np.load(directory / f"idf_{i}.npy", allow_pickle=False)
        model.labels = list(meta["labels"])
        model._set(
            vectorizers,
            np.load(directory / "coef.npy", allow_pickle=False),
            np.load(directory / "intercept.npy", allow_pickle=False),
        )
        return model
