"""What mentors and mentees are shown about a handoff, in the reader's language (no Rasa)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Dict, List, Sequence

from bot.i18n import Catalog
from bot.intake import survey
from bot.mentoring.handoffs import Handoff
from bot.mentoring.mentors import Mentor


def endonym(book: Catalog, code: str) -> str:
    """A language by its own name ("Español", "Suomi"): the reader speaks it too."""
    locale = book.locales.get(code)
    return locale.name if locale is not None else code


def minutes(delta: dt.timedelta) -> str:
    minutes = delta.total_seconds() / 60
    return str(int(minutes)) if minutes >= 1 and minutes == int(minutes) else f"{minutes:g}"


def details(book: Catalog, handoff: Handoff, language: str) -> str:
    parts = [
        book.text(
            "handoff_detail_language",
            language,
            language=endonym(book, handoff.language),
        )
    ]
    if handoff.country:
        country = book.text(f"country_{handoff.country}", language)
        parts.append(book.text("handoff_detail_country", language, country=country))
    return " · ".join(parts)


def reason_text(book: Catalog, reason: Any, language: str) -> str:
    value = str(reason.value)
    if reason.code == "country":
        value = book.text(f"country_{value}", language)
    elif reason.code in ("question_topic", "survey_topic"):
        value = book.text(f"topic_{value}", language) if book.has(f"topic_{value}") else value
    elif reason.code == "sector":
        value = survey.label(book, "sector", value, language) or value
    elif reason.code == "mentor_type":
        value = book.text(f"mentor_kind_{value}", language)
    elif reason.code == "her_language":
        value = endonym(book, value)
    return book.text(f"reason_{reason.code}", language, value=value)


def render_summary(book: Catalog, summary: Dict[str, Any] | None, language: str) -> str:
    """What she agreed to share, in the reader's language (her own words stay hers)."""
    if not summary:
        return book.text("handoff_no_summary", language)
    lines: List[str] = []
    answers = summary.get("answers") or {}
    if answers:
        lines += survey.summary_lines(answers, language, book)
    if summary.get("question"):
        lines.append(book.text("handoff_summary_question", language, text=summary["question"]))
    turns = [str(t) for t in summary.get("turns") or [] if t]
    if turns:
        lines.append(book.text("handoff_summary_turns", language))
        lines += [f"- {t}" for t in turns]
    return "\n".join(lines) if lines else book.text("handoff_no_summary", language)


def signup_lines(
    book: Catalog,
    language: str,
    *,
    languages: Sequence[str],
    countries: Sequence[str],
    topics: Sequence[str],
    mentor_type: str,
    capacity: object,
    hours: str,
    name: str | None = None,
) -> List[str]:
    """A mentor's details as she confirms them (with her name) and a coordinator reads them."""
    shown = [book.text(f"topic_{t}", language) for t in topics if book.has(f"topic_{t}")]
    values = {
        "name": name,
        "languages": ", ".join(endonym(book, code) for code in languages),
        "country": ", ".join(book.text(f"country_{c}", language) for c in countries),
        "topics": ", ".join(shown) or book.text("intake_not_given", language),
        "type": book.text(f"intake_mentor_type_{mentor_type}", language),
        "capacity": str(capacity),
        "hours": hours,
    }
    return [
        book.text(f"signup_field_{field}", language, value=value)
        for field, value in values.items()
        if value is not None
    ]


def application_lines(book: Catalog, mentor: Mentor, language: str) -> List[str]:
    """A mentor's sign-up as a coordinator reads it."""
    from bot.mentoring.mentors import format_availability

    return signup_lines(
        book,
        language,
        languages=mentor.languages,
        countries=mentor.countries,
        topics=mentor.topics,
        mentor_type=mentor.mentor_type,
        capacity=mentor.capacity,
        hours=format_availability(mentor.availability) or book.text("button_hours_any", language),
    )
