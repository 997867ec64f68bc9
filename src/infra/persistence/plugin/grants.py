"""Tables and repositories of end users' plugin authorizations: a grant per user and plugin (tokens
sealed), and the open consent requests (state kept as a digest), taken once."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, delete, select
from sqlalchemy.orm import Mapped, mapped_column

from domain.plugin.auth import PluginAuth
from domain.plugin.grants import ConsentRequest, UserGrant
from infra.persistence.base import Base, Int64, Json, UtcDateTime
from infra.persistence.plugin.codec import auth_json, auth_of
from infra.persistence.uow import current_session


class UserGrantRow(Base):
    __tablename__ = "plugin_user_grant"

    plugin_id: Mapped[int] = mapped_column(
        Int64, ForeignKey("plugin.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    user_id: Mapped[int] = mapped_column(Int64, primary_key=True, autoincrement=False)
    sealed_access_token: Mapped[str] = mapped_column(Text)
    sealed_refresh_token: Mapped[str] = mapped_column(Text)
    expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    scope: Mapped[str] = mapped_column(String(1024))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)

    def to_entity(self) -> UserGrant:
        return UserGrant(
            self.plugin_id,
            self.user_id,
            self.sealed_access_token,
            self.sealed_refresh_token,
            self.expires_at,
            self.scope,
            self.updated_at,
        )


class ConsentRow(Base):
    __tablename__ = "plugin_consent"
    __table_args__ = (Index("ix_plugin_consent_user_id_expires_at", "user_id", "expires_at"),)

    state_digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    plugin_id: Mapped[int] = mapped_column(Int64, ForeignKey("plugin.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(Int64)
    client: Mapped[Any] = mapped_column(Json)  # the OAuth client, its secret sealed
    sealed_verifier: Mapped[str] = mapped_column(String(1024))
    redirect_uri: Mapped[str] = mapped_column(String(2048))
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)

    def to_entity(self) -> ConsentRequest | None:
        client = auth_of(self.client).oauth
        if client is None:
            return None
        return ConsentRequest(
            self.state_digest,
            self.plugin_id,
            self.user_id,
            client,
            self.sealed_verifier,
            self.redirect_uri,
            self.expires_at,
        )


class SqlUserGrantRepository:
    async def get(self, plugin_id: int, user_id: int, *, for_update: bool = False) -> UserGrant | None:
        query = select(UserGrantRow).where(
            UserGrantRow.plugin_id == plugin_id, UserGrantRow.user_id == user_id
        )
        if for_update:
            query = query.with_for_update()
        row = (await current_session().execute(query)).scalar_one_or_none()
        return None if row is None else row.to_entity()

    async def put(self, grant: UserGrant) -> None:
        session = current_session()
        await self.delete(grant.plugin_id, grant.user_id)
        session.add(
            UserGrantRow(
                plugin_id=grant.plugin_id,
                user_id=grant.user_id,
                sealed_access_token=grant.sealed_access_token,
                sealed_refresh_token=grant.sealed_refresh_token,
                expires_at=grant.expires_at,
                scope=grant.scope[:1024],
                updated_at=grant.updated_at,
            )
        )
        await session.flush()

    async def delete(self, plugin_id: int, user_id: int) -> bool:
        done = await current_session().execute(
            delete(UserGrantRow).where(UserGrantRow.plugin_id == plugin_id, UserGrantRow.user_id == user_id)
        )
        return bool(getattr(done, "rowcount", 0))

    async def of_user(self, user_id: int, plugin_ids: Sequence[int]) -> set[int]:
        if not plugin_ids:
            return set()
        found = await current_session().execute(
            select(UserGrantRow.plugin_id).where(
                UserGrantRow.user_id == user_id, UserGrantRow.plugin_id.in_(list(plugin_ids))
            )
        )
        return set(found.scalars())


class SqlConsentRepository:
    async def add(self, consent: ConsentRequest, *, keep: int, now: datetime) -> None:
        session = current_session()
        mine = ConsentRow.user_id == consent.user_id
        await session.execute(delete(ConsentRow).where(mine, ConsentRow.expires_at <= now))
        newest = await session.execute(
            select(ConsentRow.state_digest).where(mine).order_by(ConsentRow.expires_at.desc()).limit(keep)
        )
        kept = list(newest.scalars())
        if len(kept) >= keep:  # room for this one: the oldest open request goes
            await session.execute(delete(ConsentRow).where(mine, ConsentRow.state_digest.not_in(kept[:-1])))
        session.add(
            ConsentRow(
                state_digest=consent.state_digest,
                plugin_id=consent.plugin_id,
                user_id=consent.user_id,
                client=auth_json(PluginAuth(oauth=consent.client)),
                sealed_verifier=consent.sealed_verifier,
                redirect_uri=consent.redirect_uri,
                expires_at=consent.expires_at,
            )
        )
        await session.flush()

    async def take(self, state_digest: str, now: datetime) -> ConsentRequest | None:
        session = current_session()
        row = (
            await session.execute(select(ConsentRow).where(ConsentRow.state_digest == state_digest))
        ).scalar_one_or_none()
        if row is None:
            return None
        taken = await session.execute(delete(ConsentRow).where(ConsentRow.state_digest == state_digest))
        if not getattr(taken, "rowcount", 0) or row.expires_at <= now:
            return None  # another callback took it first, or it has expired
        return row.to_entity()
