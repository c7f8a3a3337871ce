"""Finding the article that answers a question, and deciding whether to answer at all.

The index is built from the article files when the assistant starts and again whenever they
change, so an editor's change reaches users without retraining anything. One index per
language: each article's questions and title (matched one by one, the best counts) and its
whole text (matched as one document). Place names are left out of the matching: the country
is decided separately, so "VAT in Poland" finds the VAT articles and then Poland's.

What to do with the scores is `decide`: answer when the best article is clearly ahead, offer
the two or three close ones as buttons, ask "which country?" when the answer differs by
country and none is known, and otherwise say honestly that there is no good answer. The
thresholds were set on the articles' own questions (5-fold, `python -m bench.kb_calibrate`),
the NLU's out-of-scope examples and the separate tuning set bench/kb_tune/, never on the
benchmark questions (bench/kb_dev/); `make bench-kb` measures them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Mapping, Sequence

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from bot import DEFAULT_LANGUAGE, SUPPORTED_LANGUAGES
from bot.knowledge.articles import ALL_COUNTRIES, Article
from bot.knowledge.places import places
from bot.knowledge.text import content_words, stem, stop_words, word_features

QUESTION_WEIGHT = 0.1  # best single question/title match; the rest is the whole-article match
COUNTRY_BONUS = 0.05  # added to country-specific articles when her message names a country


@dataclass(frozen=True)
class Thresholds:
    """Score levels for the decisions (scores are TF-IDF cosines, mostly 0.05-0.6)."""

    answer: float = 0.20  # the best group needs this much to be answered outright ...
    margin: float = 0.03  # ... and this lead over the next group
    offer: float = 0.17  # below this: no article is offered at all
    window: float = 0.06  # groups this close to the best are offered together
    declined: float = 0.12  # below this nothing business-like was asked: decline politely
    out_of_scope_answer: float = 0.30  # when the NLU says "out of scope", be this sure


THRESHOLDS = Thresholds()


@dataclass(frozen=True)
class Hit:
    article: Article
    score: float


@dataclass
class Decision:
    """What the assistant will do with a question."""

    kind: str  # answer | choose | ask_country | unsure | decline
    language: str  # the language the search ran in
    article: Article | None = None  # answer
    options: list[Article] = field(default_factory=list)  # choose
    group: str | None = None  # ask_country: the group waiting for a country
    country: str | None = None  # the country the answer is for, when it is country-specific
    # where the country came from: named (in her words), remembered (earlier in the
    # conversation or her intake), implied (a term only one country has) or chosen (a button)
    country_source: str | None = None
    score: float = 0.0
    hits: list[Hit] = field(default_factory=list)
    query: str = ""


def topic_words(text: str, language: str) -> list[str]:
    """Her meaningful words without the places: what the question is about."""
    book = places()
    return [w for w in content_words(text, language) if not book.is_place_word(w)]


def _analyzer(language: str):
    def analyse(text: str) -> list[str]:
        kept = topic_words(text, language)
        return word_features(kept) if kept else []

    return analyse


class LanguageIndex:
    """Every article's text in one language (English where a translation is missing)."""

    def __init__(self, language: str, articles: Sequence[Article]) -> None:
        self.language = language
        self.articles = list(articles)
        entries: list[str] = []
        owners: list[int] = []
        documents: list[str] = []
        for position, article in enumerate(self.articles):
            text = article.translations.get(language)
            if text is None:
                text = article.translations.get(DEFAULT_LANGUAGE)
            if text is None:
                text = next(iter(article.translations.values()))
            for entry in (text.title, *text.questions):
                entries.append(entry)
                owners.append(position)
            documents.append(" ".join((text.title, *text.questions, text.answer, text.more)))
        self.vectorizer = TfidfVectorizer(
            analyzer=_analyzer(language), sublinear_tf=True, dtype=np.float32
        )
        matrix = self.vectorizer.fit_transform(entries + documents).tocsr()
        self.entries = matrix[: len(entries)]
        self.documents = matrix[len(entries) :]
        self.owners = np.asarray(owners, dtype=np.int64)
        # entries are grouped by article, so the best entry per article is a reduceat
        self.starts = np.flatnonzero(np.r_[True, self.owners[1:] != self.owners[:-1]])

    def scores(self, text: str) -> np.ndarray:
        query = self.vectorizer.transform([text])
        if query.nnz == 0:
            return np.zeros(len(self.articles), dtype=np.float32)
        per_entry = (self.entries @ query.T).toarray().ravel()
        best = np.maximum.reduceat(per_entry, self.starts)
        whole = (self.documents @ query.T).toarray().ravel()
        return QUESTION_WEIGHT * best + (1 - QUESTION_WEIGHT) * whole


