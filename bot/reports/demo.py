"""Synthetic data for trying the reports: `imentor demo-data` fills a database with made-up
people (channel "demo", keys "demo-<n>"), their intake answers, questions and ratings, and
their requests for a mentor and mentoring relationships (made-up mentor refs "m-demo<n>"; no
mentor is added, so nobody real is ever offered a demo request).

Everything is drawn from one seeded random generator, relative to the start of the current UTC
day, so one seed gives the same rows all day. The questions use the real article ids. Nothing
here is about a real person: the unanswered questions are invented, with personal data already
masked as the assistant would store it ([phone], [email], [id], [account]).
"""

from __future__ import annotations

import datetime as dt
import json
import random
from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Sequence, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from bot import SUPPORTED_LANGUAGES
from bot.knowledge.articles import ALL_COUNTRIES, Article, article_files, read_article
from bot.reports.labels import knowledge_dir
from bot.storage.schema import (
    consents,
    feedback,
    handoffs,
    intake_answers,
    kb_questions,
    mentorships,
    people,
)

DEMO_CHANNEL = "demo"
KEY_PREFIX = "demo-"
DEFAULT_PEOPLE = 400
DEFAULT_SEED = 2026
DAYS = 120
NOTICE_VERSION = "demo-1"

T = TypeVar("T")


class RealDataError(RuntimeError):
    """The database holds rows that are not demo data: filling it would mix the two."""


@dataclass(frozen=True)
class DemoSummary:
    people: int
    intakes: int
    questions: int
    feedback: int
    removed: int  # demo people removed first (a previous run's)
    handoffs: int = 0


