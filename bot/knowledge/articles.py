"""Articles of the knowledge base: one YAML file each under knowledge_base/."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

import yaml

KNOWLEDGE_DIR = Path(__file__).resolve().parents[2] / "knowledge_base"
LEVELS = ("basic", "intermediate", "advanced")
AUDIENCES = ("mentee", "mentor", "both")
COUNTRIES = ("FI", "SK", "TR", "ES", "PL", "PT")
TRANSLATION_STATUSES = ("reviewed", "machine-assisted")
ALL_COUNTRIES = "all"


_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's, when present: ~10x faster


class ArticleError(ValueError):
    """An article file that cannot be read as an article."""


@dataclass(frozen=True)
class Source:
    title: str
    url: str


@dataclass(frozen=True)
class Translation:
    """An article in one language."""

    title: str
    answer: str
    questions: tuple[str, ...]
    status: str
    more: str = ""


@dataclass(frozen=True)
class Article:
    id: str
    topic: str
    countries: tuple[str, ...]  # ("all",) when the answer is the same everywhere
    level: str
    audience: str
    sources: tuple[Source, ...]
    reviewed: dt.date
    translations: Mapping[str, Translation]
    path: Path
    # Articles that answer the same question for different countries share a group; the
    # assistant finds the group first and then the variant for her country.
    group: str = ""

    def applies_to(self, country: str | None) -> bool:
        return ALL_COUNTRIES in self.countries or (country or "").upper() in self.countries


def _text(value: Any) -> str:
    return str(value).strip() if value is not None else ""


def _translation(raw: Any, where: str) -> Translation:
    if not isinstance(raw, Mapping):
        raise ArticleError(f"{where}: must be a mapping with title, answer, questions, status")
    questions = raw.get("questions") or []
    if not isinstance(questions, list):
        raise ArticleError(f"{where}: questions must be a list")
    return Translation(
        title=_text(raw.get("title")),
        answer=_text(raw.get("answer")),
        questions=tuple(_text(q) for q in questions),
        status=_text(raw.get("status")),
        more=_text(raw.get("more")),
    )


def read_article(path: Path) -> Article:
    """One article file; raises ArticleError with the file name when it is not one."""
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)  # noqa: S506 - safe
    except yaml.YAMLError as exc:
        raise ArticleError(f"{path.name}: not valid YAML: {exc}") from exc
    if not isinstance(raw, Mapping):
        raise ArticleError(f"{path.name}: an article is a mapping")
    reviewed = raw.get("reviewed")
    if isinstance(reviewed, str):
        try:
            reviewed = dt.date.fromisoformat(reviewed)
        except ValueError as exc:
            raise ArticleError(f"{path.name}: reviewed must be a date (YYYY-MM-DD)") from exc
    if not isinstance(reviewed, dt.date):
        raise ArticleError(f"{path.name}: reviewed must be a date (YYYY-MM-DD)")
    countries = raw.get("countries") or []
    if isinstance(countries, str):
        countries = [countries]
    sources = raw.get("sources") or []
    if not isinstance(sources, list) or not all(isinstance(s, Mapping) for s in sources):
        raise ArticleError(f"{path.name}: sources must be a list of {{title, url}}")
    translations = raw.get("translations") or {}
    if not isinstance(translations, Mapping):
        raise ArticleError(f"{path.name}: translations must map language codes to texts")
    return Article(
        id=_text(raw.get("id")),
        topic=_text(raw.get("topic")),
        countries=tuple(
            _text(c) if _text(c) == ALL_COUNTRIES else _text(c).upper() for c in countries
        ),
        level=_text(raw.get("level")),
        audience=_text(raw.get("audience")),
        sources=tuple(Source(_text(s.get("title")), _text(s.get("url"))) for s in sources),
        reviewed=reviewed,
        translations={
            str(code): _translation(text, f"{path.name}: {code}")
            for code, text in translations.items()
        },
        path=path,
        group=_text(raw.get("group")) or _text(raw.get("id")),
    )


def article_files(directory: Path = KNOWLEDGE_DIR) -> list[Path]:
    """Every article file: knowledge_base/<topic>/<id>.yml (files at the top are not articles)."""
    return sorted(directory.glob("*/*.yml"))


def read_topics(directory: Path = KNOWLEDGE_DIR) -> tuple[str, ...]:
    raw = yaml.safe_load((directory / "topics.yml").read_text(encoding="utf-8")) or {}
    return tuple(str(t) for t in raw.get("topics", []))
