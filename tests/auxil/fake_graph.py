"""A local stand-in for the WhatsApp Cloud API (Graph API): answers like it, records messages."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.auxil.local_server import LocalServer
from tests.auxil.stack import free_port


@dataclass
class FakeGraph(LocalServer):
    port: int = field(default_factory=free_port)
    messages: list[dict[str, Any]] = field(default_factory=list)
    failures: list[int] = field(default_factory=list)  # statuses to answer the next posts with

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def sent_to(self, number: str) -> list[dict[str, Any]]:
        return [m for m in list(self.messages) if m.get("to") == number]

    def wait_for(self, number: str, count: int = 1, timeout: float = 15) -> list[dict]:
        deadline = time.monotonic() + timeout
        while len(self.sent_to(number)) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.sent_to(number)

    async def _messages(self, request: web.Request) -> web.Response:
        if not request.headers.get("Authorization", "").startswith("Bearer "):
            return web.json_response({"error": {"code": 190}}, status=401)
        body = await request.json()
        if self.failures:
            status = self.failures.pop(0)
            return web.json_response({"error": {"code": 4, "message": "try later"}}, status=status)
        self.messages.append(body)
        number = len(self.messages)
        return web.json_response(
            {
                "messaging_product": "whatsapp",
                "contacts": [{"input": body.get("to"), "wa_id": body.get("to")}],
                "messages": [{"id": f"wamid.fake{number}"}],
            }
        )

    def routes(self, app: web.Application) -> None:
        app.router.add_post("/{version}/{phone}/messages", self._messages)
