"""Masking personal data, and the question log the editors' gap list comes from."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bot.privacy import scrub
from bot.storage import QuestionLog, make_engine, person_key


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mail me at ana.k+work@example.co.uk please", "mail me at [email] please"),
        ("call +358 40 123 4567 or 0049 (30) 1234-5678", "call [phone] or [phone]"),
        ("my henkilötunnus is 131052-308T", "my henkilötunnus is [id]"),
        ("DNI 12345678Z, NIE X1234567L", "DNI [id], NIE [id]"),
        ("PESEL 44051401458 and TC 10000000146", "PESEL [phone] and TC [phone]"),
        ("rodné číslo 855204/1234", "rodné číslo [id]"),
        ("IBAN FI21 1234 5600 0007 85", "IBAN [account]"),
        ("VAT limit is 20 000 EUR since 2025", "VAT limit is 20 000 EUR since 2025"),
    ],
)
def test_personal_data_is_masked_and_business_figures_are_not(text: str, expected: str) -> None:
    assert scrub(text) == expected


def test_person_keys_are_stable_per_channel_and_reveal_nothing() -> None:
    secret = b"k" * 32
    key = person_key(secret, "rest", "user-1")
    assert key == person_key(secret, "rest", "user-1")
    assert key != person_key(secret, "telegram", "user-1")
    assert key != person_key(b"x" * 32, "rest", "user-1")
    assert "user-1" not in key and len(key) == 32


def test_the_gap_list_counts_unanswered_questions_and_ratings_stick(tmp_path: Path) -> None:
    log = QuestionLog(make_engine(f"sqlite:///{tmp_path / 'imentor.db'}"))
    for person in ("a", "b"):
        log.record(
            person=person,
            language="fi",
            country=None,
            outcome="unsure",
            article_id=None,
            score=0.1,
            question="paljonko maksaa kahvi",
        )
    log.record(
        person="a",
        language="en",
        country="ES",
        outcome="answered",
        article_id="es-taxes-vat",
        score=0.4,
        question=None,
    )
    assert log.rate("a", "es-taxes-vat", helpful=False) is True
    assert log.rate("b", "es-taxes-vat", helpful=True) is False  # b never got that answer
    gaps = log.gaps()
    assert [(g["question"], g["language"], g["times"]) for g in gaps] == [
        ("paljonko maksaa kahvi", "fi", 2)
    ]
    tomorrow = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=1)
    assert log.gaps(since=tomorrow) == []
