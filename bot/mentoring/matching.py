"""Which mentor fits her best: hard constraints, then a score with its reasons.

Hard constraints: the mentor is active, shares a language with her, has room for another
mentee, and has not already declined (or been offered) this request. Then points for what
matters to her, each a reason the mentor is shown:

    knows her country                      30
    knows the topic of her question        25
    knows a topic from her survey          10 each (at most 3)
    knows her sector                       15
    the kind of mentor she asked for       20 (volunteer or business angel)
    speaks the language she writes in      10 (not just another shared one)
    available now (weekly hours, own zone) 15
    load                                   minus 10 x the share of capacity in use

Equal scores rotate fairly: the mentor offered a mentee least recently comes first, then the
oldest reference. Deterministic for the same input (the clock and the offer times are given).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Iterable, Mapping
from zoneinfo import ZoneInfo

import numpy as np

from bot.mentoring.mentors import Mentor, MentorStore

WEIGHTS = {
    "country": 30,
    "question_topic": 25,
    "survey_topic": 10,
    "sector": 15,
    "mentor_type": 20,
    "her_language": 10,
    "available_now": 15,
    "load": -10,
}
MAX_SURVEY_TOPICS = 3
NEVER = dt.datetime.min.replace(tzinfo=dt.timezone.utc)


@dataclass(frozen=True)
class Need:
    """What she needs: from her conversation and her latest survey answers."""

    language: str
    languages: tuple[str, ...] = ()  # other languages she speaks (survey)
    country: str | None = None
    question_topic: str | None = None
    survey_topics: tuple[str, ...] = ()
    sector: str | None = None
    mentor_type: str | None = None  # "volunteer", "business_angel", or None/"any"

    @classmethod
    def from_survey(
        cls,
        language: str,
        answers: Mapping[str, object] | None,
        question_topic: str | None = None,
        country: str | None = None,
    ) -> Need:
        answers = answers or {}
        spoken = tuple(str(x) for x in answers.get("languages") or () if x != "other")
        wanted = answers.get("mentor_type")
        return cls(
            language=language,
            languages=spoken,
            country=country or (str(answers["country"]) if answers.get("country") else None),
            question_topic=question_topic,
            survey_topics=tuple(str(t) for t in answers.get("topics") or ()),
            sector=str(answers["sector"]) if answers.get("sector") else None,
            mentor_type=str(wanted) if wanted in ("volunteer", "business_angel") else None,
        )

    @property
    def all_languages(self) -> frozenset[str]:
        return frozenset((self.language, *self.languages))


@dataclass(frozen=True)
class Reason:
    code: str  # a key of WEIGHTS
    value: str  # what matched: a country, a topic, a language...
    points: float


@dataclass(frozen=True)
class Match:
    mentor: Mentor
    score: float
    reasons: tuple[Reason, ...] = field(default=())

    def top_reasons(self, count: int = 3) -> tuple[Reason, ...]:
        positive = [r for r in self.reasons if r.points > 0]
        return tuple(sorted(positive, key=lambda r: -r.points)[:count])


@dataclass
class _Prepared:
    """A mentor's lists as sets, made once per directory version (not per match)."""

    mentor: Mentor
    languages: frozenset[str]
    countries: frozenset[str]
    topics: frozenset[str]
    sectors: frozenset[str]


class Prepared:
    """The mentors as arrays (bit masks of languages, countries, topics and sectors; type,
    capacity, weekly hours), made once per directory version: a match then scores all of
    them at once with numpy, and builds the reasons only for the mentors it returns."""

    def __init__(self, mentors: Iterable[Mentor]) -> None:
        self.items = [
            _Prepared(
                m,
                frozenset(m.languages),
                frozenset(m.countries),
                frozenset(m.topics),
                frozenset(m.sectors),
            )
            for m in mentors
        ]
        found = [item.mentor for item in self.items]
        self.index = {m.ref: number for number, m in enumerate(found)}
        self.bits = {
            name: {
                value: 1 << n
                for n, value in enumerate(sorted({v for m in found for v in getattr(m, name)}))
            }
            for name in ("languages", "countries", "topics", "sectors")
        }

        def masks(name: str) -> np.ndarray:
            bits = self.bits[name]
            return np.array(
                [sum(bits[v] for v in set(getattr(m, name))) for m in found], dtype=np.int64
            )

        self.languages = masks("languages")
        self.countries = masks("countries")
        self.topics = masks("topics")
        self.sectors = masks("sectors")
        self.business_angel = np.array([m.mentor_type == "business_angel" for m in found], bool)
        self.capacity = np.array([m.capacity for m in found], dtype=np.float64)
        self.active = np.array([m.active for m in found], dtype=bool)
        self.any_time = np.array([not m.availability for m in found], dtype=bool)
        self.order = np.argsort(np.array([m.ref for m in found], dtype=object)).argsort()
        slots = [(n, m.timezone, s) for n, m in enumerate(found) for s in m.availability]
        self.zones = sorted({zone for _, zone, _ in slots})
        self.slot_mentor = np.array([n for n, _, _ in slots], dtype=np.int64)
        self.slot_zone = np.array([self.zones.index(z) for _, z, _ in slots], dtype=np.int64)
        self.slot_day = np.array([s.day for _, _, s in slots], dtype=np.int64)
        self.slot_start = np.array([s.start.hour * 60 + s.start.minute for *_, s in slots])
        self.slot_end = np.array([s.end.hour * 60 + s.end.minute for *_, s in slots])

    def __len__(self) -> int:
        return len(self.items)

    def mask(self, name: str, values: Iterable[str | None]) -> int:
        return sum(self.bits[name].get(v, 0) for v in set(values) if v)

    def available(self, now: dt.datetime) -> np.ndarray:
        """Who is within their weekly hours now, in their own time zone."""
        found = self.any_time.copy()
        if len(self.slot_mentor):
            local = [now.astimezone(ZoneInfo(zone)) for zone in self.zones]
            day = np.array([moment.weekday() for moment in local])[self.slot_zone]
            minute = np.array([moment.hour * 60 + moment.minute for moment in local])[
                self.slot_zone
            ]
            inside = (self.slot_day == day) & (self.slot_start <= minute) & (minute < self.slot_end)
            found[self.slot_mentor[inside]] = True
        return found