COUNTRIES = {"ES": 22, "TR": 20, "FI": 17, "PT": 16, "PL": 14, "SK": 11}
CITIES = {
    "FI": ("Helsinki", "Espoo", "Vantaa", "Tampere", "Turku", "Oulu"),
    "SK": ("Bratislava", "Košice", "Žilina", "Nitra"),
    "TR": ("İstanbul", "Ankara", "İzmir", "Gaziantep", "Bursa"),
    "ES": ("Madrid", "Barcelona", "Valencia", "Sevilla", "Málaga", "Bilbao"),
    "PL": ("Warszawa", "Kraków", "Wrocław", "Gdańsk", "Poznań"),
    "PT": ("Lisboa", "Porto", "Braga", "Faro", "Coimbra"),
}
LOCAL_LANGUAGE = {"FI": "fi", "SK": "sk", "TR": "tr", "ES": "es", "PL": "pl", "PT": "pt"}
# Mother tongues of the migrant communities the partners work with, per country.
MOTHER_TONGUES = {
    "FI": {"ru": 20, "ar": 16, "so": 12, "en": 12, "uk": 10, "fa": 8, "es": 4, "fr": 4, "other": 9},
    "SK": {"uk": 40, "ru": 18, "en": 12, "ar": 5, "es": 3, "tr": 3, "other": 12},
    "TR": {"ar": 40, "fa": 18, "ru": 12, "uk": 6, "en": 8, "so": 3, "fr": 3, "other": 8},
    "ES": {"es": 24, "ar": 22, "fr": 10, "en": 8, "uk": 8, "ru": 6, "pt": 6, "other": 14},
    "PL": {"uk": 50, "ru": 20, "en": 10, "ar": 3, "es": 2, "tr": 2, "other": 11},
    "PT": {"pt": 35, "en": 10, "uk": 10, "es": 8, "fr": 8, "ru": 6, "ar": 5, "other": 16},
}
ROLES = {"business_owner": 44, "planning": 40, "mentor": 8, "information": 8}
STAGES = {
    "business_owner": {"registering": 12, "running_new": 50, "running_long": 38},
    "planning": {"idea": 62, "registering": 38},
    "information": {"idea": 40, None: 60},  # not asked: only her topics follow from it
    "mentor": {None: 1},
}
SECTORS = {
    "food": 20,
    "beauty": 15,
    "care_health": 12,
    "retail": 12,
    "cleaning_home": 8,
    "crafts_fashion": 8,
    "education_translation": 6,
    "tourism_hospitality": 5,
    "it_digital": 5,
    "creative_media": 4,
    "transport": 2,
    "agriculture": 1,
    "construction": 1,
    "other": 3,
}
# What people need, by how far their business is (topic ids from knowledge_base/topics.yml).
TOPICS_BY_STAGE: dict[str | None, dict[str, int]] = {
    "idea": {
        "business_plan": 10,
        "finance": 8,
        "startup_support": 8,
        "self_employment": 6,
        "residence_rights": 5,
        "advice_services": 4,
        "language_culture": 3,
        "pricing": 2,
        "networks": 2,
        "mentoring": 2,
    },
    "registering": {
        "self_employment": 9,
        "taxes_vat": 9,
        "company_formation": 8,
        "social_security": 6,
        "permits_licences": 5,
        "banking_bookkeeping": 4,
        "startup_support": 4,
        "residence_rights": 3,
    },
    "running_new": {
        "marketing": 9,
        "banking_bookkeeping": 8,
        "taxes_vat": 7,
        "pricing": 5,
        "online_selling": 5,
        "social_security": 3,
        "finance": 3,
        "digital_tools": 3,
        "legal_basics": 3,
    },
    "running_long": {
        "marketing": 8,
        "online_selling": 7,
        "finance": 7,
        "digital_tools": 5,
        "work_life_balance": 5,
        "legal_basics": 4,
        "pricing": 3,
        "networks": 3,
    },
    None: {
        "advice_services": 5,
        "mentoring": 5,
        "residence_rights": 4,
        "self_employment": 4,
        "business_plan": 3,
    },
}
MENTOR_TOPICS = {"mentoring": 10, "networks": 4, "language_culture": 4}
SECTOR_TOPICS = {
    "food": {"permits_licences": 5},
    "beauty": {"permits_licences": 4},
    "care_health": {"permits_licences": 4},
    "retail": {"online_selling": 3},
    "crafts_fashion": {"online_selling": 4},
    "it_digital": {"digital_tools": 3, "marketing": 2},
    "creative_media": {"marketing": 3},
}
TOPIC_COUNT = {0: 5, 1: 15, 2: 30, 3: 50}
MENTOR_TYPES = {"volunteer": 35, "business_angel": 18, "any": 37, None: 10}
CHANNELS = {"this_chat": 42, "whatsapp": 36, "telegram": 14, None: 8}
QUESTIONS_PER_PERSON = {0: 10, 1: 20, 2: 22, 3: 18, 4: 12, 5: 8, 6: 5, 7: 3, 8: 2}
OUTCOMES = {"answered": 85, "offered": 9, "asked_country": 6}  # the assistant's own words
CONVERSATION_RATINGS = {5: 52, 4: 30, 3: 9, 2: 5, 1: 4}
SESSION_RATINGS = {5: 58, 4: 28, 3: 8, 2: 3, 1: 3}

