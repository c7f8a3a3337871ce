"""What the benchmarks share: percentiles and writing the figures."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile by the nearest rank of the sorted values."""
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, int(round(q / 100 * (len(ordered) - 1)))))
    return ordered[index]


def write_result(result: dict[str, Any], out: str | Path) -> None:
    path = Path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, indent=2) + "\n")
    print(f"written to {path}")


def messenger_env(
    telegram_url: str, graph_url: str, telegram_secret: str, app_secret: str, phone_id: str
) -> dict[str, str]:
    """The stack's environment with Telegram and WhatsApp pointed at the local fakes."""
    return {
        "TELEGRAM_TOKEN": "123456:BENCH",
        "TELEGRAM_SECRET_TOKEN": telegram_secret,
        "TELEGRAM_API_BASE_URL": telegram_url,
        "WHATSAPP_ACCESS_TOKEN": "bench-access-token",
        "WHATSAPP_PHONE_NUMBER_ID": phone_id,
        "WHATSAPP_APP_SECRET": app_secret,
        "WHATSAPP_VERIFY_TOKEN": "bench-verify",
        "WHATSAPP_GRAPH_URL": graph_url,
        "LOG_LEVEL": "WARNING",
    }
