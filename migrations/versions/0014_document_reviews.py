"""Document reviews: a document cut before it is added, kept for a day (docs/adr/0059).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-08
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.INTEGER(), "sqlite")
TIME = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql")
JSON = sa.JSON().with_variant(mysql.JSON(), "mysql")


def upgrade() -> None:
    op.create_table(
        "knowledge_document_review",
        sa.Column("id", ID, autoincrement=False, nullable=False),
        sa.Column("dataset_id", ID, nullable=False),
        sa.Column("space_id", ID, nullable=False),
        sa.Column("creator_id", ID, nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("file_type", sa.String(length=16), nullable=False),
        sa.Column("source", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(length=2048), nullable=False),
        sa.Column("source_key", sa.String(length=512), nullable=False),
        sa.Column("chunks_key", sa.String(length=512), nullable=False),
        sa.Column("chunking", JSON, nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("slice_count", sa.Integer(), nullable=False),
        sa.Column("char_count", ID, nullable=False),
        sa.Column("size", ID, nullable=False),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("updated_at", TIME, nullable=False),
        sa.Column("expires_at", TIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_knowledge_document_review")),
    )
    with op.batch_alter_table("knowledge_document_review", schema=None) as batch_op:
        batch_op.create_index("ix_knowledge_document_review_expires_at", ["expires_at"], unique=False)
        batch_op.create_index("ix_knowledge_document_review_dataset_id", ["dataset_id"], unique=False)


def downgrade() -> None:
    op.drop_table("knowledge_document_review")