# (language, outcome, words as stored, how often in a database of 400 people). Invented;
# personal data shown masked, the way bot.privacy.scrub stores it.
UNANSWERED: tuple[tuple[str, str, str, int], ...] = (
    ("en", "unsure", "can I get a business loan if my residence permit ends next year", 8),
    ("ar", "unsure", "هل يمكنني فتح مطعم صغير بدون إقامة دائمة؟", 7),
    ("uk", "unsure", "чи можу я відкрити ФОП, якщо маю тимчасовий захист?", 7),
    ("es", "unsure", "¿puedo cobrar el paro y darme de alta como autónoma a la vez?", 6),
    ("en", "unsure", "how much does an accountant cost per month", 6),
    ("ru", "unsure", "можно ли открыть салон красоты у себя дома?", 5),
    ("pt", "unsure", "posso abrir uma empresa com visto de estudante?", 5),
    ("tr", "unsure", "evden yemek satmak için izin gerekir mi?", 5),
    ("en", "unsure", "is there childcare help for mothers who start a business", 4),
    ("ar", "unsure", "أين أجد دورة محاسبة باللغة العربية؟", 4),
    ("uk", "unsure", "де знайти бухгалтера, який говорить українською?", 4),
    ("pl", "unsure", "czy mogę prowadzić działalność na karcie pobytu czasowego?", 4),
    ("es", "unsure", "¿cuánto cuesta alquilar un local pequeño en Valencia?", 3),
    ("en", "declined", "what is the weather tomorrow", 3),
    ("fi", "unsure", "voinko saada starttirahaa jos opiskelen vielä?", 3),
    ("en", "unsure", "my client has not paid my invoice for 3 months, what can I do", 3),
    ("ru", "unsure", "как получить кредит без кредитной истории в этой стране", 3),
    ("pt", "unsure", "como vender bolos caseiros de forma legal?", 3),
    ("tr", "unsure", "yabancılar için faizsiz kredi var mı?", 3),
    ("ar", "unsure", "هل يجوز أخذ قرض بدون فوائد لمشروعي؟", 2),
    ("en", "unsure", "please call me at [phone] about registering my salon", 2),
    ("es", "unsure", "mi NIE es [id], ¿me sirve para abrir una cuenta de empresa?", 2),
    ("sk", "unsure", "potrebujem živnosť na upratovanie domácností?", 2),
    ("en", "declined", "tell me a joke", 2),
    ("uk", "unsure", "чи потрібна ліцензія, щоб продавати торти вдома?", 2),
    ("pt", "unsure", "quanto tempo demora o reconhecimento do meu diploma de enfermagem?", 2),
    ("fi", "unsure", "miten haen anniskelulupaa kahvilaan?", 2),
    ("pl", "unsure", "ile kosztuje księgowa w Krakowie?", 2),
    ("ru", "declined", "какой курс доллара сегодня", 2),
    ("en", "unsure", "send the forms to [email] please", 1),
    ("en", "unsure", "can my husband work in my company without a work permit", 1),
    ("es", "unsure", "necesito un traductor jurado para el notario, ¿dónde lo busco?", 1),
    ("es", "declined", "¿quién ganó el partido ayer?", 1),
    ("ar", "declined", "ما هي وصفة الكبسة؟", 1),
    ("ru", "unsure", "мой номер [phone], перезвоните мне пожалуйста", 1),
    ("tr", "unsure", "kira sözleşmesini kim imzalamalı, ben mi eşim mi?", 1),
    ("tr", "declined", "bugün hava nasıl", 1),
    ("sk", "unsure", "koľko stojí súdny prekladateľ na úrad?", 1),
    ("en", "declined", "write my homework essay", 1),
    ("en", "unsure", "my IBAN is [account], can you check if the payment arrived", 1),
    ("pt", "unsure", "meu email é [email], mandem informações sobre microcrédito", 1),
)
MISSING_COMMENTS = (
    "I needed the rules for Portugal, not Spain",
    "nothing about permits for a home bakery",
    "too long, I did not understand some words",
    "No había nada sobre el paro y ser autónoma",
    "не было информации о налогах для ИП",
    "لم أجد معلومات عن الترخيص",
    "brak informacji o ZUS dla cudzoziemców",
    "I wanted an example with real numbers",
    "the official page did not open on my phone",
    "немає інформації про податки для ФОП",
)
CONVERSATION_COMMENTS = (
    "Very helpful, thank you",
    "Clear answers",
    "I would like it in Somali too",
    "Gracias, muy útil",
    "شكرا جزيلا",
    "Дякую!",
    "Faltou informação sobre o Porto",
    "Çok teşekkürler",
    "some answers were too long",
)
SESSION_COMMENTS = (
    "My mentor helped me with my price list",
    "We made a plan for the next three months",
    "La mentora me ayudó con el plan de negocio",
    "Bardzo pomocna sesja",
    "Helped me prepare for the meeting with the bank",
    "The session was too short",
    "Mentorum çok yardımcı oldu",
    "Ментор пояснила, як вести облік",
)


