"""Handoffs to mentors, the offers made for each, mentoring relationships, and mentors who
signed up in chat (waiting for a coordinator).

Revision ID: 0005_handoffs
Revises: 0004_mentors
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_handoffs"
down_revision = "0004_mentors"
branch_labels = None
depends_on = None

WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "handoffs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ref", sa.String(16), nullable=False),
        sa.Column("pseudonym", sa.String(8), nullable=False),
        sa.Column("mentee_key", sa.String(64)),
        sa.Column("mentee_channel", sa.String(32)),
        sa.Column("mentee_address", sa.Text()),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("country", sa.String(2)),
        sa.Column("mentor_type", sa.String(16)),
        sa.Column("need", sa.Text()),
        sa.Column("summary", sa.Text()),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("preferred_mentor", sa.String(16)),
        sa.Column("mentor_ref", sa.String(16)),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("accepted_at", WHEN),
        sa.Column("ended_at", WHEN),
        sa.Column("ended_by", sa.String(16)),
        sa.Column("focused_at", WHEN),
        sa.Column("due_at", WHEN),
        sa.Column("mentor_notice", sa.String(32)),
        sa.Column("mentee_rating", sa.Integer()),
        sa.Column("mentor_rating", sa.Integer()),
        sa.PrimaryKeyConstraint("id", name="pk_handoffs"),
        sa.UniqueConstraint("ref", name="uq_handoffs_ref"),
    )
    for column in ("mentee_key", "state", "mentor_ref", "due_at"):
        op.create_index(f"ix_handoffs_{column}", "handoffs", [column])
    op.create_table(
        "handoff_offers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("handoff_id", sa.Integer(), nullable=False),
        sa.Column("mentor_ref", sa.String(16), nullable=False),
        sa.Column("offered_at", WHEN, nullable=False),
        sa.Column("answered_at", WHEN),
        sa.Column("answer", sa.String(16)),
        sa.ForeignKeyConstraint(
            ["handoff_id"],
            ["handoffs.id"],
            name="fk_handoff_offers_handoff_id_handoffs",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_handoff_offers"),
        sa.UniqueConstraint("handoff_id", "mentor_ref", name="uq_handoff_offers_handoff_mentor"),
    )
    op.create_index("ix_handoff_offers_handoff_id", "handoff_offers", ["handoff_id"])
    op.create_index("ix_handoff_offers_mentor_ref", "handoff_offers", ["mentor_ref"])
    op.create_table(
        "mentorships",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mentee_key", sa.String(64)),
        sa.Column("mentee_channel", sa.String(32)),
        sa.Column("mentee_address", sa.Text()),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("country", sa.String(2)),
        sa.Column("mentor_ref", sa.String(16), nullable=False),
        sa.Column("mentor_type", sa.String(16), nullable=False),
        sa.Column("started_at", WHEN, nullable=False),
        sa.Column("closed_at", WHEN),
        sa.Column("closed_by", sa.String(16)),
        sa.Column("checkin_due_at", WHEN),
        sa.Column("mentee_rating", sa.Integer()),
        sa.Column("mentor_rating", sa.Integer()),
        sa.PrimaryKeyConstraint("id", name="pk_mentorships"),
    )
    for column in ("mentee_key", "mentor_ref", "closed_at", "checkin_due_at"):
        op.create_index(f"ix_mentorships_{column}", "mentorships", [column])
    # mentors are looked up by the address a message came from (is the sender a mentor?)
    op.create_index("ix_mentors_channel_address", "mentors", ["channel", "address"])
    # mentors who signed up in chat wait for a coordinator's confirmation
    for column in ("applied_at", "approved_at", "announced_at"):
        op.add_column("mentors", sa.Column(column, WHEN))


def downgrade() -> None:
    with op.batch_alter_table("mentors") as batch:
        for column in ("applied_at", "approved_at", "announced_at"):
            batch.drop_column(column)
    op.drop_index("ix_mentors_channel_address", table_name="mentors")
    op.drop_table("mentorships")
    op.drop_table("handoff_offers")
    op.drop_table("handoffs")
