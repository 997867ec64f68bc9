"""Publish records keep the publisher's note about the version (Coze Studio's history_info).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("agent_publish_record") as batch:
        batch.add_column(sa.Column("note", sa.String(1000), server_default="", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("agent_publish_record") as batch:
        batch.drop_column("note")
