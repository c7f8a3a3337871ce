"""The needs survey over REST, as she lives it: consent, answers in her words, stop and resume,
changes at the summary, saving, redoing; and what ends up in the database."""

from __future__ import annotations

import json
from typing import Any

import pytest
import sqlalchemy as sa

from bot.i18n import Catalog
from bot.storage.schema import consents, intake_answers, people
from tests.auxil.stack import Stack

pytestmark = pytest.mark.server


def texts(replies: list[dict[str, Any]]) -> str:
    return "\n".join(str(r.get("text") or "") for r in replies)


def click(stack: Stack, sender: str, replies: list[dict[str, Any]], title: str) -> list[dict]:
    """Tap the button with this title (its signed payload, as a channel would send it)."""
    for reply in replies:
        for button in reply.get("buttons") or []:
            if button["title"] == title:
                return stack.say(sender, button["payload"])
    raise AssertionError(f"no button {title!r} in {replies}")


def rows(stack: Stack, table: sa.Table) -> list[dict[str, Any]]:
    engine = sa.create_engine(stack.database_url)
    try:
        with engine.connect() as connection:
            return [dict(r._mapping) for r in connection.execute(sa.select(table))]
    finally:
        engine.dispose()


def versions_of(stack: Stack, sender: str) -> list[dict[str, Any]]:
    """Her survey versions, found through her pseudonymous key like the assistant does."""
    from bot.storage import person_key

    key = person_key(stack.secret_key.encode(), "rest", sender)
    person = [p for p in rows(stack, people) if p["key"] == key]
    if not person:
        return []
    found = [r for r in rows(stack, intake_answers) if r["person_id"] == person[0]["id"]]
    return sorted(
        ({**r, "answers": json.loads(r["answers"])} for r in found), key=lambda r: r["version"]
    )


def test_the_whole_survey_in_her_own_words_then_a_change_at_the_summary(
    stack: Stack, book: Catalog
) -> None:
    sender = "intake-en"
    consent = stack.say(sender, "I want to fill in the needs survey")
    assert texts(consent).startswith(book.text("intake_consent", "en", days="180")[:40])
    assert versions_of(stack, sender) == []  # nothing kept before her yes

    replies = click(stack, sender, consent, book.text("button_intake_agree", "en"))
    assert book.text("intake_ask_role", "en") in texts(replies)
    steps = [
        ("I have a small shop", "intake_ask_country"),
        ("Barcelona", "intake_ask_city"),  # the city names the country
        ("skip", "intake_ask_stage"),
        ("running for 3 years now", "intake_ask_sector"),
        ("I bake cakes at home", "intake_ask_topics"),
        ("taxes and marketing", "intake_ask_languages"),
        ("Arabic, English and a little Spanish", "intake_ask_mentor_type"),
        ("no preference", "intake_ask_channel"),
        ("whatsapp", "intake_ask_confirm"),
    ]
    for said, asked_next in steps:
        replies = stack.say(sender, said)
        assert book.text(asked_next, "en") in texts(replies), (said, replies)
    summary = texts(replies)
    for line in (
        "Country: Spain",
        "City: not given",
        "Kind of business: Food and catering",
        "Topics you need help with: Taxes and VAT, Marketing and social media",
        "Business stage: Running for a year or more",
        "Where to talk with a mentor: WhatsApp",
    ):
        assert line in summary
    # naming languages answered the question; it did not switch her language to Arabic
    assert "Languages you speak: Arabic, English, Spanish" in summary

    changed = stack.say(sender, "change my country to Poland")
    assert texts(changed).startswith(book.text("intake_changed", "en", field="Country"))
    assert "Country: Poland" in texts(changed)

    saved = click(stack, sender, changed, book.text("button_intake_save", "en"))
    assert texts(saved) == book.text("intake_saved", "en")
    [version] = versions_of(stack, sender)
    assert version["completed"] is True or version["completed"] == 1
    assert version["answers"] == {
        "role": "business_owner",
        "country": "PL",
        "city": None,
        "stage": "running_long",
        "sector": "food",
        "topics": ["taxes_vat", "marketing"],
        "languages": ["ar", "en", "es"],
        "mentor_type": "any",
        "channel": "whatsapp",
    }
    # her answers now guide the knowledge base: Poland's rules without naming the country
    answer = stack.say(sender, "How do I register as self-employed?")
    assert "Poland" in texts(answer) or "Polsk" in texts(answer)


def test_no_consent_keeps_nothing_and_she_can_still_ask(stack: Stack, book: Catalog) -> None:
    sender = "intake-no"
    consent = stack.say(sender, "I want to fill in the needs survey")
    declined = click(stack, sender, consent, book.text("button_intake_decline", "en"))
    assert texts(declined) == book.text("intake_declined", "en")
    assert versions_of(stack, sender) == []
    answer = stack.say(sender, "How do I register as self-employed in Spain?")
    assert "autónomo" in texts(answer)


