"""The invitation's life: pending until answered, revoked or lapsed; answered once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from domain.space.errors import InvitationNotPending
from domain.space.invitations import MAX_INVITATION_DAYS, InvitationStatus, SpaceInvitation
from domain.space.values import SpaceRole

NOW = datetime(2026, 12, 7, tzinfo=UTC)


def _issued(days: int = 7) -> SpaceInvitation:
    return SpaceInvitation.issue(1, 10, 20, SpaceRole.MEMBER, 30, NOW, days)


def test_a_new_invitation_is_pending_until_it_lapses() -> None:
    invitation = _issued(days=2)
    assert invitation.pending_at(NOW + timedelta(days=1)) and invitation.state_at(NOW) == "pending"
    assert not invitation.pending_at(NOW + timedelta(days=2))
    assert invitation.state_at(NOW + timedelta(days=3)) == "expired"


def test_its_lifetime_is_bounded() -> None:
    assert _issued(days=0).expires_at == NOW + timedelta(days=1)
    assert _issued(days=365).expires_at == NOW + timedelta(days=MAX_INVITATION_DAYS)


@pytest.mark.parametrize(
    "status", [InvitationStatus.ACCEPTED, InvitationStatus.DECLINED, InvitationStatus.REVOKED]
)
def test_it_is_answered_once(status: InvitationStatus) -> None:
    invitation = _issued()
    invitation.close(status, NOW)
    assert (invitation.status, invitation.responded_at, invitation.state_at(NOW)) == (
        status,
        NOW,
        status.value,
    )
    with pytest.raises(InvitationNotPending):
        invitation.close(InvitationStatus.ACCEPTED, NOW)


def test_a_lapsed_invitation_cannot_be_answered() -> None:
    invitation = _issued(days=1)
    with pytest.raises(InvitationNotPending) as refused:
        invitation.close(InvitationStatus.ACCEPTED, NOW + timedelta(days=2))
    assert refused.value.params == {"state": "expired"}
