"""Rasa graph components and the NLG of the i-Mentor e-guide (the only Rasa-aware part of bot/)."""

from bot.rasa_ext import _speedups

_speedups.apply()

from bot import logs  # noqa: E402

logs.install()  # Rasa has configured logging by the time it loads the model's components
