"""The plugin registry: plugins (draft document, meta, sealed auth), their tools, published versions.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.INTEGER(), "sqlite")
TIME = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql")
JSON = sa.JSON().with_variant(mysql.JSON(), "mysql")


def upgrade() -> None:
    op.create_table(
        "plugin",
        sa.Column("id", ID, autoincrement=False, nullable=False),
        sa.Column("space_id", ID, nullable=False),
        sa.Column("creator_id", ID, nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("description", sa.String(length=2000), nullable=False),
        sa.Column("icon_uri", sa.String(length=1024), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("server_url", sa.String(length=2048), nullable=False),
        sa.Column("auth", JSON, nullable=False),
        sa.Column("document", JSON, nullable=False),
        sa.Column("manifest", JSON, nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("version_name", sa.String(length=32), nullable=False),
        sa.Column("published_at", TIME, nullable=True),
        sa.Column("edit_version", sa.Integer(), nullable=False),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("updated_at", TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["space_id"], ["space.id"], name=op.f("fk_plugin_space_id_space"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plugin")),
    )
    with op.batch_alter_table("plugin", schema=None) as batch_op:
        batch_op.create_index("ix_plugin_space_id_updated_at", ["space_id", "updated_at"], unique=False)

    op.create_table(
        "plugin_tool",
        sa.Column("id", ID, autoincrement=False, nullable=False),
        sa.Column("plugin_id", ID, nullable=False),
        sa.Column("space_id", ID, nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("method", sa.String(length=8), nullable=False),
        sa.Column("path", sa.String(length=1024), nullable=False),
        sa.Column("operation", JSON, nullable=False),
        sa.Column("activated", sa.Boolean(), nullable=False),
        sa.Column("debug_status", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("created_at", TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["plugin_id"], ["plugin.id"], name=op.f("fk_plugin_tool_plugin_id_plugin"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plugin_tool")),
    )
    with op.batch_alter_table("plugin_tool", schema=None) as batch_op:
        batch_op.create_index("ix_plugin_tool_plugin_id_position", ["plugin_id", "position"], unique=False)

    op.create_table(
        "plugin_version",
        sa.Column("id", ID, autoincrement=False, nullable=False),
        sa.Column("plugin_id", ID, nullable=False),
        sa.Column("space_id", ID, nullable=False),
        sa.Column("version", sa.String(length=32), nullable=False),
        sa.Column("description", sa.String(length=2000), nullable=False),
        sa.Column("document", JSON, nullable=False),
        sa.Column("tools", JSON, nullable=False),
        sa.Column("meta", JSON, nullable=False),
        sa.Column("creator_id", ID, nullable=False),
        sa.Column("created_at", TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["plugin_id"],
            ["plugin.id"],
            name=op.f("fk_plugin_version_plugin_id_plugin"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plugin_version")),
        sa.UniqueConstraint("plugin_id", "version", name=op.f("uq_plugin_version_plugin_id_version")),
    )
    with op.batch_alter_table("plugin_version", schema=None) as batch_op:
        batch_op.create_index(
            "ix_plugin_version_plugin_id_created_at", ["plugin_id", "created_at"], unique=False
        )


def downgrade() -> None:
    # Dropping a table drops its indexes (dropping an index first fails on MySQL while a foreign key
    # uses it).
    op.drop_table("plugin_version")
    op.drop_table("plugin_tool")
    op.drop_table("plugin")
