"""The needs survey: its questions, which apply to whom, and understanding one answer.

Framework-free: the Rasa form (actions/intake.py) keeps the answers in slots and asks this
module what an answer means and what to ask next. Answers are stored as ids ("food", "PL",
["taxes_vat", "marketing"]); a question skipped or not asked is None.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

from bot import SUPPORTED_LANGUAGES
from bot.i18n import LANGUAGE_NAME_PREFIX, Catalog
from bot.intake import words as lexicon
from bot.knowledge.articles import COUNTRIES, read_topics
from bot.knowledge.places import places
from bot.knowledge.text import words
from bot.privacy import scrub

FIELDS = (
    "role",
    "country",
    "city",
    "stage",
    "sector",
    "topics",
    "languages",
    "mentor_type",
    "channel",
)
OPTIONS: Mapping[str, tuple[str, ...]] = {
    "role": ("business_owner", "planning", "mentor", "information"),
    "country": COUNTRIES,
    "stage": ("idea", "registering", "running_new", "running_long"),
    "sector": (
        "food",
        "retail",
        "beauty",
        "care_health",
        "cleaning_home",
        "crafts_fashion",
        "it_digital",
        "creative_media",
        "tourism_hospitality",
        "education_translation",
        "transport",
        "agriculture",
        "construction",
        "other",
    ),
    "mentor_type": ("volunteer", "business_angel", "any"),
    "channel": ("this_chat", "telegram", "whatsapp"),
}
MULTI: Mapping[str, int] = {"topics": 3, "languages": 6}  # how many she may choose
OPTIONAL = frozenset({"city", "sector", "languages", "mentor_type", "channel"})
# Who is asked what: a would-be mentor is not asked about her business, and someone only
# looking for information is not asked about mentors.
NOT_ASKED: Mapping[str, frozenset[str]] = {
    "mentor": frozenset({"stage", "sector", "topics", "mentor_type"}),
    "information": frozenset({"stage", "sector", "mentor_type", "channel"}),
}
SKIPPED = "-"  # the slot value of a question she skipped (or that does not apply to her)
CITY_MAX = 60
COMMENT_MAX = 1000

CONSENT = "consent"
CONFIRM = "confirm"
STEPS = (CONSENT, *FIELDS, CONFIRM)
SLOT_PREFIX = "intake_"
NOTICE_VERSION = "intake-2026-11"  # change when intake_consent's wording changes


def slot(step: str) -> str:
    return SLOT_PREFIX + step


def topics() -> tuple[str, ...]:
    return read_topics()


def options(step: str) -> tuple[str, ...]:
    if step == "topics":
        return topics()
    if step == "languages":
        return (*SUPPORTED_LANGUAGES, "other")
    return OPTIONS.get(step, ())


def asked(step: str, answers: Mapping[str, Any]) -> bool:
    return step not in NOT_ASKED.get(str(answers.get("role") or ""), frozenset())


def next_step(consent: str | None, answers: Mapping[str, Any], confirmed: bool) -> str | None:
    """The next question, or None when the survey is over."""
    if consent is None:
        return CONSENT
    if consent != "yes":
        return None
    for step in FIELDS:
        if answers.get(step) is None and asked(step, answers):
            return step
    return None if confirmed else CONFIRM


def stored(answers: Mapping[str, Any]) -> dict[str, Any]:
    """The answers as kept in the database: skipped and not-asked questions are None."""
    result: dict[str, Any] = {}
    for step in FIELDS:
        value = answers.get(step)
        if value == SKIPPED or not asked(step, answers):
            value = None
        result[step] = list(value) if isinstance(value, (list, tuple)) else value
    return result


@dataclass(frozen=True)
class Reading:
    """What one message said in answer to a question."""

    value: Any = None  # the answer (an id, a list of ids, a text) or None
    control: str | None = None  # skip | stop | done | yes | no | change | start_over | edit


_NUMBER = re.compile(r"^\s*(\d{1,2})\s*[.)]?\s*$")


def _by_number(step: str, text: str) -> str | None:
    """ "2" picks the second option (handy on a phone keyboard)."""
    match = _NUMBER.match(text)
    choices = options(step)
    if match and step in OPTIONS and 1 <= int(match.group(1)) <= len(choices):
        return choices[int(match.group(1)) - 1]
    return None


def _labels(book: Catalog, step: str, language: str) -> dict[str, list[str]]:
    """The button labels of a question's answers, in her language and in English."""
    result: dict[str, list[str]] = {}
    for option in options(step):
        shown = [label(book, step, option, code) for code in (language, "en")]
        result[option] = [text for text in shown if text]
    return result


