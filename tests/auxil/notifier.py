"""A MentorNotifier pointed at the local fake Bot API and Graph API (tests only)."""

from __future__ import annotations

from channels.notify import MentorNotifier
from tests.auxil.fake_graph import FakeGraph
from tests.auxil.fake_telegram import FakeTelegram


def fake_notifier(key: str, url: str, telegram: FakeTelegram, graph: FakeGraph) -> MentorNotifier:
    """Telegram and WhatsApp both enabled, the database at `url`, the template `mentor_request`."""
    env = {
        "IMENTOR_SECRET_KEY": key,
        "DATABASE_URL": url,
        "TELEGRAM_TOKEN": "1:T",
        "TELEGRAM_SECRET_TOKEN": "s",
        "TELEGRAM_API_BASE_URL": telegram.base_url,
        "WHATSAPP_ACCESS_TOKEN": "wa-token",
        "WHATSAPP_PHONE_NUMBER_ID": "1098",
        "WHATSAPP_APP_SECRET": "app-secret",
        "WHATSAPP_VERIFY_TOKEN": "verify",
        "WHATSAPP_GRAPH_URL": graph.url,
        "WHATSAPP_MENTOR_TEMPLATE": "mentor_request",
    }
    return MentorNotifier.from_env(env)
