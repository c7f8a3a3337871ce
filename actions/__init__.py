"""Custom actions run by the rasa-sdk action server; thin, the logic lives in bot/."""