def _pick(rng: random.Random, weights: Mapping[T, int]) -> T:
    options = list(weights)
    return rng.choices(options, weights=[weights[o] for o in options])[0]


def _sample(rng: random.Random, weights: Mapping[str, int], k: int) -> list[str]:
    """Up to k different options, the heavier more likely (weighted, without replacement)."""
    pool = dict(weights)
    picked: list[str] = []
    while pool and len(picked) < k:
        choice = _pick(rng, pool)
        picked.append(choice)
        del pool[choice]
    return picked


def _merge(*weights: Mapping[str, int]) -> dict[str, int]:
    merged: dict[str, int] = {}
    for mapping in weights:
        for key, value in mapping.items():
            merged[key] = merged.get(key, 0) + value
    return merged


def _at(rng: random.Random, start: dt.datetime, end: dt.datetime) -> dt.datetime:
    """A moment between start and end, to the second."""
    seconds = max(0, int((end - start).total_seconds()))
    return start + dt.timedelta(seconds=rng.randint(0, seconds))


def load_articles() -> list[Article]:
    return sorted((read_article(p) for p in article_files(knowledge_dir())), key=lambda a: a.id)


@dataclass
class _Person:
    n: int
    key: str
    language: str
    country: str
    created_at: dt.datetime
    answers: dict[str, Any]
    consent: bool
    last_seen_at: dt.datetime


def _answers(rng: random.Random, country: str) -> dict[str, Any]:
    """One person's intake, asked as the assistant asks it: a would-be mentor is not asked
    about her business; someone looking for information is not asked about mentoring."""
    role = _pick(rng, ROLES)
    stage = _pick(rng, STAGES[role])
    sector = _pick(rng, SECTORS) if rng.random() > 0.06 else None
    topics: list[str] | None = None
    if role != "mentor":
        weights = _merge(TOPICS_BY_STAGE[stage], SECTOR_TOPICS.get(sector or "", {}))
        topics = _sample(rng, weights, _pick(rng, TOPIC_COUNT))
    spoken = [_pick(rng, MOTHER_TONGUES[country])]
    if rng.random() < 0.35:
        spoken.append(LOCAL_LANGUAGE[country])
    if rng.random() < 0.3:
        spoken.append("en")
    if rng.random() < 0.1:
        spoken.append(_pick(rng, MOTHER_TONGUES[country]))
    asked_business = role in ("business_owner", "planning")
    return {
        "role": role,
        "country": country,
        "city": rng.choice(CITIES[country]) if rng.random() < 0.8 else None,
        "stage": stage if asked_business else None,
        "sector": sector if asked_business else None,
        "topics": topics,
        "languages": list(dict.fromkeys(spoken)) if rng.random() > 0.05 else None,
        "mentor_type": _pick(rng, MENTOR_TYPES) if asked_business else None,
        "channel": _pick(rng, CHANNELS) if role != "information" else None,
    }


def _chat_language(rng: random.Random, spoken: Sequence[str]) -> str:
    for code in spoken:
        if code in SUPPORTED_LANGUAGES:
            return code
    return "en" if rng.random() < 0.8 else "ar"


def _partial(rng: random.Random, answers: Mapping[str, Any]) -> dict[str, Any]:
    """The first answers of an intake left unfinished."""
    keys = list(answers)
    cut = rng.randint(1, len(keys) - 2)
    return {k: (answers[k] if i < cut else None) for i, k in enumerate(keys)}


def _article_for(
    rng: random.Random, articles_by_topic: Mapping[str, Sequence[Article]], topic: str, country: str
) -> Article | None:
    candidates = [a for a in articles_by_topic.get(topic, ()) if a.applies_to(country)]
    return rng.choice(candidates) if candidates else None


