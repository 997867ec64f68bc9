"""Event bus: processed-event records, dead letters, in-process deliveries, process leases.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.INTEGER(), "sqlite")
TIME = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql")
JSON = sa.JSON().with_variant(mysql.JSON(), "mysql")


def upgrade() -> None:
    op.create_table(
        "event_processed",
        sa.Column("id", ID, autoincrement=False, nullable=False),
        sa.Column("group_name", sa.String(48), nullable=False),
        sa.Column("dedupe_id", sa.String(64), nullable=False),
        sa.Column("topic", sa.String(128), nullable=False),
        sa.Column("processed_at", TIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_processed")),
        sa.UniqueConstraint("group_name", "dedupe_id", name=op.f("uq_event_processed_group_name_dedupe_id")),
    )
    op.create_index("ix_event_processed_processed_at", "event_processed", ["processed_at"])
    op.create_table(
        "event_dead_letter",
        sa.Column("id", ID, autoincrement=False, nullable=False),
        sa.Column("group_name", sa.String(48), nullable=False),
        sa.Column("topic", sa.String(128), nullable=False),
        sa.Column("dedupe_id", sa.String(64), nullable=False),
        sa.Column("payload", JSON, nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("replayed_at", TIME, nullable=True),
        sa.Column("replay_count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_dead_letter")),
    )
    op.create_index("ix_event_dead_letter_group_name_id", "event_dead_letter", ["group_name", "id"])
    op.create_table(
        "event_delivery",
        sa.Column("id", ID, autoincrement=False, nullable=False),
        sa.Column("group_name", sa.String(48), nullable=False),
        sa.Column("topic", sa.String(128), nullable=False),
        sa.Column("dedupe_id", sa.String(64), nullable=False),
        sa.Column("payload", JSON, nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("visible_at", TIME, nullable=False),
        sa.Column("claimed_by", sa.String(64), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", TIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_delivery")),
        sa.UniqueConstraint("group_name", "dedupe_id", name=op.f("uq_event_delivery_group_name_dedupe_id")),
    )
    op.create_index(
        "ix_event_delivery_group_name_topic_visible_at",
        "event_delivery",
        ["group_name", "topic", "visible_at"],
    )
    op.create_table(
        "process_lease",
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("owner", sa.String(64), nullable=False),
        sa.Column("expires_at", TIME, nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_process_lease")),
    )


def downgrade() -> None:
    op.drop_table("process_lease")
    op.drop_index("ix_event_delivery_group_name_topic_visible_at", table_name="event_delivery")
    op.drop_table("event_delivery")
    op.drop_index("ix_event_dead_letter_group_name_id", table_name="event_dead_letter")
    op.drop_table("event_dead_letter")
    op.drop_index("ix_event_processed_processed_at", table_name="event_processed")
    op.drop_table("event_processed")
