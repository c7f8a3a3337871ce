"""Settings come from the environment; secrets never show in repr."""

from __future__ import annotations

import pytest

from bot.settings import Settings


def test_a_configured_key_is_used_and_hidden() -> None:
    settings = Settings.from_env({"IMENTOR_SECRET_KEY": "s" * 40})
    assert settings.secret_key == b"s" * 40
    assert not settings.secret_key_generated
    assert "sss" not in repr(settings)


def test_without_a_key_one_random_key_serves_the_whole_process() -> None:
    first, second = Settings.from_env({}), Settings.from_env({})
    assert first.secret_key_generated and first.secret_key == second.secret_key
    assert len(first.secret_key) >= 32


def test_a_short_key_is_refused() -> None:
    with pytest.raises(ValueError):
        Settings.from_env({"IMENTOR_SECRET_KEY": "short"})


def test_message_limit_is_configurable() -> None:
    assert Settings.from_env({"IMENTOR_MAX_MESSAGE_CHARS": "100"}).max_message_chars == 100
