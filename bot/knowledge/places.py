"""Which of the six countries a message names ("in Poland", "w Polsce", "Barcelona")."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Mapping

import yaml

from bot.knowledge.articles import COUNTRIES, KNOWLEDGE_DIR
from bot.knowledge.text import fold, words

PLACES_FILE = KNOWLEDGE_DIR / "places.yml"


def _is_arabic(stem: str) -> bool:
    return any("\u0600" <= c <= "\u06ff" for c in stem)


@dataclass(frozen=True)
class Places:
    """Word beginnings naming each country; Arabic ones match anywhere in a word."""

    stems: Mapping[str, tuple[str, ...]]
    inner: Mapping[str, tuple[str, ...]]
    _any: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        starts = [re.escape(s) for group in self.stems.values() for s in group]
        inside = [re.escape(s) for group in self.inner.values() for s in group]
        parts = [f"^(?:{'|'.join(starts)})"] if starts else []
        parts += [f"(?:{'|'.join(inside)})"] if inside else []
        object.__setattr__(self, "_any", re.compile("|".join(parts) or r"(?!)"))

    def is_place_word(self, folded_word: str) -> bool:
        """Whether a folded word names one of the countries or their cities."""
        return self._any.search(folded_word) is not None

    @classmethod
    def load(cls, path: Path = PLACES_FILE) -> Places:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        stems: dict[str, tuple[str, ...]] = {}
        inner: dict[str, tuple[str, ...]] = {}
        for code, entry in (raw.get("countries") or {}).items():
            code = str(code).upper()
            if code not in COUNTRIES:
                raise ValueError(f"{path.name}: {code} is not one of {', '.join(COUNTRIES)}")
            folded = [fold(str(s)) for s in (entry or {}).get("stems", [])]
            stems[code] = tuple(s for s in folded if not _is_arabic(s))
            inner[code] = tuple(s for s in folded if _is_arabic(s))
        return cls(stems, inner)

    def countries_in(self, text: str) -> list[str]:
        """The countries named in the text, in the order they first appear."""
        found: list[str] = []
        for word in words(text):
            if not self.is_place_word(word):
                continue
            for code in COUNTRIES:
                if code in found:
                    continue
                if any(word.startswith(s) for s in self.stems.get(code, ())) or any(
                    s in word for s in self.inner.get(code, ())
                ):
                    found.append(code)
        return found

    def country_in(self, text: str) -> str | None:
        """The one country the text names, or None when it names none or several."""
        found = self.countries_in(text)
        return found[0] if len(found) == 1 else None


@lru_cache(maxsize=1)
def places() -> Places:
    return Places.load()


def stems_of_places() -> frozenset[str]:
    """Folded place words, so the search can leave them out of topic matching."""
    book = places()
    return frozenset(s for group in book.stems.values() for s in group)
