"""Latency, throughput, memory, training and start-up time of the whole stack over REST.

Run with `make bench-latency`. Starts the real action server and Rasa server (embedded
defaults: SQLite tracker store, in-process lock store) on free loopback ports, then:
  1. paced load: >= 20 simulated users in all ten languages, each writing about once every
     0.4 s (~50 messages/s in all) -> per-turn p50/p95/p99;
  2. saturation: the same users with no pause -> messages/s and per-turn percentiles;
and reads each process's peak resident memory. Messages come from the training data, so
every turn is understood without the fallback (a turn without a custom action).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

import aiohttp

from bench.data import training
from tests.auxil.stack import ROOT, VENV_BIN, start_stack


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, int(round(q / 100 * (len(ordered) - 1)))))
    return ordered[index]


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def time_training(out_dir: Path) -> float:
    started = time.perf_counter()
    subprocess.run(
        [
            str(VENV_BIN / "rasa"),
            "train",
            "--data",
            "nlu_data",
            "--domain",
            "domain.yml",
            "--config",
            "config.yml",
            "--out",
            str(out_dir),
            "--fixed-model-name",
            "bench",
            "--force",
        ],
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


async def user(
    session: aiohttp.ClientSession,
    url: str,
    name: str,
    messages: list[str],
    pause: float,
    latencies: list[float],
    failures: list[str],
) -> None:
    for text in messages:
        started = time.perf_counter()
        try:
            async with session.post(url, json={"sender": name, "message": text}) as response:
                body = await response.json()
                if response.status != 200 or not body:
                    failures.append(f"{response.status}: {text}")
        except aiohttp.ClientError as exc:
            failures.append(f"{type(exc).__name__}: {text}")
            continue
        latencies.append((time.perf_counter() - started) * 1000)
        if pause:
            await asyncio.sleep(pause * random.uniform(0.5, 1.5))


async def load(url: str, users: int, per_user: int, pause: float, seed: int) -> dict:
    rng = random.Random(seed)
    examples = training()
    by_language: dict[str, list[str]] = {}
    for e in examples:
        if e.intent not in ("restart", "goodbye"):  # keep conversations going
            by_language.setdefault(e.language, []).append(e.text)
    languages = sorted(by_language)
    latencies: list[float] = []
    failures: list[str] = []
    timeout = aiohttp.ClientTimeout(total=60)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        started = time.perf_counter()
        await asyncio.gather(
            *[
                user(
                    session,
                    f"{url}/webhooks/rest/webhook",
                    f"bench-{seed}-{i}",
                    rng.sample(by_language[languages[i % len(languages)]], per_user),
                    pause,
                    latencies,
                    failures,
                )
                for i in range(users)
            ]
        )
        elapsed = time.perf_counter() - started
    return {
        "users": users,
        "messages": len(latencies),
        "failures": len(failures),
        "seconds": round(elapsed, 2),
        "messages_per_second": round(len(latencies) / elapsed, 1),
        "p50_ms": round(statistics.median(latencies), 2),
        "p95_ms": round(percentile(latencies, 95), 2),
        "p99_ms": round(percentile(latencies, 99), 2),
        "max_ms": round(max(latencies), 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--messages-per-user", type=int, default=60)
    parser.add_argument("--skip-training", action="store_true", help="don't time a full training")
    parser.add_argument("--out", default="bench/results/latency.json")
    args = parser.parse_args()

    result: dict = {}
    work = Path(tempfile.mkdtemp(prefix="imentor-bench-"))
    try:
        if not args.skip_training:
            result["training_seconds"] = round(time_training(work / "models"), 1)
            print(f"full training: {result['training_seconds']} s")
        stack = start_stack(work)
        try:
            first = time.monotonic()
            stack.say("bench-first", "hello")
            result["start_to_first_answer_seconds"] = round(
                stack.ready_after + (time.monotonic() - first), 2
            )
            print(f"start to first answer: {result['start_to_first_answer_seconds']} s")
            asyncio.run(load(stack.url, 10, 5, 0.0, seed=0))  # warm-up
            result["paced"] = asyncio.run(
                load(stack.url, args.users, args.messages_per_user, 0.4, seed=1)
            )
            print(f"paced:     {result['paced']}")
            result["saturated"] = asyncio.run(
                load(stack.url, args.users, args.messages_per_user, 0.0, seed=2)
            )
            print(f"saturated: {result['saturated']}")
            result["peak_rss_mb"] = {
                name: round(peak_rss_mb(process.pid), 1)
                for name, process in stack.processes.items()
            }
            print(f"peak RSS (MB): {result['peak_rss_mb']}")
        finally:
            stack.stop()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2), encoding="utf-8")
    print(f"written to {out}")


if __name__ == "__main__":
    main()
