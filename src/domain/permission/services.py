"""Turning roles and grants into the policy an engine enforces (pure, so it is unit-tested alone)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from domain.permission.entities import Grant, Role, policy_domain
from domain.permission.ports import GroupingLine, PolicyLine, PolicySnapshot


def user_subject(user_id: int) -> str:
    return f"user:{user_id}"


def snapshot_of(roles: Sequence[Role], grants: Sequence[Grant], now: datetime) -> PolicySnapshot:
    """Disabled roles contribute nothing; expired grants are left out and the earliest future expiry
    is remembered, so that a cache knows when its snapshot stops being true."""
    enabled = {role.id: role for role in roles if not role.disabled}
    policies = [
        PolicyLine(role.subject, policy_domain(role.domain_kind), entry.obj, entry.action, entry.effect.value)
        for role in enabled.values()
        for entry in role.permissions
    ]
    groupings: list[GroupingLine] = []
    next_expiry: datetime | None = None
    for grant in grants:
        role = enabled.get(grant.role_id)
        if role is None or role.derived or not grant.active_at(now):
            continue
        groupings.append(GroupingLine(user_subject(grant.user_id), role.subject, grant.domain))
        if grant.expires_at is not None and (next_expiry is None or grant.expires_at < next_expiry):
            next_expiry = grant.expires_at
    return PolicySnapshot(policies, groupings, next_expiry)
