"""The real knowledge base answers what it should, in every language (in-process)."""

from __future__ import annotations

from collections import Counter

import pytest

from bot import SUPPORTED_LANGUAGES
from bot.knowledge.search import KnowledgeIndex
from bot.knowledge.service import load_index


@pytest.fixture(scope="module")
def index() -> KnowledgeIndex:
    return load_index()


def test_every_article_is_found_by_its_own_questions(index: KnowledgeIndex) -> None:
    """A regression net for the search and for edited questions: the first three questions of
    every article in every language (2,520 of them) are answered with that article."""
    outcomes: Counter[str] = Counter()
    wrong = []
    for article in index.articles:
        country = None if "all" in article.countries else article.countries[0]
        for code in SUPPORTED_LANGUAGES:
            for question in article.translations[code].questions[:3]:
                decision = index.decide(question, code, country=country)
                if decision.kind == "answer" and decision.article is not None:
                    kind = "right" if decision.article.id == article.id else "wrong"
                    if kind == "wrong":
                        wrong.append((code, question, article.id, decision.article.id))
                else:
                    kind = decision.kind
                outcomes[kind] += 1
    total = sum(outcomes.values())
    assert outcomes["right"] / total >= 0.95, outcomes
    assert outcomes["wrong"] / total <= 0.01, wrong[:10]


def test_a_term_only_one_country_uses_picks_that_country(index: KnowledgeIndex) -> None:
    decision = index.decide("Onko YEL-vakuutus pakollinen?", "fi")
    assert decision.kind == "answer" and decision.article is not None
    assert decision.article.id == "fi-social-security"
    assert decision.country == "FI" and decision.country_source == "implied"
    zus = index.decide("ile wynosi składka ZUS na start?", "pl")
    assert zus.country == "PL"


@pytest.mark.parametrize(
    ("language", "question"),
    [
        ("en", "How do I register as self-employed?"),
        ("tr", "Limited şirket kurmak için ne kadar sermaye gerekir?"),
        ("es", "¿Qué cotizaciones a la seguridad social paga una trabajadora por cuenta propia?"),
    ],
)
def test_without_a_country_it_asks_which_one(
    index: KnowledgeIndex, language: str, question: str
) -> None:
    assert index.decide(question, language).kind == "ask_country"


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "who won the football match last night?"),
        ("fi", "millainen sää huomenna on Tampereella?"),
        ("sk", "aký je recept na bryndzové halušky?"),
        ("tr", "bu akşam televizyonda ne var?"),
        ("es", "cuéntame un chiste de gatos"),
        ("pl", "boli mnie głowa od trzech dni, co mam wziąć?"),
        ("pt", "qual é a capital da Austrália?"),
        ("ar", "ما هي أفضل وصفة للكبسة؟"),
        ("ru", "какая погода будет в выходные?"),
        ("uk", "яку пісню заспівати на день народження?"),
    ],
)
def test_out_of_domain_is_never_answered_with_an_article(
    index: KnowledgeIndex, language: str, text: str
) -> None:
    decision = index.decide(text, language)
    assert decision.kind in ("decline", "unsure"), (decision.kind, decision.hits[:2])


def test_close_answers_without_a_country_are_offered_by_topic_then_ask_the_country(
    index: KnowledgeIndex,
) -> None:
    from bot.i18n import catalog
    from bot.knowledge.turn import PENDING_SLOT, Turn, respond

    book = catalog()
    question = "Serbest çalışan olarak sosyal sigorta primi ödemek zorunda mıyım?"
    offered = respond(book, index, Turn(text=question, language="tr"))
    assert offered.outcome == "offered"
    [message] = offered.messages
    assert message["text"] == book.text("kb_choose", "tr")
    titles = [b["title"] for b in message["buttons"]]
    assert book.text("topic_social_security", "tr") in titles
    assert titles[-1] == book.text("button_kb_none", "tr")
    social = next(
        b for b in message["buttons"] if b["title"] == book.text("topic_social_security", "tr")
    )
    article = social["payload"].split('"article":"')[1].split('"')[0]
    picked = respond(book, index, Turn(text="", language="tr", entities={"article": article}))
    assert picked.outcome == "asked_country"
    assert picked.slots[PENDING_SLOT] == "social-security"
    turkey = respond(
        book,
        index,
        Turn(text="", language="tr", entities={"country": "TR"}, slots=picked.slots),
    )
    assert turkey.article_id == "tr-social-security"


@pytest.mark.parametrize(
    "text",
    ["", "???!!!", "👍👍👍", "\x00\x01", "<script>alert(1)</script>", "a" * 4096, "\u202eevil"],
)
def test_hostile_or_empty_messages_get_no_article(index: KnowledgeIndex, text: str) -> None:
    decision = index.decide(text, "en")
    assert decision.kind in ("decline", "unsure")