def generate(
    count: int = DEFAULT_PEOPLE,
    seed: int = DEFAULT_SEED,
    now: dt.datetime | None = None,
    articles: Sequence[Article] | None = None,
) -> dict[str, list[dict[str, Any]]]:
    """The demo rows (people by key; the rest point at people by `key`), without a database."""
    rng = random.Random(seed)  # noqa: S311 - reproducible made-up data, not a secret
    now = now or dt.datetime.now(dt.timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0)
    start = now - dt.timedelta(days=DAYS)
    articles = list(articles) if articles is not None else load_articles()
    by_topic: dict[str, list[Article]] = {}
    for article in articles:
        by_topic.setdefault(article.topic, []).append(article)
    quality = {a.id: rng.uniform(0.55, 0.95) for a in articles}
    rows: dict[str, list[dict[str, Any]]] = {
        "people": [],
        "consents": [],
        "intakes": [],
        "questions": [],
        "feedback": [],
        "handoffs": [],
        "mentorships": [],
    }
    # how each one's intake went: exactly these shares (10% never finished it, 16% did it again)
    plans = ["never"] * round(count * 0.10) + ["again"] * round(count * 0.16)
    plans += ["once"] * (count - len(plans))
    rng.shuffle(plans)
    persons: list[_Person] = []
    for n, plan in enumerate(plans, start=1):
        country = _pick(rng, COUNTRIES)
        answers = _answers(rng, country)
        created = _at(rng, start, now - dt.timedelta(hours=1))
        person = _Person(
            n=n,
            key=f"{KEY_PREFIX}{n}",
            language=_chat_language(rng, answers["languages"] or ()),
            country=country,
            created_at=created,
            answers=answers,
            consent=rng.random() > 0.03,
            last_seen_at=created,
        )
        persons.append(person)
        rows["consents"].append(
            {
                "key": person.key,
                "purpose": "intake",
                "granted": person.consent,
                "notice_version": NOTICE_VERSION,
                "language": person.language,
                "at": created,
            }
        )
        if not person.consent:
            continue
        _intakes(rng, person, plan, now, rows)

    _questions(rng, persons, by_topic, quality, now, rows)
    _feedback(rng, persons, now, rows)
    _mentoring(rng, persons, now, rows)
    for person in persons:
        rows["people"].append(
            {
                "key": person.key,
                "channel": DEMO_CHANNEL,
                "language": person.language,
                "created_at": person.created_at,
                "last_seen_at": person.last_seen_at,
            }
        )
    return rows


def _intakes(
    rng: random.Random,
    person: _Person,
    plan: str,
    now: dt.datetime,
    rows: dict[str, list[dict[str, Any]]],
) -> None:
    begun = person.created_at + dt.timedelta(minutes=rng.randint(1, 20))
    finished = begun + dt.timedelta(minutes=rng.randint(3, 15))
    if plan == "never":
        versions = [(_partial(rng, person.answers), False, begun, finished)]
    elif plan == "again" and finished + dt.timedelta(days=8) < now:  # did it again later
        first = dict(person.answers)
        if first["stage"] == "registering":
            first["stage"] = "idea"
        if first["topics"] is not None:  # her needs then were those of her stage then
            first["topics"] = _sample(rng, TOPICS_BY_STAGE[first["stage"]], 3)
        again = _at(rng, finished + dt.timedelta(days=7), now - dt.timedelta(hours=1))
        done = again + dt.timedelta(minutes=rng.randint(2, 10))
        finished_again = rng.random() < 0.7
        second = person.answers if finished_again else _partial(rng, person.answers)
        versions = [(first, True, begun, finished), (second, finished_again, again, done)]
    else:
        versions = [(person.answers, True, begun, finished)]
    for number, (answers, completed, created, updated) in enumerate(versions, start=1):
        rows["intakes"].append(
            {
                "key": person.key,
                "version": number,
                "answers": json.dumps(answers, ensure_ascii=False),
                "completed": completed,
                "created_at": created,
                "updated_at": updated,
            }
        )
        person.last_seen_at = max(person.last_seen_at, updated)
    if person.answers["mentor_type"] and versions[-1][1] and rng.random() < 0.6:
        rows["consents"].append(
            {
                "key": person.key,
                "purpose": "mentor_summary",
                "granted": True,
                "notice_version": NOTICE_VERSION,
                "language": person.language,
                "at": versions[-1][3],
            }
        )


