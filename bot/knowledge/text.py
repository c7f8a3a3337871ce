"""Text normalisation for knowledge search: folding, stop words, stems and character n-grams.

Users type on phones, often in a language they are still learning: no accents ("sirket" for
"şirket"), typos, and in Finnish, Turkish, Slovak, Polish, Russian and Ukrainian, the words
inflect ("yrittäjäksi", "şirketimi", "w Polsce"). So the search compares
- word stems: the first letters of each folded word (a crude, language-neutral stemmer that
  works for suffixing languages), and
- character n-grams inside each word, which forgive typos and the inflections stems miss.
Stop words come from spaCy's language data (no model needed) plus the question words users
wrap around every question.
"""

from __future__ import annotations

import ast
import importlib.util
import re
import unicodedata
from functools import cache, lru_cache
from pathlib import Path

from bot import SUPPORTED_LANGUAGES

STEM_LENGTH = 6
MAX_WORD = 40  # longer "words" are cut: no real one is, and a 4,000-letter one must stay cheap
_WORD = re.compile(r"\w+", re.UNICODE)
_ARABIC_DIACRITICS = re.compile(r"[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_ARABIC_LETTERS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه"})
_SPECIAL = str.maketrans({"ı": "i", "ł": "l", "ø": "o", "ß": "ss", "đ": "d", "æ": "ae"})

# Words that wrap questions without telling what they are about, per language (folded).
_QUESTION_WORDS = {
    "en": "how what which when where who why do does did can could should would need must i my "
    "me is are there get please tell about want know",
    "fi": "miten kuinka mita mika mitka milloin missa kuka pitaako pitaa voinko voiko onko "
    "tarvitsenko tarvitseeko minun mina minulla haluan kerro",
    "sk": "ako co kde kedy kto preco musim mozem potrebujem chcem treba je su mam moj moja",
    "tr": "nasil ne nedir neler nerede nereden ne zaman kim neden mi mu mı mü miyim muyum gerekir "
    "gerekiyor lazim ben benim istiyorum var yok",
    "es": "como que cual cuales cuando donde quien por necesito tengo debo puedo quiero hay mi me",
    "pl": "jak co gdzie kiedy kto czy musze moge potrzebuje chce trzeba jest sa mam moj moja mnie",
    "pt": "como que qual quais quando onde quem porque preciso tenho devo posso quero ha meu minha",
    "ar": "كيف ما ماذا متى اين من هل لماذا يجب احتاج اريد يمكنني انا",
    "ru": "как что где когда кто почему нужно надо должна могу хочу мне я мой моя ли есть",
    "uk": "як що де коли хто чому потрібно треба маю можу хочу мені я мій моя чи є",
}


_COMBINING = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


def fold(text: str) -> str:
    """Lower case, without accents and Arabic vowel marks; Cyrillic й/ё fold to и/е."""
    if text.isascii():
        return text.lower()
    text = unicodedata.normalize("NFKC", text).casefold().translate(_SPECIAL)
    text = _ARABIC_DIACRITICS.sub("", text).translate(_ARABIC_LETTERS)
    return _COMBINING.sub("", unicodedata.normalize("NFKD", text))


_HYPHENATED = re.compile(r"\w+(?:-\w+)+", re.UNICODE)


def words(text: str) -> list[str]:
    """Folded words; a hyphenated one also as one word ("i-Mentor" → i, mentor, imentor)."""
    folded = fold(text)
    found = _WORD.findall(folded)
    if "-" in folded:
        found += [w.replace("-", "") for w in _HYPHENATED.findall(folded)]
    return found


def _spacy_stop_words(language: str) -> set[str]:
    """spaCy's list for the language, read from its data file: importing spaCy itself would
    pull in thinc and TensorFlow (seconds and hundreds of MB) for a set of words."""
    spec = importlib.util.find_spec("spacy")
    if spec is None or not spec.submodule_search_locations:
        return set()
    for folder in spec.submodule_search_locations:
        path = Path(folder) / "lang" / language / "stop_words.py"
        if path.is_file():
            # the lists are string literals split on white space: read them, run nothing
            tree = ast.parse(path.read_text(encoding="utf-8"))
            return {
                word
                for node in ast.walk(tree)
                if isinstance(node, ast.Constant) and isinstance(node.value, str)
                for word in node.value.split()
            }
    return set()


@cache
def stop_words(language: str) -> frozenset[str]:
    """spaCy's stop words for the language, folded, plus question words."""
    found: set[str] = set()
    if language in SUPPORTED_LANGUAGES:
        found = {fold(w) for w in _spacy_stop_words(language)}
    found |= set(_QUESTION_WORDS.get(language, "").split())
    return frozenset(found)


def content_words(text: str, language: str) -> list[str]:
    """The folded words that carry meaning; all of them when every word is a stop word."""
    folded = words(text)
    stops = stop_words(language)
    kept = [w for w in folded if w not in stops and not w.isdigit()]
    return kept or folded


def stem(word: str) -> str:
    """The word's first letters: up to six, and without its last two letters when shorter
    ("ceny", "cenu" → "cen"; "yrittäjäksi", "yrittäjän" → "yritta")."""
    return word[: min(STEM_LENGTH, max(3, len(word) - 2))]


@lru_cache(maxsize=200_000)
def _one_word(word: str) -> tuple[str, ...]:
    padded = f"<{word}>"
    grams = ["c:" + padded[i : i + n] for n in (3, 4, 5) for i in range(len(padded) - n + 1)]
    return ("w:" + stem(word), *grams)


def word_features(folded_words: list[str]) -> list[str]:
    """Stems ("w:") and in-word character 3-5-grams ("c:") of already folded words."""
    out: list[str] = []
    for word in folded_words:
        out.extend(_one_word(word[:MAX_WORD]))
    return out


def features(text: str, language: str) -> list[str]:
    """Stems and in-word character n-grams of the meaningful words of a text."""
    return word_features(content_words(text, language))
