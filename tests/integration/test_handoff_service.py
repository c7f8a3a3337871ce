"""The handoff service in-process, against the fake Bot API and Graph API, on SQLite and
PostgreSQL: offers and taps, the relay both ways, /end and the ratings, timeouts on a clock the
test moves, the coordinator's ticket, two mentees for one mentor, and "forget me" mid-relay.
(The whole stack with real webhooks is in test_handoff_stack.py.)"""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from rasa.core.lock_store import InMemoryLockStore
from rasa.core.tracker_store import InMemoryTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered, SlotSet, UserUttered

from bot.i18n import catalog
from bot.mentoring.handoffs import ACCEPTED, ENDED, WAITING, Accept, HandoffConfig, HandoffStore
from bot.mentoring.matching import Need
from bot.mentoring.mentors import MentorStore, make_mentor
from bot.storage import forget_person, person_key, question_log
from bot.storage.schema import handoffs, mentorships
from bot.storage.windows import ContactWindows
from channels.common import run_on_plain_loop as run
from channels.handoff import END, HandoffService, Hooks
from tests.auxil.fake_graph import FakeGraph
from tests.auxil.fake_telegram import FakeTelegram
from tests.auxil.notifier import fake_notifier

KEY = "handoff-test-key-0123456789abcdef0123456789"
T0 = dt.datetime(2026, 11, 30, 10, 0, tzinfo=dt.timezone.utc)  # a Monday morning
DOMAIN = Domain.load(str(Path(__file__).resolve().parents[2] / "domain.yml"))


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> dt.datetime:
        self.now += dt.timedelta(**delta)
        return self.now


class Harness:
    """A HandoffService as the Rasa server runs it, with her conversation in memory."""

    def __init__(self, url: str, telegram: FakeTelegram, graph: FakeGraph) -> None:
        self.notifier = fake_notifier(KEY, url, telegram, graph)
        self.settings = self.notifier.settings
        self.clock = Clock()
        self.service = HandoffService(
            self.settings,
            self.notifier,
            HandoffConfig(offer_after=dt.timedelta(minutes=10)),
            clock=self.clock,
        )
        self.started: list[Any] = []  # messages handed to Rasa (the ratings)
        self.tracker_store = InMemoryTrackerStore(DOMAIN)
        self.service.agent = SimpleNamespace(
            tracker_store=self.tracker_store, lock_store=InMemoryLockStore()
        )

        async def on_new_message(message: Any) -> None:
            self.started.append(message)

        async def nowhere(address: str, language: str) -> None:
            return None

        for channel in ("widget", "telegram", "whatsapp"):
            self.service.attach(channel, Hooks(on_new_message, nowhere))
        self.engine = question_log(url).engine
        self.store = HandoffStore(self.engine)
        self.mentors = MentorStore(self.engine)

    def mentor(self, name: str, chat: str, **extra: Any) -> Any:
        given = {
            "first_name": name,
            "languages": "es;en",
            "countries": "ES",
            "channel": "telegram",
            "address": chat,
            **extra,
        }
        return self.mentors.add(make_mentor(**given))

    def request(self, sender: str, country: str = "ES", summary: Any = None) -> Any:
        """Her request, as the action server files it (she writes in Spanish)."""
        tracker = run(self.tracker_store.get_or_create_tracker(sender))
        tracker.update(SlotSet("language", "es"))
        run(self.tracker_store.save(tracker))
        key = person_key(self.settings.secret_key, "widget", sender)
        handoff, _ = self.store.open(
            mentee_key=key,
            channel="widget",
            address=sender,
            need=Need(language="es", country=country, question_topic="finance"),
            summary=summary,
            now=self.clock.now,
        )
        return handoff

    def tick(self) -> int:
        async def go() -> int:
            try:
                return await self.service.tick()
            finally:
                await self.notifier.close()

        return run(go())

    def call(self, coroutine: Any) -> Any:
        async def go() -> Any:
            try:
                return await coroutine
            finally:
                await self.notifier.close()

        return run(go())

    def tap(self, chat: str, action: str, ref: str) -> bool:
        token = self.notifier.tokens.make("telegram", chat, action, ref)
        return self.call(self.service.route("telegram", chat, token))

    def says(self, channel: str, sender: str, text: str) -> bool:
        return self.call(self.service.route(channel, sender, text))

    def conversation(self, sender: str) -> list[tuple[str, str]]:
        tracker = run(self.tracker_store.retrieve(sender))
        shown = []
        for event in tracker.events if tracker is not None else []:
            if isinstance(event, UserUttered):
                shown.append(("her", event.text))
            elif isinstance(event, BotUttered):
                shown.append(("bot", event.text))
        return shown


