"""Masking personal data in text that is kept (unanswered questions, summaries for mentors).

What is masked: e-mail addresses, phone numbers, IBANs and payment-card numbers, and the
personal ID numbers of the six countries (Finnish henkilötunnus, Slovak rodné číslo, Turkish
T.C. kimlik no, Spanish DNI/NIE, Polish PESEL, Portuguese NIF and citizen card). Better to mask
a harmless long number than to keep someone's ID: any run of 8 or more digits goes.
"""

from __future__ import annotations

import re

EMAIL = "[email]"
PHONE = "[phone]"
ID_NUMBER = "[id]"
ACCOUNT = "[account]"

_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE), EMAIL),
    # IBAN: two letters, two check digits, then 11-30 letters/digits, maybe in groups of four
    (re.compile(r"\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,4})?\b", re.I), ACCOUNT),
    # Finnish henkilötunnus: DDMMYY, century sign, 3 digits, check character
    (re.compile(r"\b\d{6}[-+A-FU-Y]\d{3}[0-9A-Y]\b", re.I), ID_NUMBER),
    # Spanish DNI (8 digits + letter) and NIE (X/Y/Z + 7 digits + letter)
    (re.compile(r"\b(?:[XYZ][- ]?)?\d{7,8}[- ]?[A-Z]\b", re.I), ID_NUMBER),
    # Portuguese citizen card: 8 digits, check digit, two letters, check digit
    (re.compile(r"\b\d{8}[ ]?\d[ ]?[A-Z]{2}\d\b", re.I), ID_NUMBER),
    # Slovak/Czech rodné číslo: YYMMDD/XXXX
    (re.compile(r"\b\d{6}/\d{3,4}\b"), ID_NUMBER),
    # phone numbers: optional +/00, then 8+ digits with spaces, dots, dashes or brackets
    (re.compile(r"(?:\+|\b00)?\(?\d(?:[\s().-]{0,2}\d){7,}\b"), PHONE),
)


def scrub(text: str) -> str:
    """The text with personal data replaced by [email], [phone], [id] or [account]."""
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text
