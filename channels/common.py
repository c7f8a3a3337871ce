"""What every user-facing channel does to a message before Rasa sees it."""

from __future__ import annotations

import asyncio
import gc
import hashlib
import hmac
import logging
import time
from typing import Any, Awaitable, Callable, Dict, Iterable, List, TypeVar

from rasa.core.channels.channel import CollectingOutputChannel
from rasa.shared.core.events import BotUttered, UserUttered
from sanic_cors.core import SANIC_CORS_EVALUATED

from bot.settings import Settings
from bot.shortcuts import PayloadGuard, choice_by_number, numbered_options
from bot.storage import question_log
from bot.storage.deliveries import Deliveries

logger = logging.getLogger(__name__)
T = TypeVar("T")


async def freeze_startup_objects(app: Any, loop: Any) -> None:
    """Once the model is loaded, move everything alive to the garbage collector's permanent
    generation: the full collections that would otherwise walk Rasa's and TensorFlow's
    millions of start-up objects paused a turn for ~240 ms now and then."""
    gc.collect()
    gc.freeze()


def skip_cors(request: Any) -> None:
    """For the messengers' webhooks (server to server, never a browser): tell Rasa's CORS
    extension there is nothing to add, so its per-response work is skipped (its own flag, the
    one its view decorator sets). It was a sixth of an acknowledgement's time."""
    setattr(request.ctx, SANIC_CORS_EVALUATED, "1")


def guard_from_settings(settings: Settings | None = None) -> PayloadGuard:
    return PayloadGuard((settings or Settings.from_env()).secret_key)


def last_offered_buttons(events: List[Any]) -> List[Dict[str, Any]] | None:
    """Buttons of the assistant's latest turn, if she has not written since."""
    buttons: List[Dict[str, Any]] = []
    for event in reversed(events):
        if isinstance(event, UserUttered):
            break
        if isinstance(event, BotUttered):
            if event.data.get("buttons"):
                # The turn's last message with buttons is the one shown nearest her reply.
                buttons = list(event.data["buttons"])
                break
    return buttons or None


async def resolve_text(guard: PayloadGuard, agent: Any, sender_id: str, text: str) -> str:
    """Check shortcuts and turn "2" into the second offered button's payload."""
    text = guard.inbound(sender_id, text)
    stripped = text.strip()
    if stripped.rstrip(".)").isdigit() and agent is not None and agent.tracker_store is not None:
        tracker = await agent.tracker_store.retrieve(sender_id)
        if tracker is not None:
            payload = choice_by_number(stripped, last_offered_buttons(list(tracker.events)))
            if payload:
                return payload
    return text


class GuardedCollectingOutputChannel(CollectingOutputChannel):
    """Collects replies with signed button payloads; text-only mode lists buttons as numbers."""

    def __init__(self, guard: PayloadGuard, sender_id: str, text_only: bool = False) -> None:
        super().__init__()
        self._guard = guard
        self._sender_id = sender_id
        self._text_only = text_only

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: List[Dict[str, Any]], **kwargs: Any
    ) -> None:
        if self._text_only:
            body = f"{text}\n{numbered_options(buttons)}" if text else numbered_options(buttons)
            await self._persist_message(self._message(recipient_id, text=body))
            return
        signed = self._guard.sign_buttons(self._sender_id, buttons)
        await self._persist_message(self._message(recipient_id, text=text, buttons=signed))


# Buttons on messengers whose button data is short (Telegram: 64 bytes): a digest of the
# payload goes out, and the payload is found again among the buttons sent to her.
BUTTON_TOKEN_PREFIX = "p:"  # noqa: S105 (not a secret)


def button_token(payload: str) -> str:
    return BUTTON_TOKEN_PREFIX + hashlib.sha256(payload.encode()).hexdigest()[:32]


def payload_of_token(events: Iterable[Any], token: str) -> str | None:
    """The payload of the button she tapped, among the buttons sent to her (else None)."""
    if not token.startswith(BUTTON_TOKEN_PREFIX):
        return None
    for event in reversed(list(events)):
        if isinstance(event, BotUttered):
            for button in event.data.get("buttons") or []:
                payload = str(button.get("payload") or "")
                if payload and hmac.compare_digest(button_token(payload), token):
                    return payload
    return None


QUIET = 0.005  # seconds without a new delivery before a turn starts
MAX_QUIET_WAIT = 0.1


