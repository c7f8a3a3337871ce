"""The needs survey's logic: which question comes next, and what an answer in her words means."""

from __future__ import annotations

from pathlib import Path

import pytest

from actions.feedback import read_rating
from bot import SUPPORTED_LANGUAGES
from bot.i18n import Catalog
from bot.intake import survey
from bot.intake import words as lexicon
from bot.storage import make_engine
from bot.storage.records import PersonRecords


def read(step: str, text: str, language: str, book: Catalog) -> survey.Reading:
    return survey.read(step, text, language, book)


def test_consent_comes_first_and_a_no_ends_the_survey() -> None:
    assert survey.next_step(None, {}, False) == "consent"
    assert survey.next_step("no", {}, False) is None
    assert survey.next_step("yes", {}, False) == "role"


def test_a_mentor_is_not_asked_about_her_business() -> None:
    answers = {"role": "mentor", "country": "FI", "city": survey.SKIPPED}
    assert survey.next_step("yes", answers, False) == "languages"
    answers |= {"languages": ["fi"], "channel": "telegram"}
    assert survey.next_step("yes", answers, False) == "confirm"
    assert survey.next_step("yes", answers, True) is None
    kept = survey.stored({**answers, "stage": "idea"})
    assert kept["stage"] is None and kept["city"] is None and kept["languages"] == ["fi"]


@pytest.mark.parametrize(
    ("step", "text", "expected"),
    [
        ("sector", "I bake cakes at home", "food"),
        ("sector", "I am a hairdresser", "beauty"),
        ("sector", "I sell clothes online", "retail"),
        ("sector", "2", "retail"),
        ("country", "Barcelona", "ES"),
        ("country", "my shop is in Warsaw", "PL"),
        ("stage", "running for 3 years", "running_long"),
        ("stage", "it's just an idea", "idea"),
        ("role", "I have a small shop", "business_owner"),
        ("mentor_type", "no preference", "any"),
        ("channel", "whatsapp please", "whatsapp"),
        ("topics", "taxes and marketing", ["taxes_vat", "marketing"]),
        ("topics", "how do I get a loan for my shop", ["finance"]),
        ("languages", "Arabic, English and a little Finnish", ["ar", "en", "fi"]),
        ("languages", "Somali and Farsi", ["so", "fa"]),
    ],
)
def test_answers_in_her_own_words(step: str, text: str, expected: object, book: Catalog) -> None:
    assert read(step, text, "en", book).value == expected


def test_what_is_not_an_answer_is_not_taken_for_one(book: Catalog) -> None:
    assert read("sector", "purple elephants", "en", book).value is None
    assert read("country", "Germany", "en", book).value is None
    assert read("country", "Spain or Portugal", "en", book).value is None  # which one?
    assert read("role", "9", "en", book).value is None


def test_commands_skip_stop_done_only_in_short_messages(book: Catalog) -> None:
    assert read("city", "skip", "en", book).control == "skip"
    assert read("stage", "stop", "en", book).control == "stop"
    assert read("topics", "done", "en", book).control == "done"
    assert read("city", "I stopped my old business near the bus stop", "en", book).control is None


def test_changes_at_the_summary(book: Catalog) -> None:
    assert read("confirm", "change my country to Poland", "en", book).value == ("country", "PL")
    assert read("confirm", "my city is Porto", "en", book).value == ("city", "Porto")
    assert read("confirm", "Portugal", "en", book).value == ("country", "PT")
    assert read("confirm", "yes", "en", book).value == "yes"
    assert read("confirm", "change something", "en", book).control == "change"


def test_a_city_is_kept_without_personal_data(book: Catalog) -> None:
    assert read("city", "Espoo", "en", book).value == "Espoo"
    assert "601" not in str(read("city", "Tampere +358 401 234 567", "en", book).value)


def test_buttons_carry_answer_ids(book: Catalog) -> None:
    assert survey.read("sector", "", "en", book, button="food").value == "food"
    assert survey.read("sector", "", "en", book, button="nonsense").value is None
    assert survey.read("topics", "", "en", book, button="pricing").value == ["pricing"]
    assert survey.read("confirm", "", "en", book, button="edit:city").value == "city"


