"""A report as one self-contained HTML page: inline CSS, bar charts as inline SVG, no script.

It opens offline, prints, and reads with a screen reader (every chart has a title and a
description, and a table with the same numbers). Every text that comes from the database —
labels of stored ids, article ids, questions typed by users — is escaped.
"""

from __future__ import annotations

import html
from typing import Any, Sequence

from bot.reports.labels import label
from bot.reports.model import (
    NOT_ANSWERED,
    ArticleTable,
    Breakdown,
    CrossTable,
    Figure,
    QuestionList,
    Report,
)
from bot.reports.render import SUPPRESSION_NOTE, TOO_FEW_NOTE
from bot.reports.suppression import Cell

CSS = """
:root { --ink: #1d2630; --muted: #55606b; --bar: #2a6f97; --line: #d5dbe1; --soft: #f3f6f8;
  --good: #2e7d4f; --bad: #b3412e; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #fff; line-height: 1.45;
  font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", Arial, sans-serif; }
header, main, footer { max-width: 62rem; margin: 0 auto; padding: 0 1.25rem; }
header { padding-top: 1.5rem; border-bottom: 3px solid var(--bar); }
.brand { margin: 0; color: var(--muted); font-size: .85rem; letter-spacing: .06em;
  text-transform: uppercase; }
h1 { margin: .2rem 0 .6rem; font-size: 1.8rem; }
h2 { margin: 0 0 .2rem; font-size: 1.2rem; }
.meta { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem; margin: 0 0 1rem; }
.meta dt { color: var(--muted); } .meta dd { margin: 0; font-weight: 600; }
.note { background: var(--soft); border-left: 4px solid var(--bar); padding: .6rem .8rem;
  margin: 0 0 1.2rem; font-size: .9rem; }
.warning { border-left-color: var(--bad); font-size: 1rem; }
.figures { display: grid; grid-template-columns: repeat(auto-fill, minmax(11.5rem, 1fr));
  gap: .7rem; margin: 1.4rem 0; padding: 0; list-style: none; }
.figures li { border: 1px solid var(--line); border-radius: 6px; padding: .6rem .8rem; }
.figures .value { display: block; font-size: 1.6rem; font-weight: 700; }
.figures .label, .figures .extra { display: block; font-size: .85rem; color: var(--muted); }
section { margin: 1.6rem 0 2rem; break-inside: avoid; page-break-inside: avoid; }
.desc { margin: 0 0 .6rem; color: var(--muted); font-size: .9rem; }
svg.chart { display: block; max-width: 100%; height: auto; margin: .3rem 0 .6rem; }
svg text { font: 13px system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif;
  fill: var(--ink); }
svg .bar { fill: var(--bar); } svg .muted { fill: var(--muted); } svg rect.muted { fill: #a9b2ba; }
svg .good { fill: var(--good); } svg .bad { fill: var(--bad); }
table { border-collapse: collapse; width: 100%; font-size: .88rem; margin-bottom: .4rem; }
caption { text-align: left; font-weight: 600; padding: .2rem 0; color: var(--muted); }
th, td { border-bottom: 1px solid var(--line); padding: .25rem .5rem; text-align: left;
  vertical-align: top; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
thead th { background: var(--soft); }
.hidden-count { color: var(--muted); font-style: italic; }
code { font-size: .8rem; color: var(--muted); }
.q { unicode-bidi: plaintext; }
footer { color: var(--muted); font-size: .8rem; border-top: 1px solid var(--line);
  padding: .8rem 1.25rem 2rem; }
@media print {
  body { font-size: 11pt; } header, main, footer { max-width: none; padding: 0; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  h2 { break-after: avoid; } tr { break-inside: avoid; }
}
@page { margin: 14mm; }
"""

BAR_ROW = 24
LABEL_WIDTH = 270
BAR_WIDTH = 360
VALUE_WIDTH = 120
LABEL_CHARS = 40


def _e(value: Any) -> str:
    return html.escape(str(value), quote=True)


def _pct(share: float | None) -> str:
    if share is None:
        return ""
    if 0 < share < 0.005:
        return "<1%"
    return f"{share * 100:.0f}%"


def _count(cell: Cell) -> str:
    text = _e(cell.shown)
    return f'<span class="hidden-count">{text}</span>' if cell.hidden else text


def _value(cell: Cell) -> str:
    """What a chart writes after a bar: "12 (14%)", "<5" or "hidden"."""
    if cell.hidden:
        return str(cell.shown)
    share = _pct(cell.share)
    return f"{cell.shown} ({share})" if share else str(cell.shown)


def _short(text: str) -> str:
    return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1].rstrip() + "…"