def label(book: Catalog, step: str, option: str, language: str) -> str | None:
    """An answer's button label in her language (a language by its own name, "Suomi")."""
    if step == "languages" and option != "other":
        locale = book.locales.get(option)
        return locale.name if locale else None
    key = label_key(step, option)
    return book.text(key, language) if key and book.has(key) else None


def label_key(step: str, option: str) -> str | None:
    if step == "country":
        return f"country_{option}"
    if step == "topics":
        return f"topic_{option}"
    if step == "languages":
        return "intake_language_other" if option == "other" else LANGUAGE_NAME_PREFIX + option
    if step in OPTIONS:
        return f"intake_{step}_{option}"
    return None


def read(
    step: str,
    text: str,
    language: str,
    book: Catalog,
    button: str | None = None,
) -> Reading:
    """Understand her message as an answer to `step` (`button` is a tapped button's value)."""
    if button:
        return _read_button(step, button)
    text = (text or "").strip()
    if not text or text.startswith("/"):
        return Reading()
    for control in ("stop", "skip", "done", "start_over"):
        if lexicon.says(control, text, language) and not _names_an_answer(step, text, language):
            return Reading(control=control)
    if step == CONSENT:
        # her language first ("no tak" is a yes in Slovak and Polish), then English; "no" before
        # "yes": "I don't agree" also holds "agree"
        for english in (False, True):
            if lexicon.says("no", text, language, english):
                return Reading(value="no")
            if lexicon.says("yes", text, language, english):
                return Reading(value="yes")
        return Reading()
    if step == CONFIRM:
        return _read_confirm(text, language, book)
    return Reading(value=_value(step, text, language, book))


def _read_button(step: str, button: str) -> Reading:
    if button in ("stop", "skip", "done", "change", "start_over", "yes", "no"):
        if step == CONSENT and button in ("yes", "no"):
            return Reading(value=button)
        if step == CONFIRM and button == "yes":
            return Reading(value="yes")
        return Reading(control=button)
    if button.startswith("edit:") and button[5:] in FIELDS:
        return Reading(value=button[5:], control="edit")
    if step in MULTI:
        return Reading(value=[button] if button in options(step) else None)
    return Reading(value=button if button in options(step) else None)


def _names_an_answer(step: str, text: str, language: str) -> bool:
    """A command word inside a real answer is not the command ("التخطيط", planning, holds
    "تخطي", skip; "not yet" is an answer to the stage question, not "skip")."""
    if step in MULTI:
        return bool(lexicon.positions(step, text, language))
    return step in OPTIONS and step != "country" and lexicon.best(step, text, language) is not None


def _value(step: str, text: str, language: str, book: Catalog) -> Any:
    if step == "country":
        named = places().countries_in(text)
        return named[0] if len(named) == 1 else _by_number(step, text)
    if step == "city":
        city = scrub(" ".join(text.split()))
        return city[:CITY_MAX] if city and len(words(city)) <= 6 else None
    if step in MULTI:
        extra = _labels(book, step, language)
        if step == "languages":
            extra = _language_names(book, language, extra)
        found = lexicon.positions(step, text, language, extra)
        if step == "topics" and not found:
            found = _topics_from_knowledge_base(text, language)
        chosen = sorted(found, key=lambda option: found[option])
        return chosen[: MULTI[step]] or None
    return _by_number(step, text) or lexicon.best(
        step, text, language, _labels(book, step, language)
    )


