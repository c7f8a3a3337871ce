"""Matching a mentee to mentors: hard constraints, scores with reasons, fair ties."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.mentoring.matching import Need, rank
from bot.mentoring.mentors import MentorError, make_mentor, parse_availability

# Monday 30 November 2026, 08:30 UTC (winter time: 09:30 in Madrid, 08:30 in Lisbon)
MONDAY_0830_UTC = dt.datetime(2026, 11, 30, 8, 30, tzinfo=dt.timezone.utc)


def mentor(ref: str, **given: object):
    base = {
        "first_name": ref.title(),
        "languages": "en",
        "countries": "ES",
        "channel": "telegram",
        "address": "1001",
        "ref": ref,
    }
    return make_mentor(**{**base, **given})


def refs(matches) -> list[str]:
    return [m.mentor.ref for m in matches]


def test_only_active_mentors_with_a_shared_language_and_room_are_offered() -> None:
    mentors = [
        mentor("arabic", languages="ar"),
        mentor("english", languages="en,es"),
        mentor("resting", languages="ar", active=False),
        mentor("full", languages="ar", capacity=1),
        mentor("declined", languages="ar"),
    ]
    need = Need(language="ar", languages=("en",))
    found = rank(need, mentors, load={"full": 1}, exclude={"declined"}, now=MONDAY_0830_UTC)
    assert set(refs(found)) == {"arabic", "english"}
    assert refs(found)[0] == "arabic"  # speaks the language she writes in
    assert rank(Need(language="uk"), mentors, now=MONDAY_0830_UTC) == []


def test_country_topic_sector_and_type_make_the_best_match_with_its_reasons() -> None:
    mentors = [
        mentor("general", countries="ES,PT"),
        mentor(
            "funding",
            countries="ES",
            topics="finance",
            sectors="food",
            mentor_type="business_angel",
        ),
        mentor("portugal", countries="PT", topics="finance"),
    ]
    need = Need(
        language="en",
        country="ES",
        question_topic="finance",
        survey_topics=("marketing", "finance"),
        sector="food",
        mentor_type="business_angel",
    )
    found = rank(need, mentors, now=MONDAY_0830_UTC)
    assert refs(found) == ["funding", "general", "portugal"]
    best = found[0]
    codes = [r.code for r in best.top_reasons()]
    assert codes == ["country", "question_topic", "mentor_type"]
    assert {r.code: r.value for r in best.reasons}["sector"] == "food"
    # the question's topic counts once, not again as a survey topic
    assert [r.code for r in best.reasons].count("survey_topic") == 0


def test_availability_is_read_in_the_mentors_own_time_zone() -> None:
    madrid = mentor("madrid", availability="mon-fri 09:00-17:00", timezone="Europe/Madrid")
    lisbon = mentor("lisbon", availability="mon-fri 09:00-17:00", timezone="Europe/Lisbon")
    # 08:30 UTC is 09:30 in Madrid (open) and 08:30 in Lisbon (not yet)
    assert madrid.available_at(MONDAY_0830_UTC) and not lisbon.available_at(MONDAY_0830_UTC)
    found = rank(Need(language="en"), [lisbon, madrid], now=MONDAY_0830_UTC)
    assert refs(found) == ["madrid", "lisbon"]
    assert "available_now" in [r.code for r in found[0].reasons]
    saturday = MONDAY_0830_UTC - dt.timedelta(days=2)
    assert not madrid.available_at(saturday)


def test_a_busier_mentor_comes_after_an_equal_free_one() -> None:
    mentors = [mentor("busy", capacity=4), mentor("free", capacity=4)]
    found = rank(Need(language="en"), mentors, load={"busy": 2}, now=MONDAY_0830_UTC)
    assert refs(found) == ["free", "busy"]
    assert found[1].score == found[0].score - 5  # half the capacity in use: -10 x 0.5


def test_ties_rotate_to_whoever_was_offered_a_mentee_least_recently() -> None:
    mentors = [mentor("anna"), mentor("berta"), mentor("carla")]
    need = Need(language="en")
    assert refs(rank(need, mentors, now=MONDAY_0830_UTC)) == ["anna", "berta", "carla"]
    offered = {
        "anna": MONDAY_0830_UTC - dt.timedelta(minutes=5),
        "berta": MONDAY_0830_UTC - dt.timedelta(days=2),
    }
    found = rank(need, mentors, last_offered=offered, now=MONDAY_0830_UTC)
    assert refs(found) == ["carla", "berta", "anna"]  # never, then longest ago
    assert found == rank(need, mentors, last_offered=offered, now=MONDAY_0830_UTC)


def test_her_survey_answers_become_the_need() -> None:
    answers = {
        "country": "PL",
        "topics": ["finance", "marketing"],
        "sector": "beauty",
        "languages": ["uk", "pl", "other"],
        "mentor_type": "any",
    }
    need = Need.from_survey("uk", answers, question_topic="taxes")
    assert need.country == "PL" and need.survey_topics == ("finance", "marketing")
    assert need.all_languages == {"uk", "pl"} and need.mentor_type is None
    assert Need.from_survey("en", None, country="FI").country == "FI"


@pytest.mark.parametrize(
    ("given", "problem"),
    [
        ({"languages": "xx"}, "languages"),
        ({"countries": "DE"}, "countries"),
        ({"topics": "astrology"}, "topics"),
        ({"channel": "sms"}, "channel"),
        ({"channel": "whatsapp", "address": "12"}, "address"),
        ({"capacity": 0}, "capacity"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"availability": "someday 9-5"}, "availability"),
        ({"mentor_type": "guru"}, "mentor_type"),
        ({"first_name": ""}, "first_name"),
    ],
)
def test_wrong_details_are_refused_with_what_to_fix(given: dict, problem: str) -> None:
    with pytest.raises(MentorError, match=problem):
        mentor("x", **given)


def test_weekly_hours_parse() -> None:
    slots = parse_availability("Mon-Wed 09:00-12:30; sat 10:00-12:00")
    assert [(s.day, f"{s.start:%H:%M}", f"{s.end:%H:%M}") for s in slots] == [
        (0, "09:00", "12:30"),
        (1, "09:00", "12:30"),
        (2, "09:00", "12:30"),
        (5, "10:00", "12:00"),
    ]
    assert parse_availability("") == ()
