"""How the knowledge search's thresholds were chosen — without looking at the benchmark.

In-domain questions: the articles' own questions, in 5 folds: each fold's questions are taken
out of the index and asked of it. Out-of-domain: the NLU's out_of_scope examples. Prints the
score distributions and, for a grid of thresholds, how often the assistant would answer right,
answer wrong, and decline out-of-domain messages.

    .venv/bin/python -m bench.kb_calibrate
"""

from __future__ import annotations

import dataclasses
import itertools
import sys
from pathlib import Path

import yaml

from bot.knowledge.articles import Article, article_files, read_article
from bot.knowledge.search import THRESHOLDS, KnowledgeIndex

ROOT = Path(__file__).resolve().parents[1]
FOLDS = 5


def held_out(articles: list[Article], fold: int) -> tuple[list[Article], list[tuple]]:
    kept_articles = []
    asked = []
    for article in articles:
        translations = {}
        for code, text in article.translations.items():
            keep = [q for i, q in enumerate(text.questions) if i % FOLDS != fold]
            asked += [
                (code, q, article.id) for i, q in enumerate(text.questions) if i % FOLDS == fold
            ]
            translations[code] = dataclasses.replace(text, questions=tuple(keep))
        kept_articles.append(dataclasses.replace(article, translations=translations))
    return kept_articles, asked


def out_of_scope_examples() -> list[tuple[str, str]]:
    found = []
    for path in sorted((ROOT / "nlu_data" / "nlu").glob("*/*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for block in data.get("nlu", []):
            if block.get("intent") == "out_of_scope":
                code = (block.get("metadata") or {}).get("language") or path.parent.name
                found += [
                    (code, line[2:].strip())
                    for line in str(block.get("examples", "")).splitlines()
                    if line.startswith("- ")
                ]
    return found


def main() -> int:
    articles = [read_article(p) for p in article_files()]
    runs = []  # (index, language, question, expected id, country, hits)
    for fold in range(FOLDS):
        kept, asked = held_out(articles, fold)
        index = KnowledgeIndex(kept)
        for code, question, expected in asked:
            country = index.by_id[expected].countries[0]
            country = None if country == "all" else country
            runs.append((index, code, question, expected, country, index.search(question, [code])))
        print(f"fold {fold}: {len(asked)} held-out questions", file=sys.stderr)
    full = KnowledgeIndex(articles)
    ood = [(code, text, full.search(text, [code])) for code, text in out_of_scope_examples()]
    print(f"{len(runs)} held-out article questions, {len(ood)} out-of-scope examples")
    print(f"current: {THRESHOLDS}")

    grid = itertools.product(
        (0.16, 0.18, 0.20, 0.22, 0.26), (0.01, 0.02, 0.03, 0.04), (0.15, 0.16, 0.17)
    )
    header = f"{'answer':>7}{'margin':>7}{'offer':>7}{'right':>8}{'wrong':>8}{'offered':>9}"
    print(header + f"{'ood-decl':>10}")
    for answer, margin, offer in grid:
        if offer > answer:
            continue
        t = dataclasses.replace(THRESHOLDS, answer=answer, margin=margin, offer=offer)
        right = wrong = offered = 0
        for index, code, question, expected, country, hits in runs:
            d = index.decide(question, code, country=country, thresholds=t, hits=hits)
            if d.kind == "answer":
                right += d.article is not None and d.article.id == expected
                wrong += d.article is None or d.article.id != expected
            elif d.kind == "choose":
                offered += 1
        declined = sum(
            full.decide(text, code, thresholds=t, hits=hits).kind in ("decline", "unsure")
            for code, text, hits in ood
        )
        n = len(runs)
        print(
            f"{answer:>7}{margin:>7}{offer:>7}{right / n:>8.3f}{wrong / n:>8.3f}"
            f"{offered / n:>9.3f}{declined / len(ood):>10.3f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
