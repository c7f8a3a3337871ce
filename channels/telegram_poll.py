"""`make telegram`: long polling for trying the bot without a public URL.

Updates are fetched with getUpdates and posted, unchanged and with the secret header, to this
server's own webhook: the same checks, deduplication and processing as in production. Telegram
refuses getUpdates while a webhook is set, so the webhook is removed first.
"""

from __future__ import annotations

import asyncio
import json
import logging

import httpx
from telegram import Bot
from telegram.error import NetworkError, TelegramError

from channels.common import run_on_plain_loop
from channels.telegram import ALLOWED_UPDATES, SECRET_HEADER, TelegramConfig

logger = logging.getLogger(__name__)


async def _poll(config: TelegramConfig, server: str, rounds: int, wait: int) -> None:
    bot = Bot(config.token, base_url=config.base_url)
    webhook = f"{server}/webhooks/telegram/webhook"
    headers = {SECRET_HEADER: config.secret, "Content-Type": "application/json"}
    offset = 0
    done = 0
    try:
        await bot.delete_webhook()
        async with httpx.AsyncClient(timeout=60) as client:
            while rounds <= 0 or done < rounds:
                done += 1
                try:
                    updates = await bot.get_updates(
                        offset=offset, timeout=wait, allowed_updates=list(ALLOWED_UPDATES)
                    )
                except NetworkError:
                    await asyncio.sleep(2)
                    continue
                for update in updates:
                    body = json.dumps(update.to_dict())
                    answer = await client.post(webhook, content=body, headers=headers)
                    if answer.status_code >= 400:
                        logger.warning("telegram poll: the webhook said %s", answer.status_code)
                    offset = update.update_id + 1
    finally:
        await bot.shutdown()


def poll(config: TelegramConfig, server: str, rounds: int = 0, wait: int = 30) -> int:
    try:
        run_on_plain_loop(_poll(config, server, rounds, wait))
    except KeyboardInterrupt:
        return 0
    except TelegramError as exc:
        print(f"telegram: the Bot API refused: {exc}")
        return 1
    return 0