def test_stop_keeps_her_answers_and_she_resumes_where_she_stopped(
    stack: Stack, book: Catalog
) -> None:
    sender = "intake-stop"
    consent = stack.say(sender, "survey")
    click(stack, sender, consent, book.text("button_intake_agree", "en"))
    stack.say(sender, "I plan to start a business")
    paused = stack.say(sender, "stop")
    assert texts(paused) == book.text("intake_paused", "en")
    [kept] = versions_of(stack, sender)
    assert kept["completed"] in (False, 0)
    assert kept["answers"]["role"] == "planning"

    # outside the survey she is answered as usual
    assert "autónomo" in texts(stack.say(sender, "How do I register as self-employed in Spain?"))

    resumed = stack.say(sender, "continue the survey")
    assert book.text("intake_welcome_back", "en") in texts(resumed)
    assert book.text("intake_ask_country", "en") in texts(resumed)  # not role, not consent again


def test_a_wrong_answer_is_asked_again_with_help_and_a_request_leaves_the_survey(
    stack: Stack, book: Catalog
) -> None:
    sender = "intake-retry"
    consent = stack.say(sender, "survey")
    click(stack, sender, consent, book.text("button_intake_agree", "en"))
    stack.say(sender, "I run a business")
    again = stack.say(sender, "purple elephants")
    assert texts(again).startswith(book.text("intake_retry", "en"))
    assert book.text("intake_stop_hint", "en") in texts(again)
    left = stack.say(sender, "What do you know about me?")
    assert book.text("intake_paused", "en") in texts(left)
    assert book.text("mydata_heading", "en") in texts(left)


def test_redoing_the_survey_starts_from_her_answers_and_keeps_the_old_version(
    stack: Stack, book: Catalog
) -> None:
    sender = "intake-redo"
    replies = click(
        stack, sender, stack.say(sender, "survey"), book.text("button_intake_agree", "en")
    )
    for said in (
        "I want to be a mentor",
        "Helsinki",
        "Helsinki",
        "Finnish and English",
        "Telegram",
    ):
        replies = stack.say(sender, said)
    assert "Country: Finland" in texts(replies)
    assert "Business stage" not in texts(replies)  # not asked of a mentor
    click(stack, sender, replies, book.text("button_intake_save", "en"))

    again = stack.say(sender, "I want to do the survey again")
    assert book.text("intake_previous", "en") in texts(again)
    assert "Country: Finland" in texts(again)  # no question asked twice
    changed = stack.say(sender, "change my country to Portugal")
    click(stack, sender, changed, book.text("button_intake_save", "en"))
    first, second = versions_of(stack, sender)
    assert (first["answers"]["country"], second["answers"]["country"]) == ("FI", "PT")
    assert first["answers"]["stage"] is None and first["answers"]["role"] == "mentor"
    assert [r["purpose"] for r in rows(stack, consents) if r["language"] == "en"].count(
        "intake"
    ) >= 1


@pytest.mark.parametrize(
    ("language", "start", "shop", "place", "country"),
    [
        ("es", "quiero rellenar la encuesta", "tengo una peluquería", "Sevilla", "ES"),
        ("fi", "haluan täyttää kyselyn", "minulla on kampaamo", "Tampereella", "FI"),
        ("ar", "أريد ملء الاستبيان", "عندي صالون تجميل", "إسطنبول", "TR"),
        ("pl", "chcę wypełnić ankietę", "prowadzę salon fryzjerski", "w Krakowie", "PL"),
    ],
)
def test_the_survey_in_her_language(
    stack: Stack, book: Catalog, language: str, start: str, shop: str, place: str, country: str
) -> None:
    sender = f"intake-{language}"
    stack.say(sender, {"es": "hola", "fi": "hei", "ar": "مرحبا", "pl": "dzień dobry"}[language])
    consent = stack.say(sender, start)
    assert book.text("intake_consent", language, days="180")[:30] in texts(consent)
    role = click(stack, sender, consent, book.text("button_intake_agree", language))
    assert book.text("intake_ask_role", language) in texts(role)
    country_question = click(stack, sender, role, book.text("intake_role_business_owner", language))
    assert book.text("intake_ask_country", language) in texts(country_question)
    city = stack.say(sender, place)
    assert book.text("intake_ask_city", language) in texts(city)
    stage = click(stack, sender, city, book.text("button_skip", language))
    sector = click(stack, sender, stage, book.text("intake_stage_idea", language))
    assert book.text("intake_ask_sector", language) in texts(sector)
    topics = stack.say(sender, shop)
    assert book.text("intake_ask_topics", language) in texts(topics), topics
    [kept] = versions_of(stack, sender)
    assert kept["answers"]["country"] == country
    assert kept["answers"]["sector"] == "beauty"