def _questions(
    rng: random.Random,
    persons: Sequence[_Person],
    by_topic: Mapping[str, Sequence[Article]],
    quality: Mapping[str, float],
    now: dt.datetime,
    rows: dict[str, list[dict[str, Any]]],
) -> None:
    for person in persons:
        mentor = person.answers["role"] == "mentor"
        own = list(MENTOR_TOPICS) if mentor else (person.answers["topics"] or ["advice_services"])
        stage = person.answers["stage"]
        usual = MENTOR_TOPICS if mentor else TOPICS_BY_STAGE[stage]
        for _ in range(_pick(rng, QUESTIONS_PER_PERSON)):
            asked = _at(rng, person.created_at, now - dt.timedelta(minutes=5))
            person.last_seen_at = max(person.last_seen_at, asked)
            outcome = _pick(rng, OUTCOMES)
            row: dict[str, Any] = {
                "asked_at": asked,
                "person": person.key,
                "language": person.language,
                "country": None,
                "outcome": outcome,
                "article_id": None,
                "score": 0.0,
                "question": None,
                "helpful": None,
            }
            if outcome == "answered":
                topic = rng.choice(own) if rng.random() < 0.85 else _pick(rng, usual)
                article = _article_for(rng, by_topic, topic, person.country)
                if article is None:
                    continue
                specific = ALL_COUNTRIES not in article.countries
                row["article_id"] = article.id
                row["country"] = person.country if specific or rng.random() < 0.5 else None
                row["score"] = round(rng.uniform(0.35, 0.95), 4)
                if rng.random() < 0.35:
                    row["helpful"] = rng.random() < quality[article.id]
            elif outcome == "offered":
                row["score"] = round(rng.uniform(0.2, 0.35), 4)
            else:
                row["score"] = round(rng.uniform(0.3, 0.8), 4)
            rows["questions"].append(row)
    scale = len(persons) / DEFAULT_PEOPLE
    by_language: dict[str, list[_Person]] = {}
    for person in persons:
        by_language.setdefault(person.language, []).append(person)
    for language, outcome, text, times in UNANSWERED:
        askers = by_language.get(language) or list(persons)
        for _ in range(max(1, round(times * scale)) if persons else 0):
            person = rng.choice(askers)
            asked = _at(rng, person.created_at, now - dt.timedelta(minutes=5))
            person.last_seen_at = max(person.last_seen_at, asked)
            rows["questions"].append(
                {
                    "asked_at": asked,
                    "person": person.key,
                    "language": language,
                    "country": None,
                    "outcome": outcome,
                    "article_id": None,
                    "score": round(rng.uniform(0.0, 0.2), 4),
                    "question": text,
                    "helpful": None,
                }
            )
    rows["questions"].sort(key=lambda r: (r["asked_at"], r["person"]))


def _feedback(
    rng: random.Random,
    persons: Sequence[_Person],
    now: dt.datetime,
    rows: dict[str, list[dict[str, Any]]],
) -> None:
    last_question: dict[str, dt.datetime] = {}
    for question in rows["questions"]:
        last_question[question["person"]] = question["asked_at"]
        if question["helpful"] is False and rng.random() < 0.45:
            rows["feedback"].append(
                {
                    "key": question["person"],
                    "kind": "answer",
                    "article_id": question["article_id"],
                    "helpful": False,
                    "rating": None,
                    "comment": rng.choice(MISSING_COMMENTS) if rng.random() < 0.6 else None,
                    "at": question["asked_at"] + dt.timedelta(seconds=rng.randint(5, 90)),
                }
            )
    completed = {row["key"] for row in rows["intakes"] if row["completed"]}
    for person in persons:
        if person.key in last_question and rng.random() < 0.4:
            rows["feedback"].append(
                {
                    "key": person.key,
                    "kind": "conversation",
                    "article_id": None,
                    "helpful": None,
                    "rating": _pick(rng, CONVERSATION_RATINGS),
                    "comment": rng.choice(CONVERSATION_COMMENTS) if rng.random() < 0.2 else None,
                    "at": min(now, last_question[person.key] + dt.timedelta(minutes=2)),
                }
            )
        seeks = person.answers["role"] in ("business_owner", "planning")
        if person.key in completed and seeks and rng.random() < 0.15:
            for _ in range(rng.randint(1, 3)):
                at = _at(rng, person.created_at + dt.timedelta(days=3), now)
                if at >= now:
                    continue
                rows["feedback"].append(
                    {
                        "key": person.key,
                        "kind": "session",
                        "article_id": None,
                        "helpful": None,
                        "rating": _pick(rng, SESSION_RATINGS),
                        "comment": rng.choice(SESSION_COMMENTS) if rng.random() < 0.5 else None,
                        "at": at,
                    }
                )
                person.last_seen_at = max(person.last_seen_at, at)