def _language_names(
    book: Catalog, language: str, extra: dict[str, list[str]]
) -> dict[str, list[str]]:
    """Language names: the buttons' own names, and the words the locale files list."""
    names = {option: list(labels) for option, labels in extra.items()}
    for locale_code in dict.fromkeys((language, "en")):
        locale = book.locales.get(locale_code)
        if locale is None:
            continue
        for code, listed in locale.language_words.items():
            names.setdefault(code, []).extend(w.rstrip("*") for w in listed)
    return names


def _topics_from_knowledge_base(text: str, language: str) -> dict[str, int]:
    """ "how do I get money for my shop" → the topic of the article that answers it."""
    from bot.knowledge.search import THRESHOLDS
    from bot.knowledge.service import knowledge

    hits = knowledge().index().search(text, [language])
    if hits and hits[0].score >= THRESHOLDS.answer:
        return {hits[0].article.topic: 0}
    return {}


def _read_confirm(text: str, language: str, book: Catalog) -> Reading:
    edit = find_edit(text, language, book)
    if edit is not None:
        return Reading(value=edit, control="edit")
    for english in (False, True):  # her language first, as for consent
        if lexicon.says("change", text, language, english) or lexicon.says(
            "no", text, language, english
        ):
            return Reading(control="change")
        if lexicon.says("yes", text, language, english):
            return Reading(value="yes")
    return Reading()


def find_edit(text: str, language: str, book: Catalog) -> tuple[str, Any] | None:
    """ "change my country to Poland" → ("country", "PL"); None when it names no change."""
    named = lexicon.positions("fields", text, language)
    candidates = sorted(named, key=lambda f: named[f]) if named else list(_SINGLE_FIELDS)
    results: list[tuple[str, Any]] = []
    for step in candidates:
        if step == "city":
            if step in named:
                rest = _after(text, named[step])
                if rest:
                    results.append((step, rest[:CITY_MAX]))
            continue
        value = _value(step, text, language, book)
        if value is not None:
            results.append((step, value))
    if len(results) == 1 or (named and results):
        return results[0]
    return None


_SINGLE_FIELDS = ("country", "stage", "sector", "mentor_type", "channel")


def _after(text: str, word_index: int) -> str:
    """The words after the field's name, less a short joining word ("to", "is", "na")."""
    rest = text.split()[word_index + 1 :]
    while rest and len(rest[0]) <= 3 and len(rest) > 1:
        rest = rest[1:]
    return scrub(" ".join(rest)).strip(" .,:;!?")


def describe(step: str, value: Any, language: str, book: Catalog) -> str:
    if value is None or value == SKIPPED or value == []:
        return book.text("intake_not_given", language)
    if step == "city":
        return str(value)
    values = value if isinstance(value, (list, tuple)) else [value]
    shown = []
    for item in values:
        text = label(book, step, str(item), language) if step != "languages" else None
        shown.append(text or language_name(book, str(item), language))
    return ", ".join(shown)


def language_name(book: Catalog, code: str, language: str) -> str:
    """A language's name in her language: from her word list, else its own name."""
    if code == "other":
        return book.text("intake_language_other", language)
    for found in (lexicon.lexicons().get(language), lexicon.lexicons().get("en")):
        if found is not None:
            names = found.names("languages", code)
            if names:
                return " ".join(names[0]).capitalize()
    locale = book.locales.get(code)
    return locale.name if locale else code


def summary_lines(answers: Mapping[str, Any], language: str, book: Catalog) -> list[str]:
    return [
        book.text(
            "intake_summary_line",
            language,
            field=book.text(f"intake_field_{step}", language),
            value=describe(step, answers.get(step), language, book),
        )
        for step in FIELDS
        if asked(step, answers)
    ]


def merge_picked(picked: Sequence[str], new: Sequence[str], limit: int) -> list[str]:
    return list(dict.fromkeys([*picked, *new]))[:limit]
