"""Which language the assistant speaks: detection, explicit requests and the stickiness rules."""

from __future__ import annotations

import pytest

from bot.i18n import Catalog
from bot.language import (
    Detection,
    LanguageIdentifier,
    LanguageNames,
    current_language,
    decide_language,
    language_hint,
    short_words_from,
    words,
)


@pytest.fixture(scope="module")
def identifier(book: Catalog) -> LanguageIdentifier:
    return LanguageIdentifier(short_words=short_words_from(book))


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("How do I register my small business in Spain?", "en"),
        ("Miten perustan toiminimen Suomessa?", "fi"),
        ("Ako si založím živnosť na Slovensku?", "sk"),
        ("Türkiye'de şahıs şirketi nasıl kurulur?", "tr"),
        ("¿Cómo me doy de alta como autónoma en España?", "es"),
        ("Jak założyć jednoosobową działalność gospodarczą w Polsce?", "pl"),
        ("Como abro atividade como trabalhadora independente em Portugal?", "pt"),
        ("كيف أسجل شركة صغيرة في إسبانيا؟", "ar"),
        ("Как зарегистрировать бизнес в Польше?", "ru"),
        ("Як зареєструвати бізнес у Польщі?", "uk"),
    ],
)
def test_full_sentences_are_identified(
    identifier: LanguageIdentifier, text: str, language: str
) -> None:
    detection = identifier.detect(text)
    assert detection.language == language
    assert detection.decisive


@pytest.mark.parametrize("text", ["ok", "👍", "1", "Maria", "!!!", ""])
def test_short_or_neutral_messages_are_never_decisive(
    identifier: LanguageIdentifier, text: str
) -> None:
    assert not identifier.detect(text).decisive


def test_known_short_greetings_point_to_their_language(identifier: LanguageIdentifier) -> None:
    assert identifier.detect("kiitos").language == "fi"
    assert identifier.detect("merhaba").language == "tr"


def test_words_ignore_emoji_digits_and_punctuation() -> None:
    assert words("👍 123 ok!!") == ["ok"]
    assert words("Hei, mä haluun apua!") == ["Hei", "mä", "haluun", "apua"]


FI_LONG = Detection("fi", 0.99, 5)
EN_SHORT = Detection("en", 0.95, 1)
NOTHING = Detection(None, 0.0, 0)


def test_a_requested_language_wins_over_everything() -> None:
    assert decide_language("fi", FI_LONG, requested="tr", hint="es") == "tr"


def test_a_clear_sentence_switches_the_language() -> None:
    assert decide_language("en", FI_LONG) == "fi"


def test_a_short_message_never_flips_a_language_in_use() -> None:
    assert decide_language("fi", EN_SHORT) == "fi"
    assert decide_language("fi", NOTHING, hint="en") == "fi"


def test_without_a_language_the_first_clear_message_or_the_hint_decides() -> None:
    assert decide_language(None, EN_SHORT, hint="fi") == "en"
    assert decide_language(None, Detection("en", 0.5, 1), hint="fi-FI") == "fi"
    assert decide_language(None, NOTHING) is None


def test_hints_are_normalised() -> None:
    assert language_hint({"language_hint": "pt-BR"}) == "pt"
    assert language_hint({"language_code": "uk_UA"}) == "uk"
    assert language_hint({"language_hint": "de"}) is None
    assert language_hint("fi") is None
    assert current_language(None, {"language_hint": "ar"}) == "ar"
    assert current_language("tr", {"language_hint": "ar"}) == "tr"
    assert current_language("xx", None) == "en"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("can we speak Turkish?", "tr"),
        ("puhutko suomea?", "fi"),
        ("suomeksi kiitos", "fi"),
        ("¿puedes hablar en español?", "es"),
        ("po polsku proszę", "pl"),
        ("можно по-русски?", "ru"),
        ("English please", "en"),
        ("Türkçe konuşabilir miyiz", "tr"),
        ("بالعربي لو سمحت", "ar"),
    ],
)
def test_a_named_language_is_found(book: Catalog, text: str, language: str) -> None:
    request = LanguageNames(book).find(text)
    assert request is not None and request.language == language
    assert text[request.start : request.end].strip()


def test_no_language_named_in_a_plain_question(book: Catalog) -> None:
    assert LanguageNames(book).find("how do I pay taxes?") is None
