"""Knowledge-base benchmark: does the assistant find the right article, decline what is not
its business, and how fast — alone and end to end over REST.

The development set (bench/kb_dev/<language>.yml) was written apart from the articles: each
question names the article that answers it and, when the question itself does not name the
country, the country known from her intake. Questions never share their wording with the
articles' own questions (checked here).

    make bench-kb       # or: python -m bench.bench_kb --out bench/results/kb.json [--no-rest]

Reported per language and overall:
- top-1: the first article the search ranks (with her country applied) is the right one;
- top-3: the right one is among the first three;
- answered right / answered wrong / offered / asked the country / not answered: what the
  assistant actually does with the question (answering wrong is the costly mistake);
- out-of-domain declined: weather, recipes and the like get no article (neither an answer
  nor a list of articles to choose from);
- retrieval p50/p99: one decision, in-process; answer turn p50/p99: a question over REST
  through the Rasa server, NLU, the rules and the action server.
Targets (issue 3): top-1 >= 0.92 overall and >= 0.85 per language, out-of-domain declined
>= 0.95, retrieval p99 <= 20 ms, answer turn p99 <= 80 ms.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from pathlib import Path
from typing import Any

import yaml

from bot import SUPPORTED_LANGUAGES
from bot.knowledge.articles import ALL_COUNTRIES
from bot.knowledge.places import places
from bot.knowledge.search import Decision, KnowledgeIndex
from bot.knowledge.service import load_index
from bot.textnorm import same_text_key

DEV_DIR = Path(__file__).resolve().parent / "kb_dev"
TARGETS = {"top1": 0.92, "top1_per_language": 0.85, "ood_declined": 0.95}
TARGET_RETRIEVAL_P99_MS = 20.0
TARGET_TURN_P99_MS = 80.0


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    k = (len(ordered) - 1) * q
    low, high = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def load_dev(directory: Path = DEV_DIR) -> dict[str, dict[str, Any]]:
    out = {}
    for code in SUPPORTED_LANGUAGES:
        path = directory / f"{code}.yml"
        if path.exists():
            out[code] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return out


def candidates(index: KnowledgeIndex, decision: Decision, country: str | None) -> list[str]:
    """Articles in the order the search ranks them, each group resolved to one article: the
    variant for the named or known country, else the best-scoring variant."""
    named = places().country_in(decision.query)
    wanted = named or country
    ranked: list[str] = []
    seen: set[str] = set()
    for hit in decision.hits:
        group = hit.article.group
        if group in seen:
            continue
        seen.add(group)
        article = hit.article
        if ALL_COUNTRIES not in article.countries and wanted:
            article = index.variant(group, wanted) or article
        ranked.append(article.id)
    return ranked


def shared_wording(index: KnowledgeIndex, dev: dict[str, dict[str, Any]]) -> list[str]:
    own = {
        same_text_key(q)
        for article in index.articles
        for text in article.translations.values()
        for q in text.questions
    }
    return [
        item["text"]
        for data in dev.values()
        for item in data.get("questions", [])
        if same_text_key(item["text"]) in own
    ]


def evaluate(index: KnowledgeIndex, dev: dict[str, dict[str, Any]]) -> dict[str, Any]:
    per_language: dict[str, dict[str, Any]] = {}
    timings: list[float] = []
    misses: list[dict[str, Any]] = []
    totals: dict[str, int] = defaultdict(int)
    for code, data in dev.items():
        counts: dict[str, int] = defaultdict(int)
        for item in data.get("questions", []):
            country = item.get("country")
            started = time.perf_counter()
            decision = index.decide(item["text"], code, country=country)
            timings.append((time.perf_counter() - started) * 1000)
            ranked = candidates(index, decision, country)
            expected = item["article"]
            counts["questions"] += 1
            counts["top1"] += bool(ranked[:1] == [expected])
            counts["top3"] += expected in ranked[:3]
            if decision.kind == "answer":
                right = decision.article is not None and decision.article.id == expected
                counts["answered_right" if right else "answered_wrong"] += 1
            elif decision.kind == "choose":
                counts["offered"] += 1
                counts["offered_with_right"] += expected in [o.id for o in decision.options]
            elif decision.kind == "ask_country":
                counts["asked_country"] += 1
            else:
                counts["not_answered"] += 1
            if ranked[:1] != [expected]:
                misses.append(
                    {
                        "language": code,
                        "text": item["text"],
                        "expected": expected,
                        "got": ranked[:3],
                        "kind": decision.kind,
                        "score": round(decision.score, 3),
                    }
                )
        for text in data.get("out_of_domain", []):
            started = time.perf_counter()
            decision = index.decide(text, code)
            timings.append((time.perf_counter() - started) * 1000)
            counts["ood"] += 1
            declined = decision.kind in ("decline", "unsure")
            counts["ood_declined"] += declined
            if not declined:
                misses.append(
                    {
                        "language": code,
                        "text": text,
                        "expected": "decline",
                        "got": [decision.kind, *(h.article.id for h in decision.hits[:1])],
                        "kind": decision.kind,
                        "score": round(decision.score, 3),
                    }
                )
        for key, value in counts.items():
            totals[key] += value
        per_language[code] = _rates(counts)
    return {
        "overall": _rates(totals),
        "per_language": per_language,
        "retrieval_ms": {
            "p50": round(percentile(timings, 0.5), 2),
            "p99": round(percentile(timings, 0.99), 2),
            "max": round(max(timings), 2) if timings else 0.0,
            "n": len(timings),
        },
        "misses": misses,
    }


def _rates(counts: dict[str, int]) -> dict[str, Any]:
    n = counts.get("questions", 0) or 1
    ood = counts.get("ood", 0) or 1
    return {
        "questions": counts.get("questions", 0),
        "top1": round(counts.get("top1", 0) / n, 4),
        "top3": round(counts.get("top3", 0) / n, 4),
        "answered_right": round(counts.get("answered_right", 0) / n, 4),
        "answered_wrong": round(counts.get("answered_wrong", 0) / n, 4),
        "offered": round(counts.get("offered", 0) / n, 4),
        "asked_country": round(counts.get("asked_country", 0) / n, 4),
        "not_answered": round(counts.get("not_answered", 0) / n, 4),
        "ood": counts.get("ood", 0),
        "ood_declined": round(counts.get("ood_declined", 0) / ood, 4),
    }


def over_rest(index: KnowledgeIndex, dev: dict[str, dict[str, Any]]) -> dict:
    """Every development question as a new user's first message, one at a time, as she would
    meet it: when the assistant asks which country, she presses her country's button (the
    country the question's context gives), and that turn is timed too."""
    import httpx

    from tests.auxil.stack import start_stack

    turn_ms: list[float] = []
    right = wrong = offered = other = ood_declined = ood_total = 0
    with tempfile.TemporaryDirectory() as tmp:
        stack = start_stack(Path(tmp))
        url = f"{stack.url}/webhooks/rest/webhook"
        try:
            with httpx.Client(timeout=30) as client:

                def say(sender: str, message: str, code: str) -> list[dict[str, Any]]:
                    body = {
                        "sender": sender,
                        "message": message,
                        "metadata": {"language_hint": code},
                    }
                    started = time.perf_counter()
                    replies = client.post(url, json=body).json()
                    turn_ms.append((time.perf_counter() - started) * 1000)
                    return replies

                for _ in range(20):  # warm up both servers
                    client.post(url, json={"sender": f"w{uuid.uuid4().hex[:8]}", "message": "hi"})
                turn_ms.clear()
                for code, data in dev.items():
                    for item in data.get("questions", []):
                        sender = f"q{uuid.uuid4().hex[:12]}"
                        replies = say(sender, item["text"], code)
                        country = item.get("country") or index.by_id[item["article"]].countries[0]
                        button = _country_button(replies, country)
                        if button:
                            replies = say(sender, button, code)
                        got = _answered_article(index, replies, code)
                        if got == item["article"]:
                            right += 1
                        elif got:
                            wrong += 1
                        elif _offers_articles(replies):
                            offered += 1
                        else:
                            other += 1
                    for text in data.get("out_of_domain", []):
                        replies = say(f"o{uuid.uuid4().hex[:12]}", text, code)
                        ood_total += 1
                        ood_declined += not _is_answer(replies) and not _offers_articles(replies)
        finally:
            stack.stop()
    questions = max(right + wrong + offered + other, 1)
    return {
        "turns": len(turn_ms),
        "turn_ms": {
            "p50": round(percentile(turn_ms, 0.5), 1),
            "p90": round(percentile(turn_ms, 0.9), 1),
            "p99": round(percentile(turn_ms, 0.99), 1),
            "mean": round(statistics.fmean(turn_ms), 1) if turn_ms else 0.0,
        },
        "answered_right": round(right / questions, 4),
        "answered_wrong": round(wrong / questions, 4),
        "offered": round(offered / questions, 4),
        "other": round(other / questions, 4),
        "ood_declined": round(ood_declined / max(ood_total, 1), 4),
    }


