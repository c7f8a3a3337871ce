"""Translations: one YAML file per language under locales/, keyed by message id."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

import yaml

from bot import DEFAULT_LANGUAGE, SUPPORTED_LANGUAGES

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*)\}")


class CatalogError(ValueError):
    """A locale file is missing, malformed or inconsistent with the source language."""


@dataclass(frozen=True)
class Locale:
    """The strings of one language, plus how to name languages in it."""

    code: str
    name: str
    direction: str
    strings: Mapping[str, str]
    language_words: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    short_words: tuple[str, ...] = ()


def _load_locale(path: Path) -> Locale:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise CatalogError(f"{path.name}: not valid YAML: {exc}") from exc
    if not isinstance(raw, dict) or not isinstance(raw.get("strings"), dict):
        raise CatalogError(f"{path.name}: needs a 'strings' mapping")
    meta = raw.get("meta") or {}
    code = str(meta.get("code", path.stem))
    if code != path.stem:
        raise CatalogError(f"{path.name}: meta.code is {code!r}, expected {path.stem!r}")
    strings = {str(k): str(v) for k, v in raw["strings"].items() if v is not None}
    words = {
        str(lang): tuple(str(w).strip().lower() for w in (items or []))
        for lang, items in (raw.get("language_words") or {}).items()
    }
    return Locale(
        code=code,
        name=str(meta.get("name", code)),
        direction=str(meta.get("direction", "ltr")),
        strings=strings,
        language_words=words,
        short_words=tuple(str(w).strip().lower() for w in (raw.get("short_words") or [])),
    )


@dataclass(frozen=True)
class Catalog:
    """All locales; looks up a message in a language, falling back to English."""

    locales: Mapping[str, Locale]

    @classmethod
    def load(cls, directory: Path = LOCALES_DIR) -> Catalog:
        locales = {}
        for path in sorted(directory.glob("*.yml")):
            locale = _load_locale(path)
            locales[locale.code] = locale
        if DEFAULT_LANGUAGE not in locales:
            raise CatalogError(f"{directory}: no {DEFAULT_LANGUAGE}.yml source file")
        return cls(locales)

    def languages(self) -> list[str]:
        return [code for code in SUPPORTED_LANGUAGES if code in self.locales]

    def has(self, key: str) -> bool:
        return key in self.locales[DEFAULT_LANGUAGE].strings

    def text(self, key: str, language: str | None, /, **values: Any) -> str:
        """The message `key` in `language` with its placeholders filled.

        Values are inserted literally: no format specifiers, no attribute access, so a
        value such as "0[" or "{x}" typed by a user can never break or expand the text.
        """
        locale = self.locales.get(language or DEFAULT_LANGUAGE) or self.locales[DEFAULT_LANGUAGE]
        template = locale.strings.get(key)
        if template is None:
            template = self.locales[DEFAULT_LANGUAGE].strings.get(key)
        if template is None:
            raise KeyError(key)

        def fill(match: re.Match[str]) -> str:
            name = match.group(1)
            return str(values[name]) if name in values and values[name] is not None else ""

        return PLACEHOLDER.sub(fill, template)

    def check(self) -> list[str]:
        """Problems that make a translation incomplete; empty when every language is whole."""
        problems = []
        source = self.locales[DEFAULT_LANGUAGE]
        for code in SUPPORTED_LANGUAGES:
            locale = self.locales.get(code)
            if locale is None:
                problems.append(f"{code}: no locales/{code}.yml")
                continue
            missing = sorted(set(source.strings) - set(locale.strings))
            extra = sorted(set(locale.strings) - set(source.strings))
            problems += [f"{code}: missing key {k}" for k in missing]
            problems += [f"{code}: extra key {k}" for k in extra]
            for key, text in locale.strings.items():
                if key not in source.strings:
                    continue
                if not text.strip():
                    problems.append(f"{code}: {key} is empty")
                ours = sorted(PLACEHOLDER.findall(text))
                theirs = sorted(PLACEHOLDER.findall(source.strings[key]))
                if ours != theirs:
                    problems.append(f"{code}: {key} has placeholders {ours}, English has {theirs}")
            if locale.direction not in ("ltr", "rtl"):
                problems.append(f"{code}: meta.direction must be ltr or rtl")
            unnamed = [lang for lang in SUPPORTED_LANGUAGES if not locale.language_words.get(lang)]
            if unnamed:
                problems.append(f"{code}: language_words lacks {', '.join(unnamed)}")
        for code in self.locales:
            if code not in SUPPORTED_LANGUAGES:
                problems.append(f"{code}: locale for an unsupported language")
        return problems


@functools.lru_cache(maxsize=4)
def catalog(directory: Path = LOCALES_DIR) -> Catalog:
    """The catalogue, loaded once per process (the files are read-only at run time)."""
    return Catalog.load(directory)


LANGUAGE_NAME_PREFIX = "language_name_"


def localise_response(
    response: dict[str, Any], book: Catalog, language: str, values: Mapping[str, Any]
) -> dict[str, Any]:
    """Turn a language-neutral response from the domain into one in `language`.

    In domain.yml a response's `text` and its buttons' `title`s are message ids from
    locales/*.yml (a title `language_name_fi` is Finnish's own name, "Suomi", in every
    language). Text that is not a message id is left as it is.
    """

    def resolve(key: Any) -> Any:
        if not isinstance(key, str):
            return key
        if key.startswith(LANGUAGE_NAME_PREFIX):
            code = key[len(LANGUAGE_NAME_PREFIX) :]
            locale = book.locales.get(code)
            return locale.name if locale else key
        return book.text(key, language, **values) if book.has(key) else key

    out = dict(response)
    if "text" in out:
        out["text"] = resolve(out["text"])
    if out.get("buttons"):
        out["buttons"] = [{**b, "title": resolve(b.get("title"))} for b in out["buttons"]]
    return out
