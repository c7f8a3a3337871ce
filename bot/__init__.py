"""i-Mentor e-guide core: settings, languages, translations and shared logic (no Rasa imports)."""

SUPPORTED_LANGUAGES: tuple[str, ...] = ("en", "fi", "sk", "tr", "es", "pl", "pt", "ar", "ru", "uk")
DEFAULT_LANGUAGE = "en"