def _country_button(replies: list[dict[str, Any]], country: str) -> str | None:
    wanted = f'"country":"{country}"'
    for reply in replies:
        for button in reply.get("buttons", []):
            if wanted in button.get("payload", ""):
                return str(button["payload"])
    return None


def _answered_article(
    index: KnowledgeIndex, replies: list[dict[str, Any]], code: str
) -> str | None:
    """The article an answer came from: its 👍 button names it."""
    for reply in replies:
        for button in reply.get("buttons", []):
            payload = button.get("payload", "")
            if '"kb_action":"helpful"' in payload:
                data = json.loads(payload[payload.index("{") : payload.rindex("}") + 1])
                return str(data.get("article"))
    return None


def _is_answer(replies: list[dict[str, Any]]) -> bool:
    return any(
        '"kb_action":"helpful"' in b.get("payload", "")
        for r in replies
        for b in r.get("buttons", [])
    )


def _offers_articles(replies: list[dict[str, Any]]) -> bool:
    return any('{"article":' in b.get("payload", "") for r in replies for b in r.get("buttons", []))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=Path("bench/results/kb.json"))
    parser.add_argument("--no-rest", action="store_true", help="skip the end-to-end REST part")
    parser.add_argument("--show-misses", type=int, default=15)
    parser.add_argument(
        "--questions",
        type=Path,
        default=DEV_DIR,
        help="question set folder (bench/kb_tune is the separate set used to tune the search)",
    )
    args = parser.parse_args()

    started = time.perf_counter()
    index = load_index()
    build_ms = (time.perf_counter() - started) * 1000
    dev = load_dev(args.questions)
    overlap = shared_wording(index, dev)
    result: dict[str, Any] = {
        "articles": len(index.articles),
        "index_build_ms": round(build_ms),
        "dev_questions": sum(len(d.get("questions", [])) for d in dev.values()),
        "dev_out_of_domain": sum(len(d.get("out_of_domain", [])) for d in dev.values()),
        "dev_questions_worded_like_articles": len(overlap),
        **evaluate(index, dev),
    }
    if not args.no_rest:
        result["rest"] = over_rest(index, dev)
    report(result, args.show_misses)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")
    print(f"\nwritten to {args.out}")
    return 0


