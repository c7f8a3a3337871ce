"""The messages the assistant sends for a knowledge-base decision, in her language.

Channel-neutral: each message is `{"text": ..., "buttons": [{"title", "payload"}]}`; the
channels turn buttons into keyboards, reply buttons or numbered lists. Button payloads carry
what the next turn needs (`/ask_question{"kb_action": "more", "article": "..."}`); the
channels sign them, so a typed imitation is read as plain text.
"""

from __future__ import annotations

import json
from typing import Any

from bot import DEFAULT_LANGUAGE
from bot.i18n import Catalog
from bot.knowledge.articles import ALL_COUNTRIES, COUNTRIES, Article, Translation

Message = dict[str, Any]

ASK_INTENT = "ask_question"
MENTOR_PAYLOAD = "/request_mentor"
MENU_PAYLOAD = "/help"
TITLE_CHARS = 60


def payload(**entities: str) -> str:
    return f"/{ASK_INTENT}{json.dumps(entities, ensure_ascii=False, separators=(',', ':'))}"


def text_of(article: Article, language: str) -> tuple[Translation, bool]:
    """The article in her language, or in English (True) when it has no such translation."""
    if language in article.translations:
        return article.translations[language], False
    if DEFAULT_LANGUAGE in article.translations:
        return article.translations[DEFAULT_LANGUAGE], True
    return next(iter(article.translations.values())), True


def _button(book: Catalog, key: str, language: str, to: str) -> dict[str, str]:
    return {"title": book.text(key, language), "payload": to}


def short(title: str, limit: int = TITLE_CHARS) -> str:
    return title if len(title) <= limit else title[: limit - 1].rstrip() + "…"


def answer_messages(
    book: Catalog,
    article: Article,
    language: str,
    *,
    country_note: str | None = None,
) -> list[Message]:
    """The short answer with its sources, and 👍 / 👎 / More detail / Talk to a mentor."""
    text, in_english = text_of(article, language)
    messages: list[Message] = []
    if in_english:
        messages.append({"text": book.text("kb_in_english", language)})
    lines = [text.title, "", text.answer, ""]
    lines.append(book.text("kb_sources_heading", language, date=article.reviewed.isoformat()))
    lines += [f"{source.title}: {source.url}" for source in article.sources]
    if country_note:
        lines += ["", book.text("kb_country_note", language, country=country_note)]
    buttons = [
        {
            "title": book.text("button_helpful", language),
            "payload": payload(kb_action="helpful", article=article.id),
        },
        {
            "title": book.text("button_unhelpful", language),
            "payload": payload(kb_action="unhelpful", article=article.id),
        },
    ]
    if text.more:
        buttons.append(
            {
                "title": book.text("button_more", language),
                "payload": payload(kb_action="more", article=article.id),
            }
        )
    buttons.append({"title": book.text("button_menu_mentor", language), "payload": MENTOR_PAYLOAD})
    messages.append({"text": "\n".join(lines), "buttons": buttons})
    return messages


def more_messages(book: Catalog, article: Article, language: str) -> list[Message]:
    text, _ = text_of(article, language)
    buttons = [{"title": book.text("button_menu_mentor", language), "payload": MENTOR_PAYLOAD}]
    if not text.more:
        return [{"text": book.text("kb_no_more", language), "buttons": buttons}]
    return [{"text": f"{text.title}\n\n{text.more}", "buttons": buttons}]


def which_country_messages(book: Catalog, language: str) -> list[Message]:
    buttons = [
        {"title": book.text(f"country_{code}", language), "payload": payload(country=code)}
        for code in COUNTRIES
    ]
    return [{"text": book.text("kb_which_country", language), "buttons": buttons}]


def choose_messages(
    book: Catalog, options: list[Article], language: str, country_known: bool = True
) -> list[Message]:
    """The close answers as buttons. A country-specific one, when her country is not known yet,
    is named by its topic ("Taxes and VAT", not "Taxes and VAT in Slovakia"); choosing it asks
    which country."""
    buttons = []
    for article in options:
        title = text_of(article, language)[0].title
        if not country_known and ALL_COUNTRIES not in article.countries:
            title = book.text(f"topic_{article.topic}", language)
        buttons.append({"title": short(title), "payload": payload(article=article.id)})
    buttons.append(
        {"title": book.text("button_kb_none", language), "payload": payload(kb_action="none")}
    )
    return [{"text": book.text("kb_choose", language), "buttons": buttons}]


def unsure_messages(
    book: Catalog, language: str, key: str = "kb_unsure", **values: str
) -> list[Message]:
    buttons = [
        {"title": book.text("button_menu_mentor", language), "payload": MENTOR_PAYLOAD},
        {"title": book.text("button_main_menu", language), "payload": MENU_PAYLOAD},
    ]
    return [{"text": book.text(key, language, **values), "buttons": buttons}]


def decline_messages(book: Catalog, language: str) -> list[Message]:
    buttons = [{"title": book.text("button_main_menu", language), "payload": MENU_PAYLOAD}]
    return [{"text": book.text("kb_decline", language), "buttons": buttons}]


def country_name(book: Catalog, code: str, language: str) -> str:
    return book.text(f"country_{code}", language)