def bar_chart(
    chart_id: str, title: str, rows: Sequence[tuple[str, Cell]], muted: Sequence[str] = ()
) -> str:
    """Horizontal bars, one per row; a hidden count gets no bar, only its mark. Rows named in
    `muted` ("not answered") are drawn in grey."""
    height = BAR_ROW * len(rows) + 8
    width = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH
    peak = max((cell.count or 0 for _, cell in rows), default=0) or 1
    summary = "; ".join(f"{name}: {_value(cell)}" for name, cell in rows)
    parts = [
        f'<svg class="chart" role="img" aria-labelledby="{chart_id}-t {chart_id}-d" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}">',
        f'<title id="{chart_id}-t">{_e(title)}</title>',
        f'<desc id="{chart_id}-d">{_e(summary)}</desc>',
    ]
    for i, (name, cell) in enumerate(rows):
        y = 4 + i * BAR_ROW
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{y + 16}" text-anchor="end">{_e(_short(name))}</text>'
        )
        length = 0
        if cell.count:
            length = max(2, round(BAR_WIDTH * cell.count / peak))
            bar = "muted" if name in muted else "bar"
            parts.append(
                f'<rect class="{bar}" x="{LABEL_WIDTH}" y="{y + 3}" width="{length}" height="16" '
                f'rx="2"><title>{_e(name)}: {_e(_value(cell))}</title></rect>'
            )
        css = ' class="muted"' if cell.hidden else ""
        parts.append(
            f'<text{css} x="{LABEL_WIDTH + length + 6}" y="{y + 16}">{_e(_value(cell))}</text>'
        )
    parts.append("</svg>")
    return "\n".join(parts)


def _figures(figures: Sequence[Figure]) -> str:
    items = []
    for figure in figures:
        extra = []
        if figure.cell.share is not None and figure.of:
            extra.append(f"{_pct(figure.cell.share)} of {figure.of}")
        if figure.mean is not None:
            extra.append(f"mean {figure.mean:.1f} / 5")
        extra_html = f'<span class="extra">{_e(", ".join(extra))}</span>' if extra else ""
        items.append(
            f'<li><span class="value">{_count(figure.cell)}</span>'
            f'<span class="label">{_e(figure.label)}</span>{extra_html}</li>'
        )
    return f'<ul class="figures" aria-label="Summary">{"".join(items)}</ul>'


def _breakdown(section: Breakdown) -> str:
    chart_id = f"chart-{section.key}"
    rows = [(row.label, row.cell) for row in section.rows]
    unit = section.unit
    total = f"{_count(section.total)} {_e(unit)}"
    if section.mean is not None:
        total += f", mean {section.mean:.1f} / 5"
    table = [
        f"<table><caption>{_e(section.title)} (total: {total})</caption>",
        '<thead><tr><th scope="col">' + _e(section.title) + '</th><th scope="col" class="n">'
        f'{_e(unit.capitalize())}</th><th scope="col" class="n">Share</th></tr></thead><tbody>',
    ]
    for row in section.rows:
        table.append(
            f'<tr><th scope="row">{_e(row.label)}</th><td class="n">{_count(row.cell)}</td>'
            f'<td class="n">{_pct(row.cell.share)}</td></tr>'
        )
    table.append("</tbody></table>")
    return (
        f'<section id="{_e(section.key)}" aria-labelledby="h-{_e(section.key)}">'
        f'<h2 id="h-{_e(section.key)}">{_e(section.title)}</h2>'
        f'<p class="desc">{_e(section.description)}</p>'
        + bar_chart(
            chart_id,
            f"{section.title} (total: {section.total.shown} {unit})",
            rows,
            muted=[row.label for row in section.rows if row.id == NOT_ANSWERED],
        )
        + "".join(table)
        + "</section>"
    )


def _heat(cell: Cell) -> str:
    if cell.hidden or not cell.share:
        return ""
    return f' style="background: rgba(42, 111, 151, {min(0.55, 0.08 + cell.share * 0.9):.2f})"'


def _cross_table(section: CrossTable) -> str:
    head = "".join(
        f'<th scope="col" class="n">{_e(c.label)}<br><small>({_count(c.total)})</small></th>'
        for c in section.columns
    )
    body = []
    for row_id, row_label in section.rows:
        cells = "".join(
            f'<td class="n"{_heat(section.cells[row_id][c.id])}>'
            f"{_count(section.cells[row_id][c.id])}"
            + (
                f"<br><small>{_pct(section.cells[row_id][c.id].share)}</small>"
                if section.cells[row_id][c.id].share is not None
                else ""
            )
            + "</td>"
            for c in section.columns
        )
        body.append(f'<tr><th scope="row">{_e(row_label)}</th>{cells}</tr>')
    return (
        f'<section id="{_e(section.key)}" aria-labelledby="h-{_e(section.key)}">'
        f'<h2 id="h-{_e(section.key)}">{_e(section.title)}</h2>'
        f'<p class="desc">{_e(section.description)} The darker the cell, the larger the share.</p>'
        f"<table><caption>{_e(section.title)}: {_e(section.caption)}</caption>"
        f'<thead><tr><th scope="col">{_e(section.row_heading)}</th>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table></section>"
    )


