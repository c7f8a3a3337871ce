"""Latency, throughput, memory, training and start-up time of the whole stack over REST.

Run with `make bench-latency`. Times a full training, starts the real action server and
Rasa server (embedded defaults: SQLite tracker store, in-process lock store) on free
loopback ports, and measures the time from start to the first answer. Then 200 simulated
women, in all ten languages, each hold a six-message conversation (greet, two questions,
help, thanks, goodbye), 20 of them writing at once:
  0. one at a time: 50 of them in turn, nobody waiting for anybody -> the cost of a turn;
  1. paced: each pauses ~0.5 s between messages (about 35 messages/s in all) -> per-turn
     p50/p95/p99 below saturation (including waits behind other users' turns);
  2. saturated: no pauses -> messages/s (and the percentiles, which then include queueing);
and reads each process's peak resident memory. Messages come from the training data, so
every turn is understood without the fallback: turns without a custom action.
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

from bench.common import percentile
from bench.data import training
from tests.auxil.stack import ROOT, VENV_BIN, start_stack


def memory_mb(pid: int) -> dict[str, float]:
    """Peak resident memory (VmHWM), and how much of the current resident memory is the
    process's own (RssAnon) versus pages of shared library files (RssFile), which the
    kernel counts differently depending on the page cache: the same install measured
    ~150 MB more file pages right after a fresh `pip install`."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmHWM", "RssAnon", "RssFile"):
            fields[name] = round(int(value.split()[0]) / 1024, 1)
    return {
        "peak_rss": fields["VmHWM"],
        "own": fields["RssAnon"],
        "shared_files": fields["RssFile"],
    }


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


# A conversation: what one simulated woman writes, in her language, one message per turn.
SCRIPT = ("greet", "ask_question", "help", "ask_question", "thank", "goodbye")


def conversations(count: int, seed: int) -> list[tuple[str, list[str]]]:
    rng = random.Random(seed)
    pools: dict[tuple[str, str], list[str]] = {}
    for e in training():
        pools.setdefault((e.language, e.intent), []).append(e.text)
    languages = sorted({language for language, _ in pools})
    out = []
    for i in range(count):
        language = languages[i % len(languages)]
        out.append((language, [rng.choice(pools[(language, intent)]) for intent in SCRIPT]))
    return out


async def worker(
    session: aiohttp.ClientSession,
    url: str,
    queue: asyncio.Queue,
    pause: float,
    latencies: list[float],
    failures: list[str],
    prefix: str,
) -> None:
    if pause:
        # Independent people don't all press "send" in the same millisecond: start each
        # simulated user at a random moment within one pause, as real arrivals would.
        await asyncio.sleep(random.uniform(0, pause))
    while not queue.empty():
        index, (_, messages) = queue.get_nowait()
        for text in messages:
            started = time.perf_counter()
            try:
                body = {"sender": f"{prefix}-{index}", "message": text}
                async with session.post(url, json=body) as response:
                    replies = await response.json()
                    if response.status != 200 or not replies:
                        failures.append(f"{response.status}: {text}")
            except aiohttp.ClientError as exc:
                failures.append(f"{type(exc).__name__}: {text}")
                continue
            latencies.append((time.perf_counter() - started) * 1000)
            if pause:
                await asyncio.sleep(pause * random.uniform(0.5, 1.5))


async def load(url: str, users: int, concurrency: int, pause: float, seed: int) -> dict:
    queue: asyncio.Queue = asyncio.Queue()
    for item in enumerate(conversations(users, seed)):
        queue.put_nowait(item)
    latencies: list[float] = []
    failures: list[str] = []
    timeout = aiohttp.ClientTimeout(total=60)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        started = time.perf_counter()
        await asyncio.gather(
            *[
                worker(
                    session,
                    f"{url}/webhooks/rest/webhook",
                    queue,
                    pause,
                    latencies,
                    failures,
                    f"bench{seed}",
                )
                for _ in range(concurrency)
            ]
        )
        elapsed = time.perf_counter() - started
    return {
        "simulated_users": users,
        "concurrent_users": concurrency,
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
    parser.add_argument("--users", type=int, default=200, help="simulated women, 6 messages each")
    parser.add_argument("--concurrency", type=int, default=20, help="users writing at once")
    parser.add_argument("--pause", type=float, default=0.5, help="paced phase: mean pause (s)")
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
            asyncio.run(load(stack.url, 20, 10, 0.0, seed=0))  # warm-up
            result["one_at_a_time"] = asyncio.run(load(stack.url, 50, 1, 0.0, seed=3))
            print(f"one at a time: {result['one_at_a_time']}")
            result["paced"] = asyncio.run(
                load(stack.url, args.users, args.concurrency, args.pause, seed=1)
            )
            print(f"paced:     {result['paced']}")
            result["saturated"] = asyncio.run(
                load(stack.url, args.users, args.concurrency, 0.0, seed=2)
            )
            print(f"saturated: {result['saturated']}")
            result["memory_mb"] = {
                name: memory_mb(process.pid) for name, process in stack.processes.items()
            }
            print(f"memory (MB): {result['memory_mb']}")
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
