"""Organisation tree: corporations, departments, employees and their department memberships.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.INTEGER(), "sqlite")
TIME = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql")


def upgrade() -> None:
    op.create_table(
        "corporation",
        sa.Column("id", ID, autoincrement=False, nullable=False),
        sa.Column("parent_id", ID, nullable=True),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("corp_type", sa.String(length=16), nullable=False),
        sa.Column("sort", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("creator_id", ID, nullable=True),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("updated_at", TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["corporation.id"], name=op.f("fk_corporation_parent_id_corporation")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_corporation")),
    )
    op.create_index("ix_corporation_parent_id", "corporation", ["parent_id"])

    op.create_table(
        "corporation_department",
        sa.Column("id", ID, autoincrement=False, nullable=False),
        sa.Column("corp_id", ID, nullable=False),
        sa.Column("parent_id", ID, nullable=True),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("sort", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("creator_id", ID, nullable=True),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("updated_at", TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["corp_id"], ["corporation.id"], name=op.f("fk_corporation_department_corp_id_corporation")
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["corporation_department.id"],
            name=op.f("fk_corporation_department_parent_id_corporation_department"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_corporation_department")),
    )
    op.create_index("ix_corporation_department_corp_id", "corporation_department", ["corp_id"])
    op.create_index("ix_corporation_department_parent_id", "corporation_department", ["parent_id"])

    op.create_table(
        "corporation_employee",
        sa.Column("id", ID, autoincrement=False, nullable=False),
        sa.Column("corp_id", ID, nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("employee_no", sa.String(length=32), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("mobile", sa.String(length=32), nullable=False),
        sa.Column("position", sa.String(length=100), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("user_id", ID, nullable=True),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("resigned_at", TIME, nullable=True),
        sa.Column("resign_reason", sa.String(length=500), nullable=False),
        sa.Column("creator_id", ID, nullable=True),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("updated_at", TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["corp_id"], ["corporation.id"], name=op.f("fk_corporation_employee_corp_id_corporation")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_corporation_employee_user_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_corporation_employee")),
        sa.UniqueConstraint(
            "corp_id", "employee_no", name=op.f("uq_corporation_employee_corp_id_employee_no")
        ),
        sa.UniqueConstraint("corp_id", "user_id", name=op.f("uq_corporation_employee_corp_id_user_id")),
    )
    op.create_index("ix_corporation_employee_user_id", "corporation_employee", ["user_id"])

    op.create_table(
        "corporation_employee_department",
        sa.Column("employee_id", ID, nullable=False),
        sa.Column("department_id", ID, nullable=False),
        sa.Column("is_primary", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["employee_id"],
            ["corporation_employee.id"],
            name=op.f("fk_corporation_employee_department_employee_id_corporation_employee"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["corporation_department.id"],
            name=op.f("fk_corporation_employee_department_department_id_corporation_department"),
        ),
        sa.PrimaryKeyConstraint(
            "employee_id", "department_id", name=op.f("pk_corporation_employee_department")
        ),
    )
    op.create_index(
        "ix_corporation_employee_department_department_id",
        "corporation_employee_department",
        ["department_id"],
    )


def downgrade() -> None:
    # Children first; dropping a table drops its indexes, and MySQL refuses to drop an index a
    # foreign key still needs, so no index is dropped on its own.
    op.drop_table("corporation_employee_department")
    op.drop_table("corporation_employee")
    op.drop_table("corporation_department")
    op.drop_table("corporation")