def _share_bar(share: float | None, name: str) -> str:
    if share is None:
        return ""
    good = round(100 * share)
    return (
        f'<svg role="img" aria-label="{_e(name)}: {_pct(share)} helpful" viewBox="0 0 100 10" '
        f'width="100" height="10"><rect class="good" x="0" y="0" width="{good}" height="10"/>'
        f'<rect class="bad" x="{good}" y="0" width="{100 - good}" height="10"/></svg> '
    )


def _articles(section: ArticleTable) -> str:
    rows = []
    for row in section.rows:
        rows.append(
            f'<tr><th scope="row">{_e(row.label)}<br><code>{_e(row.id)}</code></th>'
            f'<td class="n">{_count(row.answered)}</td><td class="n">{_count(row.helpful)}</td>'
            f'<td class="n">{_count(row.unhelpful)}</td>'
            f'<td class="n">{_share_bar(row.helpful_share, row.label)}'
            f"{_pct(row.helpful_share)}</td></tr>"
        )
    if not rows:
        rows.append('<tr><td colspan="5">No answers in this period.</td></tr>')
    return (
        f'<section id="{_e(section.key)}" aria-labelledby="h-{_e(section.key)}">'
        f'<h2 id="h-{_e(section.key)}">{_e(section.title)}</h2>'
        f'<p class="desc">{_e(section.description)}</p>'
        f"<table><caption>{_e(section.title)}</caption>"
        '<thead><tr><th scope="col">Article</th><th scope="col" class="n">Answers</th>'
        '<th scope="col" class="n">👍 helpful</th><th scope="col" class="n">👎 not helpful</th>'
        '<th scope="col" class="n">Share 👍</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></section>"
    )


def _questions(section: QuestionList) -> str:
    rows = [
        f'<tr><td class="n">{i}</td><td class="n">{_e(q.times)}</td>'
        f"<td>{_e(label('language', q.language))}</td>"
        f'<td class="q" lang="{_e(q.language)}" dir="auto">{_e(q.text)}</td></tr>'
        for i, q in enumerate(section.rows, start=1)
    ]
    if not rows:
        rows.append('<tr><td colspan="4">No question was left unanswered twice or more.</td></tr>')
    return (
        f'<section id="{_e(section.key)}" aria-labelledby="h-{_e(section.key)}">'
        f'<h2 id="h-{_e(section.key)}">{_e(section.title)}</h2>'
        f'<p class="desc">{_e(section.description)}</p>'
        f"<table><caption>{_e(section.title)}</caption>"
        '<thead><tr><th scope="col" class="n">#</th><th scope="col" class="n">Times</th>'
        '<th scope="col">Language</th><th scope="col">Question</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></section>"
    )


def _section(section: Any) -> str:
    if isinstance(section, Breakdown):
        return _breakdown(section)
    if isinstance(section, CrossTable):
        return _cross_table(section)
    if isinstance(section, ArticleTable):
        return _articles(section)
    if isinstance(section, QuestionList):
        return _questions(section)
    raise TypeError(f"unknown section {section!r}")


def _period(report: Report) -> str:
    since, until = report.filters.since, report.filters.until
    if since and until:
        return f"{since.isoformat()} to {until.isoformat()}"
    if since:
        return f"from {since.isoformat()}"
    if until:
        return f"until {until.isoformat()}"
    return "all dates"


def render_html(report: Report) -> str:
    country = report.filters.country
    where = f"{label('country', country)} ({country})" if country else "all countries"
    dated = {"needs": "Intakes completed", "mentoring": "Requests and relationships"}.get(
        report.kind, "Questions and feedback"
    )
    generated = report.generated_at.strftime("%Y-%m-%d %H:%M UTC")
    body = [_figures(report.figures)] if report.figures else []
    if report.too_few:
        body.append(f'<p class="note warning" role="note">{_e(TOO_FEW_NOTE)}</p>')
    body += [_section(s) for s in report.sections]
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>i-Mentor e-guide: {_e(report.title)} ({_e(where)}, {_e(_period(report))})</title>
<style>{CSS}</style>
</head>
<body>
<header>
<p class="brand">i-Mentor e-guide</p>
<h1>{_e(report.title)}</h1>
<dl class="meta">
<dt>Country</dt><dd>{_e(where)}</dd>
<dt>{_e(dated)}</dt><dd>{_e(_period(report))}</dd>
<dt>{_e(report.population_label)}</dt><dd>{_count(report.population)}</dd>
<dt>Generated</dt><dd><time datetime="{_e(report.generated_at.isoformat(timespec="seconds"))}">\
{_e(generated)}</time></dd>
</dl>
<p class="note" role="note"><strong>Small numbers.</strong> {_e(SUPPRESSION_NOTE)}</p>
</header>
<main>
{chr(10).join(body)}
</main>
<footer>Made by <code>imentor report {_e(report.kind)}</code> from the assistant's database.
Shares are rounded to whole percents.</footer>
</body>
</html>
"""
