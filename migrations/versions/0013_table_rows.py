"""Table knowledge rows keep their cells beside their text, for NL2SQL (docs/adr/0061-nl2sql.md).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(mysql.JSON(), "mysql")


def upgrade() -> None:
    with op.batch_alter_table("knowledge_slice", schema=None) as batch_op:
        batch_op.add_column(sa.Column("cells", JSON, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("knowledge_slice", schema=None) as batch_op:
        batch_op.drop_column("cells")
