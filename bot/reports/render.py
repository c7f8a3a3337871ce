"""Reports as JSON (structured, stable keys) and CSV (long format); HTML is in html.py.

Every number goes out through `Cell.shown`: a hidden count is the string "<5" (1 to 4) or
"hidden" (5 or more, hidden so that a "<5" cannot be worked out), never the number.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any, Iterator

from bot.reports.model import (
    ArticleTable,
    Breakdown,
    CrossTable,
    Figure,
    QuestionList,
    Report,
)
from bot.reports.suppression import HIDDEN, SMALL, THRESHOLD, Cell

FORMATS = ("html", "csv", "json")

SUPPRESSION_NOTE = (
    f"Numbers from 1 to {THRESHOLD - 1} are shown as “{SMALL}”, without their share, so that "
    "no one can be recognised from a small number. When a breakdown has only one such number, "
    f"the next smallest is hidden too (“{HIDDEN}”, always {THRESHOLD} or more), so that the "
    "small one cannot be worked out from the total. 0 means nobody. How often a question was "
    "asked is about its words, not about people: those numbers are shown as they are, and a "
    "question is listed only when it was asked at least twice."
)
TOO_FEW_NOTE = (
    f"This report covers fewer than {THRESHOLD} people: too few to show any breakdown without "
    "the risk of recognising someone. Widen the dates or remove the country filter."
)
CSV_COLUMNS = ("section", "category", "value", "count", "share")


def share(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _cell(cell: Cell) -> dict[str, Any]:
    return {"count": cell.shown, "share": share(cell.share)}


def _figure(figure: Figure) -> dict[str, Any]:
    out = {"key": figure.key, "label": figure.label, **_cell(figure.cell), "of": figure.of or None}
    if figure.key.endswith("_rating"):
        out["mean"] = figure.mean
    return out


def _section(section: Any) -> dict[str, Any]:
    common = {"key": section.key, "title": section.title, "description": section.description}
    if isinstance(section, Breakdown):
        return {
            **common,
            "type": "breakdown",
            "unit": section.unit,
            "total": section.total.shown,
            "multiple": section.multiple,
            **({"mean": section.mean} if section.unit == "ratings" else {}),
            "rows": [{"id": r.id, "label": r.label, **_cell(r.cell)} for r in section.rows],
        }
    if isinstance(section, CrossTable):
        return {
            **common,
            "type": "table",
            "columns": [
                {"id": c.id, "label": c.label, "total": c.total.shown} for c in section.columns
            ],
            "rows": [
                {
                    "id": row_id,
                    "label": row_label,
                    "cells": {c.id: _cell(section.cells[row_id][c.id]) for c in section.columns},
                }
                for row_id, row_label in section.rows
            ],
        }
    if isinstance(section, ArticleTable):
        return {
            **common,
            "type": "articles",
            "rows": [
                {
                    "id": r.id,
                    "label": r.label,
                    "answered": r.answered.shown,
                    "answered_share": share(r.answered.share),
                    "helpful": r.helpful.shown,
                    "not_helpful": r.unhelpful.shown,
                    "helpful_share": share(r.helpful_share),
                }
                for r in section.rows
            ],
        }
    if isinstance(section, QuestionList):
        return {
            **common,
            "type": "questions",
            "rows": [
                {"question": q.text, "language": q.language, "times": q.times} for q in section.rows
            ],
        }
    raise TypeError(f"unknown section {section!r}")


def as_dict(report: Report) -> dict[str, Any]:
    return {
        "report": report.kind,
        "title": report.title,
        "generated_at": report.generated_at.isoformat(timespec="seconds"),
        "filters": report.filters.as_dict(),
        "population": {"label": report.population_label, "count": report.population.shown},
        "too_few": report.too_few,
        "note": TOO_FEW_NOTE if report.too_few else SUPPRESSION_NOTE,
        "figures": [_figure(f) for f in report.figures],
        "sections": [_section(s) for s in report.sections],
    }


def render_json(report: Report) -> str:
    return json.dumps(as_dict(report), ensure_ascii=False, indent=2) + "\n"


def _csv_rows(report: Report) -> Iterator[tuple[Any, ...]]:
    data = as_dict(report)
    yield ("report", "kind", report.kind, "", "")
    yield ("report", "generated_at", data["generated_at"], "", "")
    for name, value in data["filters"].items():
        yield ("report", name, value or "", "", "")
    yield ("report", "note", data["note"], "", "")
    yield ("summary", "people", report.population_label, report.population.shown, "")
    for figure in data["figures"]:
        yield ("summary", figure["key"], figure["label"], figure["count"], figure["share"])
        if figure.get("mean") is not None:
            yield ("summary", f"{figure['key']}_mean", "mean (1-5)", figure["mean"], "")
    for section in data["sections"]:
        key = section["key"]
        if section["type"] == "breakdown":
            yield (key, "total", section["unit"], section["total"], "")
            for row in section["rows"]:
                yield (key, row["id"], row["label"], row["count"], row["share"])
            if section.get("mean") is not None:
                yield (key, "mean", "mean (1-5)", section["mean"], "")
        elif section["type"] == "table":
            for row in section["rows"]:
                for column, cell in row["cells"].items():
                    yield (key, row["id"], column, cell["count"], cell["share"])
        elif section["type"] == "articles":
            for row in section["rows"]:
                yield (key, row["id"], "answered", row["answered"], row["answered_share"])
                yield (key, row["id"], "helpful", row["helpful"], row["helpful_share"])
                yield (key, row["id"], "not_helpful", row["not_helpful"], "")
        elif section["type"] == "questions":
            for row in section["rows"]:
                yield (key, row["language"], row["question"], row["times"], "")


def _csv_value(value: Any) -> Any:
    """No formulas: a spreadsheet would run a question typed as "=HYPERLINK(...)"."""
    if value is None:
        return ""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def render_csv(report: Report) -> str:
    """Long format: one number per line (section, category, value, count, share)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in _csv_rows(report):
        writer.writerow([_csv_value(v) for v in row])
    return out.getvalue()


def render(report: Report, fmt: str) -> str:
    if fmt == "json":
        return render_json(report)
    if fmt == "csv":
        return render_csv(report)
    if fmt == "html":
        from bot.reports.html import render_html

        return render_html(report)
    raise ValueError(f"unknown format {fmt!r}: one of {', '.join(FORMATS)}")
