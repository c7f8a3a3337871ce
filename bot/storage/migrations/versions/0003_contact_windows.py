"""When each messenger contact last wrote (WhatsApp's 24-hour customer-service window).

Revision ID: 0003_contact_windows
Revises: 0002_deliveries
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_contact_windows"
down_revision = "0002_deliveries"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "contact_windows",
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("contact", sa.String(64), nullable=False),
        sa.Column("last_inbound_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("channel", "contact", name="pk_contact_windows"),
    )
    op.create_index("ix_contact_windows_last_inbound_at", "contact_windows", ["last_inbound_at"])


def downgrade() -> None:
    op.drop_index("ix_contact_windows_last_inbound_at", table_name="contact_windows")
    op.drop_table("contact_windows")