DEMO_MENTORS = 40
REQUEST_SHARE = 0.3  # of the people, asked for a mentor


def _mentoring(
    rng: random.Random,
    persons: Sequence[_Person],
    now: dt.datetime,
    rows: dict[str, list[dict[str, Any]]],
) -> None:
    """Requests for a mentor: most accepted (after minutes to hours), some waiting for a
    coordinator or cancelled; accepted ones become relationships, some closed, some rated."""
    kinds = {n: ("business_angel" if n % 4 == 0 else "volunteer") for n in range(DEMO_MENTORS)}
    for person in persons:
        if rng.random() > REQUEST_SHARE:
            continue
        made = person.created_at + dt.timedelta(minutes=rng.randint(5, 600))
        if made >= now:
            continue
        outcome = _pick(rng, {"accepted": 78, "waiting": 8, "cancelled": 14})
        mentor = rng.randrange(DEMO_MENTORS)
        wait = dt.timedelta(minutes=min(rng.lognormvariate(2.5, 1.0), 1440))
        accepted = made + wait if outcome == "accepted" and made + wait < now else None
        if outcome == "accepted" and accepted is None:
            outcome = "waiting"
        row = {
            "ref": f"h-demo{person.n:06d}",
            "pseudonym": f"#D{person.n % 1000:03d}",
            "mentee_key": person.key,
            "mentee_channel": DEMO_CHANNEL,
            "language": person.language,
            "country": person.country,
            "state": {"accepted": "ended", "waiting": "waiting", "cancelled": "ended"}[outcome],
            "mentor_ref": f"m-demo{mentor}" if accepted else None,
            "created_at": made,
            "accepted_at": accepted,
            "ended_at": None if outcome == "waiting" else (accepted or made) + wait,
            "ended_by": {"accepted": "mentee", "cancelled": "cancelled"}.get(outcome),
            "mentee_rating": _rating(rng) if accepted and rng.random() < 0.6 else None,
            "mentor_rating": _rating(rng) if accepted and rng.random() < 0.5 else None,
        }
        rows["handoffs"].append(row)
        if accepted is not None:
            closed = rng.random() < 0.35
            rows["mentorships"].append(
                {
                    "mentee_key": person.key,
                    "mentee_channel": DEMO_CHANNEL,
                    "language": person.language,
                    "country": person.country,
                    "mentor_ref": row["mentor_ref"],
                    "mentor_type": kinds[mentor],
                    "started_at": accepted,
                    "closed_at": accepted + dt.timedelta(days=rng.randint(7, 60))
                    if closed
                    else None,
                    "closed_by": rng.choice(("mentee", "mentor")) if closed else None,
                    "mentee_rating": _rating(rng) if closed and rng.random() < 0.7 else None,
                    "mentor_rating": _rating(rng) if closed and rng.random() < 0.6 else None,
                }
            )


def _rating(rng: random.Random) -> int:
    return _pick(rng, {5: 45, 4: 32, 3: 13, 2: 6, 1: 4})


