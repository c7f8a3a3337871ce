"""The handoff to mentors, run by the Rasa server: offers, Accept/Decline, the relay, the end.

- **Offers.** A sweeper (any replica may run it; every step is taken once in the database)
  offers each new request to the best-matched mentor on her own messenger, with the reasons
  for the match and Accept / Decline buttons. No answer within HANDOFF_OFFER_MINUTES, a
  decline, or a mentor who cannot be reached: the next mentor. Nobody left: she is told
  honestly when a coordinator will answer, the coordinators get a ticket with a "Take it"
  button, and the request is tried again every HANDOFF_RETRY_MINUTES.
- **Routing.** Every channel asks `route` before Rasa sees a message. A mentor's button taps
  (signed action tokens) and a mentor's messages while she has conversations go here; so do
  a mentee's messages while a mentor has accepted her. Rasa stays quiet then, except for
  /end, /help, and her data rights (privacy, forget me).
- **The relay.** Her messages reach the mentor as "#K7P2: …" (a pseudonym per request); the
  mentor's reach her as "Ana (your mentor): …", on her own channel. Everything sent to her is
  also added to her conversation, so the widget shows it and nothing is lost in a restart.
- **The end.** /end from either side ends the relay and asks both for the post-session rating
  (the feedback form, `feedback_kind: session`, the handoff's ref as its subject).
"""

from __future__ import annotations

import asyncio
import contextvars
import datetime as dt
import logging
import re
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Dict, List, Optional

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.i18n import catalog
from bot.mentoring.handoffs import (
    ACCEPTED,
    Accept,
    Handoff,
    HandoffConfig,
    HandoffStore,
    Mentorship,
)
from bot.mentoring.matching import Directory, Match, rank
from bot.mentoring.mentors import Mentor, MentorStore
from bot.mentoring.messages import (
    application_lines,
    details,
    minutes,
    reason_text,
    render_summary,
)
from bot.settings import Settings
from bot.storage import person_key, question_log
from channels.notify import MentorNotifier, Notice, NotificationFailed

logger = logging.getLogger(__name__)

END = "/end_relay"  # what "/end" becomes (bot.shortcuts.COMMANDS)
HELP = "/help"
CLOSE = "/close_mentoring"  # she ends the mentoring relationship ("/close")
CHECKIN_OK = "/checkin_ok"  # "going well", her answer to a check-in
# never held back by a relay, these go to the assistant: her data rights, and the rating
# buttons (a mentor may rate one conversation while others go on)
PASS_THROUGH = ("/forget_me", "/privacy_question", "/give_feedback")
SWEEP_SECONDS = 1.0
LEASE = dt.timedelta(seconds=60)
LOCK_WAIT = 0.02  # seconds between tries for her conversation's lock (Rasa's default: 1 s)
# "#K7P2 hello" (or "@K7P2"): the mentor chooses whom her message is for
LEADING_CODE = re.compile(r"^\s*[@#]+([A-Za-z2-9]{4})\b[\s:,.-]*(.*)$", re.S)


# The output of the request being routed, for channels that answer in the response (REST).
_REPLY: contextvars.ContextVar[tuple[str, str, Any] | None] = contextvars.ContextVar(
    "handoff_reply", default=None
)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


# How each channel sends to one of its people: (address, language) → an output channel, or
# None when the channel only keeps messages in the conversation (widget, REST).
OutputFactory = Callable[[str, str], Awaitable[Optional[OutputChannel]]]


@dataclass
class Hooks:
    on_new_message: Callable[[UserMessage], Awaitable[Any]]
    output: OutputFactory


def mentor_language(mentor: Mentor) -> str:
    """Mentors are written to in the first language they gave."""
    return mentor.languages[0] if mentor.languages else "en"


