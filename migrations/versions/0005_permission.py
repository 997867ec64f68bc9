"""Permissions: roles (four built-in ones seeded) and user-role grants.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.INTEGER(), "sqlite")
TIME = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql")
JSON = sa.JSON().with_variant(mysql.JSON(), "mysql")

# The built-in roles as they were when this revision was written (later edits are data, not schema).
_WORK = ("create", "read", "execute")
_DATA = ("create", "read")
_CONTENT = ("agent", "workflow", "knowledge", "plugin", "database", "file", "prompt")
BUILTIN: list[tuple[int, str, str, str, list[tuple[str, str]]]] = [
    (1, "super_admin", "Super admin", "global", [("*", "*")]),
    (2, "space_owner", "Space owner", "space", [("*", "*")]),
    (
        3,
        "space_admin",
        "Space admin",
        "space",
        [*((r, "*") for r in _CONTENT), ("space", "read"), ("space", "update"), ("member", "*")],
    ),
    (
        4,
        "space_member",
        "Space member",
        "space",
        [
            *((r, a) for r in ("agent", "workflow", "plugin") for a in _WORK),
            *((r, a) for r in ("knowledge", "database", "file", "prompt") for a in _DATA),
            ("space", "read"),
            ("member", "read"),
        ],
    ),
]


def upgrade() -> None:
    role = op.create_table(
        "permission_role",
        sa.Column("id", ID, autoincrement=False, nullable=False),
        sa.Column("code", sa.String(48), nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("description", sa.String(500), nullable=False),
        sa.Column("domain_kind", sa.String(16), nullable=False),
        sa.Column("builtin", sa.Boolean(), nullable=False),
        sa.Column("disabled", sa.Boolean(), nullable=False),
        sa.Column("permissions", JSON, nullable=False),
        sa.Column("created_by", ID, nullable=True),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("updated_at", TIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_permission_role")),
        sa.UniqueConstraint("code", name=op.f("uq_permission_role_code")),
    )
    op.create_table(
        "permission_user_role",
        sa.Column("id", ID, autoincrement=False, nullable=False),
        sa.Column("user_id", ID, nullable=False),
        sa.Column("role_id", ID, nullable=False),
        sa.Column("domain", sa.String(32), nullable=False),
        sa.Column("assigned_by", ID, nullable=True),
        sa.Column("expires_at", TIME, nullable=True),
        sa.Column("created_at", TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_permission_user_role_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["role_id"], ["permission_role.id"], name=op.f("fk_permission_user_role_role_id_permission_role")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_permission_user_role")),
        sa.UniqueConstraint(
            "user_id", "role_id", "domain", name=op.f("uq_permission_user_role_user_id_role_id_domain")
        ),
        # Declared with the table so that MySQL uses it for the foreign key instead of adding its own.
        sa.Index("ix_permission_user_role_role_id", "role_id"),
    )
    now = datetime.now(UTC).replace(tzinfo=None)
    op.bulk_insert(
        role,
        [
            {
                "id": role_id,
                "code": code,
                "name": name,
                "description": "built-in",
                "domain_kind": kind,
                "builtin": True,
                "disabled": False,
                "permissions": [
                    {"resource": r, "action": a, "effect": "allow", "object_id": "*"} for r, a in entries
                ],
                "created_by": None,
                "created_at": now,
                "updated_at": now,
            }
            for role_id, code, name, kind, entries in BUILTIN
        ],
    )


def downgrade() -> None:
    op.drop_table("permission_user_role")
    op.drop_table("permission_role")
