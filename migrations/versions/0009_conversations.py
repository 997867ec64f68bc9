"""Conversations: conversations, sections, the message tree and chat runs.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-24
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.INTEGER(), "sqlite")
TIME = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql")
JSON = sa.JSON().with_variant(mysql.JSON(), "mysql")
LONG_TEXT = sa.Text().with_variant(mysql.MEDIUMTEXT(), "mysql")


def upgrade() -> None:
    op.create_table(
        "conversation",
        sa.Column("id", ID, autoincrement=False, nullable=False),
        sa.Column("space_id", ID, nullable=False),
        sa.Column("agent_id", ID, nullable=True),
        sa.Column("creator_id", ID, nullable=False),
        sa.Column("connector_id", ID, nullable=False),
        sa.Column("section_id", ID, nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("meta_data", JSON, nullable=False),
        sa.Column("leaf_message_id", ID, nullable=True),
        sa.Column("running_chat_id", ID, nullable=True),
        sa.Column("running_since", TIME, nullable=True),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("updated_at", TIME, nullable=False),
        sa.Column("deleted_at", TIME, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conversation")),
    )
    op.create_index("ix_conversation_owner", "conversation", ["creator_id", "agent_id", "connector_id", "id"])
    op.create_table(
        "conversation_section",
        sa.Column("id", ID, autoincrement=False, nullable=False),
        sa.Column("conversation_id", ID, nullable=False),
        sa.Column("created_at", TIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conversation_section")),
    )
    op.create_index(
        "ix_conversation_section_conversation_id", "conversation_section", ["conversation_id", "id"]
    )
    op.create_table(
        "conversation_message",
        sa.Column("id", ID, autoincrement=False, nullable=False),
        sa.Column("conversation_id", ID, nullable=False),
        sa.Column("section_id", ID, nullable=False),
        sa.Column("parent_id", ID, nullable=True),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("type", sa.String(length=32), nullable=False),
        sa.Column("content", LONG_TEXT, nullable=False),
        sa.Column("content_type", sa.String(length=16), nullable=False),
        sa.Column("agent_id", ID, nullable=True),
        sa.Column("chat_id", ID, nullable=True),
        sa.Column("creator_id", ID, nullable=False),
        sa.Column("meta_data", JSON, nullable=False),
        sa.Column("reasoning_content", LONG_TEXT, nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("usage", JSON, nullable=False),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("updated_at", TIME, nullable=False),
        sa.Column("deleted_at", TIME, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conversation_message")),
    )
    op.create_index(
        "ix_conversation_message_conversation_id", "conversation_message", ["conversation_id", "id"]
    )
    op.create_index("ix_conversation_message_chat_id", "conversation_message", ["chat_id"])
    op.create_index("ix_conversation_message_section_id", "conversation_message", ["section_id", "id"])
    op.create_table(
        "chat_run",
        sa.Column("id", ID, autoincrement=False, nullable=False),
        sa.Column("conversation_id", ID, nullable=False),
        sa.Column("section_id", ID, nullable=False),
        sa.Column("space_id", ID, nullable=False),
        sa.Column("agent_id", ID, nullable=False),
        sa.Column("agent_version", sa.String(length=64), nullable=False),
        sa.Column("connector_id", ID, nullable=False),
        sa.Column("creator_id", ID, nullable=False),
        sa.Column("end_user", sa.String(length=255), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("question_id", ID, nullable=True),
        sa.Column("answer_id", ID, nullable=True),
        sa.Column("inserted_message_ids", JSON, nullable=False),
        sa.Column("meta_data", JSON, nullable=False),
        sa.Column("usage", JSON, nullable=False),
        sa.Column("last_error", JSON, nullable=False),
        sa.Column("required_action", JSON, nullable=False),
        sa.Column("stream", sa.Boolean(), nullable=False),
        sa.Column("auto_save_history", sa.Boolean(), nullable=False),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("completed_at", TIME, nullable=True),
        sa.Column("failed_at", TIME, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chat_run")),
    )
    op.create_index("ix_chat_run_conversation_id", "chat_run", ["conversation_id", "id"])


def downgrade() -> None:
    op.drop_table("chat_run")
    op.drop_table("conversation_message")
    op.drop_table("conversation_section")
    op.drop_table("conversation")
