"""An aiohttp app served from a thread on 127.0.0.1, for fake outside APIs in tests."""

from __future__ import annotations

import asyncio
import threading
from typing import TypeVar

from aiohttp import web

S = TypeVar("S", bound="LocalServer")


class LocalServer:
    """Subclasses add their routes in `routes`; `start` serves them, `stop` ends it."""

    port: int

    def routes(self, app: web.Application) -> None:
        raise NotImplementedError

    def start(self: S) -> S:
        ready = threading.Event()

        def serve() -> None:
            self._loop = asyncio.SelectorEventLoop()  # plain asyncio, whatever policy is set
            app = web.Application()
            self.routes(app)
            self._runner = web.AppRunner(app)
            self._loop.run_until_complete(self._runner.setup())
            site = web.TCPSite(self._runner, "127.0.0.1", self.port)
            self._loop.run_until_complete(site.start())
            ready.set()
            self._loop.run_forever()

        threading.Thread(target=serve, daemon=True).start()
        ready.wait(10)
        return self

    def stop(self) -> None:
        loop, runner = getattr(self, "_loop", None), getattr(self, "_runner", None)
        if loop is not None and runner is not None:
            asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(5)
            loop.call_soon_threadsafe(loop.stop)
