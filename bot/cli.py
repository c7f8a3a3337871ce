"""The `imentor` command line: checks and tools for the people who run the e-guide."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Sequence

from bot import SUPPORTED_LANGUAGES
from bot.i18n import LOCALES_DIR, Catalog, CatalogError
from bot.knowledge.articles import COUNTRIES, KNOWLEDGE_DIR


def _check_translations(args: argparse.Namespace) -> int:
    try:
        book = Catalog.load(args.locales)
    except CatalogError as exc:
        print(f"translations: {exc}", file=sys.stderr)
        return 1
    problems = book.check()
    for problem in problems:
        print(f"translations: {problem}", file=sys.stderr)
    if problems:
        print(f"translations: {len(problems)} problem(s)", file=sys.stderr)
        return 1
    keys = len(book.locales["en"].strings)
    print(f"translations: {len(book.locales)} languages x {keys} messages, all complete")
    return 0


def _kb_lint(args: argparse.Namespace) -> int:
    from bot.knowledge.lint import lint

    report = lint(args.dir)
    for warning in report.warnings:
        print(f"kb-lint: warning: {warning}", file=sys.stderr)
    for error in report.errors:
        print(f"kb-lint: {error}", file=sys.stderr)
    if report.errors:
        print(
            f"kb-lint: {len(report.errors)} error(s) in {report.articles} article(s)",
            file=sys.stderr,
        )
        return 1
    print(f"kb-lint: {report.articles} article(s) checked, {len(report.warnings)} warning(s)")
    return 0


def _kb_ask(args: argparse.Namespace) -> int:
    """What the assistant would do with a question: for editors trying their articles."""
    from bot.knowledge.service import load_index

    index = load_index(args.dir)
    decision = index.decide(args.question, args.language, country=args.country)
    print(f"decision: {decision.kind} (score {decision.score:.3f})")
    if decision.article is not None:
        print(f"answer:   {decision.article.id} ({decision.country or 'all countries'})")
    for option in decision.options:
        print(f"option:   {option.id}")
    if decision.kind == "ask_country":
        print(f"asks which country for: {decision.group}")
    print("best matches:")
    for hit in decision.hits[: args.top]:
        print(f"  {hit.score:.3f}  {hit.article.id}")
    return 0


def _kb_gaps(args: argparse.Namespace) -> int:
    """The questions the knowledge base could not answer, most asked first."""
    import csv
    import datetime as dt
    import json

    from bot.settings import Settings
    from bot.storage import question_log

    since = dt.datetime.combine(args.since, dt.time(), dt.timezone.utc) if args.since else None
    rows = question_log(args.database or Settings.from_env().database_url).gaps(since, args.limit)
    if args.format == "json":
        print(json.dumps(rows, default=str, ensure_ascii=False, indent=2))
    elif args.format == "csv":
        writer = csv.DictWriter(sys.stdout, ["times", "language", "question", "last_asked"])
        writer.writeheader()
        for row in rows:
            writer.writerow({k: row[k] for k in writer.fieldnames})
    else:
        if not rows:
            print("kb-gaps: no unanswered questions")
        for row in rows:
            print(f"{row['times']:>4}  {row['language']}  {row['question']}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="imentor", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser(
        "check-translations",
        help="fail on a missing or extra message, or placeholders that differ from English",
    )
    check.add_argument("--locales", type=Path, default=LOCALES_DIR)
    check.set_defaults(func=_check_translations)
    kb = commands.add_parser(
        "kb-lint", help="check every knowledge-base article (schema, languages, sources, reviews)"
    )
    kb.add_argument("--dir", type=Path, default=KNOWLEDGE_DIR)
    kb.set_defaults(func=_kb_lint)
    ask = commands.add_parser("kb-ask", help="show what the assistant would answer to a question")
    ask.add_argument("question")
    ask.add_argument("--language", default="en", choices=SUPPORTED_LANGUAGES)
    ask.add_argument("--country", choices=COUNTRIES, help="as if known from her intake")
    ask.add_argument("--top", type=int, default=5, help="how many matches to list")
    ask.add_argument("--dir", type=Path, default=KNOWLEDGE_DIR)
    ask.set_defaults(func=_kb_ask)
    gaps = commands.add_parser(
        "kb-gaps", help="the questions nobody's article answered (personal data masked)"
    )
    gaps.add_argument("--since", type=dt_date, help="only questions asked on or after YYYY-MM-DD")
    gaps.add_argument("--limit", type=int, default=50)
    gaps.add_argument("--format", choices=("text", "csv", "json"), default="text")
    gaps.add_argument("--database", help="database URL (default: DATABASE_URL or var/imentor.db)")
    gaps.set_defaults(func=_kb_gaps)
    return parser


def dt_date(value: str):
    import datetime as dt

    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date (YYYY-MM-DD)") from exc


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
