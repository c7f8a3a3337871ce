"""Custom actions run by the rasa-sdk action server; thin, the logic lives in bot/."""

from bot import logs

logs.install()  # rasa-sdk has configured logging before it imports the actions