class HandoffService:
    """One per process; all state is in the database (any replica can take any step)."""

    def __init__(
        self,
        settings: Settings,
        notifier: MentorNotifier,
        config: HandoffConfig | None = None,
        clock: Callable[[], dt.datetime] = utcnow,
    ) -> None:
        self.settings = settings
        self.notifier = notifier
        self.config = config or HandoffConfig()
        self.clock = clock
        self.hooks: Dict[str, Hooks] = {}
        self.agent: Any = None
        self._store: HandoffStore | None = None
        self._directory: Directory | None = None
        self._wake = asyncio.Event()

    # -- set-up -------------------------------------------------------------------------------
    @property
    def store(self) -> HandoffStore:
        if self._store is None:
            self._store = HandoffStore(question_log(self.settings.database_url).engine)
        return self._store

    @property
    def mentors(self) -> MentorStore:
        return MentorStore(self.store.engine)

    @property
    def directory(self) -> Directory:
        if self._directory is None:
            self._directory = Directory(self.mentors)
        return self._directory

    def attach(self, channel: str, hooks: Hooks) -> None:
        self.hooks[channel] = hooks

    def key(self, channel: str, sender: str) -> str:
        return person_key(self.settings.secret_key, channel, sender)

    def wake(self) -> None:
        """Run the sweeper now (after a decline: the next mentor need not wait a second)."""
        self._wake.set()

    # -- routing: called by every channel before Rasa ------------------------------------------
    async def route(
        self,
        channel: str,
        sender: str,
        text: str,
        agent: Any = None,
        metadata: Dict[str, Any] | None = None,
        reply: OutputChannel | None = None,
    ) -> bool:
        """True when the message belonged to a handoff (and was handled here). `reply`: where
        a channel that answers in its response (REST) collects what is said to the sender."""
        if agent is not None:
            self.agent = agent
        token = _REPLY.set((channel, sender, reply)) if reply is not None else None
        try:
            return await self._route(channel, sender, text, metadata)
        finally:
            if token is not None:
                _REPLY.reset(token)

    async def _route(
        self, channel: str, sender: str, text: str, metadata: Dict[str, Any] | None
    ) -> bool:
        if text.startswith("a:") and channel in self.notifier.channels:
            if await self.mentor_tap(channel, sender, text):
                return True
        if text in (CLOSE, CHECKIN_OK):
            await self._mentee_command(channel, sender, text)
            return True
        mentor, relays, handoff = await asyncio.to_thread(self._lookup, channel, sender)
        if mentor is not None and relays:
            if text.startswith(PASS_THROUGH):
                return False
            await self._from_mentor(mentor, relays, text)
            return True
        if handoff is None:
            if text == END:  # "/end" with no mentor to end it with
                await self._say(channel, sender, "relay_no_conversation")
                return True
            return False
        if handoff.state == ACCEPTED:
            if text == END:
                await self.finish(handoff, "mentee")
            elif text.startswith(PASS_THROUGH):
                return False
            elif text.startswith("/"):
                await self._mentee_help(handoff)
            else:
                await self._from_mentee(handoff, text, metadata)
            return True
        if text == END:  # she cancels a request still being offered or waiting
            await self.finish(handoff, "cancelled")
            return True
        return False

    async def relaying(self, channel: str, sender: str) -> bool:
        """Whether a mentor is talking with this person now."""
        handoff = await asyncio.to_thread(self.store.open_for_mentee, self.key(channel, sender))
        return handoff is not None and handoff.state == ACCEPTED

    def _lookup(self, channel: str, sender: str):
        mentor = relays = None
        if channel in ("telegram", "whatsapp"):
            mentor = self.mentors.at(channel, sender)
            relays = self.store.relays_of(mentor.ref) if mentor is not None else None
        if relays:
            return mentor, relays, None
        return mentor, relays, self.store.open_for_mentee(self.key(channel, sender))

    # -- a mentor's button --------------------------------------------------------------------
    async def mentor_tap(self, channel: str, sender: str, token: str) -> bool:
        """Accept, Decline, Take it, Answer, End: True when it was a genuine mentor button."""
        found = self.notifier.read_action(channel, sender, token)
        if found is None:
            return False
        action, ref = found
        now = self.clock()
        mentor = await asyncio.to_thread(self.mentors.at, channel, sender)
        handoff = await asyncio.to_thread(self.store.get, ref)
        if mentor is None:
            return True  # no longer a mentor (removed): nothing to do
        language = mentor_language(mentor)
        book = catalog()
        pseudonym = handoff.pseudonym if handoff is not None else ""
        if action in ("accept", "take"):
            result = await asyncio.to_thread(
                self.store.accept,
                ref,
                mentor,
                now,
                self.config.checkin_after,
                action == "take" and mentor.coordinator,
            )
            if result is Accept.ACCEPTED and handoff is not None:
                await self._accepted(handoff, mentor)
                return True
            if result is Accept.FULL:
                await asyncio.to_thread(self.store.answer_offer, ref, mentor.ref, "full", now)
                self.wake()
                text = book.text(
                    "handoff_full", language, count=str(mentor.capacity), pseudonym=pseudonym
                )
            elif result is Accept.TAKEN:
                text = book.text("handoff_offer_taken", language, pseudonym=pseudonym)
            elif result is Accept.NOT_OFFERED:
                text = book.text(
                    "handoff_offer_expired",
                    language,
                    pseudonym=pseudonym,
                    minutes=minutes(self.config.offer_after),
                )
            else:
                text = book.text("handoff_offer_closed", language, pseudonym=pseudonym)
            await self._tell_mentor(mentor, text)
        elif action == "decline":
            if await asyncio.to_thread(self.store.answer_offer, ref, mentor.ref, "declined", now):
                self.wake()
                await self._tell_mentor(mentor, book.text("handoff_declined", language))
            else:
                text = book.text("handoff_offer_closed", language, pseudonym=pseudonym)
                await self._tell_mentor(mentor, text)
        elif action == "answer":
            if await asyncio.to_thread(self.store.set_focus, ref, mentor.ref, now):
                await self._tell_mentor(
                    mentor, book.text("relay_focus", language, pseudonym=pseudonym)
                )
        elif action == "end":
            if handoff is not None and handoff.mentor_ref == mentor.ref:
                await self.finish(handoff, "mentor")
        elif action in ("approve", "reject"):
            if mentor.coordinator and mentor.active:
                await self._review(mentor, ref, action == "approve")
        elif action in ("checkin", "close"):
            mentorship = await asyncio.to_thread(self.store.mentorship, ref)
            if mentorship is None or mentorship.mentor_ref != mentor.ref or mentorship.closed:
                return True
            if action == "close":
                await self.close(mentorship, "mentor")
            else:
                await self._tell_mentor(mentor, book.text("checkin_thanks", language))
        return True

    async def _review(self, coordinator: Mentor, ref: str, approve: bool) -> None:
        """A coordinator confirms or rejects a mentor who signed up in chat."""
        mentors = self.mentors
        applicant = await asyncio.to_thread(mentors.get, ref)
        if applicant is None:
            return
        if approve:
            done = await asyncio.to_thread(mentors.approve, ref, self.clock())
        else:
            done = await asyncio.to_thread(mentors.reject, ref)
        if not done:  # another coordinator was first
            return
        key = "signup_approved" if approve else "signup_rejected"
        await self._tell_mentor(applicant, catalog().text(key, mentor_language(applicant)))
        text = catalog().text(
            "coordinator_done", mentor_language(coordinator), name=applicant.first_name
        )
        await self._tell_mentor(coordinator, text)

    async def _announce(self, applicant: Mentor) -> None:
        """A new mentor signed up in chat: every coordinator gets Confirm / Reject."""
        book = catalog()
        for coordinator in await self._coordinators("a mentor application"):
            language = mentor_language(coordinator)
            text = book.text(
                "coordinator_new_mentor",
                language,
                name=applicant.first_name,
                details="\n".join(application_lines(book, applicant, language)),
            )
            actions = [
                (book.text("button_approve", language), "approve"),
                (book.text("button_reject", language), "reject"),
            ]
            values = [applicant.first_name, ", ".join(applicant.countries)]
            await self._tell_mentor(
                coordinator, text, actions=actions, ref=applicant.ref, template_values=values
            )

    async def _mentee_command(self, channel: str, sender: str, text: str) -> None:
        mentorship = await asyncio.to_thread(
            self.store.mentorship_of_mentee, self.key(channel, sender)
        )
        if mentorship is None:
            await self._say(channel, sender, "mentorship_none")
        elif text == CHECKIN_OK:
            await self._say(channel, sender, "checkin_thanks", mentorship.language)
        else:
            await self.close(mentorship, "mentee")

    async def close(self, mentorship: Mentorship, by: str) -> None:
        """Either side ends the mentoring relationship: a relay between them ends too, both
        are told, and both are asked how the mentoring went."""
        now = self.clock()
        closed = await asyncio.to_thread(self.store.close_mentorship, mentorship.ref, by, now)
        if closed is None:
            return
        if closed.mentee_key:
            relay = await asyncio.to_thread(self.store.open_for_mentee, closed.mentee_key)
            if (
                relay is not None
                and relay.state == ACCEPTED
                and relay.mentor_ref == closed.mentor_ref
            ):
                await asyncio.to_thread(self.store.end, relay.ref, by, now)
        book = catalog()
        mentor = await asyncio.to_thread(self.mentors.get, closed.mentor_ref)
        name = mentor.first_name if mentor is not None else ""
        if closed.mentee_channel and closed.mentee_address:
            text = book.text("mentorship_closed_mentee", closed.language, name=name)
            await self._send(
                closed.mentee_channel,
                closed.mentee_address,
                closed.language,
                text,
                None,
                closed.ref,
            )
            await self._rating(
                closed.mentee_channel,
                closed.mentee_address,
                closed.language,
                closed.ref,
                "mentoring",
            )
        if mentor is not None:
            language = mentor_language(mentor)
            text = book.text("mentorship_closed_mentor", language, pseudonym=closed.pseudonym)
            await self._tell_mentor(mentor, text)
            await self._rating(mentor.channel, mentor.address, language, closed.ref, "mentoring")

    # -- the relay ----------------------------------------------------------------------------
    async def _from_mentee(
        self, handoff: Handoff, text: str, metadata: Dict[str, Any] | None
    ) -> None:
        mentor = await asyncio.to_thread(self.mentors.get, handoff.mentor_ref)
        if mentor is not None:
            relays = await asyncio.to_thread(self.store.relays_of, mentor.ref)
            language = mentor_language(mentor)
            body = catalog().text(
                "relay_to_mentor", language, pseudonym=handoff.pseudonym, text=text
            )
            actions = []
            if len(relays) > 1 and relays[0].ref != handoff.ref:  # not the one she answers now
                title = catalog().text("button_relay_answer", language, pseudonym=handoff.pseudonym)
                actions = [(title, "answer")]
            await self._tell_mentor(mentor, body, actions=actions, ref=handoff.ref)
        await self._add(
            handoff.mentee_address,
            [
                UserUttered(
                    text,
                    intent={"name": None, "confidence": 0.0},
                    input_channel=handoff.mentee_channel,
                    metadata={**(metadata or {}), "handoff": handoff.ref},
                ),
                ActionExecuted("action_listen"),
            ],
        )

    async def _from_mentor(self, mentor: Mentor, relays: List[Handoff], text: str) -> None:
        book = catalog()
        language = mentor_language(mentor)
        focus = relays[0]
        match = LEADING_CODE.match(text) if not text.startswith("/") else None
        if match:
            code = "#" + match.group(1).upper()
            chosen = next((h for h in relays if h.pseudonym == code), None)
            if chosen is not None:
                if chosen.ref != focus.ref:
                    await asyncio.to_thread(
                        self.store.set_focus, chosen.ref, mentor.ref, self.clock()
                    )
                    await self._tell_mentor(
                        mentor, book.text("relay_focus", language, pseudonym=chosen.pseudonym)
                    )
                focus, text = chosen, match.group(2).strip()
                if not text:
                    return
        if text == END:
            await self.finish(focus, "mentor")
            return
        if text.startswith("/"):
            await self._mentor_help(mentor, relays)
            return
        body = book.text("relay_from_mentor", focus.language, name=mentor.first_name, text=text)
        await self.tell_mentee(focus, body)

    # -- acceptance and the end -----------------------------------------------------------------
    async def _accepted(self, handoff: Handoff, mentor: Mentor) -> None:
        """Both are told (her code, language and channel are as read before the accept)."""
        book = catalog()
        language = mentor_language(mentor)
        await self._tell_mentor(
            mentor,
            book.text("handoff_connected_mentor", language, pseudonym=handoff.pseudonym),
        )
        kind = book.text(f"mentor_kind_{mentor.mentor_type}", handoff.language)
        await self.tell_mentee(
            handoff,
            book.text("handoff_accepted", handoff.language, name=mentor.first_name, kind=kind),
        )

    async def finish(self, handoff: Handoff, by: str) -> None:
        """/end (mentee or mentor), her cancelling a request, or a mentor's End button."""
        ended = await asyncio.to_thread(self.store.end, handoff.ref, by, self.clock())
        if ended is None:
            return
        book = catalog()
        if ended.state != ACCEPTED:  # a request she cancelled before anyone accepted
            await self.tell_mentee(ended, book.text("handoff_cancelled", ended.language))
            return
        mentor = await asyncio.to_thread(self.mentors.get, ended.mentor_ref)
        await self.tell_mentee(ended, book.text("relay_ended_mentee", ended.language))
        await self._rating(ended.mentee_channel, ended.mentee_address, ended.language, ended.ref)
        if mentor is not None:
            language = mentor_language(mentor)
            text = book.text("relay_ended_mentor", language, pseudonym=ended.pseudonym)
            await self._tell_mentor(mentor, text)
            await self._rating(mentor.channel, mentor.address, language, ended.ref)

    async def _rating(
        self,
        channel: str | None,
        address: str | None,
        language: str,
        ref: str,
        kind: str = "session",
    ) -> None:
        """The post-session (or end-of-mentoring) rating: the feedback form in that person's
        own conversation."""
        hooks = self.hooks.get(channel or "")
        if hooks is None or not address:
            return
        output = await hooks.output(address, language)
        payload = f'/give_feedback{{"feedback_kind":"{kind}","subject":"{ref}"}}'
        message = UserMessage(
            payload,
            output,
            address,
            input_channel=channel,
            metadata={"language_hint": language},
        )
        try:
            await hooks.on_new_message(message)
        except Exception:  # the relay has ended either way; the rating is a courtesy
            logger.exception("handoff: could not start the post-session rating")

    # -- help ---------------------------------------------------------------------------------
    async def _mentee_help(self, handoff: Handoff) -> None:
        book = catalog()
        mentor = await asyncio.to_thread(self.mentors.get, handoff.mentor_ref)
        name = mentor.first_name if mentor is not None else ""
        buttons = [
            {"title": book.text("button_relay_end", handoff.language), "payload": END},
            {"title": book.text("button_close_mentoring", handoff.language), "payload": CLOSE},
            {"title": book.text("button_forget_me", handoff.language), "payload": "/forget_me"},
        ]
        text = book.text("relay_help_mentee", handoff.language, name=name)
        await self.tell_mentee(handoff, text, buttons)

    async def _mentor_help(self, mentor: Mentor, relays: List[Handoff]) -> None:
        book = catalog()
        language = mentor_language(mentor)
        codes = ", ".join(h.pseudonym for h in relays)
        focus = relays[0].pseudonym
        text = book.text("relay_help_mentor", language, codes=codes, pseudonym=focus)
        await self._tell_mentor(mentor, text, actions=[], ref=relays[0].ref)
        for handoff in relays[:5]:  # one message per conversation: its own Answer / End buttons
            actions = [
                (book.text("button_relay_answer", language, pseudonym=handoff.pseudonym), "answer"),
                (book.text("button_relay_end_one", language, pseudonym=handoff.pseudonym), "end"),
            ]
            await self._tell_mentor(mentor, handoff.pseudonym, actions=actions, ref=handoff.ref)

    # -- sending ------------------------------------------------------------------------------
    async def tell_mentee(
        self, handoff: Handoff, text: str, buttons: List[Dict[str, Any]] | None = None
    ) -> None:
        """To her own channel, and into her conversation (the widget shows it from there)."""
        if handoff.mentee_channel and handoff.mentee_address:
            await self._send(
                handoff.mentee_channel,
                handoff.mentee_address,
                handoff.language,
                text,
                buttons,
                handoff.ref,
            )

    async def _say(self, channel: str, sender: str, key: str, language: str = "") -> None:
        """A message to whoever wrote, in her language (else her conversation's)."""
        if not language and self.agent is not None and self.agent.tracker_store is not None:
            tracker = await self.agent.tracker_store.retrieve(sender)
            slot = tracker.get_slot("language") if tracker is not None else None
            language = slot if isinstance(slot, str) and slot else ""
        language = language or "en"
        await self._send(channel, sender, language, catalog().text(key, language), None, "")

    async def _send(
        self,
        channel: str,
        address: str,
        language: str,
        text: str,
        buttons: List[Dict[str, Any]] | None,
        ref: str,
    ) -> None:
        hooks = self.hooks.get(channel)
        if hooks is not None:
            output = await hooks.output(address, language)
            current = _REPLY.get()
            if output is None and current is not None and current[:2] == (channel, address):
                output = current[2]  # the sender of this request: in its response
            if output is not None:
                try:
                    if buttons:
                        await output.send_text_with_buttons(
                            address, text, buttons, language=language
                        )
                    else:
                        await output.send_text_message(address, text, language=language)
                except Exception as exc:  # kept in her conversation all the same
                    logger.error("handoff: could not send to a mentee (%s)", type(exc).__name__)
        data = {"buttons": buttons} if buttons else {}
        await self._add(address, [BotUttered(text, data, metadata={"handoff": ref})])

    async def _add(self, sender: str | None, events: List[Any]) -> None:
        """Add events to her conversation, under its lock (Rasa may be answering her)."""
        agent = self.agent
        if agent is None or agent.tracker_store is None or not sender:
            return
        async with agent.lock_store.lock(sender, wait_time_in_seconds=LOCK_WAIT):
            tracker = await agent.tracker_store.get_or_create_tracker(sender)
            for event in events:
                tracker.update(event)
            await agent.tracker_store.save(tracker)

    async def _tell_mentor(
        self,
        mentor: Mentor,
        text: str,
        actions: List[tuple] | None = None,
        ref: str = "",
        template_values: List[str] | None = None,
    ) -> bool:
        notice = Notice(
            channel=mentor.channel,
            address=mentor.address,
            text=text,
            language=mentor_language(mentor),
            actions=actions or (),
            ref=ref,
            template_values=template_values or (),
        )
        try:
            await self.notifier.send(notice)
            return True
        except NotificationFailed as exc:
            logger.warning("handoff: mentor %s not reached (%s)", mentor.ref, exc.reason)
            return False

    # -- the sweeper --------------------------------------------------------------------------
    async def tick(self, now: dt.datetime | None = None) -> int:
        """One round: offer due requests, tell mentors what they must know. Steps taken."""
        now = now or self.clock()
        steps = 0
        for handoff in await asyncio.to_thread(self.store.claim_due, now, LEASE):
            await self._offer_next(handoff, now)
            steps += 1
        for handoff in await asyncio.to_thread(self.store.take_notices):
            await self._notice(handoff)
            steps += 1
        for applicant in await asyncio.to_thread(self.mentors.announce_applications, now):
            await self._announce(applicant)
            steps += 1
        interval = self.config.checkin_after
        for mentorship in await asyncio.to_thread(self.store.claim_checkins, now, interval):
            await self._checkin(mentorship)
            steps += 1
        return steps

    async def _checkin(self, mentorship: Mentorship) -> None:
        """Both are asked how it is going: she can carry on, talk again, or end it."""
        book = catalog()
        mentor = await asyncio.to_thread(self.mentors.get, mentorship.mentor_ref)
        if mentor is None:
            return
        if mentorship.mentee_key:
            talking = await asyncio.to_thread(self.store.open_for_mentee, mentorship.mentee_key)
            if talking is not None and talking.state == ACCEPTED:
                return  # they are talking now: asked at the next check-in instead
        if mentorship.mentee_channel and mentorship.mentee_address:
            language = mentorship.language
            buttons = [
                {"title": book.text("button_checkin_ok", language), "payload": CHECKIN_OK},
                {"title": book.text("button_checkin_talk", language), "payload": "/request_mentor"},
                {"title": book.text("button_close_mentoring", language), "payload": CLOSE},
            ]
            text = book.text("checkin_mentee", language, name=mentor.first_name)
            await self._send(
                mentorship.mentee_channel,
                mentorship.mentee_address,
                language,
                text,
                buttons,
                mentorship.ref,
            )
        language = mentor_language(mentor)
        actions = [
            (book.text("button_checkin_ok", language), "checkin"),
            (book.text("button_close_mentoring", language), "close"),
        ]
        text = book.text("checkin_mentor", language, pseudonym=mentorship.pseudonym)
        await self._tell_mentor(mentor, text, actions=actions, ref=mentorship.ref)

    async def run(self, app: Any = None) -> None:
        """The sweeper: a round every second, or at once when woken."""
        if app is not None:
            self.agent = getattr(app.ctx, "agent", None) or self.agent
        while True:
            try:
                await self.tick()
            except Exception as exc:  # the database is down: say so and try again
                logger.error("handoff: sweeper round failed (%s)", type(exc).__name__)
            try:
                await asyncio.wait_for(self._wake.wait(), SWEEP_SECONDS)
            except asyncio.TimeoutError:
                pass
            self._wake.clear()

    async def _offer_next(self, handoff: Handoff, now: dt.datetime) -> None:
        book = catalog()
        for ref in await asyncio.to_thread(self.store.close_open_offers, handoff, "expired", now):
            mentor = await asyncio.to_thread(self.mentors.get, ref)
            if mentor is not None:
                text = book.text(
                    "handoff_offer_expired",
                    mentor_language(mentor),
                    pseudonym=handoff.pseudonym,
                    minutes=minutes(self.config.offer_after),
                )
                await self._tell_mentor(mentor, text)
        for match in await asyncio.to_thread(self._candidates, handoff, now):
            answer_by = now + self.config.offer_after
            if not await asyncio.to_thread(
                self.store.add_offer, handoff, match.mentor.ref, now, answer_by
            ):
                continue
            if await self._offer(handoff, match):
                return
            await asyncio.to_thread(
                self.store.answer_offer, handoff.ref, match.mentor.ref, "unreachable", now
            )
        retry_at = now + self.config.retry_after
        if await asyncio.to_thread(self.store.wait, handoff, retry_at):
            hours = str(self.config.coordinator_hours)
            await self.tell_mentee(
                handoff, book.text("handoff_nobody", handoff.language, hours=hours)
            )
            await self._ticket(handoff)

    def _candidates(self, handoff: Handoff, now: dt.datetime) -> List[Match]:
        offered = self.store.offers(handoff)
        directory = self.directory.mentors()
        matches = rank(
            handoff.need,
            directory,
            load=self.store.load(),
            last_offered=self.store.last_offered(now - dt.timedelta(days=30)),
            exclude=offered,
            now=now,
            limit=5,
        )
        preferred = handoff.preferred_mentor
        if preferred and preferred not in offered:
            # "my mentor": her own mentor first, when she may still take her
            mine = [m for m in matches if m.mentor.ref == preferred]
            if not mine:
                mine = [
                    m
                    for m in rank(handoff.need, directory, exclude=offered, now=now)
                    if m.mentor.ref == preferred
                ]
            matches = mine + [m for m in matches if m.mentor.ref != preferred]
        return matches

    async def _offer(self, handoff: Handoff, match: Match) -> bool:
        book = catalog()
        mentor = match.mentor
        language = mentor_language(mentor)
        reasons = "; ".join(reason_text(book, r, language) for r in match.top_reasons(3))
        text = book.text(
            "handoff_offer",
            language,
            pseudonym=handoff.pseudonym,
            details=details(book, handoff, language),
            reasons=reasons,
            summary=render_summary(book, handoff.summary, language),
            minutes=minutes(self.config.offer_after),
        )
        actions = [
            (book.text("button_accept", language), "accept"),
            (book.text("button_decline", language), "decline"),
        ]
        values = [handoff.pseudonym, details(book, handoff, language)]
        return await self._tell_mentor(
            mentor, text, actions=actions, ref=handoff.ref, template_values=values
        )

    async def _ticket(self, handoff: Handoff) -> None:
        """Nobody could take her: every coordinator gets the request with "Take it"."""
        book = catalog()
        for coordinator in await self._coordinators(f"request {handoff.ref}"):
            language = mentor_language(coordinator)
            text = book.text(
                "coordinator_ticket",
                language,
                pseudonym=handoff.pseudonym,
                details=details(book, handoff, language),
                summary=render_summary(book, handoff.summary, language),
                hours=str(self.config.coordinator_hours),
            )
            actions = [(book.text("button_take", language), "take")]
            values = [handoff.pseudonym, details(book, handoff, language)]
            await self._tell_mentor(
                coordinator, text, actions=actions, ref=handoff.ref, template_values=values
            )

    async def _coordinators(self, waiting: str) -> List[Mentor]:
        found = [m for m in await asyncio.to_thread(self.mentors.all, True) if m.coordinator]
        if not found:
            logger.error("handoff: %s is waiting and no coordinator is set", waiting)
        return found

    async def _notice(self, handoff: Handoff) -> None:
        if handoff.mentor_notice != "forgotten" or not handoff.mentor_ref:
            return
        mentor = await asyncio.to_thread(self.mentors.get, handoff.mentor_ref)
        if mentor is not None:
            text = catalog().text(
                "relay_forgotten_mentor", mentor_language(mentor), pseudonym=handoff.pseudonym
            )
            await self._tell_mentor(mentor, text)


# -- the process's service, and the channel that runs its sweeper ----------------------------
_service: HandoffService | None = None


def service() -> HandoffService:
    global _service
    if _service is None:
        _service = HandoffService(
            Settings.from_env(), MentorNotifier.from_env(), HandoffConfig.from_env()
        )
    return _service


class HandoffInput(InputChannel):
    """Runs the handoff sweeper in the Rasa server (`/handoff/` answers which channels the
    relay can write to, with no personal data)."""

    @classmethod
    def name(cls) -> str:
        return "handoff"

    def url_prefix(self) -> str:
        return "/handoff"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[str, Any]]) -> HandoffInput:
        return cls()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        hook = Blueprint("imentor_handoff", __name__)
        tasks: List[asyncio.Task] = []

        async def start(app: Any, loop: Any) -> None:
            running = service()
            running.agent = getattr(app.ctx, "agent", None)
            tasks.append(asyncio.ensure_future(running.run(app)))

        async def stop(app: Any, loop: Any) -> None:
            for task in tasks:
                task.cancel()
            await service().notifier.close()

        hook.listener("after_server_start")(start)
        hook.listener("before_server_stop")(stop)

        @hook.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok", "channels": sorted(service().hooks)})

        return hook