def real_rows(engine: Engine) -> dict[str, int]:
    """What in the database is not demo data: people, and logged questions of anyone else."""
    with engine.connect() as connection:
        humans = connection.execute(
            sa.select(sa.func.count()).select_from(people).where(people.c.channel != DEMO_CHANNEL)
        ).scalar_one()
        questions = connection.execute(
            sa.select(sa.func.count())
            .select_from(kb_questions)
            .where(
                sa.or_(
                    kb_questions.c.person.is_(None),
                    sa.not_(kb_questions.c.person.like(f"{KEY_PREFIX}%")),
                )
            )
        ).scalar_one()
        requests = connection.execute(
            sa.select(sa.func.count())
            .select_from(handoffs)
            .where(
                sa.or_(
                    handoffs.c.mentee_key.is_(None),
                    sa.not_(handoffs.c.mentee_key.like(f"{KEY_PREFIX}%")),
                )
            )
        ).scalar_one()
    return {"people": int(humans), "questions": int(questions), "requests": int(requests)}


def remove(connection: Any) -> int:
    """Remove every demo row; how many demo people there were."""
    ids = sa.select(people.c.id).where(people.c.channel == DEMO_CHANNEL)
    keys = sa.select(people.c.key).where(people.c.channel == DEMO_CHANNEL)
    connection.execute(
        sa.delete(kb_questions).where(
            sa.or_(kb_questions.c.person.in_(keys), kb_questions.c.person.like(f"{KEY_PREFIX}%"))
        )
    )
    for table in (feedback, intake_answers, consents):
        connection.execute(sa.delete(table).where(table.c.person_id.in_(ids)))
    for table in (handoffs, mentorships):
        connection.execute(sa.delete(table).where(table.c.mentee_channel == DEMO_CHANNEL))
    gone = connection.execute(sa.delete(people).where(people.c.channel == DEMO_CHANNEL))
    return int(gone.rowcount or 0)


def _with_ids(items: Iterable[dict[str, Any]], ids: Mapping[str, int]) -> list[dict[str, Any]]:
    out = []
    for item in items:
        row = dict(item)
        row["person_id"] = ids[row.pop("key")]
        out.append(row)
    return out


def fill(
    engine: Engine,
    count: int = DEFAULT_PEOPLE,
    seed: int = DEFAULT_SEED,
    *,
    now: dt.datetime | None = None,
    force: bool = False,
    articles: Sequence[Article] | None = None,
) -> DemoSummary:
    """Replace the demo rows in the database with freshly generated ones.

    Refuses (RealDataError) when the database holds anything that is not demo data, unless
    `force`: demo figures mixed into real ones would mislead whoever reads the reports."""
    if not force:
        real = real_rows(engine)
        if any(real.values()):
            raise RealDataError(
                f"the database holds {real['people']} real people, {real['questions']} "
                f"logged questions and {real['requests']} requests for a mentor that are not "
                "demo data"
            )
    rows = generate(count, seed, now, articles)
    with engine.begin() as connection:
        removed = remove(connection)
        if rows["people"]:
            connection.execute(sa.insert(people), rows["people"])
        ids = {
            key: id_
            for id_, key in connection.execute(
                sa.select(people.c.id, people.c.key).where(people.c.channel == DEMO_CHANNEL)
            )
        }
        for table, name in (
            (consents, "consents"),
            (intake_answers, "intakes"),
            (feedback, "feedback"),
        ):
            if rows[name]:
                connection.execute(sa.insert(table), _with_ids(rows[name], ids))
        if rows["questions"]:
            connection.execute(sa.insert(kb_questions), rows["questions"])
        for table, name in ((handoffs, "handoffs"), (mentorships, "mentorships")):
            if rows[name]:
                connection.execute(sa.insert(table), rows[name])
    return DemoSummary(
        people=len(rows["people"]),
        intakes=len(rows["intakes"]),
        questions=len(rows["questions"]),
        feedback=len(rows["feedback"]),
        removed=removed,
        handoffs=len(rows["handoffs"]),
    )
