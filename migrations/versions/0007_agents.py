"""Agents: drafts, published versions per connector, publish records.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.INTEGER(), "sqlite")
TIME = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql")
JSON = sa.JSON().with_variant(mysql.JSON(), "mysql")


def upgrade() -> None:
    op.create_table(
        "agent_draft",
        sa.Column("id", ID, autoincrement=False, nullable=False),
        sa.Column("space_id", ID, nullable=False),
        sa.Column("owner_id", ID, nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("description", sa.String(length=500), nullable=False),
        sa.Column("icon_uri", sa.String(length=1024), nullable=False),
        sa.Column("icon_file_id", ID, nullable=True),
        sa.Column("icon_file_owner_id", ID, nullable=True),
        sa.Column("config", JSON, nullable=False),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("updated_at", TIME, nullable=False),
        sa.Column("deleted_at", TIME, nullable=True),
        sa.ForeignKeyConstraint(
            ["space_id"], ["space.id"], name=op.f("fk_agent_draft_space_id_space"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agent_draft")),
    )
    op.create_index(
        "ix_agent_draft_space_id_deleted_at_updated_at",
        "agent_draft",
        ["space_id", "deleted_at", "updated_at"],
    )
    op.create_table(
        "agent_version",
        sa.Column("agent_id", ID, autoincrement=False, nullable=False),
        sa.Column("connector_id", ID, autoincrement=False, nullable=False),
        sa.Column("version", ID, autoincrement=False, nullable=False),
        sa.Column("space_id", ID, nullable=False),
        sa.Column("owner_id", ID, nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("description", sa.String(length=500), nullable=False),
        sa.Column("icon_uri", sa.String(length=1024), nullable=False),
        sa.Column("icon_file_id", ID, nullable=True),
        sa.Column("icon_file_owner_id", ID, nullable=True),
        sa.Column("config", JSON, nullable=False),
        sa.Column("publisher_id", ID, nullable=False),
        sa.Column("published_at", TIME, nullable=False),
        sa.Column("live", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agent_id"],
            ["agent_draft.id"],
            name=op.f("fk_agent_version_agent_id_agent_draft"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("agent_id", "connector_id", "version", name=op.f("pk_agent_version")),
    )
    op.create_index(
        "ix_agent_version_space_id_connector_id_live",
        "agent_version",
        ["space_id", "connector_id", "live", "published_at"],
    )
    op.create_table(
        "agent_publish_record",
        sa.Column("id", ID, autoincrement=False, nullable=False),
        sa.Column("agent_id", ID, nullable=False),
        sa.Column("version", ID, nullable=False),
        sa.Column("connector_ids", JSON, nullable=False),
        sa.Column("publisher_id", ID, nullable=False),
        sa.Column("published_at", TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["agent_id"],
            ["agent_draft.id"],
            name=op.f("fk_agent_publish_record_agent_id_agent_draft"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agent_publish_record")),
    )
    op.create_index("ix_agent_publish_record_agent_id_id", "agent_publish_record", ["agent_id", "id"])


def downgrade() -> None:
    op.drop_table("agent_publish_record")
    op.drop_table("agent_version")
    op.drop_table("agent_draft")
