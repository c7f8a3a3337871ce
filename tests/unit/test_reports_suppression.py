"""Small-cell suppression: what a report may show of a count about people."""

from __future__ import annotations

import random

from bot.reports.suppression import HIDDEN, SMALL, Cell, distribution, figure, table


def shown(cells: dict) -> dict:
    return {k: c.shown for k, c in cells.items()}


def test_counts_from_one_to_four_are_shown_as_under_five_without_their_share() -> None:
    assert figure(0) == Cell(0, None)
    for count in (1, 2, 3, 4):
        cell = figure(count, base=100)
        assert cell.shown == SMALL and cell.share is None and cell.count is None
    assert figure(5, base=20) == Cell(5, 0.25)


def test_zero_stays_zero_and_large_counts_keep_their_share() -> None:
    cells = distribution({"a": 0, "b": 10, "c": 30})
    assert shown(cells) == {"a": 0, "b": 10, "c": 30}
    assert cells["a"].share == 0 and cells["b"].share == 0.25 and cells["c"].share == 0.75


def test_a_lone_small_cell_hides_the_next_smallest_one_too() -> None:
    cells = distribution({"a": 40, "b": 3, "c": 7, "d": 0, "e": 12})
    assert shown(cells) == {"a": 40, "b": SMALL, "c": HIDDEN, "d": 0, "e": 12}
    assert cells["c"].share is None and cells["c"].count is None
    assert cells["a"].share == 40 / 62


def test_ties_for_the_next_smallest_cell_hide_the_first_one() -> None:
    assert shown(distribution({"a": 2, "b": 9, "c": 9})) == {"a": SMALL, "b": HIDDEN, "c": 9}


def test_two_small_cells_need_nothing_more_hidden() -> None:
    assert shown(distribution({"a": 1, "b": 4, "c": 6})) == {"a": SMALL, "b": SMALL, "c": 6}


def test_a_small_cell_alone_among_zeros_hides_nothing_else() -> None:
    # the total is then small too, and is itself shown as <5
    assert shown(distribution({"a": 3, "b": 0})) == {"a": SMALL, "b": 0}


def test_shares_are_of_the_given_base_and_never_of_a_small_one() -> None:
    cells = distribution({"ar": 6, "en": 6}, base=8)  # several answers per person
    assert cells["ar"].share == 0.75
    assert distribution({"a": 0}, base=3)["a"].share is None


def test_a_cross_table_has_no_row_or_column_with_a_single_hidden_cell() -> None:
    counts = {"taxes": {"FI": 9, "ES": 2, "PL": 8}, "funding": {"FI": 6, "ES": 7, "PL": 5}}
    cells = table(counts, ["FI", "ES", "PL"])
    assert {r: shown(c) for r, c in cells.items()} == {
        "taxes": {"FI": 9, "ES": SMALL, "PL": HIDDEN},
        "funding": {"FI": 6, "ES": HIDDEN, "PL": HIDDEN},
    }


def test_random_cross_tables_never_leave_a_single_hidden_cell_that_a_total_would_reveal() -> None:
    rng = random.Random(7)
    for _ in range(200):
        columns = ["c0", "c1", "c2", "c3"]
        counts = {
            f"r{i}": {c: rng.choice([0, 0, 1, 3, 5, 6, 9, 20]) for c in columns} for i in range(5)
        }
        cells = table(counts, columns)
        lines = [[(counts[r][c], cells[r][c]) for c in columns] for r in counts]
        lines += [[(counts[r][c], cells[r][c]) for r in counts] for c in columns]
        for line in lines:
            hidden = [n for n, cell in line if cell.hidden]
            visible_nonzero = [n for n, cell in line if not cell.hidden and n > 0]
            assert len(hidden) != 1 or not visible_nonzero
        for row in counts:
            for column in columns:
                count, cell = counts[row][column], cells[row][column]
                assert (cell.shown == SMALL) == (1 <= count <= 4)
                assert cell.shown in (count, SMALL, HIDDEN)