class KnowledgeIndex:
    """Search over all articles in every language."""

    def __init__(self, articles: Iterable[Article], languages: Sequence[str] = SUPPORTED_LANGUAGES):
        self.articles = sorted(articles, key=lambda a: a.id)
        self.by_id = {a.id: a for a in self.articles}
        self.groups: dict[str, list[Article]] = {}
        for article in self.articles:
            self.groups.setdefault(article.group, []).append(article)
        self.indexes = {code: LanguageIndex(code, self.articles) for code in languages}
        self.local_terms = _local_terms(self.groups)

    def search(
        self,
        text: str,
        languages: Sequence[str],
        audience: str | None = None,
        level: str | None = None,
    ) -> list[Hit]:
        """Articles by score, best first, searching each given language and keeping the best."""
        best: np.ndarray | None = None
        for code in dict.fromkeys(languages):
            index = self.indexes.get(code)
            if index is None:
                continue
            scores = index.scores(text)
            best = scores if best is None else np.maximum(best, scores)
        if best is None or not self.articles:
            return []
        adjusted = best.astype(np.float64)
        named = bool(places().countries_in(text))
        for position, article in enumerate(self.articles):
            if named and ALL_COUNTRIES not in article.countries:
                adjusted[position] += COUNTRY_BONUS
            if audience and article.audience not in ("both", audience):
                adjusted[position] *= 0.9
            if level and article.level == level:
                adjusted[position] += 0.01
        order = np.argsort(-adjusted, kind="stable")
        return [Hit(self.articles[i], float(adjusted[i])) for i in order]

    def variant(self, group: str, country: str | None) -> Article | None:
        """The group's article for the country (or its country-independent one)."""
        members = self.groups.get(group, [])
        for article in members:
            if ALL_COUNTRIES in article.countries:
                return article
        for article in members:
            if country and country in article.countries:
                return article
        return None

    def country_specific(self, group: str) -> bool:
        return all(ALL_COUNTRIES not in a.countries for a in self.groups.get(group, []))

    def decide(
        self,
        text: str,
        language: str,
        *,
        also_languages: Sequence[str] = (),
        country: str | None = None,
        previous_article: str | None = None,
        audience: str | None = None,
        level: str | None = None,
        out_of_scope: bool = False,
        thresholds: Thresholds = THRESHOLDS,
        hits: list[Hit] | None = None,
    ) -> Decision:
        """Answer, offer, ask for the country, or admit there is no good answer.

        `hits` are the search results when the caller already has them (calibration)."""
        named = places().countries_in(text)
        named_country = named[0] if len(named) == 1 else None
        if hits is None:
            hits = self.search(text, [language, *also_languages], audience, level)
        decision = Decision(kind="unsure", language=language, hits=hits[:10], query=text)
        groups = _group_scores(hits)
        top_group, top = groups[0] if groups else (None, 0.0)
        second = groups[1][1] if len(groups) > 1 else 0.0
        decision.score = top

        previous = self.by_id.get(previous_article or "")
        if (
            previous is not None
            and named_country
            and top < thresholds.answer
            and is_bare_place(text, language)
        ):
            # "and in Finland?" — the same question for another country
            return self.answer_group(decision, previous.group, named_country, "named")

        needed = thresholds.out_of_scope_answer if out_of_scope else thresholds.answer
        offer = needed - thresholds.window if out_of_scope else thresholds.offer
        if top_group is not None and top >= needed and top - second >= thresholds.margin:
            source = "named" if named_country else ("remembered" if country else None)
            return self.answer_group(decision, top_group, named_country or country, source)
        if top_group is not None and top >= offer:
            close = [g for g, s in groups[:3] if s >= max(offer, top - thresholds.window)]
            options = [self._option(g, named_country or country, hits) for g in close]
            decision.country = named_country or country
            decision.kind = "choose"
            decision.options = [o for o in options if o is not None]
            if decision.options:
                return decision
        decision.kind = "decline" if top < thresholds.declined or out_of_scope else "unsure"
        return decision

    def answer_group(
        self,
        decision: Decision,
        group: str,
        country: str | None,
        source: str | None,
    ) -> Decision:
        """Answer the group: its one article, or the variant for the country."""
        decision.group = group
        if not self.country_specific(group):
            decision.kind = "answer"
            decision.article = self.variant(group, None)
            return decision
        if country is None and decision.query:
            country = self.implied_country(group, decision.query, decision.language)
            source = "implied" if country else None
        if country is None:
            decision.kind = "ask_country"
            return decision
        article = self.variant(group, country)
        decision.country = country
        decision.country_source = source
        if article is None:
            decision.kind = "unsure"
            return decision
        decision.kind = "answer"
        decision.article = article
        return decision

    def implied_country(self, group: str, text: str, language: str) -> str | None:
        """The country whose local term the question uses ("ZUS", "KOSGEB"), if only one."""
        stems = {stem(w) for w in content_words(text, language)}
        hit = [c for c, terms in self.local_terms.get(group, {}).items() if stems & terms]
        return hit[0] if len(hit) == 1 else None

    def _option(self, group: str, country: str | None, hits: list[Hit]) -> Article | None:
        if not self.country_specific(group):
            return self.variant(group, None)
        if country:
            return self.variant(group, country)
        return next((h.article for h in hits if h.article.group == group), None)


