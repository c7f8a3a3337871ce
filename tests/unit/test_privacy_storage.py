"""Masking personal data, and the pseudonymous keys people are stored under."""

from __future__ import annotations

import pytest

from bot.privacy import scrub
from bot.storage import person_key


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
