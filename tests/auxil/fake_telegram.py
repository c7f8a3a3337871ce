"""A local stand-in for the Telegram Bot API: answers like it and records what was sent."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.auxil.local_server import LocalServer
from tests.auxil.stack import free_port


@dataclass
class FakeTelegram(LocalServer):
    port: int = field(default_factory=free_port)
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    queued: list[dict[str, Any]] = field(default_factory=list)  # what getUpdates hands out
    received: list[tuple[str, dict[str, Any]]] = field(default_factory=list)  # our webhook's
    too_many: int = 0  # answer this many next sends with 429 "retry after 1", as Telegram does
    blocked: set[str] = field(default_factory=set)  # chats that blocked the bot (403)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    def sent(self, chat_id: int | str, method: str = "sendMessage") -> list[dict[str, Any]]:
        return [
            params
            for name, params in list(self.calls)
            if name == method and str(params.get("chat_id")) == str(chat_id)
        ]

    def wait_for(self, chat_id: int | str, count: int = 1, timeout: float = 15) -> list[dict]:
        deadline = time.monotonic() + timeout
        while len(self.sent(chat_id)) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.sent(chat_id)

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        if request.content_type == "application/json":
            params = await request.json()
        else:
            params = dict(await request.post())
        for key in ("reply_markup", "chat_id"):
            value = params.get(key)
            if isinstance(value, str) and value[:1] in "{[":
                params[key] = json.loads(value)
        if method == "getUpdates":
            offset = int(params.get("offset") or 0)
            handed = [u for u in self.queued if u["update_id"] >= offset]
            self.calls.append((method, params))
            return web.json_response({"ok": True, "result": handed})
        if method == "sendMessage" and self.too_many > 0:
            self.too_many -= 1
            self.calls.append(("429", params))
            return web.json_response(
                {
                    "ok": False,
                    "error_code": 429,
                    "description": "Too Many Requests: retry after 1",
                    "parameters": {"retry_after": 1},
                },
                status=429,
            )
        if method == "sendMessage" and str(params.get("chat_id")) in self.blocked:
            self.calls.append(("403", params))
            return web.json_response(
                {
                    "ok": False,
                    "error_code": 403,
                    "description": "Forbidden: bot was blocked by the user",
                },
                status=403,
            )
        self.calls.append((method, params))
        if method == "sendMessage":
            result: Any = {
                "message_id": len(self.calls),
                "date": int(time.time()),
                "chat": {"id": int(params["chat_id"]), "type": "private"},
                "text": params.get("text", ""),
            }
        else:
            result = True
        return web.json_response({"ok": True, "result": result})

    async def _webhook(self, request: web.Request) -> web.Response:
        """Stands in for our own webhook when a test needs to see what was posted to it."""
        secret = request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")
        self.received.append((secret, await request.json()))
        return web.json_response({"status": "accepted"})

    def routes(self, app: web.Application) -> None:
        app.router.add_post("/bot{token}/{method}", self._handle)
        app.router.add_post("/webhooks/telegram/webhook", self._webhook)
