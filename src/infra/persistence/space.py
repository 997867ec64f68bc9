"""Tables and repository for spaces and their members."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, delete, func, select, update
from sqlalchemy.orm import Mapped, mapped_column

from domain.space.entities import Space, SpaceMember
from domain.space.invitations import InvitationStatus, SpaceInvitation
from domain.space.values import SpaceRole, SpaceType
from infra.persistence.base import Base, Int64, UtcDateTime
from infra.persistence.uow import current_session, pin


class SpaceRow(Base):
    __tablename__ = "space"

    id: Mapped[int] = mapped_column(Int64, primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(String(100))
    type: Mapped[str] = mapped_column(String(16))
    owner_id: Mapped[int] = mapped_column(Int64, ForeignKey("user_account.id"), index=True)
    description: Mapped[str] = mapped_column(String(500), default="")
    icon_url: Mapped[str] = mapped_column(String(1024), default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)

    def to_entity(self) -> Space:
        return Space(
            id=self.id,
            name=self.name,
            type=SpaceType(self.type),
            owner_id=self.owner_id,
            created_at=self.created_at,
            updated_at=self.updated_at,
            description=self.description,
            icon_url=self.icon_url,
        )

    @classmethod
    def of(cls, s: Space) -> SpaceRow:
        return cls(
            id=s.id,
            name=s.name,
            type=s.type.value,
            owner_id=s.owner_id,
            description=s.description,
            icon_url=s.icon_url,
            created_at=s.created_at,
            updated_at=s.updated_at,
        )


class SpaceMemberRow(Base):
    __tablename__ = "space_member"
    __table_args__ = (Index("ix_space_member_user_id", "user_id"),)

    space_id: Mapped[int] = mapped_column(Int64, ForeignKey("space.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(
        Int64, ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[str] = mapped_column(String(16))
    joined_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)

    def to_entity(self) -> SpaceMember:
        return SpaceMember(
            space_id=self.space_id,
            user_id=self.user_id,
            role=SpaceRole(self.role),
            joined_at=self.joined_at,
            expires_at=self.expires_at,
        )


class SpaceInvitationRow(Base):
    __tablename__ = "space_invitation"
    __table_args__ = (
        Index("ix_space_invitation_space_id_status", "space_id", "status"),
        Index("ix_space_invitation_user_id_status", "user_id", "status"),
    )

    id: Mapped[int] = mapped_column(Int64, primary_key=True, autoincrement=False)
    space_id: Mapped[int] = mapped_column(Int64, ForeignKey("space.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(Int64, ForeignKey("user_account.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(16))
    invited_by: Mapped[int] = mapped_column(Int64)
    status: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    responded_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)

    def to_entity(self) -> SpaceInvitation:
        return SpaceInvitation(
            id=self.id,
            space_id=self.space_id,
            user_id=self.user_id,
            role=SpaceRole(self.role),
            invited_by=self.invited_by,
            created_at=self.created_at,
            expires_at=self.expires_at,
            status=InvitationStatus(self.status),
            responded_at=self.responded_at,
        )

    @classmethod
    def of(cls, i: SpaceInvitation) -> SpaceInvitationRow:
        return cls(
            id=i.id,
            space_id=i.space_id,
            user_id=i.user_id,
            role=i.role.value,
            invited_by=i.invited_by,
            status=i.status.value,
            created_at=i.created_at,
            expires_at=i.expires_at,
            responded_at=i.responded_at,
        )


class SqlSpaceRepository:
    async def get(self, space_id: int) -> Space | None:
        row = await current_session().get(SpaceRow, space_id)
        return None if row is None else row.to_entity()

    async def add(self, space: Space) -> None:
        current_session().add(SpaceRow.of(space))
        await current_session().flush()

    async def save(self, space: Space) -> None:
        await current_session().merge(SpaceRow.of(space))

    async def delete(self, space_id: int) -> None:
        await current_session().execute(delete(SpaceMemberRow).where(SpaceMemberRow.space_id == space_id))
        await current_session().execute(
            delete(SpaceInvitationRow).where(SpaceInvitationRow.space_id == space_id)
        )
        await current_session().execute(delete(SpaceRow).where(SpaceRow.id == space_id))

    async def member(self, space_id: int, user_id: int) -> SpaceMember | None:
        row = await current_session().get(SpaceMemberRow, (space_id, user_id))
        if row is None:
            return None
        # Permission checks read the caller's membership once per check, and one request often
        # checks twice in one unit of work (a chat turn: agent:read, then agent:execute); pinned,
        # the second read is answered from the identity map.
        pin(row)
        return row.to_entity()

    async def members(self, space_id: int, offset: int, limit: int) -> tuple[Sequence[SpaceMember], int]:
        where = SpaceMemberRow.space_id == space_id
        total = (await current_session().execute(select(func.count()).where(where))).scalar_one()
        rows = (
            await current_session().execute(
                select(SpaceMemberRow)
                .where(where)
                .order_by(SpaceMemberRow.joined_at, SpaceMemberRow.user_id)
                .offset(offset)
                .limit(limit)
            )
        ).scalars()
        return [r.to_entity() for r in rows], int(total)

    async def put_member(self, member: SpaceMember) -> None:
        await current_session().merge(
            SpaceMemberRow(
                space_id=member.space_id,
                user_id=member.user_id,
                role=member.role.value,
                joined_at=member.joined_at,
                expires_at=member.expires_at,
            )
        )

    async def remove_member(self, space_id: int, user_id: int) -> None:
        await current_session().execute(
            delete(SpaceMemberRow).where(
                SpaceMemberRow.space_id == space_id, SpaceMemberRow.user_id == user_id
            )
        )

    async def spaces_of(self, user_id: int) -> Sequence[tuple[Space, SpaceMember]]:
        rows = await current_session().execute(
            select(SpaceRow, SpaceMemberRow)
            .join(SpaceMemberRow, SpaceMemberRow.space_id == SpaceRow.id)
            .where(SpaceMemberRow.user_id == user_id)
            .order_by(SpaceRow.created_at, SpaceRow.id)
        )
        return [(s.to_entity(), m.to_entity()) for s, m in rows.all()]

    async def add_invitation(self, invitation: SpaceInvitation) -> None:
        current_session().add(SpaceInvitationRow.of(invitation))
        await current_session().flush()

    async def save_invitation(self, invitation: SpaceInvitation) -> None:
        await current_session().execute(
            update(SpaceInvitationRow)
            .where(SpaceInvitationRow.id == invitation.id)
            .values(status=invitation.status.value, responded_at=invitation.responded_at)
        )

    async def invitation(self, invitation_id: int) -> SpaceInvitation | None:
        row = await current_session().get(SpaceInvitationRow, invitation_id)
        return None if row is None else row.to_entity()

    async def pending_invitation(self, space_id: int, user_id: int) -> SpaceInvitation | None:
        row = (
            await current_session().execute(
                select(SpaceInvitationRow)
                .where(
                    SpaceInvitationRow.space_id == space_id,
                    SpaceInvitationRow.user_id == user_id,
                    SpaceInvitationRow.status == InvitationStatus.PENDING.value,
                )
                .order_by(SpaceInvitationRow.created_at.desc())
                .limit(1)
            )
        ).scalar_one_or_none()
        return None if row is None else row.to_entity()

    async def invitations(
        self, *, space_id: int | None = None, user_id: int | None = None, pending_after: datetime
    ) -> Sequence[SpaceInvitation]:
        query = select(SpaceInvitationRow).where(
            SpaceInvitationRow.status == InvitationStatus.PENDING.value,
            SpaceInvitationRow.expires_at > pending_after,
        )
        if space_id is not None:
            query = query.where(SpaceInvitationRow.space_id == space_id)
        if user_id is not None:
            query = query.where(SpaceInvitationRow.user_id == user_id)
        # Bounded: a space has at most MAX_PENDING pending invitations (the service refuses more).
        rows = await current_session().execute(
            query.order_by(SpaceInvitationRow.created_at.desc(), SpaceInvitationRow.id.desc()).limit(500)
        )
        return [r.to_entity() for r in rows.scalars()]
