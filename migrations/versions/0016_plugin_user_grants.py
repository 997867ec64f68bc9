"""End users' plugin authorizations (OAuth authorization code): a grant per user and plugin, and the
open consent requests.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.INTEGER(), "sqlite")
TIME = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql")
JSON = sa.JSON().with_variant(mysql.JSON(), "mysql")


def upgrade() -> None:
    op.create_table(
        "plugin_user_grant",
        sa.Column("plugin_id", ID, autoincrement=False, nullable=False),
        sa.Column("user_id", ID, autoincrement=False, nullable=False),
        sa.Column("sealed_access_token", sa.Text(), nullable=False),
        sa.Column("sealed_refresh_token", sa.Text(), nullable=False),
        sa.Column("expires_at", TIME, nullable=True),
        sa.Column("scope", sa.String(length=1024), nullable=False),
        sa.Column("updated_at", TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["plugin_id"],
            ["plugin.id"],
            name=op.f("fk_plugin_user_grant_plugin_id_plugin"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("plugin_id", "user_id", name=op.f("pk_plugin_user_grant")),
    )
    op.create_table(
        "plugin_consent",
        sa.Column("state_digest", sa.String(length=64), nullable=False),
        sa.Column("plugin_id", ID, nullable=False),
        sa.Column("user_id", ID, nullable=False),
        sa.Column("client", JSON, nullable=False),
        sa.Column("sealed_verifier", sa.String(length=1024), nullable=False),
        sa.Column("redirect_uri", sa.String(length=2048), nullable=False),
        sa.Column("expires_at", TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["plugin_id"], ["plugin.id"], name=op.f("fk_plugin_consent_plugin_id_plugin"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("state_digest", name=op.f("pk_plugin_consent")),
    )
    with op.batch_alter_table("plugin_consent", schema=None) as batch_op:
        batch_op.create_index("ix_plugin_consent_user_id_expires_at", ["user_id", "expires_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("plugin_consent", schema=None) as batch_op:
        batch_op.drop_index("ix_plugin_consent_user_id_expires_at")
    op.drop_table("plugin_consent")
    op.drop_table("plugin_user_grant")
