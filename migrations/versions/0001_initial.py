"""Initial schema: outbox, id-worker leases, system settings and their revisions.

Revision ID: 0001
Revises:
Create Date: 2026-11-21
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.INTEGER(), "sqlite")
TIME = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql")
JSON = sa.JSON().with_variant(mysql.JSON(), "mysql")


def upgrade() -> None:
    op.create_table(
        "id_worker_lease",
        sa.Column("worker_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("owner", sa.String(64), nullable=False),
        sa.Column("expires_at", TIME, nullable=False),
        sa.PrimaryKeyConstraint("worker_id", name=op.f("pk_id_worker_lease")),
    )
    op.create_table(
        "outbox_event",
        sa.Column("id", ID, autoincrement=False, nullable=False),
        sa.Column("topic", sa.String(128), nullable=False),
        sa.Column("dedupe_id", sa.String(64), nullable=False),
        sa.Column("payload", JSON, nullable=False),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("published_at", TIME, nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_event")),
        sa.UniqueConstraint("dedupe_id", name=op.f("uq_outbox_event_dedupe_id")),
    )
    op.create_index("ix_outbox_event_pending", "outbox_event", ["published_at", "id"])
    op.create_table(
        "system_setting",
        sa.Column("id", ID, autoincrement=False, nullable=False),
        sa.Column("key", sa.String(255), nullable=False),
        sa.Column("value", JSON, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", TIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_system_setting")),
        sa.UniqueConstraint("key", name=op.f("uq_system_setting_key")),
    )
    op.create_table(
        "system_setting_revision",
        sa.Column("id", ID, autoincrement=False, nullable=False),
        sa.Column("key", sa.String(255), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("value", JSON, nullable=False),
        sa.Column("created_at", TIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_system_setting_revision")),
    )
    op.create_index("ix_system_setting_revision_key_version", "system_setting_revision", ["key", "version"])


def downgrade() -> None:
    op.drop_index("ix_system_setting_revision_key_version", table_name="system_setting_revision")
    op.drop_table("system_setting_revision")
    op.drop_table("system_setting")
    op.drop_index("ix_outbox_event_pending", table_name="outbox_event")
    op.drop_table("outbox_event")
    op.drop_table("id_worker_lease")
