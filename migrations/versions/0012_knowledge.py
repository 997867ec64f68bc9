"""Knowledge bases: datasets, their documents and slices.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.INTEGER(), "sqlite")
TIME = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql")
JSON = sa.JSON().with_variant(mysql.JSON(), "mysql")


def upgrade() -> None:
    op.create_table(
        "knowledge_dataset",
        sa.Column("id", ID, autoincrement=False, nullable=False),
        sa.Column("space_id", ID, nullable=False),
        sa.Column("creator_id", ID, nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("description", sa.String(length=2000), nullable=False),
        sa.Column("format", sa.Integer(), nullable=False),
        sa.Column("icon_uri", sa.String(length=1024), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("embedding_model_id", ID, nullable=False),
        sa.Column("dimension", sa.Integer(), nullable=False),
        sa.Column("pending_model_id", ID, nullable=True),
        sa.Column("index_version", sa.Integer(), nullable=False),
        sa.Column("chunking", JSON, nullable=False),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("updated_at", TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["space_id"], ["space.id"], name=op.f("fk_knowledge_dataset_space_id_space"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_knowledge_dataset")),
    )
    with op.batch_alter_table("knowledge_dataset", schema=None) as batch_op:
        batch_op.create_index(
            "ix_knowledge_dataset_space_id_updated_at", ["space_id", "updated_at"], unique=False
        )

    op.create_table(
        "knowledge_document",
        sa.Column("id", ID, autoincrement=False, nullable=False),
        sa.Column("dataset_id", ID, nullable=False),
        sa.Column("space_id", ID, nullable=False),
        sa.Column("creator_id", ID, nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("source", sa.Integer(), nullable=False),
        sa.Column("file_type", sa.String(length=16), nullable=False),
        sa.Column("size", ID, nullable=False),
        sa.Column("object_key", sa.String(length=512), nullable=False),
        sa.Column("url", sa.String(length=2048), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("progress_percent", sa.Integer(), nullable=False),
        sa.Column("slices_done", sa.Integer(), nullable=False),
        sa.Column("slices_total", sa.Integer(), nullable=False),
        sa.Column("failure_reason", sa.String(length=32), nullable=True),
        sa.Column("failure_detail", sa.String(length=1000), nullable=False),
        sa.Column("chunking", JSON, nullable=False),
        sa.Column("generation", sa.Integer(), nullable=False),
        sa.Column("char_count", ID, nullable=False),
        sa.Column("slice_count", sa.Integer(), nullable=False),
        sa.Column("hit_count", sa.Integer(), nullable=False),
        sa.Column("columns", JSON, nullable=False),
        sa.Column("caption", sa.String(length=2000), nullable=False),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("updated_at", TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["dataset_id"],
            ["knowledge_dataset.id"],
            name=op.f("fk_knowledge_document_dataset_id_knowledge_dataset"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_knowledge_document")),
    )
    with op.batch_alter_table("knowledge_document", schema=None) as batch_op:
        batch_op.create_index(
            "ix_knowledge_document_dataset_id_created_at", ["dataset_id", "created_at"], unique=False
        )

    op.create_table(
        "knowledge_slice",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("document_id", ID, nullable=False),
        sa.Column("dataset_id", ID, nullable=False),
        sa.Column("space_id", ID, nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("heading_path", JSON, nullable=False),
        sa.Column("page", sa.Integer(), nullable=True),
        sa.Column("generation", sa.Integer(), nullable=False),
        sa.Column("hit_count", sa.Integer(), nullable=False),
        sa.Column("edited", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["knowledge_document.id"],
            name=op.f("fk_knowledge_slice_document_id_knowledge_document"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_knowledge_slice")),
    )
    with op.batch_alter_table("knowledge_slice", schema=None) as batch_op:
        batch_op.create_index(
            "ix_knowledge_slice_document_id_position", ["document_id", "position"], unique=False
        )


def downgrade() -> None:
    # Dropping a table drops its indexes; dropping an index first fails on MySQL while a foreign
    # key still uses it.
    op.drop_table("knowledge_slice")
    op.drop_table("knowledge_document")
    op.drop_table("knowledge_dataset")
