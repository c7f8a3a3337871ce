"""Knowledge search and the knowledge-base turn, on a small knowledge base written here.

The real articles are tested in test_knowledge_answers.py; here each rule of the behaviour is
pinned down on articles whose content the test controls.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.i18n import Catalog
from bot.knowledge.replies import payload
from bot.knowledge.search import KnowledgeIndex
from bot.knowledge.service import KnowledgeService, load_index
from bot.knowledge.turn import (
    ARTICLE_SLOT,
    COUNTRY_SLOT,
    FAILURES_SLOT,
    PENDING_SLOT,
    Turn,
    respond,
)

SELF_EMPLOYMENT = {
    "FI": {
        "en": (
            "Becoming self-employed in Finland",
            "Register a toiminimi at ytj.fi.",
            [
                "How do I become self-employed in Finland?",
                "register as a sole trader in Finland",
                "toiminimi registration cost",
            ],
        ),
        "fi": (
            "Toiminimen perustaminen Suomessa",
            "Tee perustamisilmoitus ytj.fi-palvelussa.",
            [
                "Miten perustan toiminimen Suomessa?",
                "yksinyrittäjäksi ryhtyminen Suomessa",
                "toiminimen rekisteröinti hinta",
            ],
        ),
    },
    "ES": {
        "en": (
            "Becoming self-employed in Spain",
            "Register as autónomo with AEAT and RETA.",
            [
                "How do I become self-employed in Spain?",
                "register as a sole trader in Spain",
                "autónomo registration steps",
            ],
        ),
        "es": (
            "Darse de alta como autónomo en España",
            "Alta en Hacienda (modelo 036) y RETA.",
            [
                "¿Cómo me doy de alta como autónoma en España?",
                "trabajar por cuenta propia en España",
                "alta de autónomo pasos",
            ],
        ),
    },
}

SELF_EMPLOYMENT["ES"]["fi"] = (
    "Yrittäjäksi Espanjassa",
    "Rekisteröidy autónomoksi (AEAT ja RETA).",
    [
        "Miten minusta tulee yrittäjä Espanjassa?",
        "autónomo-rekisteröinti Espanjassa",
        "yksinyrittäjäksi ryhtyminen Espanjassa",
    ],
)


def article(article_id: str, texts: dict[str, tuple[str, str, list[str]]], **fields: Any) -> dict:
    return {
        "id": article_id,
        "group": fields.pop("group", article_id),
        "topic": fields.pop("topic", "mentoring"),
        "countries": fields.pop("countries", ["all"]),
        "level": fields.pop("level", "basic"),
        "audience": fields.pop("audience", "mentee"),
        "sources": [{"title": "Official page", "url": f"https://example.gov/{article_id}"}],
        "reviewed": "2026-11-01",
        "translations": {
            code: {
                "status": "reviewed",
                "title": title,
                "answer": answer,
                "more": f"More about {article_id} in {code}.",
                "questions": questions,
            }
            for code, (title, answer, questions) in texts.items()
        },
    }


def write(directory: Path, body: dict) -> Path:
    path = directory / body["topic"] / f"{body['id']}.yml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(body, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture
def kb_dir(tmp_path: Path) -> Path:
    return build_kb(tmp_path)


def build_kb(tmp_path: Path) -> Path:
    """Two country variants of one question, one article for all, one only in English."""
    for country, texts in SELF_EMPLOYMENT.items():
        write(
            tmp_path,
            article(
                f"{country.lower()}-self-employment",
                texts,
                group="self-employment",
                topic="self_employment",
                countries=[country],
            ),
        )
    write(
        tmp_path,
        article(
            "what-is-mentoring",
            {
                "en": (
                    "What mentoring is",
                    "A mentor is an experienced person who listens and asks.",
                    [
                        "What is mentoring?",
                        "what does a mentor do for me",
                        "how can a mentor help my business",
                    ],
                ),
                "fi": (
                    "Mitä mentorointi on",
                    "Mentori on kokenut ihminen, joka kuuntelee.",
                    [
                        "Mitä mentorointi on?",
                        "mitä mentori tekee",
                        "miten mentori voi auttaa yritystäni",
                    ],
                ),
            },
            audience="both",
        ),
    )
    write(
        tmp_path,
        article(
            "pricing",
            {
                "en": (
                    "Setting your prices",
                    "Count your costs, your hours and what customers pay.",
                    [
                        "How do I set my prices?",
                        "how much should I charge customers",
                        "pricing my products and services",
                    ],
                ),
            },
            topic="pricing",
        ),
    )
    return tmp_path


@pytest.fixture
def index(kb_dir: Path) -> KnowledgeIndex:
    return load_index(kb_dir)


def say(book: Catalog, index: KnowledgeIndex, text: str, language: str = "en", **kw: Any):
    return respond(book, index, Turn(text=text, language=language, **kw))


def test_a_clear_question_is_answered_with_its_source_and_the_four_buttons(book, index):
    out = say(book, index, "what can a mentor do to help me?")
    assert out.outcome == "answered" and out.article_id == "what-is-mentoring"
    [message] = out.messages
    assert message["text"].startswith("What mentoring is\n\nA mentor is an experienced person")
    assert "https://example.gov/what-is-mentoring" in message["text"]
    assert book.text("kb_sources_heading", "en", date="2026-11-01") in message["text"]
    titles = [b["title"] for b in message["buttons"]]
    assert titles == [
        book.text("button_helpful", "en"),
        book.text("button_unhelpful", "en"),
        book.text("button_more", "en"),
        book.text("button_menu_mentor", "en"),
    ]
    assert out.slots[ARTICLE_SLOT] == "what-is-mentoring" and out.slots[FAILURES_SLOT] == 0


def test_finnish_inflections_and_missing_accents_still_find_the_article(book, index):
    out = say(book, index, "miten mentorit voivat auttaa yrityksiä", "fi")
    assert out.article_id == "what-is-mentoring"
    assert out.messages[-1]["text"].startswith("Mitä mentorointi on")


def test_a_typo_does_not_defeat_it(book, index):
    assert say(book, index, "how shoud I set my pricess?").article_id == "pricing"


def test_the_country_named_in_the_question_picks_the_variant(book, index):
    out = say(book, index, "how do I register as self-employed in Spain?")
    assert out.article_id == "es-self-employment"
    assert out.slots[COUNTRY_SLOT] == "ES"
    assert book.text("kb_country_note", "en", country="Spain") not in out.messages[-1]["text"]


def test_without_a_country_it_asks_which_then_answers_for_the_one_chosen(book, index):
    out = say(book, index, "how do I register as self-employed?")
    assert out.outcome == "asked_country" and out.slots[PENDING_SLOT] == "self-employment"
    [ask] = out.messages
    assert ask["text"] == book.text("kb_which_country", "en")
    assert [b["payload"] for b in ask["buttons"]][:2] == [
        payload(country="FI"),
        payload(country="SK"),
    ]
    chosen = respond(
        book, index, Turn(text="", language="en", entities={"country": "FI"}, slots=out.slots)
    )
    assert chosen.article_id == "fi-self-employment" and chosen.slots[PENDING_SLOT] is None


def test_typing_the_country_after_which_country_works_too(book, index):
    out = say(book, index, "miten ryhdyn yrittäjäksi?", "fi")
    assert out.outcome == "asked_country"
    typed = say(book, index, "Espanjassa", "fi", slots=out.slots)
    assert typed.article_id == "es-self-employment"


def test_a_remembered_country_is_used_and_named_in_the_answer(book, index):
    out = say(book, index, "how do I register as self-employed?", slots={COUNTRY_SLOT: "FI"})
    assert out.article_id == "fi-self-employment"
    assert book.text("kb_country_note", "en", country="Finland") in out.messages[-1]["text"]


def test_and_in_another_country_keeps_the_topic(book, index):
    first = say(book, index, "how do I register as self-employed in Spain?")
    follow = say(book, index, "and in Finland?", slots=first.slots)
    assert follow.article_id == "fi-self-employment"
    assert follow.slots[COUNTRY_SLOT] == "FI"


def test_an_unrelated_question_is_declined_and_logged_without_personal_data(book, index):
    out = say(book, index, "what will the weather be tomorrow? mail me at ana@example.com")
    assert out.outcome in ("declined", "unsure") and out.article_id is None
    assert out.messages[0]["text"] in (book.text("kb_decline", "en"), book.text("kb_unsure", "en"))
    assert "ana@example.com" not in out.logged_question and "[email]" in out.logged_question
    assert out.slots[FAILURES_SLOT] == 1


def test_out_of_scope_intent_needs_a_surer_match(book, index):
    out = say(book, index, "football results", intent="out_of_scope")
    assert out.outcome == "declined"
    assert out.messages[0]["text"] == book.text("kb_decline", "en")


def test_an_article_without_her_language_is_given_in_english_and_says_so(book, index):
    out = say(book, index, "how do I set my prices?", "fi")
    assert out.article_id == "pricing"
    assert out.messages[0]["text"] == book.text("kb_in_english", "fi")
    assert out.messages[1]["text"].startswith("Setting your prices")
    assert out.messages[1]["buttons"][0]["title"] == book.text("button_helpful", "fi")


def test_buttons_more_helpful_and_unhelpful(book, index):
    more = say(book, index, "", entities={"kb_action": "more", "article": "pricing"})
    assert more.messages[0]["text"] == "Setting your prices\n\nMore about pricing in en."
    helpful = say(book, index, "", entities={"kb_action": "helpful", "article": "pricing"})
    assert helpful.feedback == ("pricing", True)
    assert helpful.messages[0]["text"] == book.text("kb_thanks_helpful", "en")
    unhelpful = say(book, index, "", entities={"kb_action": "unhelpful", "article": "pricing"})
    assert unhelpful.feedback == ("pricing", False)
    assert unhelpful.messages == []  # the feedback form asks what was missing


def test_none_of_these_keeps_her_question_for_the_editors(book, index):
    out = say(
        book, index, "", entities={"kb_action": "none"}, last_question="call me +34 600 123 456"
    )
    assert out.outcome == "unsure" and out.logged_question == "call me [phone]"


def test_the_ask_button_without_text_asks_for_the_question(book, index):
    out = say(book, index, "/ask_question")
    assert out.messages == [{"response": "utter_ask_question_prompt"}]
    assert out.outcome is None


def test_editing_an_article_changes_the_answer_without_retraining(book, kb_dir):
    service = KnowledgeService(kb_dir, check_every=0, background=False)
    before = say(book, service.index(), "what is mentoring?")
    assert "listens and asks" in before.messages[-1]["text"]
    path = kb_dir / "mentoring" / "what-is-mentoring.yml"
    body = yaml.safe_load(path.read_text(encoding="utf-8"))
    body["translations"]["en"]["answer"] = "A mentor walks beside you for a while."
    time.sleep(0.01)
    path.write_text(yaml.safe_dump(body, allow_unicode=True), encoding="utf-8")
    after = say(book, service.index(), "what is mentoring?")
    assert "walks beside you" in after.messages[-1]["text"]


def test_a_rebuild_happens_in_the_background_and_never_blocks(book, kb_dir):
    service = KnowledgeService(kb_dir, check_every=0)
    old = service.index()
    path = kb_dir / "mentoring" / "what-is-mentoring.yml"
    body = yaml.safe_load(path.read_text(encoding="utf-8"))
    body["translations"]["en"]["answer"] = "Rebuilt while you were asking."
    path.write_text(yaml.safe_dump(body, allow_unicode=True), encoding="utf-8")
    started = time.perf_counter()
    assert service.index() is old  # answered from the old index meanwhile
    assert time.perf_counter() - started < 0.5
    deadline = time.monotonic() + 20
    while service.index() is old and time.monotonic() < deadline:
        time.sleep(0.05)
    assert (
        "Rebuilt while you were asking"
        in say(book, service.index(), "what is mentoring?").messages[-1]["text"]
    )


def test_audience_and_level_break_ties_between_equal_matches(book, tmp_path):
    texts = {"en": ("Listening well", "Ask open questions.", ["how do I listen well"] * 3)}
    write(tmp_path, article("listening-mentee", texts, audience="mentee", level="basic"))
    write(tmp_path, article("listening-mentor", texts, audience="mentor", level="advanced"))
    index = load_index(tmp_path)
    as_mentor = say(book, index, "how do I listen well", slots={"role": "mentor"})
    as_mentee = say(book, index, "how do I listen well", slots={"role": "business_owner"})
    assert as_mentor.article_id == "listening-mentor"
    assert as_mentee.article_id == "listening-mentee"
    by_stage = index.search("how do I listen well", ["en"], level="advanced")
    assert by_stage[0].article.id == "listening-mentor"
