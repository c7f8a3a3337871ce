"""Small-cell suppression: the one place that decides which numbers a report may show.

A count from 1 to 4 could point at a woman someone knows, so it is shown as "<5" and its share
is hidden. When a breakdown has exactly one such cell, the total would give it away, so the next
smallest non-zero cell is hidden too ("hidden": it is 5 or more). Zero is shown as 0. Every
renderer prints `Cell.shown` and `Cell.share`; none of them sees a hidden count.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Hashable, Mapping, Sequence, TypeVar

THRESHOLD = 5
SMALL = "<5"  # a count from 1 to 4
HIDDEN = "hidden"  # a count of 5 or more, hidden so that a "<5" cannot be worked out

K = TypeVar("K", bound=Hashable)
R = TypeVar("R", bound=Hashable)
C = TypeVar("C", bound=Hashable)


@dataclass(frozen=True)
class Cell:
    """A number as a report may show it: `count` is None whenever it is hidden."""

    count: int | None
    share: float | None = None
    mark: str | None = None  # None (shown), SMALL or HIDDEN

    @property
    def shown(self) -> int | str:
        return self.mark if self.mark is not None else int(self.count or 0)

    @property
    def hidden(self) -> bool:
        return self.mark is not None


def is_small(count: int) -> bool:
    return 0 < count < THRESHOLD


def _share(count: int, base: int | None) -> float | None:
    if not base or base < THRESHOLD:
        return None
    return count / base


def figure(count: int, base: int | None = None) -> Cell:
    """A single number (and its share of `base`), hidden when it is 1 to 4."""
    if is_small(count):
        return Cell(None, None, SMALL)
    return Cell(count, _share(count, base))


def _marks(counts: Sequence[int], marks: list[str | None]) -> bool:
    """Hide the next smallest non-zero cell when exactly one is hidden; True if it did."""
    hidden = [i for i, mark in enumerate(marks) if mark is not None]
    if len(hidden) != 1:
        return False
    candidates = [i for i, c in enumerate(counts) if c > 0 and marks[i] is None]
    if not candidates:
        return False
    smallest = min(candidates, key=lambda i: (counts[i], i))
    marks[smallest] = HIDDEN
    return True


def _cell(count: int, mark: str | None, base: int | None) -> Cell:
    return Cell(None, None, mark) if mark is not None else Cell(count, _share(count, base))


def distribution(counts: Mapping[K, int], base: int | None = None) -> dict[K, Cell]:
    """One breakdown: every count, with its share of `base` (default: their sum)."""
    keys = list(counts)
    values = [int(counts[k]) for k in keys]
    base = sum(values) if base is None else base
    marks: list[str | None] = [SMALL if is_small(v) else None for v in values]
    _marks(values, marks)
    return {k: _cell(v, m, base) for k, v, m in zip(keys, values, marks, strict=True)}


def table(
    counts: Mapping[R, Mapping[C, int]],
    columns: Sequence[C],
    column_bases: Mapping[C, int] | None = None,
) -> dict[R, dict[C, Cell]]:
    """A cross-table (rows x columns): each row and each column is treated as a breakdown,
    again and again until none has exactly one hidden cell. Shares are of the column's base."""
    rows = list(counts)
    grid = [[int(counts[r].get(c, 0)) for c in columns] for r in rows]
    marks: list[list[str | None]] = [
        [SMALL if is_small(v) else None for v in line] for line in grid
    ]
    changed = True
    while changed:
        changed = False
        for i in range(len(rows)):
            line = marks[i]
            if _marks(grid[i], line):
                changed = True
        for j in range(len(columns)):
            column = [marks[i][j] for i in range(len(rows))]
            if _marks([grid[i][j] for i in range(len(rows))], column):
                for i in range(len(rows)):
                    marks[i][j] = column[i]
                changed = True
    bases = column_bases or {
        c: sum(grid[i][j] for i in range(len(rows))) for j, c in enumerate(columns)
    }
    return {
        r: {c: _cell(grid[i][j], marks[i][j], bases.get(c)) for j, c in enumerate(columns)}
        for i, r in enumerate(rows)
    }
