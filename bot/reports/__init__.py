"""Partners' reports from the assistant's database: people's needs, how the guiding went, and
the mentoring.

`imentor report needs|guiding|mentoring` builds a `Report` (needs.py, guiding.py, mentoring.py,
from the database), and prints it as HTML, CSV or JSON (html.py, render.py). Small numbers are
hidden in one place, suppression.py, before any renderer sees them. `imentor demo-data` (demo.py)
fills a database with synthetic people so that the reports can be tried. No Rasa imports here.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.engine import Engine

from bot.reports.guiding import guiding_report
from bot.reports.mentoring import mentoring_report
from bot.reports.model import Filters, Report
from bot.reports.needs import needs_report
from bot.reports.render import FORMATS, render

REPORTS = {"needs": needs_report, "guiding": guiding_report, "mentoring": mentoring_report}

__all__ = ["FORMATS", "REPORTS", "Filters", "Report", "build", "render"]


def build(engine: Engine, kind: str, filters: Filters, now: dt.datetime | None = None) -> Report:
    """The report `kind` (needs, guiding or mentoring) for these filters."""
    return REPORTS[kind](engine, filters, now)
