"""Understanding survey answers in her own words: the lists in locales/words/<language>.yml."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Mapping

import yaml

from bot import DEFAULT_LANGUAGE
from bot.i18n import LOCALES_DIR
from bot.knowledge.text import words

WORDS_DIR = LOCALES_DIR / "words"
GROUPS = (
    "control",
    "role",
    "stage",
    "sector",
    "topics",
    "languages",
    "mentor_type",
    "channel",
    "fields",
)
WHOLE_WORD_BELOW = 4  # a beginning shorter than this must be the whole word ("tax", "vat")

Entry = tuple[str, ...]  # the folded words of one listed word or phrase


def _is_arabic(word: str) -> bool:
    return any("\u0600" <= c <= "\u06ff" for c in word)


# Arabic attaches "and", "with", "for", "the" to the word: و ف ب ل ك ال and their combinations.
_ARABIC_CLITICS = ("", "و", "ف", "ب", "ل", "ك", "ال", "وال", "بال", "فال", "كال", "لل", "ولل")


def _word_matches(entry_word: str, word: str, whole: bool = False) -> bool:
    if _is_arabic(entry_word):
        stems = [word[len(c) :] for c in _ARABIC_CLITICS if word.startswith(c)]
        if whole or len(entry_word) < WHOLE_WORD_BELOW:
            return entry_word in stems  # "تم" (done) is not inside "التمويل" (funding)
        return any(stem.startswith(entry_word) for stem in stems)
    if whole or len(entry_word) < WHOLE_WORD_BELOW:
        return word == entry_word
    return word.startswith(entry_word)


def find(entry: Entry, text_words: list[str], whole: bool = False) -> int | None:
    """Where the entry's words occur in order in the text's words, or None.

    `whole`: each word must be the entry's word exactly (no longer word starting with it)."""
    size = len(entry)
    for start in range(len(text_words) - size + 1):
        window = text_words[start : start + size]
        if all(_word_matches(e, w, whole) for e, w in zip(entry, window, strict=True)):
            return start
    return None


@dataclass(frozen=True)
class Lexicon:
    """One language's words for each answer: group → answer id → entries."""

    language: str
    groups: Mapping[str, Mapping[str, tuple[Entry, ...]]]

    @classmethod
    def load(cls, path: Path) -> Lexicon:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        groups: dict[str, dict[str, tuple[Entry, ...]]] = {}
        for group in GROUPS:
            options = raw.get(group) or {}
            groups[group] = {
                _key(option): tuple(
                    entry for entry in (_entry(str(item)) for item in items or []) if entry
                )
                for option, items in options.items()
            }
        code = str((raw.get("meta") or {}).get("code") or path.stem)
        return cls(code, groups)

    def names(self, group: str, option: str) -> tuple[Entry, ...]:
        return self.groups.get(group, {}).get(option, ())


def _entry(item: str) -> Entry:
    """A listed word or phrase as folded words ("self-employ" → self, employ)."""
    return tuple(words(item.replace("-", " ")))


def _key(option: object) -> str:
    """YAML 1.1 reads a bare `yes:` / `no:` key as a boolean: they are the words yes and no."""
    if isinstance(option, bool):
        return "yes" if option else "no"
    return str(option)


@functools.lru_cache(maxsize=1)
def lexicons(directory: Path = WORDS_DIR) -> Mapping[str, Lexicon]:
    return {path.stem: Lexicon.load(path) for path in sorted(directory.glob("*.yml"))}


def _lexicons_for(language: str) -> list[Lexicon]:
    """Her language's words, then English ones (many type a word or two of English)."""
    found = lexicons()
    chosen = [found[code] for code in dict.fromkeys((language, DEFAULT_LANGUAGE)) if code in found]
    return chosen


def positions(
    group: str,
    text: str,
    language: str,
    extra: Mapping[str, Iterable[str]] | None = None,
) -> dict[str, int]:
    """Each answer of `group` the text names, with where it is first named (word index).

    `extra` adds names for answers (e.g. the topic labels shown on the buttons)."""
    text_words = words(text)
    if not text_words:
        return {}
    found: dict[str, int] = {}

    def note(option: str, entries: Iterable[Entry]) -> None:
        for entry in entries:
            at = find(entry, text_words)
            if at is not None and (option not in found or at < found[option]):
                found[option] = at

    for lexicon in _lexicons_for(language):
        for option, entries in lexicon.groups.get(group, {}).items():
            note(option, entries)
    for option, names in (extra or {}).items():
        note(option, [tuple(words(name)) for name in names if words(name)])
    return found


def best(
    group: str,
    text: str,
    language: str,
    extra: Mapping[str, Iterable[str]] | None = None,
) -> str | None:
    """The answer the text names most (the first named, between equals); None if none."""
    counts: dict[str, int] = {}
    text_words = words(text)
    for lexicon in _lexicons_for(language):
        for option, entries in lexicon.groups.get(group, {}).items():
            hits = sum(find(entry, text_words) is not None for entry in entries)
            if hits:
                counts[option] = counts.get(option, 0) + hits
    for option, names in (extra or {}).items():
        hits = sum(find(tuple(words(n)), text_words) is not None for n in names if words(n))
        if hits:
            counts[option] = counts.get(option, 0) + 2 * hits  # a button's own label counts double
    if not counts:
        return None
    # most names first; between equals, the one she named first ("I sell clothes" → shop)
    first = positions(group, text, language, extra)
    ranked = sorted(counts.items(), key=lambda item: (-item[1], first.get(item[0], 1 << 30)))
    return ranked[0][0]


def says(control: str, text: str, language: str, english: bool = True) -> bool:
    """Whether the message is (mostly) one of the survey commands: skip, stop, done, yes, ...

    Only short messages count: "stop" stops, "I stopped working last year" does not."""
    text_words = words(text)
    if not text_words or len(text_words) > 4:
        return False
    for lexicon in _lexicons_for(language) if english else _lexicons_for(language)[:1]:
        # English commands typed in another language must be whole words ("pass" is not
        # "passaporte", "quit" is not "quitar")
        whole = lexicon.language != language
        for entry in lexicon.groups.get("control", {}).get(control, ()):
            if find(entry, text_words, whole) is not None:
                return True
    return False


def missing_keys(directory: Path = WORDS_DIR) -> list[str]:
    """Problems for check-translations: a language without a word file, or a file without
    words for an answer the English one has."""
    from bot import SUPPORTED_LANGUAGES

    problems: list[str] = []
    found = lexicons(directory)
    source = found.get(DEFAULT_LANGUAGE)
    if source is None:
        return [f"{directory}/{DEFAULT_LANGUAGE}.yml is missing"]
    for code in SUPPORTED_LANGUAGES:
        lexicon = found.get(code)
        if lexicon is None:
            problems.append(f"locales/words/{code}.yml is missing")
            continue
        for group, options in source.groups.items():
            for option in options:
                if not lexicon.groups.get(group, {}).get(option):
                    problems.append(f"locales/words/{code}.yml: no words for {group}.{option}")
    return problems