@pytest.fixture
def harness(url: str, telegram: FakeTelegram, graph: FakeGraph) -> Harness:
    telegram.calls.clear()  # the same chat ids serve SQLite and PostgreSQL
    telegram.blocked.clear()
    graph.messages.clear()
    return Harness(url, telegram, graph)


book = catalog()


def mentor_says(text: str) -> str:
    return book.text("relay_from_mentor", "es", name="Ana", text=text)


def last_text(telegram: FakeTelegram, chat: str) -> str:
    return telegram.sent(chat)[-1]["text"]


def buttons(telegram: FakeTelegram, chat: str) -> list[str]:
    markup = telegram.sent(chat)[-1].get("reply_markup") or {}
    return [row[0]["text"] for row in markup.get("inline_keyboard", [])]


def test_offer_accept_relay_both_ways_and_end_with_ratings(
    harness: Harness, telegram: FakeTelegram
) -> None:
    harness.mentor("Ana", "7101", topics="finance", mentor_type="business_angel")
    harness.mentor("Bea", "7102")  # knows less about her: offered second
    summary = {"question": "¿Cómo consigo un microcrédito? Mi teléfono es [phone]"}
    handoff = harness.request("web-m1", summary=summary)
    assert harness.tick() == 1
    offer = last_text(telegram, "7101")
    assert handoff.pseudonym in offer and "microcrédito" in offer and "[phone]" in offer
    assert "Español" in offer and "España" in offer  # her language and country, in Spanish
    assert buttons(telegram, "7101") == [
        book.text("button_accept", "es"),
        book.text("button_decline", "es"),
    ]
    assert telegram.sent("7102") == []  # one mentor at a time

    assert harness.tap("7101", "accept", handoff.ref)
    assert harness.store.get(handoff.ref).state == ACCEPTED
    assert handoff.pseudonym in last_text(telegram, "7101")  # "you are now talking with #…"
    told = harness.conversation("web-m1")
    assert told and "Ana" in told[-1][1]

    # her words to the mentor, under her code; the mentor's to her, with the mentor's name
    assert harness.says("widget", "web-m1", "Hola Ana, tengo una panadería")
    assert last_text(telegram, "7101") == f"{handoff.pseudonym}: Hola Ana, tengo una panadería"
    assert harness.says("telegram", "7101", "¡Hola! Cuéntame más.")
    assert harness.conversation("web-m1")[-2:] == [
        ("her", "Hola Ana, tengo una panadería"),
        ("bot", book.text("relay_from_mentor", "es", name="Ana", text="¡Hola! Cuéntame más.")),
    ]
    # her data rights are never held back; other commands get the relay's help
    assert not harness.says("widget", "web-m1", '/forget_me{"confirm":"yes"}')

    assert harness.says("widget", "web-m1", END)
    assert harness.store.get(handoff.ref).state == ENDED
    assert handoff.pseudonym in last_text(telegram, "7101")  # told it ended
    ratings = {(m.sender_id, m.text) for m in harness.started}
    payload = f'/give_feedback{{"feedback_kind":"session","subject":"{handoff.ref}"}}'
    assert ratings == {("web-m1", payload), ("7101", payload)}
    # the relay is over: her messages and the mentor's go to the assistant again
    assert not harness.says("widget", "web-m1", "gracias")
    assert not harness.says("telegram", "7101", "hola")