def report(result: dict[str, Any], show_misses: int) -> None:
    print(
        f"knowledge base: {result['articles']} articles, index built in "
        f"{result['index_build_ms']} ms; development set: {result['dev_questions']} questions, "
        f"{result['dev_out_of_domain']} out-of-domain "
        f"({result['dev_questions_worded_like_articles']} worded like an article's own)"
    )
    header = (
        f"{'lang':<8}{'n':>4}{'top1':>7}{'top3':>7}{'right':>7}{'wrong':>7}{'offer':>7}"
        f"{'cntry?':>7}{'none':>7}{'ood':>5}{'decl':>7}"
    )
    print(header)
    rows = [*result["per_language"].items(), ("overall", result["overall"])]
    for code, r in rows:
        print(
            f"{code:<8}{r['questions']:>4}{r['top1']:>7.3f}{r['top3']:>7.3f}"
            f"{r['answered_right']:>7.3f}{r['answered_wrong']:>7.3f}{r['offered']:>7.3f}"
            f"{r['asked_country']:>7.3f}{r['not_answered']:>7.3f}{r['ood']:>5}{r['ood_declined']:>7.3f}"
        )
    t = result["retrieval_ms"]
    print(f"retrieval: p50 {t['p50']} ms, p99 {t['p99']} ms (target <= {TARGET_RETRIEVAL_P99_MS})")
    if "rest" in result:
        rest = result["rest"]
        m = rest["turn_ms"]
        print(
            f"answer turn over REST: p50 {m['p50']} ms, p90 {m['p90']} ms, p99 {m['p99']} ms "
            f"(target <= {TARGET_TURN_P99_MS}, {rest['turns']} turns)"
        )
        print(
            f"end to end (NLU, rules, action; her country's button pressed when asked): "
            f"answered right {rest['answered_right']:.3f}, wrong {rest['answered_wrong']:.3f}, "
            f"offered choices {rest['offered']:.3f}, other {rest['other']:.3f}; "
            f"out-of-domain declined {rest['ood_declined']:.3f}"
        )
    overall = result["overall"]
    worst = min((r["top1"] for r in result["per_language"].values()), default=0.0)
    print(
        f"targets: top-1 {overall['top1']:.3f} (>= {TARGETS['top1']}), worst language "
        f"{worst:.3f} (>= {TARGETS['top1_per_language']}), out-of-domain declined "
        f"{overall['ood_declined']:.3f} (>= {TARGETS['ood_declined']})"
    )
    if show_misses:
        print(f"\nfirst {show_misses} misses:")
        for miss in result["misses"][:show_misses]:
            print(
                f"  [{miss['language']}] {miss['text'][:70]!r} -> {miss['got']} "
                f"(expected {miss['expected']}, {miss['kind']} {miss['score']})"
            )


if __name__ == "__main__":
    sys.exit(main())
