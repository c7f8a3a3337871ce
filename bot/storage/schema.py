"""The assistant's tables (SQLAlchemy Core). A change here needs a migration in migrations/.

People are known only by a keyed hash of channel and sender id (`people.key`); the raw address
is kept only where the assistant must write to her first (a mentor's notification, a check-in),
never for the REST or widget channels. Every table that holds something about a person points
at `people.id` with ON DELETE CASCADE, so erasing the person erases it all.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

# Constraint names fixed by convention, so migrations can name what they alter (and SQLite's
# batch mode can rebuild tables).
metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

people = Table(
    "people",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("key", String(64), nullable=False, unique=True),  # HMAC of channel + sender id
    Column("channel", String(32), nullable=False),
    Column("address", Text),  # only where the assistant must write first; else NULL
    Column("language", String(8)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("last_seen_at", DateTime(timezone=True), nullable=False, index=True),
)

consents = Table(
    "consents",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("person_id", ForeignKey("people.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("purpose", String(32), nullable=False),  # e.g. intake, mentor_summary
    Column("granted", Boolean, nullable=False),
    Column("notice_version", String(32), nullable=False),  # which wording she was shown
    Column("language", String(8), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
)

intake_answers = Table(
    "intake_answers",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("person_id", ForeignKey("people.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("version", Integer, nullable=False),  # 1, 2, ... each time she does it again
    Column("answers", Text, nullable=False),  # JSON: question id -> answer
    Column("completed", Boolean, nullable=False, default=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("person_id", "version", name="uq_intake_answers_person_version"),
)

feedback = Table(
    "feedback",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("person_id", ForeignKey("people.id", ondelete="CASCADE"), index=True),
    Column("kind", String(16), nullable=False),  # answer, conversation, session
    Column("article_id", String(100), index=True),
    Column("helpful", Boolean),
    Column("rating", Integer),  # 1-5
    Column("comment", Text),  # masked
    Column("at", DateTime(timezone=True), nullable=False, index=True),
)

kb_questions = Table(
    "kb_questions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("asked_at", DateTime(timezone=True), nullable=False, index=True),
    Column("person", String(64), index=True),  # people.key; NULL when she asked anonymously
    Column("language", String(8), nullable=False),
    Column("country", String(2)),
    Column("outcome", String(16), nullable=False, index=True),
    Column("article_id", String(100), index=True),
    Column("score", Float, nullable=False, default=0.0),
    Column("question", Text),  # only when not answered, masked
    Column("helpful", Boolean),
)

# Deliveries from messaging platforms already taken (Telegram update_id, WhatsApp message id):
# a redelivery is acknowledged and dropped. The unique key makes concurrent copies race safely.
deliveries = Table(
    "deliveries",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("channel", String(32), nullable=False),
    Column("delivery_id", String(128), nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False, index=True),
    Column("failure", String(200)),  # the error's kind when processing failed (no content)
    UniqueConstraint("channel", "delivery_id", name="uq_deliveries_channel_delivery"),
)

# When each contact last wrote on a messenger with a reply window (WhatsApp: 24 hours after
# her last message anything may be sent; after it only an approved template). The contact is
# the person key (keyed hash of channel and address), never the number itself.
contact_windows = Table(
    "contact_windows",
    metadata,
    Column("channel", String(32), primary_key=True),
    Column("contact", String(64), primary_key=True),
    Column("last_inbound_at", DateTime(timezone=True), nullable=False, index=True),
)

# Mentors (volunteers and business angels), and the programme's coordinators. Lists are JSON
# arrays of the needs survey's ids. Name and address are kept to reach them (their consent is
# asked at onboarding); `imentor mentors remove` erases the row.
mentors = Table(
    "mentors",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("ref", String(16), nullable=False, unique=True),  # what coordinators see, m-xxxxxxxx
    Column("first_name", String(60), nullable=False),
    Column("languages", Text, nullable=False),
    Column("countries", Text, nullable=False),
    Column("topics", Text, nullable=False),
    Column("sectors", Text, nullable=False),
    Column("mentor_type", String(16), nullable=False),
    Column("capacity", Integer, nullable=False),
    Column("availability", Text, nullable=False),  # "mon-fri 09:00-17:00; sat 10:00-12:00"
    Column("timezone", String(64), nullable=False),
    Column("channel", String(16), nullable=False),
    Column("address", String(64), nullable=False),
    Column("coordinator", Boolean, nullable=False),
    Column("active", Boolean, nullable=False, index=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    # any change moves it: a match checks count and latest change (an index read) first
    Column("updated_at", DateTime(timezone=True), nullable=False, index=True),
    # signed up in chat: waiting for a coordinator until approved (or removed when rejected)
    Column("applied_at", DateTime(timezone=True)),
    Column("approved_at", DateTime(timezone=True)),
    Column("announced_at", DateTime(timezone=True)),  # when coordinators were told
)
# is the sender of a message a mentor? (looked up for messages on the mentors' messengers)
Index("ix_mentors_channel_address", mentors.c.channel, mentors.c.address)

# Handoffs to mentors (issue 6). Her side is known by her person key; her channel and address
# are kept only while the assistant may need to write to her (the relay, a check-in) and are
# erased when she is forgotten. Nothing of hers is kept once she asks to be forgotten: her
# handoffs are deleted, and an active one becomes a stub that only tells the mentor it ended.
handoffs = Table(
    "handoffs",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("ref", String(16), nullable=False, unique=True),  # h-xxxxxxxxxx, in button tokens
    Column("pseudonym", String(8), nullable=False),  # what the mentor sees: "#K7P2"
    Column("mentee_key", String(64), index=True),  # people.key; NULL once forgotten
    Column("mentee_channel", String(32)),
    Column("mentee_address", Text),  # chat id, phone number or conversation id
    Column("language", String(8), nullable=False),
    Column("country", String(2)),
    Column("mentor_type", String(16)),  # what she asked for, if anything
    Column("need", Text),  # JSON (bot.mentoring.matching.Need)
    Column("summary", Text),  # JSON she agreed to share (masked unless she said otherwise)
    Column("state", String(16), nullable=False, index=True),  # offering accepted waiting ended
    Column("preferred_mentor", String(16)),  # "my mentor": offered to her mentor first
    Column("mentor_ref", String(16), index=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("accepted_at", DateTime(timezone=True)),
    Column("ended_at", DateTime(timezone=True)),
    Column("ended_by", String(16)),  # mentee, mentor, forgotten, cancelled
    Column("focused_at", DateTime(timezone=True)),  # the mentor's latest choice to answer her
    Column("due_at", DateTime(timezone=True), index=True),  # when the sweeper looks next
    Column("mentor_notice", String(32)),  # something still to tell the mentor (e.g. forgotten)
    Column("mentee_rating", Integer),
    Column("mentor_rating", Integer),
)

handoff_offers = Table(
    "handoff_offers",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("handoff_id", ForeignKey("handoffs.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("mentor_ref", String(16), nullable=False, index=True),
    Column("offered_at", DateTime(timezone=True), nullable=False),
    Column("answered_at", DateTime(timezone=True)),
    # NULL while open; accepted, declined, expired, unreachable, withdrawn
    Column("answer", String(16)),
    UniqueConstraint("handoff_id", "mentor_ref", name="uq_handoff_offers_handoff_mentor"),
)

# The mentoring relationship: made when a mentor accepts her, open until either side closes
# it. Its open rows are a mentor's load, counted against her capacity.
mentorships = Table(
    "mentorships",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("mentee_key", String(64), index=True),
    Column("mentee_channel", String(32)),
    Column("mentee_address", Text),
    Column("language", String(8), nullable=False),
    Column("country", String(2)),
    Column("mentor_ref", String(16), nullable=False, index=True),
    Column("mentor_type", String(16), nullable=False),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("closed_at", DateTime(timezone=True), index=True),
    Column("closed_by", String(16)),
    Column("checkin_due_at", DateTime(timezone=True), index=True),
    Column("mentee_rating", Integer),  # given when it was closed
    Column("mentor_rating", Integer),
)