def _stems_by_translation(article: Article) -> dict[str, int]:
    """How many of the article's translations use each word stem."""
    counts: dict[str, int] = {}
    for code, text in article.translations.items():
        body = " ".join((text.title, *text.questions, text.answer, text.more))
        for word in {stem(w) for w in content_words(body, code) if len(w) >= 3}:
            counts[word] = counts.get(word, 0) + 1
    return counts


def _local_terms(groups: Mapping[str, list[Article]]) -> dict[str, dict[str, set[str]]]:
    """Per group of country variants, each country's local terms: words its articles keep in
    most translations ("toiminimi", "ZUS", "Bağ-Kur", "RETA") and that no article about
    another country uses in any language."""
    counts = {a.id: _stems_by_translation(a) for members in groups.values() for a in members}
    common_words = set().union(*(stop_words(code) for code in SUPPORTED_LANGUAGES))
    owners: dict[str, set[str]] = {}
    for members in groups.values():
        for article in members:
            if ALL_COUNTRIES in article.countries:
                continue  # general articles name local terms as examples ("such as ZUS")
            for word in counts[article.id]:
                owners.setdefault(word, set()).update(article.countries)
    out: dict[str, dict[str, set[str]]] = {}
    for group, members in groups.items():
        if len(members) < 2 or any(ALL_COUNTRIES in a.countries for a in members):
            continue
        terms: dict[str, set[str]] = {}
        for article in members:
            if len(article.countries) != 1:
                continue
            needed = max(2, (len(article.translations) * 7 + 9) // 10)
            mine = {
                w
                for w, n in counts[article.id].items()
                if n >= needed and owners[w] == set(article.countries) and w not in common_words
            }
            if mine:
                terms[article.countries[0]] = mine
        out[group] = terms
    return out


def _group_scores(hits: list[Hit]) -> list[tuple[str, float]]:
    seen: dict[str, float] = {}
    for hit in hits:
        if hit.article.group not in seen:
            seen[hit.article.group] = hit.score
    return sorted(seen.items(), key=lambda item: -item[1])


def is_bare_place(text: str, language: str) -> bool:
    """A short message naming a place, with no topic of its own ("and in Spain?", "Madrid")."""
    return len(topic_words(text, language)) <= 2