class OncePerDelivery:
    """Acknowledge first, then take each platform delivery once and process it.

    `accept` only queues the delivery, so the webhook answers 200 at once however busy the
    assistant is (platforms retry, and eventually give up on, slow webhooks). Workers then
    take the delivery's id in the database (so restarts and other replicas drop redeliveries
    too) and process it. Deliveries of one conversation always go to the same worker, so her
    messages are handled in the order they came. A failure is logged by kind and recorded,
    never turned into a redelivery."""

    def __init__(self, channel: str, database_url: str, workers: int = 8) -> None:
        self.channel = channel
        self.database_url = database_url
        self.workers = workers
        self._queues: List[asyncio.Queue[Any]] = []
        self._tasks: List[asyncio.Task[Any]] = []
        self._last_accept = 0.0

    def _store(self) -> Deliveries:
        return Deliveries(question_log(self.database_url).engine)

    async def warm_up(self, app: Any, loop: Any) -> None:
        """Before the server listens: connect to the database (and check its migrations), so
        the first burst of deliveries does not wait while that holds the interpreter lock."""
        try:
            await asyncio.to_thread(self._store)
        except Exception as exc:  # it will be tried again at the first delivery
            logger.warning(
                "%s: the database is not reachable yet (%s)", self.channel, type(exc).__name__
            )

    async def first(self, delivery_id: str) -> bool:
        return await asyncio.to_thread(self._store().take, self.channel, delivery_id)

    def accept(
        self, delivery_id: str, conversation: str, work: Callable[[], Awaitable[Any]]
    ) -> None:
        """Queue a delivery: `work()` runs once, after the others of this conversation."""
        if not self._tasks:  # started on the server's loop, at the first delivery
            self._queues = [asyncio.Queue() for _ in range(self.workers)]
            self._tasks = [asyncio.create_task(self._work(q)) for q in self._queues]
        shard = int(hashlib.sha256(conversation.encode()).hexdigest()[:8], 16) % self.workers
        self._queues[shard].put_nowait((delivery_id, work))
        self._last_accept = time.monotonic()

    def pending(self) -> int:
        return sum(queue.qsize() for queue in self._queues)

    async def _quiet(self) -> None:
        """Acknowledgements first: a turn holds the event loop for milliseconds, so while a
        burst of deliveries is arriving (one in the last 5 ms) processing waits, up to 100 ms."""
        waited = 0.0
        while time.monotonic() - self._last_accept < QUIET and waited < MAX_QUIET_WAIT:
            await asyncio.sleep(QUIET)
            waited += QUIET

    async def _work(self, queue: asyncio.Queue[Any]) -> None:
        while True:
            delivery_id, work = await queue.get()
            await self._quiet()
            try:
                if await self.first(delivery_id):
                    await self._run(delivery_id, work)
            except Exception:  # the database is down: say so, and go on with the next
                logger.error("%s: could not take delivery %s", self.channel, delivery_id)
            finally:
                queue.task_done()

    async def _run(self, delivery_id: str, work: Callable[[], Awaitable[Any]]) -> None:
        try:
            await work()
        except Exception as exc:  # acknowledged already: record it, never ask for it again
            kind = type(exc).__name__
            logger.error("%s: delivery %s failed (%s)", self.channel, delivery_id, kind)
            try:
                await asyncio.to_thread(self._store().failed, self.channel, delivery_id, kind)
            except Exception:
                logger.exception("%s: could not record a failed delivery", self.channel)


def run_on_plain_loop(work: Awaitable[T]) -> T:
    """Run a coroutine from a command on plain asyncio: importing Rasa installs uvloop's
    policy, whose loop fails to close here after an HTTP client has been used."""
    loop = asyncio.SelectorEventLoop()
    try:
        return loop.run_until_complete(work)
    finally:
        loop.close()


def handoff_service() -> Any:
    """The process's handoff service (imported on use: it imports the channels itself)."""
    from channels import handoff

    return handoff.service()


async def kept_in_conversation(sender: str, language: str) -> None:
    """For channels with nothing to send to (the widget, REST): what the handoff says to her is
    kept in her conversation, where /widget/history reads it, and answers her own request in
    its response (HandoffService.route's `reply`)."""
    return None


def attach_to_handoff(
    channel: str,
    on_new_message: Callable[[Any], Awaitable[Any]],
    output_for: Callable[[str, str], Awaitable[Any]] = kept_in_conversation,
) -> None:
    """Let the handoff relay write to this channel's people and start their ratings."""
    from channels import handoff

    handoff.service().attach(channel, handoff.Hooks(on_new_message, output_for))
