"""Tables and repositories for accounts and browser sessions."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, String, func, or_, select, update
from sqlalchemy.orm import Mapped, mapped_column

from domain.user.entities import Session, User
from domain.user.values import Email, UserStatus
from infra.persistence.base import Base, Int64, UtcDateTime
from infra.persistence.uow import current_session, pin


class UserRow(Base):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(Int64, primary_key=True, autoincrement=False)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    unique_name: Mapped[str] = mapped_column(String(100), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    is_superuser: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(16))
    description: Mapped[str] = mapped_column(String(500), default="")
    avatar_url: Mapped[str] = mapped_column(String(1024), default="")
    locale: Mapped[str] = mapped_column(String(16), default="en-US")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)

    def to_entity(self) -> User:
        return User(
            id=self.id,
            email=Email(self.email),
            name=self.name,
            unique_name=self.unique_name,
            password_hash=self.password_hash,
            is_superuser=self.is_superuser,
            status=UserStatus(self.status),
            created_at=self.created_at,
            updated_at=self.updated_at,
            description=self.description,
            avatar_url=self.avatar_url,
            locale=self.locale,
        )

    @classmethod
    def of(cls, u: User) -> UserRow:
        return cls(
            id=u.id,
            email=u.email.value,
            name=u.name,
            unique_name=u.unique_name,
            password_hash=u.password_hash,
            is_superuser=u.is_superuser,
            status=u.status.value,
            description=u.description,
            avatar_url=u.avatar_url,
            locale=u.locale,
            created_at=u.created_at,
            updated_at=u.updated_at,
        )


class SessionRow(Base):
    __tablename__ = "user_session"
    __table_args__ = (Index("ix_user_session_user_id", "user_id"),)

    id: Mapped[int] = mapped_column(Int64, primary_key=True, autoincrement=False)
    user_id: Mapped[int] = mapped_column(Int64, ForeignKey("user_account.id", ondelete="CASCADE"))
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    ip: Mapped[str] = mapped_column(String(64), default="")
    user_agent: Mapped[str] = mapped_column(String(255), default="")

    def to_entity(self) -> Session:
        return Session(
            id=self.id,
            user_id=self.user_id,
            secret_hash=self.secret_hash,
            created_at=self.created_at,
            expires_at=self.expires_at,
            ip=self.ip,
            user_agent=self.user_agent,
            revoked_at=self.revoked_at,
        )


class SqlUserRepository:
    async def get(self, user_id: int) -> User | None:
        row = await current_session().get(UserRow, user_id)
        return None if row is None else row.to_entity()

    async def get_by_email(self, email: Email) -> User | None:
        row = (await current_session().execute(select(UserRow).where(UserRow.email == email.value))).scalar()
        return None if row is None else row.to_entity()

    async def get_many(self, user_ids: Sequence[int]) -> Sequence[User]:
        if not user_ids:
            return []
        rows = (
            await current_session().execute(select(UserRow).where(UserRow.id.in_(list(user_ids))))
        ).scalars()
        return [r.to_entity() for r in rows]

    async def add(self, user: User) -> None:
        current_session().add(UserRow.of(user))
        await current_session().flush()  # surface unique-email violations inside the unit of work

    async def save(self, user: User) -> None:
        await current_session().merge(UserRow.of(user))

    async def list(self, offset: int, limit: int, query: str = "") -> tuple[Sequence[User], int]:
        stmt = select(UserRow)
        if query:
            pattern = "%" + query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            stmt = stmt.where(
                or_(UserRow.email.like(pattern, escape="\\"), UserRow.name.like(pattern, escape="\\"))
            )
        total = (
            await current_session().execute(select(func.count()).select_from(stmt.subquery()))
        ).scalar_one()
        rows = (
            await current_session().execute(stmt.order_by(UserRow.id).offset(offset).limit(limit))
        ).scalars()
        return [r.to_entity() for r in rows], int(total)


class SqlSessionRepository:
    async def add(self, session: Session) -> None:
        current_session().add(
            SessionRow(
                id=session.id,
                user_id=session.user_id,
                secret_hash=session.secret_hash,
                created_at=session.created_at,
                expires_at=session.expires_at,
                revoked_at=session.revoked_at,
                ip=session.ip[:64],
                user_agent=session.user_agent[:255],
            )
        )

    async def get_by_secret_hash(self, secret_hash: str) -> Session | None:
        # As for tokens (infra/persistence/openauth.py): the user row comes along and stays pinned on
        # the session, so resolving the session's user next is answered without a round trip.
        session = current_session()
        row = (
            await session.execute(
                select(SessionRow, UserRow)
                .join(UserRow, UserRow.id == SessionRow.user_id)
                .where(SessionRow.secret_hash == secret_hash)
            )
        ).first()
        if row is None:
            return None
        found, owner = row
        pin(owner)
        return found.to_entity()

    async def revoke(self, session_id: int, at: datetime) -> None:
        await current_session().execute(
            update(SessionRow)
            .where(SessionRow.id == session_id, SessionRow.revoked_at.is_(None))
            .values(revoked_at=at)
        )

    async def revoke_all(self, user_id: int, at: datetime) -> int:
        result = await current_session().execute(
            update(SessionRow)
            .where(SessionRow.user_id == user_id, SessionRow.revoked_at.is_(None))
            .values(revoked_at=at)
        )
        return int(result.rowcount)  # type: ignore[attr-defined]
