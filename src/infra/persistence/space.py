"""Tables and repository for spaces and their members."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, delete, func, select
from sqlalchemy.orm import Mapped, mapped_column

from domain.space.entities import Space, SpaceMember
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
