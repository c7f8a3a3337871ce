"""Checks every article: complete in every language, well-formed, sourced and recently reviewed."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import yaml

from bot import SUPPORTED_LANGUAGES
from bot.i18n import catalog
from bot.knowledge.articles import (
    ALL_COUNTRIES,
    AUDIENCES,
    COUNTRIES,
    KNOWLEDGE_DIR,
    LEVELS,
    TRANSLATION_STATUSES,
    Article,
    ArticleError,
    article_files,
    read_article,
    read_topics,
)
from bot.knowledge.places import Places
from bot.textnorm import same_text_key

TOP_LEVEL_FILES = ("topics.yml", "places.yml")
MAX_ANSWER_CHARS = 700
MIN_QUESTIONS = 3
REVIEW_EVERY_DAYS = 365
ARTICLE_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


@dataclass
class Report:
    articles: int = 0
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _url_ok(url: str) -> bool:
    parsed = urlparse(url)
    return (
        parsed.scheme == "https"
        and "." in parsed.netloc
        and not any(c.isspace() for c in url)
        and not parsed.username
    )


def check_article(
    article: Article, topics: tuple[str, ...], today: dt.date
) -> tuple[list[str], list[str]]:
    errors: list[str] = []
    warnings: list[str] = []
    name = article.path.name
    if not ARTICLE_ID.fullmatch(article.id):
        errors.append(f"{name}: id {article.id!r} must be lowercase words joined by '-'")
    elif article.path.stem != article.id:
        errors.append(f"{name}: file name must be {article.id}.yml")
    if article.topic not in topics:
        errors.append(f"{name}: topic {article.topic!r} is not in knowledge_base/topics.yml")
    if not article.countries:
        errors.append(f"{name}: countries: name the countries, or 'all'")
    elif ALL_COUNTRIES in article.countries and len(article.countries) > 1:
        errors.append(f"{name}: countries: 'all' stands alone")
    else:
        unknown = [c for c in article.countries if c not in COUNTRIES and c != ALL_COUNTRIES]
        if unknown:
            errors.append(f"{name}: countries {unknown} are not among {', '.join(COUNTRIES)}")
    if article.level not in LEVELS:
        errors.append(f"{name}: level must be one of {', '.join(LEVELS)}")
    if article.audience not in AUDIENCES:
        errors.append(f"{name}: audience must be one of {', '.join(AUDIENCES)}")
    if not article.sources:
        errors.append(f"{name}: at least one official source is needed")
    for source in article.sources:
        if not source.title:
            errors.append(f"{name}: a source has no title")
        if not _url_ok(source.url):
            errors.append(f"{name}: source link {source.url!r} is not a well-formed https URL")
    if article.reviewed > today:
        errors.append(f"{name}: reviewed {article.reviewed} is in the future")
    elif (today - article.reviewed).days > REVIEW_EVERY_DAYS:
        warnings.append(f"{name}: last reviewed {article.reviewed}, over 12 months ago")
    for code in SUPPORTED_LANGUAGES:
        text = article.translations.get(code)
        if text is None:
            errors.append(f"{name}: no {code} text")
            continue
        if not text.title:
            errors.append(f"{name}: {code}: title is empty")
        if not text.answer:
            errors.append(f"{name}: {code}: answer is empty")
        elif len(text.answer) > MAX_ANSWER_CHARS:
            length = len(text.answer)
            errors.append(
                f"{name}: {code}: answer has {length} characters, {MAX_ANSWER_CHARS} at most"
            )
        questions = [q for q in text.questions if q]
        if len(questions) < MIN_QUESTIONS:
            errors.append(f"{name}: {code}: needs at least {MIN_QUESTIONS} questions")
        if len({same_text_key(q) for q in questions}) < len(questions):
            errors.append(f"{name}: {code}: the same question twice")
        if text.status not in TRANSLATION_STATUSES:
            errors.append(
                f"{name}: {code}: status must be one of {', '.join(TRANSLATION_STATUSES)}"
            )
    for code in article.translations:
        if code not in SUPPORTED_LANGUAGES:
            errors.append(f"{name}: {code} is not a supported language")
    return errors, warnings


def _group_errors(articles: list[Article]) -> list[str]:
    """Articles sharing a group are one question's answers for different countries."""
    errors: list[str] = []
    groups: dict[str, list[Article]] = defaultdict(list)
    for article in articles:
        groups[article.group].append(article)
    for group, members in sorted(groups.items()):
        if len(members) < 2:
            continue
        names = ", ".join(sorted(a.path.name for a in members))
        if any(ALL_COUNTRIES in a.countries for a in members):
            errors.append(f"group {group!r}: an article for all countries stands alone ({names})")
            continue
        if len({a.topic for a in members}) > 1:
            errors.append(f"group {group!r}: its articles must share one topic ({names})")
        seen: dict[str, str] = {}
        for article in members:
            for country in article.countries:
                if country in seen:
                    errors.append(
                        f"group {group!r}: {country} is answered by both {seen[country]} "
                        f"and {article.path.name}"
                    )
                seen[country] = article.path.name
    return errors


def lint(directory: Path = KNOWLEDGE_DIR, today: dt.date | None = None) -> Report:
    """Read and check every article below `directory`."""
    today = today or dt.datetime.now(dt.timezone.utc).date()
    report = Report()
    topics = read_topics(directory)
    articles: list[Article] = []
    for path in article_files(directory):
        try:
            articles.append(read_article(path))
        except ArticleError as exc:
            report.errors.append(str(exc))
    report.articles = len(articles)
    for path in sorted(directory.glob("*.yml")):
        if path.name not in TOP_LEVEL_FILES:
            report.errors.append(
                f"{path.name}: articles go in a topic folder, knowledge_base/<topic>/{path.name}"
            )
    if (directory / "places.yml").exists():
        try:
            Places.load(directory / "places.yml")
        except (ValueError, yaml.YAMLError) as exc:
            report.errors.append(f"places.yml: {exc}")
    seen_ids: dict[str, Path] = {}
    asked_in: dict[str, set[str]] = defaultdict(set)
    for article in articles:
        errors, warnings = check_article(article, topics, today)
        report.errors += errors
        report.warnings += warnings
        if article.id in seen_ids:
            other = seen_ids[article.id].name
            report.errors.append(f"{article.path.name}: id {article.id!r} is also used by {other}")
        seen_ids.setdefault(article.id, article.path)
        for text in article.translations.values():
            for question in text.questions:
                if question:
                    asked_in[same_text_key(question)].add(article.id)
    report.errors += _group_errors(articles)
    book = catalog()
    report.errors += [
        f"topics.yml: {topic} has no name in locales/en.yml (topic_{topic})"
        for topic in topics
        if not book.has(f"topic_{topic}")
    ]
    for question, ids in sorted(asked_in.items()):
        if len(ids) > 1:
            report.errors.append(f"question {question!r} is in several articles: {sorted(ids)}")
    return report
