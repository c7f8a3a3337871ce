"""Mentors and coordinators (the handoff's people on the other side).

Revision ID: 0004_mentors
Revises: 0003_contact_windows
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_mentors"
down_revision = "0003_contact_windows"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "mentors",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ref", sa.String(16), nullable=False),
        sa.Column("first_name", sa.String(60), nullable=False),
        sa.Column("languages", sa.Text(), nullable=False),
        sa.Column("countries", sa.Text(), nullable=False),
        sa.Column("topics", sa.Text(), nullable=False),
        sa.Column("sectors", sa.Text(), nullable=False),
        sa.Column("mentor_type", sa.String(16), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("availability", sa.Text(), nullable=False),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("address", sa.String(64), nullable=False),
        sa.Column("coordinator", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_mentors"),
        sa.UniqueConstraint("ref", name="uq_mentors_ref"),
    )
    op.create_index("ix_mentors_active", "mentors", ["active"])
    op.create_index("ix_mentors_updated_at", "mentors", ["updated_at"])


def downgrade() -> None:
    op.drop_index("ix_mentors_updated_at", table_name="mentors")
    op.drop_index("ix_mentors_active", table_name="mentors")
    op.drop_table("mentors")
