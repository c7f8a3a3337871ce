"""English names for the ids stored in the database (from locales/en.yml when it has them)."""

from __future__ import annotations

import functools
import logging
import os
from pathlib import Path

from bot.knowledge.articles import KNOWLEDGE_DIR, ArticleError, article_files, read_article

logger = logging.getLogger(__name__)

# What kind of id -> the prefix of its message id in locales/en.yml.
PREFIXES = {
    "country": "country_",
    "role": "intake_role_",
    "stage": "intake_stage_",
    "sector": "intake_sector_",
    "mentor_type": "intake_mentor_type_",
    "channel": "intake_channel_",
    "topic": "topic_",
    "language": "language_name_",
}
NOT_ANSWERED_LABELS = {"topic": "No topic (or not asked)"}
NOT_ANSWERED_LABEL = "Not answered (or not asked)"


def knowledge_dir() -> Path:
    """Where the articles are: IMENTOR_KNOWLEDGE_DIR, or knowledge_base/ in the repo."""
    return Path(os.environ.get("IMENTOR_KNOWLEDGE_DIR") or KNOWLEDGE_DIR)


@functools.lru_cache(maxsize=1)
def _strings() -> dict[str, str]:
    """English labels by message id, or nothing when the catalogue cannot be read (raw ids).

    A language without its own `language_name_<code>` message is named by the first word the
    English locale knows for it ("Finnish"); "other" is the intake's "Another language"."""
    from bot.i18n import CatalogError, catalog

    try:
        book = catalog()
    except (CatalogError, OSError) as exc:
        logger.warning("reports: no English labels (%s); showing raw ids", exc)
        return {}
    english = book.locales["en"]
    labels = {
        f"{PREFIXES['language']}{code}": words[0].capitalize()
        for code, words in english.language_words.items()
        if words
    }
    from bot.intake.words import lexicons

    english_words = lexicons().get("en")
    if english_words is not None:  # languages outside the ten: "Somali", "Persian"
        for code, entries in english_words.groups.get("languages", {}).items():
            key = f"{PREFIXES['language']}{code}"
            if entries and key not in labels:
                labels[key] = " ".join(entries[0]).capitalize()
    if book.has("intake_language_other"):
        labels[f"{PREFIXES['language']}other"] = book.text("intake_language_other", "en")
    labels.update(
        (key, book.text(key, "en"))
        for key in english.strings
        if key.startswith(tuple(PREFIXES.values())) and book.has(key)
    )
    return labels


def label(kind: str, value: str | None) -> str:
    """The English label of an option id, or the id itself when there is none."""
    if value is None:
        return NOT_ANSWERED_LABELS.get(kind, NOT_ANSWERED_LABEL)
    return _strings().get(PREFIXES.get(kind, "") + value, value)


@functools.lru_cache(maxsize=1)
def _article_titles() -> dict[str, str]:
    titles = {}
    for path in article_files(knowledge_dir()):
        try:
            article = read_article(path)
        except (ArticleError, OSError):
            continue
        english = article.translations.get("en")
        if english is not None and english.title:
            titles[article.id] = english.title
    return titles


def article_label(article_id: str) -> str:
    """An article's English title (its id when the article is gone or untitled)."""
    return _article_titles().get(article_id, article_id)


def clear_cache() -> None:
    """Forget the labels read (after locales/ or the articles changed, e.g. in tests)."""
    _strings.cache_clear()
    _article_titles.cache_clear()