def test_no_answer_in_time_goes_to_the_next_mentor_then_a_coordinator(
    harness: Harness, telegram: FakeTelegram
) -> None:
    harness.mentor("Ana", "7201", topics="finance")
    harness.mentor("Bea", "7202")
    harness.mentor("Cora", "7203", coordinator=True, languages="fi")  # no shared language
    handoff = harness.request("web-t1")
    harness.tick()
    assert handoff.pseudonym in last_text(telegram, "7201")
    harness.clock.advance(minutes=9)
    assert harness.tick() == 0  # not yet
    assert telegram.sent("7202") == []
    harness.clock.advance(minutes=2)
    assert harness.tick() == 1
    assert "10" in last_text(telegram, "7201")  # "… went to another mentor after 10 minutes"
    assert handoff.pseudonym in last_text(telegram, "7202")
    # Bea declines: the next step is due at once, and nobody is left
    assert harness.tap("7202", "decline", handoff.ref)
    harness.tick()
    assert harness.store.get(handoff.ref).state == WAITING
    honest = harness.conversation("web-t1")[-1][1]
    assert "48" in honest  # when someone will answer
    ticket = telegram.sent("7203")[-1]
    assert handoff.pseudonym in ticket["text"]
    assert len(ticket["reply_markup"]["inline_keyboard"]) == 1  # "Take it", in Finnish
    # Ana's late tap: the offer is gone
    harness.tap("7201", "accept", handoff.ref)
    assert harness.store.get(handoff.ref).state == WAITING
    # the coordinator takes it
    assert harness.tap("7203", "take", handoff.ref)
    assert harness.store.get(handoff.ref).state == ACCEPTED
    assert harness.store.get(handoff.ref).mentor_ref == harness.mentors.all()[2].ref
    # a waiting request is not offered again and again to the same mentors
    harness.clock.advance(hours=3)
    assert harness.tick() == 0


def test_an_unreachable_mentor_is_skipped(harness: Harness, telegram: FakeTelegram) -> None:
    telegram.blocked.add("7301")
    harness.mentor("Ana", "7301", topics="finance")
    harness.mentor("Bea", "7302")
    handoff = harness.request("web-u1")
    harness.tick()
    assert handoff.pseudonym in last_text(telegram, "7302")
    assert harness.store.offers(harness.store.get(handoff.ref)) == {
        harness.mentors.all()[0].ref: "unreachable",
        harness.mentors.all()[1].ref: None,
    }


