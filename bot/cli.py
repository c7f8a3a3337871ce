"""The `imentor` command line: checks and tools for the people who run the e-guide."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Sequence

from bot.i18n import LOCALES_DIR, Catalog, CatalogError
from bot.knowledge.articles import KNOWLEDGE_DIR


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
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
