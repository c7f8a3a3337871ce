"""Reading Rasa NLU YAML files into (text, intent, language) rows."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Iterator, NamedTuple

import yaml

ROOT = Path(__file__).resolve().parent.parent
HELDOUT_DIR = ROOT / "bench" / "nlu_heldout"
TRAINING_DIR = ROOT / "nlu_data" / "nlu"


class Example(NamedTuple):
    text: str
    intent: str
    language: str


def read_examples(path: Path, language: str) -> Iterator[Example]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    for block in data.get("nlu", []):
        intent = block.get("intent")
        for line in str(block.get("examples", "")).splitlines():
            line = line.strip()
            if intent and line.startswith("- "):
                yield Example(line[2:].strip(), intent, language)


@functools.lru_cache(maxsize=1)
def heldout() -> tuple[Example, ...]:
    return tuple(e for p in sorted(HELDOUT_DIR.glob("*.yml")) for e in read_examples(p, p.stem))


@functools.lru_cache(maxsize=1)
def training() -> tuple[Example, ...]:
    return tuple(
        e
        for folder in sorted(TRAINING_DIR.iterdir())
        if folder.is_dir()
        for p in sorted(folder.glob("*.yml"))
        for e in read_examples(p, folder.name)
    )