def test_two_accepts_at_once_never_exceed_capacity(harness: Harness) -> None:
    ana = harness.mentor("Ana", "7401", capacity=1)
    first, second = harness.request("web-c1"), harness.request("web-c2")
    for handoff in (first, second):
        harness.store.add_offer(handoff, ana.ref, T0, T0 + dt.timedelta(minutes=10))
    results: list[Accept] = []
    barrier = threading.Barrier(2)

    def accept(ref: str) -> None:
        barrier.wait()
        results.append(harness.store.accept(ref, ana, T0, dt.timedelta(days=14)))

    threads = [threading.Thread(target=accept, args=(h.ref,)) for h in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [Accept.ACCEPTED, Accept.FULL]
    with harness.engine.connect() as connection:
        open_ones = connection.execute(
            mentorships.select().where(mentorships.c.closed_at.is_(None))
        ).all()
    assert len(open_ones) == 1


def test_the_same_request_accepted_by_two_mentors_goes_to_one(harness: Harness) -> None:
    ana, bea = harness.mentor("Ana", "7501"), harness.mentor("Bea", "7502")
    handoff = harness.request("web-d1")
    for mentor in (ana, bea):
        harness.store.add_offer(handoff, mentor.ref, T0, T0 + dt.timedelta(minutes=10))
    results: list[Accept] = []
    barrier = threading.Barrier(2)

    def accept(mentor: Any) -> None:
        barrier.wait()
        results.append(harness.store.accept(handoff.ref, mentor, T0, dt.timedelta(days=14)))

    threads = [threading.Thread(target=accept, args=(m,)) for m in (ana, bea)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [Accept.ACCEPTED, Accept.TAKEN]


def test_a_mentor_with_two_mentees_chooses_whom_to_answer(
    harness: Harness, telegram: FakeTelegram
) -> None:
    ana = harness.mentor("Ana", "7601", capacity=3)
    first, second = harness.request("web-f1"), harness.request("web-f2")
    for handoff in (first, second):
        harness.store.add_offer(handoff, ana.ref, T0, T0 + dt.timedelta(minutes=10))
        harness.clock.advance(seconds=1)
        assert harness.tap("7601", "accept", handoff.ref)
    # the latest accepted is the one she answers; the other's messages carry an Answer button
    harness.says("widget", "web-f1", "¿Sigues ahí?")
    assert last_text(telegram, "7601") == f"{first.pseudonym}: ¿Sigues ahí?"
    assert buttons(telegram, "7601") == [
        book.text("button_relay_answer", "es", pseudonym=first.pseudonym)
    ]
    harness.says("telegram", "7601", "Hola, segunda")
    assert harness.conversation("web-f2")[-1] == ("bot", mentor_says("Hola, segunda"))
    # starting with her code switches to her
    harness.says("telegram", "7601", f"{first.pseudonym} Sí, aquí estoy")
    assert harness.conversation("web-f1")[-1] == ("bot", mentor_says("Sí, aquí estoy"))
    harness.says("telegram", "7601", "¿Qué vendes?")
    assert harness.conversation("web-f1")[-1] == ("bot", mentor_says("¿Qué vendes?"))
    # the Answer button switches back
    harness.tap("7601", "answer", second.ref)
    harness.says("telegram", "7601", "Y tú, ¿qué tal?")
    assert harness.conversation("web-f2")[-1] == ("bot", mentor_says("Y tú, ¿qué tal?"))
    # /end ends the one she is answering only
    harness.says("telegram", "7601", END)
    assert harness.store.get(second.ref).state == ENDED
    assert harness.store.get(first.ref).state == ACCEPTED


def test_forget_me_during_a_relay_ends_it_tells_the_mentor_and_keeps_nothing_of_hers(
    harness: Harness, telegram: FakeTelegram
) -> None:
    ana = harness.mentor("Ana", "7701")
    handoff = harness.request("web-g1", summary={"question": "Tengo una tienda en Valencia"})
    harness.store.add_offer(handoff, ana.ref, T0, T0 + dt.timedelta(minutes=10))
    assert harness.tap("7701", "accept", handoff.ref)
    harness.says("widget", "web-g1", "Me llamo Lucía")
    key = person_key(harness.settings.secret_key, "widget", "web-g1")
    ContactWindows(harness.engine).wrote("widget", key)
    forget_person(harness.engine, key)
    harness.tick()
    assert handoff.pseudonym in last_text(telegram, "7701")  # told, by code only
    with harness.engine.connect() as connection:
        rows = connection.execute(handoffs.select()).all()
        relations = connection.execute(mentorships.select()).all()
    assert len(rows) == 1 and rows[0].state == ENDED and rows[0].ended_by == "forgotten"
    kept = " ".join(str(value) for value in rows[0])
    assert "web-g1" not in kept and key not in kept and "Valencia" not in kept
    assert relations == []
    # her next message is no longer relayed, and the mentor is free again
    assert not harness.says("widget", "web-g1", "hola")
    assert not harness.says("telegram", "7701", "¿Hola?")
    assert harness.store.load() == {}


def test_her_own_mentor_is_asked_first_when_she_asks_again(
    harness: Harness, telegram: FakeTelegram
) -> None:
    harness.mentor("Ana", "7801", topics="finance")
    bea = harness.mentor("Bea", "7802")
    first = harness.request("web-h1")
    harness.store.add_offer(first, bea.ref, T0, T0 + dt.timedelta(minutes=10))
    harness.tap("7802", "accept", first.ref)
    harness.says("widget", "web-h1", END)
    key = person_key(harness.settings.secret_key, "widget", "web-h1")
    assert harness.store.mentor_of_mentee(key) == bea.ref
    again, _ = harness.store.open(
        mentee_key=key,
        channel="widget",
        address="web-h1",
        need=Need(language="es", country="ES", question_topic="finance"),
        summary=None,
        now=harness.clock.now,
        preferred_mentor=bea.ref,
    )
    harness.tick()
    assert again.pseudonym in last_text(telegram, "7802")  # Bea, though Ana scores higher


def test_check_ins_ask_both_and_either_side_can_close_with_feedback(
    harness: Harness, telegram: FakeTelegram
) -> None:
    ana = harness.mentor("Ana", "7901")
    handoff = harness.request("web-k1")
    harness.store.add_offer(handoff, ana.ref, T0, T0 + dt.timedelta(minutes=10))
    harness.tap("7901", "accept", handoff.ref)
    harness.says("widget", "web-k1", END)
    harness.started.clear()
    harness.clock.advance(days=13)
    harness.tick()
    assert not harness.conversation("web-k1")[-1][1].startswith(
        book.text("checkin_mentee", "es", name="Ana")[:10]
    )
    harness.clock.advance(days=1, minutes=1)
    harness.tick()
    assert harness.conversation("web-k1")[-1][1] == book.text("checkin_mentee", "es", name="Ana")
    assert last_text(telegram, "7901") == book.text(
        "checkin_mentor", "es", pseudonym=handoff.pseudonym
    )
    assert len(buttons(telegram, "7901")) == 2
    harness.tick()  # not twice
    assert harness.conversation("web-k1")[-1][1] == book.text("checkin_mentee", "es", name="Ana")
    # she says it goes well; the mentor closes it: both are told and asked for a rating
    assert harness.says("widget", "web-k1", "/checkin_ok")
    assert harness.conversation("web-k1")[-1][1] == book.text("checkin_thanks", "es")
    markup = telegram.sent("7901")[-1]["reply_markup"]["inline_keyboard"]
    close = markup[1][0]["callback_data"]
    assert harness.call(harness.service.route("telegram", "7901", close))
    assert harness.conversation("web-k1")[-1][1] == book.text(
        "mentorship_closed_mentee", "es", name="Ana"
    )
    kinds = {(m.sender_id, m.text.split('"subject"')[0]) for m in harness.started}
    assert kinds == {
        ("web-k1", '/give_feedback{"feedback_kind":"mentoring",'),
        ("7901", '/give_feedback{"feedback_kind":"mentoring",'),
    }
    assert harness.store.load() == {}  # the mentor has room again
    assert harness.says("widget", "web-k1", "/close_mentoring")
    assert harness.conversation("web-k1")[-1][1] == book.text("mentorship_none", "es")


def test_no_check_in_while_they_are_talking(harness: Harness, telegram: FakeTelegram) -> None:
    ana = harness.mentor("Ana", "7921")
    handoff = harness.request("web-k3")
    harness.store.add_offer(handoff, ana.ref, T0, T0 + dt.timedelta(minutes=10))
    harness.tap("7921", "accept", handoff.ref)
    sent = len(telegram.sent("7921"))
    harness.clock.advance(days=15)
    harness.tick()
    assert len(telegram.sent("7921")) == sent  # the relay is still open: no check-in
    harness.says("widget", "web-k3", END)
    harness.clock.advance(days=15)
    harness.tick()
    assert last_text(telegram, "7921") == book.text(
        "checkin_mentor", "es", pseudonym=handoff.pseudonym
    )


def test_she_closes_the_mentoring_during_a_relay(harness: Harness, telegram: FakeTelegram) -> None:
    ana = harness.mentor("Ana", "7911")
    handoff = harness.request("web-k2")
    harness.store.add_offer(handoff, ana.ref, T0, T0 + dt.timedelta(minutes=10))
    harness.tap("7911", "accept", handoff.ref)
    assert harness.says("widget", "web-k2", "/close_mentoring")
    assert harness.store.get(handoff.ref).state == ENDED
    assert last_text(telegram, "7911") == book.text(
        "mentorship_closed_mentor", "es", pseudonym=handoff.pseudonym
    )
    assert not harness.says("telegram", "7911", "hola")  # no longer relaying
