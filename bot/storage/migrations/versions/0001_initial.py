"""People, consents, intake answers, feedback and the knowledge-base question log.

Revision ID: 0001_initial
Revises:
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_initial"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "people",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("address", sa.Text()),
        sa.Column("language", sa.String(8)),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_people"),
        sa.UniqueConstraint("key", name="uq_people_key"),
    )
    op.create_index("ix_people_last_seen_at", "people", ["last_seen_at"])
    op.create_table(
        "consents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(32), nullable=False),
        sa.Column("granted", sa.Boolean(), nullable=False),
        sa.Column("notice_version", sa.String(32), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name="fk_consents_person_id_people", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_consents"),
    )
    op.create_index("ix_consents_person_id", "consents", ["person_id"])
    op.create_table(
        "intake_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("answers", sa.Text(), nullable=False),
        sa.Column("completed", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name="fk_intake_answers_person_id_people",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_intake_answers"),
        sa.UniqueConstraint("person_id", "version", name="uq_intake_answers_person_version"),
    )
    op.create_index("ix_intake_answers_person_id", "intake_answers", ["person_id"])
    op.create_table(
        "feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer()),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("article_id", sa.String(100)),
        sa.Column("helpful", sa.Boolean()),
        sa.Column("rating", sa.Integer()),
        sa.Column("comment", sa.Text()),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name="fk_feedback_person_id_people", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_feedback"),
    )
    op.create_index("ix_feedback_person_id", "feedback", ["person_id"])
    op.create_index("ix_feedback_article_id", "feedback", ["article_id"])
    op.create_index("ix_feedback_at", "feedback", ["at"])
    op.create_table(
        "kb_questions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("asked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("person", sa.String(64)),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("country", sa.String(2)),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("article_id", sa.String(100)),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("question", sa.Text()),
        sa.Column("helpful", sa.Boolean()),
        sa.PrimaryKeyConstraint("id", name="pk_kb_questions"),
    )
    for column in ("asked_at", "person", "outcome", "article_id"):
        op.create_index(f"ix_kb_questions_{column}", "kb_questions", [column])


def downgrade() -> None:
    for table in ("kb_questions", "feedback", "intake_answers", "consents", "people"):
        op.drop_table(table)
