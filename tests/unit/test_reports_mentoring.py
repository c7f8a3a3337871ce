"""`imentor report mentoring`: requests, time to accept, relationships and ratings per country
and mentor type, with small numbers hidden and nothing that points at a person."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from bot.mentoring.handoffs import HandoffStore
from bot.mentoring.matching import Need
from bot.mentoring.mentors import MentorStore, make_mentor
from bot.reports import Filters, build, render
from bot.storage import make_engine

T0 = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.timezone.utc)


def fill(tmp_path: Path, accepted_es: int = 5):
    engine = make_engine(f"sqlite:///{tmp_path / 'report.db'}")
    mentors = MentorStore(engine)
    ana = mentors.add(
        make_mentor(
            first_name="Ana",
            languages="es",
            countries="ES",
            channel="telegram",
            address="1",
            capacity=50,
        )
    )
    rui = mentors.add(
        make_mentor(
            first_name="Rui",
            languages="pt",
            countries="PT",
            channel="telegram",
            address="2",
            mentor_type="business_angel",
            capacity=50,
        )
    )
    store = HandoffStore(engine)
    made = []

    def request(n: int, country: str, language: str):
        handoff, _ = store.open(
            mentee_key=f"key-{n}",
            channel="widget",
            address=f"web-{n}",
            need=Need(language=language, country=country),
            summary={"question": "secret question"},
            now=T0 + dt.timedelta(minutes=n),
        )
        made.append(handoff)
        return handoff

    for n in range(accepted_es):  # accepted after 3, 6, 9... minutes
        handoff = request(n, "ES", "es")
        at = T0 + dt.timedelta(minutes=n)
        store.add_offer(handoff, ana.ref, at, at + dt.timedelta(minutes=10))
        store.accept(
            handoff.ref, ana, at + dt.timedelta(minutes=3 * (n + 1)), dt.timedelta(days=14)
        )
        store.rate(handoff.ref, "mentee", 5 if n % 2 else 4)
    for n in range(100, 103):
        handoff = request(n, "PT", "pt")
        at = T0 + dt.timedelta(minutes=n)
        store.add_offer(handoff, rui.ref, at, at + dt.timedelta(minutes=10))
        store.accept(handoff.ref, rui, at + dt.timedelta(minutes=30), dt.timedelta(days=14))
    for n in range(200, 202):
        store.end(request(n, "ES", "es").ref, "cancelled", T0)
    return engine, made


def test_requests_waits_relationships_and_ratings(tmp_path: Path) -> None:
    engine, made = fill(tmp_path)
    report = build(engine, "mentoring", Filters(), now=T0)
    figures = {f.key: f.cell.shown for f in report.figures}
    assert figures["requests"] == 10
    assert figures["cancelled"] == "<5"
    assert figures["accepted"] == "hidden"  # else 10 - 8 would give the small number away
    assert figures["median_minutes_to_accept"] == 14  # 3 6 9 12 | 15 30 30 30: 13.5
    assert figures["relationships"] == 8
    assert figures["mentee_rating"] == 5
    sections = {s.key: s for s in report.sections}
    relations = sections["relationships_by_country"]
    assert relations.cells["ES"]["volunteer"].shown == 5
    assert relations.cells["PT"]["business_angel"].shown == "<5"
    ratings = sections["mentee_rating"]
    assert ratings.mean == 4.4  # 4 5 4 5 4
    for fmt in ("html", "csv", "json"):
        text = render(report, fmt)
        assert "secret question" not in text and "key-1" not in text and "Ana" not in text
        assert not any(h.pseudonym in text for h in made)
    assert json.loads(render(report, "json"))["report"] == "mentoring"


def test_too_few_requests_show_nothing(tmp_path: Path) -> None:
    engine, _ = fill(tmp_path, accepted_es=1)
    report = build(engine, "mentoring", Filters(country="ES"), now=T0)
    assert report.too_few and report.figures == () and report.sections == ()


def test_a_window_and_a_country(tmp_path: Path) -> None:
    engine, _ = fill(tmp_path, accepted_es=6)
    later = build(engine, "mentoring", Filters(since=dt.date(2026, 11, 3)), now=T0)
    assert later.too_few
    spain = build(engine, "mentoring", Filters(country="ES"), now=T0)
    assert {f.key: f.cell.shown for f in spain.figures}["requests"] == 8
