"""`imentor mentors add|list|disable|enable|remove|import`, `imentor match` and
`imentor handoffs` (the requests for a mentor, for coordinators)."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any


def _store(args: argparse.Namespace) -> Any:
    from bot.mentoring.mentors import MentorStore
    from bot.settings import Settings
    from bot.storage import make_engine

    return MentorStore(make_engine(args.database or Settings.from_env().database_url))


def _mentors(args: argparse.Namespace) -> int:
    from bot.mentoring.mentors import MentorError, make_mentor, mentors_as_dicts, read_csv

    store = _store(args)
    try:
        if args.mentors_command == "add":
            try:
                mentor = make_mentor(
                    first_name=args.first_name,
                    languages=args.languages,
                    countries=args.countries,
                    topics=args.topics,
                    sectors=args.sectors,
                    mentor_type=args.type,
                    capacity=args.capacity,
                    availability=args.availability,
                    timezone=args.timezone,
                    channel=args.channel,
                    address=args.address,
                    coordinator=args.coordinator,
                )
            except MentorError as exc:
                print(f"mentors: {exc}", file=sys.stderr)
                return 2
            added = store.add(mentor)
            print(f"mentors: added {added.ref} ({added.first_name}, {added.mentor_type})")
            return 0
        if args.mentors_command == "import":
            found, problems = read_csv(Path(args.file).read_text(encoding="utf-8"))
            for problem in problems:
                print(f"mentors: {args.file}: {problem}", file=sys.stderr)
            if problems and not args.skip_bad:
                print(
                    "mentors: nothing imported (fix the rows, or add --skip-bad)", file=sys.stderr
                )
                return 2
            added = store.add_many(found)
            print(
                f"mentors: imported {len(added)} mentor(s)"
                + (f", skipped {len(problems)}" if problems else "")
            )
            return 0
        if args.mentors_command == "list":
            found = store.all(active_only=args.active)
            if args.format == "json":
                print(json.dumps(mentors_as_dicts(found), ensure_ascii=False, indent=2))
                return 0
            for m in found:
                role = " coordinator" if m.coordinator else ""
                state = "" if m.active else " (disabled)"
                if not m.active and store.pending(m.ref):
                    state = " (signed up in chat: `enable` confirms)"
                print(
                    f"{m.ref}  {m.first_name:<14} {m.mentor_type:<15} {','.join(m.languages):<14} "
                    f"{','.join(m.countries):<9} cap {m.capacity}  {m.channel}{role}{state}"
                )
            print(f"{len(found)} mentor(s)")
            return 0
        changed = {
            "disable": lambda ref: store.set_active(ref, False),
            "enable": lambda ref: (
                store.approve(ref, dt.datetime.now(dt.timezone.utc)) or store.set_active(ref, True)
            ),
            "remove": store.remove,
        }[args.mentors_command](args.ref)
        if not changed:
            print(f"mentors: no mentor {args.ref}", file=sys.stderr)
            return 2
        done = {"disable": "disabled", "enable": "enabled", "remove": "removed"}
        print(f"mentors: {done[args.mentors_command]} {args.ref}")
        return 0
    finally:
        store.engine.dispose()


def _match(args: argparse.Namespace) -> int:
    """Rank the mentors for one mentee, with the reasons, as the handoff would."""

    from bot.mentoring.matching import Need, rank
    from bot.settings import Settings, explain_missing_key
    from bot.storage import person_key
    from bot.storage.records import PersonRecords

    if explain_missing_key("match"):
        return 2
    store = _store(args)
    try:
        key = person_key(Settings.from_env().secret_key, args.channel, args.sender_id)
        intake = PersonRecords(store.engine).latest_intake(key)
        answers = intake.answers if intake is not None else {}
        need = Need.from_survey(args.language, answers, args.topic, args.country)
        ranking = rank(need, store.all(active_only=True), now=dt.datetime.now(dt.timezone.utc))
    finally:
        store.engine.dispose()
    print(
        f"match: {args.channel} {args.sender_id}: language {need.language}, country "
        f"{need.country or '?'}, topics {list(need.survey_topics)}, "
        f"question {need.question_topic or '-'}"
        f"{'' if intake else ' (no survey answers)'}"
    )
    for place, found in enumerate(ranking[: args.top], start=1):
        reasons = ", ".join(f"{r.code}={r.value}" if r.value else r.code for r in found.reasons)
        mentor = found.mentor
        print(f"{place:>3}. {mentor.ref} {mentor.first_name:<14} {found.score:6.1f}  {reasons}")
    if not ranking:
        print("match: nobody can take her now (language, capacity); the coordinator gets a ticket")
    return 0


def _handoffs(args: argparse.Namespace) -> int:
    """The requests for a mentor, newest first: no name, address or summary, only what a
    coordinator needs to follow them up (Telegram or WhatsApp carry the rest)."""
    from sqlalchemy import func, select

    from bot.mentoring.handoffs import OPEN_STATES
    from bot.storage.schema import handoff_offers, handoffs

    store = _store(args)
    try:
        offers = (
            select(handoff_offers.c.handoff_id, func.count().label("offers"))
            .group_by(handoff_offers.c.handoff_id)
            .subquery()
        )
        query = (
            select(
                handoffs.c.ref,
                handoffs.c.pseudonym,
                handoffs.c.state,
                handoffs.c.language,
                handoffs.c.country,
                handoffs.c.created_at,
                handoffs.c.mentor_ref,
                func.coalesce(offers.c.offers, 0).label("offers"),
            )
            .outerjoin(offers, offers.c.handoff_id == handoffs.c.id)
            .order_by(handoffs.c.id.desc())
            .limit(args.limit)
        )
        if not args.all:
            query = query.where(handoffs.c.state.in_(OPEN_STATES))
        with store.engine.connect() as connection:
            rows = connection.execute(query).all()
    finally:
        store.engine.dispose()
    for row in rows:
        made = row.created_at.strftime("%Y-%m-%d %H:%M")
        print(
            f"{row.ref}  {row.pseudonym}  {row.state:<9} {row.language:<3} {row.country or '-':<3}"
            f" {made}  offers {row.offers}  mentor {row.mentor_ref or '-'}"
        )
    print(f"{len(rows)} request(s)" + ("" if args.all else " open (--all for every one)"))
    return 0


def register(commands: Any) -> None:
    mentors = commands.add_parser("mentors", help="add, list, disable or import mentors")
    mentors.add_argument(
        "--database", help="database URL (default: DATABASE_URL or var/imentor.db)"
    )
    sub = mentors.add_subparsers(dest="mentors_command", required=True)
    add = sub.add_parser("add", help="add one mentor (or coordinator)")
    add.add_argument("--first-name", required=True)
    add.add_argument("--languages", required=True, help="e.g. es,en,ar")
    add.add_argument("--countries", required=True, help="e.g. ES,PT")
    add.add_argument("--topics", default="", help="knowledge-base topics, e.g. finance,marketing")
    add.add_argument("--sectors", default="", help="survey sectors, e.g. food,beauty")
    add.add_argument("--type", default="volunteer", choices=("volunteer", "business_angel"))
    add.add_argument("--capacity", type=int, default=3, help="most mentees at a time")
    add.add_argument("--availability", default="", help="'mon-fri 09:00-17:00; sat 10:00-12:00'")
    add.add_argument("--timezone", default="UTC", help="e.g. Europe/Madrid")
    add.add_argument("--channel", required=True, choices=("telegram", "whatsapp"))
    add.add_argument("--address", required=True, help="Telegram chat id or WhatsApp number")
    add.add_argument("--coordinator", action="store_true", help="receives escalations")
    listing = sub.add_parser("list", help="list mentors (no addresses)")
    listing.add_argument("--active", action="store_true", help="active ones only")
    listing.add_argument("--format", choices=("text", "json"), default="text")
    for verb, text in (
        ("disable", "stop offering a mentor to mentees"),
        ("enable", "offer a disabled mentor again"),
        ("remove", "erase a mentor (name and address)"),
    ):
        command = sub.add_parser(verb, help=text)
        command.add_argument("ref", help="m-xxxxxxxx, as `list` shows")
    importing = sub.add_parser("import", help="add mentors from a CSV file")
    importing.add_argument("file")
    importing.add_argument("--skip-bad", action="store_true", help="import the good rows anyway")
    mentors.set_defaults(func=_mentors)

    match = commands.add_parser("match", help="rank the mentors for one mentee, with reasons")
    match.add_argument("channel", help="rest, telegram, whatsapp or widget")
    match.add_argument("sender_id")
    match.add_argument("--language", default="en", help="the language she writes in")
    match.add_argument("--topic", help="the topic of her current question")
    match.add_argument("--country", help="her country, when the survey does not say")
    match.add_argument("--top", type=int, default=10)
    match.add_argument("--database", help="database URL (default: DATABASE_URL or var/imentor.db)")
    match.set_defaults(func=_match)

    listing = commands.add_parser(
        "handoffs", help="requests for a mentor (open ones; --all for every one), for coordinators"
    )
    listing.add_argument("--all", action="store_true", help="also the ended ones")
    listing.add_argument("--limit", type=int, default=100)
    listing.add_argument(
        "--database", help="database URL (default: DATABASE_URL or var/imentor.db)"
    )
    listing.set_defaults(func=_handoffs)
