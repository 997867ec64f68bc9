"""Table and repository for personal access tokens."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, delete, select, update
from sqlalchemy.orm import Mapped, mapped_column

from domain.openauth.entities import PersonalAccessToken
from domain.openauth.values import Scope
from infra.persistence.base import Base, Int64, Json, UtcDateTime
from infra.persistence.uow import current_session, pin


class TokenRow(Base):
    __tablename__ = "personal_access_token"
    __table_args__ = (Index("ix_personal_access_token_user_id", "user_id"),)

    id: Mapped[int] = mapped_column(Int64, primary_key=True, autoincrement=False)
    user_id: Mapped[int] = mapped_column(Int64, ForeignKey("user_account.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    scopes: Mapped[Any] = mapped_column(Json)
    space_id: Mapped[int | None] = mapped_column(Int64, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)

    def to_entity(self) -> PersonalAccessToken:
        return PersonalAccessToken(
            id=self.id,
            user_id=self.user_id,
            name=self.name,
            secret_hash=self.secret_hash,
            created_at=self.created_at,
            updated_at=self.updated_at,
            expires_at=self.expires_at,
            scopes=frozenset(Scope(s) for s in self.scopes or []),
            space_id=self.space_id,
            last_used_at=self.last_used_at,
        )

    @classmethod
    def of(cls, t: PersonalAccessToken) -> TokenRow:
        return cls(
            id=t.id,
            user_id=t.user_id,
            name=t.name,
            secret_hash=t.secret_hash,
            scopes=sorted(t.scopes),
            space_id=t.space_id,
            created_at=t.created_at,
            updated_at=t.updated_at,
            expires_at=t.expires_at,
            last_used_at=t.last_used_at,
        )


class SqlTokenRepository:
    def __init__(self, owner_row: type[Base]) -> None:
        """`owner_row`: the mapped row of the account table `user_id` refers to, given by the
        composition root so that this module imports no other context's rows (docs/adr/0040)."""
        self._owner_row = owner_row

    async def add(self, token: PersonalAccessToken) -> None:
        current_session().add(TokenRow.of(token))

    async def get(self, token_id: int) -> PersonalAccessToken | None:
        row = await current_session().get(TokenRow, token_id)
        return None if row is None else row.to_entity()

    async def get_by_secret_hash(self, secret_hash: str) -> PersonalAccessToken | None:
        # The owner's row comes with the token in one statement: bearer auth reads the user next in
        # the same unit of work, and the session's identity map then answers that read without a
        # second round trip (one of three per token call on /v1/users/me). The identity map holds
        # objects weakly, so the row is pinned on the session (dropped with it at the end of the
        # unit of work). The inner join also means a token whose user row is gone is not found.
        session = current_session()
        owner_row = self._owner_row
        row = (
            await session.execute(
                # The ON clause comes from the one foreign key from this table to the owner's.
                select(TokenRow, owner_row).join(owner_row).where(TokenRow.secret_hash == secret_hash)
            )
        ).first()
        if row is None:
            return None
        token, owner = row
        pin(owner)
        return token.to_entity()

    async def list_for_user(
        self, user_id: int, offset: int, limit: int
    ) -> tuple[Sequence[PersonalAccessToken], bool]:
        rows = (
            (
                await current_session().execute(
                    select(TokenRow)
                    .where(TokenRow.user_id == user_id)
                    .order_by(TokenRow.id.desc())
                    .offset(offset)
                    .limit(limit + 1)
                )
            )
            .scalars()
            .all()
        )
        return [r.to_entity() for r in rows[:limit]], len(rows) > limit

    async def save(self, token: PersonalAccessToken) -> None:
        await current_session().merge(TokenRow.of(token))

    async def delete(self, token_id: int) -> None:
        await current_session().execute(delete(TokenRow).where(TokenRow.id == token_id))

    async def touch(self, token_id: int, at: datetime) -> None:
        await current_session().execute(
            update(TokenRow).where(TokenRow.id == token_id).values(last_used_at=at)
        )
