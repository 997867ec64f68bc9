"""Invitations to a team space: an admin invites an account with a role; the invitee joins by
accepting it (or declines); an admin may revoke it while it is pending; it lapses on its own."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from domain.space.errors import InvitationNotPending
from domain.space.values import SpaceRole

INVITATION_DAYS = 7
MAX_INVITATION_DAYS = 30


class InvitationStatus(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    REVOKED = "revoked"


@dataclass(slots=True)
class SpaceInvitation:
    id: int
    space_id: int
    user_id: int
    role: SpaceRole
    invited_by: int
    created_at: datetime
    expires_at: datetime
    status: InvitationStatus = InvitationStatus.PENDING
    responded_at: datetime | None = None

    @classmethod
    def issue(
        cls,
        invitation_id: int,
        space_id: int,
        user_id: int,
        role: SpaceRole,
        by: int,
        now: datetime,
        days: int,
    ) -> SpaceInvitation:
        lifetime = timedelta(days=min(max(days, 1), MAX_INVITATION_DAYS))
        return cls(invitation_id, space_id, user_id, role, by, now, now + lifetime)

    def pending_at(self, now: datetime) -> bool:
        return self.status is InvitationStatus.PENDING and now < self.expires_at

    def state_at(self, now: datetime) -> str:
        """What a reader sees: a pending invitation past its expiry reads as expired."""
        return (
            "expired" if self.status is InvitationStatus.PENDING and not self.pending_at(now) else self.status
        )

    def close(self, status: InvitationStatus, now: datetime) -> None:
        """Accept, decline or revoke: only while pending and not expired."""
        if not self.pending_at(now):
            raise InvitationNotPending(state=self.state_at(now))
        self.status, self.responded_at = status, now
