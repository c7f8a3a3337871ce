"""Language identification and the rules that decide which language the assistant speaks."""

from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass
from typing import Any, Iterable, Mapping

from bot import DEFAULT_LANGUAGE, SUPPORTED_LANGUAGES
from bot.i18n import Catalog
from bot.textmodel import LinearTextModel

# A message flips the conversation's language only when it is this long and this clear.
MIN_WORDS_TO_SWITCH = 3
MIN_CONFIDENCE_TO_SWITCH = 0.80
# With no language chosen yet, a shorter message may set the first one if it is this clear.
MIN_CONFIDENCE_FIRST_GUESS = 0.90

_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*", re.UNICODE)
_UK_ONLY = set("іїєґ")
_RU_ONLY = set("ыэъё")


@dataclass(frozen=True)
class Detection:
    """What one message says about its own language."""

    language: str | None
    confidence: float
    words: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "language": self.language,
            "confidence": round(self.confidence, 4),
            "words": self.words,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> Detection:
        if not data:
            return cls(None, 0.0, 0)
        language = data.get("language")
        return cls(
            language if language in SUPPORTED_LANGUAGES else None,
            float(data.get("confidence") or 0.0),
            int(data.get("words") or 0),
        )

    @property
    def decisive(self) -> bool:
        """Long and clear enough to change a language already in use."""
        return (
            self.language is not None
            and self.words >= MIN_WORDS_TO_SWITCH
            and self.confidence >= MIN_CONFIDENCE_TO_SWITCH
        )


def words(text: str) -> list[str]:
    """The words of a message: runs of letters, so emoji, digits and punctuation don't count."""
    return _WORD.findall(text)


def _script_language(text: str) -> str | None:
    """Languages that their alphabet alone gives away among the ten we speak."""
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return None
    arabic = sum(1 for c in letters if "ARABIC" in unicodedata.name(c, ""))
    if arabic * 2 > len(letters):
        return "ar"
    lower = set(text.lower())
    if lower & _UK_ONLY and not lower & _RU_ONLY:
        return "uk"
    if lower & _RU_ONLY and not lower & _UK_ONLY:
        return "ru"
    return None


class LanguageIdentifier:
    """Offline language identification restricted to the supported languages.

    Two opinions, averaged: lingua's general n-gram models (shipped inside its wheel, in
    low-accuracy mode: about 25 MB, loaded on first use, not at import), and an optional
    model trained on the assistant's own training data, which knows how people write to
    *this* assistant (business words, chat spelling, missing diacritics).
    """

    _LINGUA_NAMES = {
        "en": "ENGLISH",
        "fi": "FINNISH",
        "sk": "SLOVAK",
        "tr": "TURKISH",
        "es": "SPANISH",
        "pl": "POLISH",
        "pt": "PORTUGUESE",
        "ar": "ARABIC",
        "ru": "RUSSIAN",
        "uk": "UKRAINIAN",
    }

    def __init__(
        self,
        languages: Iterable[str] = SUPPORTED_LANGUAGES,
        short_words: Mapping[str, str] | None = None,
        domain_model: LinearTextModel | None = None,
    ) -> None:
        self.languages = tuple(languages)
        self.short_words = dict(short_words or {})
        self.domain_model = domain_model if domain_model and domain_model.trained else None
        self._detector: Any = None
        self._lock = threading.Lock()
        self._code_of = {name: code for code, name in self._LINGUA_NAMES.items()}

    def _lingua(self) -> Any:
        if self._detector is None:
            with self._lock:
                if self._detector is None:
                    from lingua import Language, LanguageDetectorBuilder

                    wanted = [
                        getattr(Language, self._LINGUA_NAMES[code]) for code in self.languages
                    ]
                    self._detector = (
                        LanguageDetectorBuilder.from_languages(*wanted)
                        .with_low_accuracy_mode()
                        .with_preloaded_language_models()
                        .build()
                    )
        return self._detector

    def warm_up(self) -> None:
        self._lingua()

    def detect(self, text: str) -> Detection:
        tokens = words(text)
        if not tokens:
            return Detection(None, 0.0, 0)
        by_script = _script_language(text)
        if by_script in self.languages:
            return Detection(by_script, 1.0, len(tokens))
        if len(tokens) <= 2:
            key = " ".join(t.lower() for t in tokens)
            if key in self.short_words:
                return Detection(self.short_words[key], 0.95, len(tokens))
        return self._best(self.probabilities(" ".join(tokens)), len(tokens))

    def probabilities(self, text: str) -> dict[str, float]:
        """Probability of each supported language for a text (without the script rules)."""
        general = {code: 0.0 for code in self.languages}
        for value in self._lingua().compute_language_confidence_values(text):
            code = self._code_of.get(value.language.name)
            if code in general:
                general[code] = float(value.value)
        if self.domain_model is None:
            return general
        domain = dict(
            zip(self.domain_model.labels, self.domain_model.probabilities(text), strict=True)
        )
        return {code: 0.5 * general[code] + 0.5 * float(domain.get(code, 0.0)) for code in general}

    @staticmethod
    def _best(probabilities: Mapping[str, float], word_count: int) -> Detection:
        if not probabilities or max(probabilities.values()) <= 0.0:
            return Detection(None, 0.0, word_count)
        code = max(probabilities, key=lambda c: probabilities[c])
        return Detection(code, probabilities[code], word_count)


