"""Mentors in the database (SQLite and PostgreSQL) and the `imentor mentors` / `imentor match`
commands a coordinator uses."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from bot.cli import main
from bot.mentoring.matching import Directory, Need, prepare, rank
from bot.mentoring.mentors import MentorStore, make_mentor
from bot.settings import Settings
from bot.storage import make_engine, person_key
from bot.storage.records import PersonRecords

KEY = "mentor-test-key-0123456789abcdef0123456789"
NOW = dt.datetime(2026, 11, 30, 10, tzinfo=dt.timezone.utc)
CSV = (Path(__file__).parents[1] / "data" / "mentors.csv").read_text(encoding="utf-8")


def test_mentors_are_kept_changed_and_erased(url: str) -> None:
    store = MentorStore(make_engine(url))
    added = store.add(
        make_mentor(
            first_name="Amina",
            languages="ar,en",
            countries="ES",
            topics="finance",
            channel="whatsapp",
            address="+34600111222",
            availability="mon-fri 09:00-18:00",
            timezone="Europe/Madrid",
        )
    )
    assert added.ref.startswith("m-")
    again = store.get(added.ref)
    assert again == added and again.address == "34600111222"
    directory = Directory(store)
    assert [p.mentor.ref for p in directory.mentors().items] == [added.ref]
    assert store.set_active(added.ref, False)
    assert directory.mentors().items == []  # seen at the next match, on any replica
    assert store.remove(added.ref) and store.get(added.ref) is None
    assert not store.remove(added.ref)
    store.engine.dispose()


def test_coordinators_import_list_disable_and_match(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = f"sqlite:///{tmp_path / 'imentor.db'}"
    sheet = tmp_path / "mentors.csv"
    sheet.write_text(CSV + "Bad,xx,ES,,,volunteer,2,,UTC,telegram,1,no\n", encoding="utf-8")
    assert main(["mentors", "--database", db, "import", str(sheet)]) == 2
    assert "line 5: languages" in capsys.readouterr().err
    assert main(["mentors", "--database", db, "import", str(sheet), "--skip-bad"]) == 0
    assert "imported 3 mentor(s), skipped 1" in capsys.readouterr().out

    assert main(["mentors", "--database", db, "list", "--format", "json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [m["first_name"] for m in listed] == ["Amina", "Oksana", "Liisa"]
    assert all("address" not in m for m in listed)  # addresses are not shown
    assert listed[2]["coordinator"] is True

    # a mentee in Poland who writes Ukrainian and needs help with self-employment
    monkeypatch.setenv("IMENTOR_SECRET_KEY", KEY)
    engine = make_engine(db)
    her = person_key(Settings.from_env().secret_key, "telegram", "777")
    answers = {
        "country": "PL",
        "topics": ["self_employment"],
        "sector": "beauty",
        "languages": ["uk"],
    }
    PersonRecords(engine).save_intake(her, "telegram", "uk", answers, completed=True)
    engine.dispose()
    assert main(["match", "telegram", "777", "--language", "uk", "--database", db]) == 0
    shown = capsys.readouterr().out.splitlines()
    assert "country PL" in shown[0]
    assert "Oksana" in shown[1] and "country=PL" in shown[1] and "sector=beauty" in shown[1]
    assert len(shown) == 2  # nobody else speaks Ukrainian, Polish or Russian

    oksana = listed[1]["ref"]
    assert main(["mentors", "--database", db, "disable", oksana]) == 0
    assert main(["match", "telegram", "777", "--language", "uk", "--database", db]) == 0
    assert "nobody can take her now" in capsys.readouterr().out
    assert main(["mentors", "--database", db, "disable", "m-00000000"]) == 2


def test_matching_ten_thousand_mentors_keeps_the_rules(tmp_path: Path) -> None:
    """The benchmark's synthetic directory (bench/bench_matching.py) obeys the hard rules."""
    from bench.bench_matching import synthetic_mentors

    mentors = synthetic_mentors(10_000, seed=7)
    need = Need(language="ar", country="ES", question_topic="finance")
    load = {m.ref: m.capacity for m in mentors[:50]}  # these are full
    found = rank(need, mentors, load=load, now=NOW)
    assert found and all("ar" in m.mentor.languages for m in found)
    assert not {m.mentor.ref for m in found} & set(load)
    assert [m.score for m in found] == sorted((m.score for m in found), reverse=True)


def test_the_scores_are_the_sums_of_the_reasons_shown(tmp_path: Path) -> None:
    """The vectorised scoring and the reasons a mentor is shown never disagree."""
    from bench.bench_matching import synthetic_mentors, synthetic_needs

    directory = prepare(synthetic_mentors(2_000, seed=11))
    load = {m.mentor.ref: 1 for m in directory.items[::7]}
    for need in synthetic_needs(60, seed=5):
        for found in rank(need, directory, load=load, now=NOW):
            assert found.score == round(sum(r.points for r in found.reasons), 3)
