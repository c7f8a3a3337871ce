"""Translations: complete in every language, safe to fill, rendered from neutral responses."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot import SUPPORTED_LANGUAGES
from bot.i18n import Catalog, localise_response

ROOT = Path(__file__).resolve().parents[2]


def test_every_language_has_every_message(book: Catalog) -> None:
    assert book.check() == []
    assert set(book.languages()) == set(SUPPORTED_LANGUAGES)


def test_every_domain_response_text_and_button_title_is_translated(book: Catalog) -> None:
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    for name, variations in domain["responses"].items():
        for variation in variations:
            assert book.has(variation["text"]), f"{name}: {variation['text']} not in locales"
            for button in variation.get("buttons", []):
                title = button["title"]
                assert book.has(title) or title.startswith("language_name_"), title


def test_arabic_is_right_to_left_and_written_in_arabic(book: Catalog) -> None:
    arabic = book.locales["ar"]
    assert arabic.direction == "rtl"
    greeting = book.text("utter_greet", "ar")
    assert sum("\u0600" <= c <= "\u06ff" for c in greeting) > len(greeting) // 2


def test_placeholders_are_filled_literally_so_user_text_cannot_break_a_reply(book: Catalog) -> None:
    for hostile in ["0[", "{intent_label}", "{0.__class__}", "%s", "<script>"]:
        text = book.text("utter_ask_affirmation", "en", intent_label=hostile)
        assert text == f"Did you mean: {hostile}?"


def test_unknown_language_falls_back_to_english(book: Catalog) -> None:
    assert book.text("utter_goodbye", "xx") == book.text("utter_goodbye", "en")


def _write_locales(folder: Path, fi_strings: dict) -> None:
    en = yaml.safe_load((ROOT / "locales" / "en.yml").read_text(encoding="utf-8"))
    (folder / "en.yml").write_text(yaml.safe_dump(en, allow_unicode=True), encoding="utf-8")
    fi = {**en, "meta": {"code": "fi", "name": "Suomi", "direction": "ltr"}, "strings": fi_strings}
    (folder / "fi.yml").write_text(yaml.safe_dump(fi, allow_unicode=True), encoding="utf-8")


def test_check_reports_missing_extra_and_mismatched_placeholders(tmp_path: Path) -> None:
    en = yaml.safe_load((ROOT / "locales" / "en.yml").read_text(encoding="utf-8"))["strings"]
    fi = dict(en)
    del fi["utter_goodbye"]
    fi["utter_surprise"] = "Yllätys"
    fi["utter_ask_affirmation"] = "Tarkoititko {intent}?"
    _write_locales(tmp_path, fi)
    problems = Catalog.load(tmp_path).check()
    assert "fi: missing key utter_goodbye" in problems
    assert "fi: extra key utter_surprise" in problems
    assert any("utter_ask_affirmation has placeholders" in p for p in problems)
    assert "sk: no locales/sk.yml" in problems


def test_the_cli_check_fails_on_a_missing_translation(tmp_path: Path) -> None:
    from bot.cli import main

    en = yaml.safe_load((ROOT / "locales" / "en.yml").read_text(encoding="utf-8"))["strings"]
    _write_locales(tmp_path, {k: v for k, v in en.items() if k != "utter_help"})
    assert main(["check-translations", "--locales", str(tmp_path)]) == 1
    assert main(["check-translations"]) == 0


def test_localise_response_translates_text_and_buttons(book: Catalog) -> None:
    response = {
        "text": "utter_main_menu",
        "buttons": [
            {"title": "button_menu_ask", "payload": "/ask_question"},
            {"title": "language_name_tr", "payload": '/choose_language{"language": "tr"}'},
        ],
    }
    out = localise_response(response, book, "fi", {})
    assert out["text"] == book.locales["fi"].strings["utter_main_menu"]
    assert out["buttons"][0] == {
        "title": book.locales["fi"].strings["button_menu_ask"],
        "payload": "/ask_question",
    }
    assert out["buttons"][1]["title"] == "Türkçe"
    assert response["text"] == "utter_main_menu", "the domain's response must not be modified"


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_language_names_name_every_language(book: Catalog, language: str) -> None:
    assert all(book.locales[language].language_words.get(code) for code in SUPPORTED_LANGUAGES)


def test_a_slot_named_like_a_parameter_does_not_break_rendering(book: Catalog) -> None:
    response = {"text": "utter_ask_affirmation"}
    values = {"language": "fi", "key": "x", "intent_label": "apu"}
    assert localise_response(response, book, "fi", values)["text"].endswith("apu?")