def short_words_from(catalog: Catalog) -> dict[str, str]:
    """One- and two-word messages that belong to exactly one language (hola, kiitos, ahoj…)."""
    seen: dict[str, set[str]] = {}
    for code, locale in catalog.locales.items():
        for word in locale.short_words:
            seen.setdefault(word, set()).add(code)
    return {word: next(iter(codes)) for word, codes in seen.items() if len(codes) == 1}


@dataclass(frozen=True)
class LanguageRequest:
    """A language named in a message, where it was named."""

    language: str
    start: int
    end: int


class LanguageNames:
    """Finds a language named in a message ("can we speak Turkish?", "suomeksi", "po polsku")."""

    def __init__(self, catalog: Catalog) -> None:
        exact: dict[str, str] = {}
        prefixes: list[tuple[str, str]] = []
        for locale in catalog.locales.values():
            for code, names in locale.language_words.items():
                if code not in SUPPORTED_LANGUAGES:
                    continue
                for name in names:
                    if name.endswith("*"):
                        prefixes.append((name[:-1], code))
                    else:
                        exact[name] = code
        self._exact = exact
        self._prefixes = sorted(prefixes, key=lambda p: -len(p[0]))
        self._longest = max((len(k.split()) for k in exact), default=1)

    def find(self, text: str) -> LanguageRequest | None:
        spans = [(m.group(0).lower(), m.start(), m.end()) for m in _WORD.finditer(text)]
        found: list[LanguageRequest] = []
        i = 0
        while i < len(spans):
            match = None
            for size in range(min(self._longest, len(spans) - i), 0, -1):
                phrase = " ".join(s[0] for s in spans[i : i + size])
                if phrase in self._exact:
                    match = LanguageRequest(
                        self._exact[phrase], spans[i][1], spans[i + size - 1][2]
                    )
                    i += size
                    break
            if match is None:
                word = spans[i][0]
                for prefix, code in self._prefixes:
                    if word.startswith(prefix):
                        match = LanguageRequest(code, spans[i][1], spans[i][2])
                        break
                i += 1
            if match is not None:
                found.append(match)
        # "English please" is common, "English, not Finnish" rare: the first name wins.
        return found[0] if found else None


def normalise_hint(value: Any) -> str | None:
    """A channel's language hint ("fi", "pt-BR", "uk_UA") as one of our codes, or None."""
    if not isinstance(value, str) or not value:
        return None
    code = value.replace("_", "-").split("-")[0].lower()
    return code if code in SUPPORTED_LANGUAGES else None


def decide_language(
    current: str | None,
    detection: Detection,
    requested: str | None = None,
    hint: str | None = None,
) -> str | None:
    """The language to use after a message, given the one in use (None if none yet).

    1. A language she asks for wins.
    2. A message of three or more words that is clearly in one language switches to it.
    3. Otherwise a language already in use stays: "ok", "👍", "1" or a name never flip it.
    4. With none in use yet: a short but clear message, else the channel's hint
       (Telegram's language_code, the browser's language), else nothing (English is used).
    """
    if requested in SUPPORTED_LANGUAGES:
        return requested
    if detection.decisive:
        return detection.language
    if current in SUPPORTED_LANGUAGES:
        return current
    if detection.language and detection.confidence >= MIN_CONFIDENCE_FIRST_GUESS:
        return detection.language
    return normalise_hint(hint)


HINT_KEYS = ("language_hint", "language_code", "locale")
# The slot that remembers her language (set by the language policy, carried across sessions).
LANGUAGE_SLOT = "language"
# Where the language detector puts its Detection in a message's parse data.
DETECTION_KEY = "language_detection"


def language_hint(metadata: Any) -> str | None:
    """The language a channel says she uses (Telegram's language_code, the browser's)."""
    if not isinstance(metadata, Mapping):
        return None
    for key in HINT_KEYS:
        hint = normalise_hint(metadata.get(key))
        if hint:
            return hint
    return None


def current_language(slot_value: Any, metadata: Any = None) -> str:
    """The language to answer in: hers if chosen, else the channel's hint, else English."""
    if slot_value in SUPPORTED_LANGUAGES:
        return str(slot_value)
    return language_hint(metadata) or DEFAULT_LANGUAGE
