"""Training and held-out data: complete for every language, labelled, and kept apart."""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path

import pytest
import yaml

from bench.data import heldout, training
from bot import SUPPORTED_LANGUAGES
from bot.textnorm import same_text_key

ROOT = Path(__file__).resolve().parents[2]
INTENTS = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))["intents"]
MIN_EXAMPLES = 20


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_every_intent_has_enough_examples_in_every_language(language: str) -> None:
    counts = Counter(e.intent for e in training() if e.language == language)
    thin = {intent: counts[intent] for intent in INTENTS if counts[intent] < MIN_EXAMPLES}
    assert not thin, f"{language}: fewer than {MIN_EXAMPLES} examples for {thin}"
    assert set(counts) <= set(INTENTS), set(counts) - set(INTENTS)


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_every_language_has_heldout_examples_for_every_intent(language: str) -> None:
    counts = Counter(e.intent for e in heldout() if e.language == language)
    assert all(counts[intent] >= 5 for intent in INTENTS), counts


def test_every_intent_block_says_its_language() -> None:
    for path in sorted((ROOT / "nlu_data" / "nlu").glob("*/*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for block in data["nlu"]:
            assert (block.get("metadata") or {}).get("language") == path.parent.name, (
                f"{path}: intent {block.get('intent')} lacks its language metadata"
            )


def test_no_heldout_example_is_trained_on() -> None:
    trained = {same_text_key(e.text) for e in training()}
    leaked = [e.text for e in heldout() if same_text_key(e.text) in trained]
    assert not leaked, leaked[:20]


def test_no_text_is_given_two_intents() -> None:
    intents: dict[str, set[str]] = defaultdict(set)
    for e in training():
        intents[same_text_key(e.text)].add(e.intent)
    clashes = {text: sorted(found) for text, found in intents.items() if len(found) > 1}
    assert not clashes, clashes
