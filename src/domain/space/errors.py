from __future__ import annotations

from domain.common.access import SpaceNotFound
from domain.common.errors import Conflict, InvalidInput, NotFound, PermissionDenied

__all__ = [
    "AlreadyInvited",
    "AlreadyMember",
    "InvalidSpaceName",
    "InvitationNotFound",
    "InvitationNotPending",
    "NotAMember",
    "OwnerCannotLeave",
    "PersonalSpaceIsPrivate",
    "SpaceNotFound",
    "SpaceRoleRequired",
]


class SpaceRoleRequired(PermissionDenied):
    message_key = "space.role_required"


class PersonalSpaceIsPrivate(InvalidInput):
    message_key = "space.personal_is_private"


class OwnerCannotLeave(Conflict):
    message_key = "space.owner_cannot_leave"


class AlreadyMember(Conflict):
    message_key = "space.already_member"


class NotAMember(NotFound):
    message_key = "space.not_a_member"


class InvalidSpaceName(InvalidInput):
    message_key = "space.invalid_name"


class AlreadyInvited(Conflict):
    message_key = "space.already_invited"


class InvitationNotFound(NotFound):
    """Also for someone else's invitation: an invitation is visible to its invitee and the space's admins."""

    message_key = "space.invitation_not_found"


class InvitationNotPending(Conflict):
    message_key = "space.invitation_not_pending"
