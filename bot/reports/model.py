"""What a report is made of, independent of how it is printed (HTML, CSV or JSON)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Mapping, Union

from bot.reports.suppression import Cell

NOT_ANSWERED = "not_answered"  # the category of a skipped or not-applicable answer


@dataclass(frozen=True)
class Filters:
    """Which people or questions a report is about. Dates are whole UTC days, both included."""

    country: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None

    def start(self) -> dt.datetime | None:
        if self.since is None:
            return None
        return dt.datetime.combine(self.since, dt.time(), dt.timezone.utc)

    def end(self) -> dt.datetime | None:
        """The first moment after the window (the day after `until`, at midnight)."""
        if self.until is None:
            return None
        return dt.datetime.combine(self.until + dt.timedelta(days=1), dt.time(), dt.timezone.utc)

    def as_dict(self) -> dict[str, str | None]:
        return {
            "country": self.country,
            "since": self.since.isoformat() if self.since else None,
            "until": self.until.isoformat() if self.until else None,
        }


@dataclass(frozen=True)
class Row:
    id: str
    label: str
    cell: Cell


@dataclass(frozen=True)
class Breakdown:
    """One distribution, drawn as a bar chart. `total` is the number it is a breakdown of
    (people, or ratings); when `multiple`, one person can count in several rows."""

    key: str
    title: str
    description: str
    unit: str
    total: Cell
    rows: tuple[Row, ...]
    multiple: bool = False
    mean: float | None = None  # for ratings, hidden with the total when it is under 5


@dataclass(frozen=True)
class Column:
    id: str
    label: str
    total: Cell


@dataclass(frozen=True)
class CrossTable:
    """Counts of people by two things at once; shares are of the column's total."""

    key: str
    title: str
    description: str
    rows: tuple[tuple[str, str], ...]  # (id, label)
    columns: tuple[Column, ...]
    cells: Mapping[str, Mapping[str, Cell]]
    row_heading: str = "Topic"  # what the rows are
    caption: str = "people per topic and country (share of the country's people)"


@dataclass(frozen=True)
class ArticleRow:
    id: str
    label: str
    answered: Cell
    helpful: Cell
    unhelpful: Cell
    helpful_share: float | None  # of the answers rated, when both counts are shown


@dataclass(frozen=True)
class ArticleTable:
    key: str
    title: str
    description: str
    rows: tuple[ArticleRow, ...]


@dataclass(frozen=True)
class Question:
    text: str  # as stored: masked, and escaped by the HTML renderer
    language: str
    times: int  # about a text, not a person: never suppressed (listed only from 2)


@dataclass(frozen=True)
class QuestionList:
    key: str
    title: str
    description: str
    rows: tuple[Question, ...]


Section = Union[Breakdown, CrossTable, ArticleTable, QuestionList]


@dataclass(frozen=True)
class Figure:
    """A headline number; `share` (in the cell) is of what `of` names."""

    key: str
    label: str
    cell: Cell
    of: str = ""
    mean: float | None = None


@dataclass(frozen=True)
class Report:
    kind: str  # needs, guiding
    title: str
    filters: Filters
    generated_at: dt.datetime
    population: Cell  # the people the report is about
    population_label: str
    too_few: bool
    figures: tuple[Figure, ...] = ()
    sections: tuple[Section, ...] = field(default_factory=tuple)