def prepare(mentors: Iterable[Mentor]) -> Prepared:
    return Prepared(mentors)


def _reasons(item: _Prepared, need: Need, current: int, now: dt.datetime) -> list[tuple]:
    """(code, value, points) for one mentor who passed the hard constraints."""
    mentor = item.mentor
    reasons: list[tuple] = []
    if need.language in item.languages:
        reasons.append(("her_language", need.language, WEIGHTS["her_language"]))
    if need.country and need.country in item.countries:
        reasons.append(("country", need.country, WEIGHTS["country"]))
    if need.question_topic and need.question_topic in item.topics:
        reasons.append(("question_topic", need.question_topic, WEIGHTS["question_topic"]))
    for topic in need.survey_topics[:MAX_SURVEY_TOPICS]:
        if topic != need.question_topic and topic in item.topics:
            reasons.append(("survey_topic", topic, WEIGHTS["survey_topic"]))
    if need.sector and need.sector in item.sectors:
        reasons.append(("sector", need.sector, WEIGHTS["sector"]))
    if need.mentor_type and need.mentor_type == mentor.mentor_type:
        reasons.append(("mentor_type", mentor.mentor_type, WEIGHTS["mentor_type"]))
    if mentor.available_at(now):
        reasons.append(("available_now", "", WEIGHTS["available_now"]))
    if current:
        share = current / mentor.capacity
        reasons.append(("load", f"{current}/{mentor.capacity}", WEIGHTS["load"] * share))
    return reasons


def rank(
    need: Need,
    mentors: Prepared | Iterable[Mentor],
    *,
    load: Mapping[str, int] | None = None,
    last_offered: Mapping[str, dt.datetime] | None = None,
    exclude: Iterable[str] = (),
    now: dt.datetime,
    limit: int | None = None,
) -> list[Match]:
    """Mentors who may take her, best first, each with the reasons for its score."""
    directory = mentors if isinstance(mentors, Prepared) else Prepared(mentors)
    if not len(directory):
        return []
    load = load or {}
    current = np.zeros(len(directory))
    for ref, count in load.items():
        if ref in directory.index:
            current[directory.index[ref]] = count
    allowed = (
        directory.active
        & (current < directory.capacity)
        & ((directory.languages & directory.mask("languages", need.all_languages)) != 0)
    )
    for ref in exclude:
        if ref in directory.index:
            allowed[directory.index[ref]] = False
    candidates = np.flatnonzero(allowed)
    if not len(candidates):
        return []
    # the points _reasons() gives, for every candidate at once (a test checks they agree)
    points = np.zeros(len(directory))
    points += WEIGHTS["her_language"] * (
        (directory.languages & directory.mask("languages", [need.language])) != 0
    )
    points += WEIGHTS["country"] * (
        (directory.countries & directory.mask("countries", [need.country])) != 0
    )
    points += WEIGHTS["question_topic"] * (
        (directory.topics & directory.mask("topics", [need.question_topic])) != 0
    )
    for topic in need.survey_topics[:MAX_SURVEY_TOPICS]:
        if topic != need.question_topic:
            bit = directory.mask("topics", [topic])
            points += WEIGHTS["survey_topic"] * ((directory.topics & bit) != 0)
    points += WEIGHTS["sector"] * (
        (directory.sectors & directory.mask("sectors", [need.sector])) != 0
    )
    if need.mentor_type:
        wanted = need.mentor_type == "business_angel"
        points += WEIGHTS["mentor_type"] * (directory.business_angel == wanted)
    points += WEIGHTS["available_now"] * directory.available(now)
    points += WEIGHTS["load"] * current / directory.capacity
    score = np.round(points[candidates], 3)
    offered = np.array(
        [
            last_offered[directory.items[n].mentor.ref].timestamp()
            if directory.items[n].mentor.ref in last_offered
            else -np.inf
            for n in candidates
        ]
        if last_offered
        else np.full(len(candidates), -np.inf)
    )
    # best score first; equal scores: offered a mentee least recently, then the oldest reference
    ordered = candidates[np.lexsort((directory.order[candidates], offered, -score))]
    chosen = ordered[:limit] if limit else ordered
    matches = []
    for n in chosen:
        item = directory.items[int(n)]
        reasons = _reasons(item, need, int(current[n]), now)
        matches.append(
            Match(item.mentor, round(float(points[n]), 3), tuple(Reason(*r) for r in reasons))
        )
    return matches


class Directory:
    """The active mentors, prepared for matching, reloaded only when the mentors table has
    changed (a cheap count-and-latest-change query per match): every replica sees an added
    or disabled mentor at its next match."""

    def __init__(self, store: MentorStore) -> None:
        self.store = store
        self._version: object = None
        self._prepared = Prepared([])

    def mentors(self) -> Prepared:
        version = self.store.version()
        if version != self._version:
            self._prepared = prepare(self.store.all(active_only=True))
            self._version = version
        return self._prepared