def test_the_summary_names_every_answer_in_her_language(book: Catalog) -> None:
    answers = {
        "role": "business_owner",
        "country": "TR",
        "city": survey.SKIPPED,
        "stage": "idea",
        "sector": "food",
        "topics": ["pricing"],
        "languages": ["ar", "so"],
        "mentor_type": "any",
        "channel": "this_chat",
    }
    for language in SUPPORTED_LANGUAGES:
        lines = survey.summary_lines(answers, language, book)
        assert len(lines) == len(survey.FIELDS)
        assert book.text("country_TR", language) in lines[1]
        assert book.text("intake_not_given", language) in lines[2]
        assert "so" not in lines[6].split(": ")[-1].split(", ")  # Somali by name, not code


def test_yaml_yes_and_no_keys_are_words(tmp_path: Path) -> None:
    (tmp_path / "xx.yml").write_text("control:\n  yes: [jo]\n  no: [nej]\n", encoding="utf-8")
    found = lexicon.Lexicon.load(tmp_path / "xx.yml")
    assert set(found.groups["control"]) == {"yes", "no"}


def test_every_language_has_words_for_every_answer() -> None:
    assert lexicon.missing_keys() == []


@pytest.mark.parametrize(
    ("text", "rating"),
    [("4", 4), ("4/5", 4), ("⭐⭐⭐", 3), ("5 stars", 5), ("11", None), ("", None)],
)
def test_a_rating_in_her_words(text: str, rating: int | None) -> None:
    assert read_rating(text) == rating


def test_versions_consent_and_feedback_are_kept_per_person(tmp_path: Path) -> None:
    records = PersonRecords(make_engine(f"sqlite:///{tmp_path / 'db.sqlite'}"))
    assert records.consent("k1", "intake") is None
    records.record_consent("k1", "rest", "en", "intake", survey.NOTICE_VERSION)
    assert records.consent("k1", "intake") is not None
    assert records.save_intake("k1", "rest", "en", {"role": "planning"}, False) == 1
    assert records.save_intake("k1", "rest", "en", {"role": "planning", "country": "ES"}, True) == 1
    assert records.save_intake("k1", "rest", "en", {"role": "business_owner"}, True) == 2
    latest = records.latest_intake("k1")
    assert latest is not None and (latest.version, latest.completed) == (2, True)
    records.record_feedback("k1", "rest", "en", "conversation", rating=5)
    assert records.feedback_count("k1") == 1 and records.feedback_count("k2") == 0


@pytest.mark.parametrize(
    ("language", "step", "text", "expected"),
    [
        ("es", "sector", "hago pasteles en casa", "food"),
        ("es", "consent", "no estoy de acuerdo", "no"),
        ("pt", "sector", "sou cabeleireira", "beauty"),
        ("pt", "topics", "impostos e marketing", ["taxes_vat", "marketing"]),
        ("ar", "sector", "أخبز الكعك في البيت", "food"),
        ("ar", "topics", "التمويل والتسويق", ["finance", "marketing"]),
        ("ar", "consent", "غير موافقة", "no"),
        ("uk", "sector", "я перукарка", "beauty"),
        ("uk", "country", "у Варшаві", "PL"),
        ("fi", "sector", "leivon kakkuja kotona", "food"),
        ("fi", "stage", "se on vasta idea", "idea"),
        ("sk", "sector", "mám kaderníctvo", "beauty"),
        ("tr", "sector", "evde pasta yapıyorum", "food"),
        ("pl", "sector", "piekę ciasta w domu", "food"),
        ("pl", "languages", "arabski, angielski i trochę polskiego", ["ar", "en", "pl"]),
        ("ru", "sector", "я пеку торты дома", "food"),
        ("ru", "mentor_type", "без разницы", "any"),
    ],
)
def test_answers_in_every_language(
    language: str, step: str, text: str, expected: object, book: Catalog
) -> None:
    assert read(step, text, language, book).value == expected


@pytest.mark.parametrize(
    ("language", "text", "control"),
    [
        ("ar", "تم", "done"),
        ("ar", "التمويل", None),  # "funding" holds the letters of "done": not a command
        ("pt", "passaporte", None),  # English "pass" is a whole word only
        ("fi", "ohita", "skip"),
        ("tr", "dur", "stop"),
    ],
)
def test_commands_in_her_language(
    language: str, text: str, control: str | None, book: Catalog
) -> None:
    step = "topics" if control != "stop" else "sector"
    assert read(step, text, language, book).control == control
