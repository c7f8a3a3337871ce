"""Held-out NLU benchmark: intent accuracy and macro-F1, and language ID, per language.

Run with `make bench-nlu`. The held-out examples (bench/nlu_heldout/) are never trained on.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from collections import defaultdict
from pathlib import Path

from bench.data import heldout, training

MIN_WORDS_FOR_LID = 3


def macro_f1(gold: list[str], predicted: list[str]) -> float:
    labels = sorted(set(gold))
    scores = []
    for label in labels:
        tp = sum(1 for g, p in zip(gold, predicted, strict=True) if g == label and p == label)
        fp = sum(1 for g, p in zip(gold, predicted, strict=True) if g != label and p == label)
        fn = sum(1 for g, p in zip(gold, predicted, strict=True) if g == label and p != label)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        scores.append(2 * precision * recall / (precision + recall) if precision + recall else 0.0)
    return sum(scores) / len(scores) if scores else 0.0


async def evaluate(model: str) -> dict:
    import logging

    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)
    from rasa.core.agent import Agent

    from bot.language import words

    examples = heldout()
    seen = {e.text.lower() for e in training()}
    leaked = [e.text for e in examples if e.text.lower() in seen]
    agent = Agent.load(model)
    rows = []
    started = time.perf_counter()
    for example in examples:
        parsed = await agent.parse_message(example.text)
        ranking = [r for r in parsed.get("intent_ranking", []) if r["name"] != "nlu_fallback"]
        top = ranking[0]["name"] if ranking else None
        detection = parsed.get("language_detection") or {}
        rows.append(
            {
                "example": example,
                "top": top,
                "final": parsed["intent"]["name"],
                "language": detection.get("language"),
                "words": len(words(example.text)),
            }
        )
    elapsed = time.perf_counter() - started

    by_language: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        by_language[row["example"].language].append(row)

    def summary(subset: list[dict]) -> dict:
        gold = [r["example"].intent for r in subset]
        top = [r["top"] or "" for r in subset]
        long = [r for r in subset if r["words"] >= MIN_WORDS_FOR_LID]
        return {
            "examples": len(subset),
            "intent_accuracy": round(
                sum(g == p for g, p in zip(gold, top, strict=True)) / len(subset), 4
            ),
            "intent_macro_f1": round(macro_f1(gold, top), 4),
            "fallback_rate": round(
                sum(r["final"] == "nlu_fallback" for r in subset) / len(subset), 4
            ),
            "language_id_accuracy_3plus_words": round(
                sum(r["language"] == r["example"].language for r in long) / len(long), 4
            )
            if long
            else None,
            "language_id_accuracy_all": round(
                sum(r["language"] == r["example"].language for r in subset) / len(subset), 4
            ),
            "messages_3plus_words": len(long),
        }

    result = {
        "overall": summary(rows),
        "per_language": {lang: summary(by_language[lang]) for lang in sorted(by_language)},
        "parse_ms_mean": round(1000 * elapsed / len(rows), 3),
        "heldout_examples_also_in_training": len(leaked),
        "errors": [
            {
                "text": r["example"].text,
                "language": r["example"].language,
                "gold": r["example"].intent,
                "predicted": r["top"],
            }
            for r in rows
            if r["top"] != r["example"].intent
        ],
    }
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", default="models/imentor.tar.gz")
    parser.add_argument("--out", default="bench/results/nlu.json")
    args = parser.parse_args()
    result = asyncio.run(evaluate(args.model))
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    print(
        f"{'language':<9}{'n':>5}{'acc':>8}{'macroF1':>9}{'fallbk':>8}{'LID≥3w':>8}{'LID all':>9}"
    )
    for name, s in [*result["per_language"].items(), ("overall", result["overall"])]:
        lid = s["language_id_accuracy_3plus_words"]
        print(
            f"{name:<9}{s['examples']:>5}{s['intent_accuracy']:>8.3f}{s['intent_macro_f1']:>9.3f}"
            f"{s['fallback_rate']:>8.3f}{(lid if lid is not None else float('nan')):>8.3f}"
            f"{s['language_id_accuracy_all']:>9.3f}"
        )
    print(f"parse time per message: {result['parse_ms_mean']} ms (mean, in-process)")
    print(f"held-out examples also in training: {result['heldout_examples_also_in_training']}")
    print(f"written to {out}")


if __name__ == "__main__":
    main()
