"""Tables and repository for the system settings context."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Index, Integer, String, select, update
from sqlalchemy.orm import Mapped, mapped_column

from domain.system.entities import Setting, SettingRevision
from domain.system.values import SettingKey
from infra.persistence.base import Base, Int64, Json, UtcDateTime
from infra.persistence.uow import current_session


class SettingRow(Base):
    __tablename__ = "system_setting"

    id: Mapped[int] = mapped_column(Int64, primary_key=True, autoincrement=False)
    key: Mapped[str] = mapped_column(String(255), unique=True)
    value: Mapped[Any] = mapped_column(Json)
    version: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)

    def to_entity(self) -> Setting:
        return Setting(
            id=self.id,
            key=SettingKey(self.key),
            value=self.value,
            version=self.version,
            updated_at=self.updated_at,
        )


class SettingRevisionRow(Base):
    __tablename__ = "system_setting_revision"
    __table_args__ = (Index("ix_system_setting_revision_key_version", "key", "version"),)

    id: Mapped[int] = mapped_column(Int64, primary_key=True, autoincrement=False)
    key: Mapped[str] = mapped_column(String(255))
    version: Mapped[int] = mapped_column(Integer)
    value: Mapped[Any] = mapped_column(Json)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)

    def to_entity(self) -> SettingRevision:
        return SettingRevision(
            id=self.id,
            key=SettingKey(self.key),
            version=self.version,
            value=self.value,
            created_at=self.created_at,
        )


class SqlSettingRepository:
    async def get(self, key: SettingKey) -> Setting | None:
        row = (
            await current_session().execute(select(SettingRow).where(SettingRow.key == key.value))
        ).scalar_one_or_none()
        return None if row is None else row.to_entity()

    async def list(self) -> Sequence[Setting]:
        rows = (await current_session().execute(select(SettingRow).order_by(SettingRow.key))).scalars()
        return [r.to_entity() for r in rows]

    async def add(self, setting: Setting) -> None:
        current_session().add(
            SettingRow(
                id=setting.id,
                key=setting.key.value,
                value=setting.value,
                version=setting.version,
                updated_at=setting.updated_at,
            )
        )

    async def update(self, setting: Setting, previous_version: int) -> bool:
        result = await current_session().execute(
            update(SettingRow)
            .where(SettingRow.id == setting.id, SettingRow.version == previous_version)
            .values(value=setting.value, version=setting.version, updated_at=setting.updated_at)
            .execution_options(synchronize_session=False)
        )
        return bool(result.rowcount == 1)  # type: ignore[attr-defined]

    async def add_revision(self, revision: SettingRevision) -> None:
        current_session().add(
            SettingRevisionRow(
                id=revision.id,
                key=revision.key.value,
                version=revision.version,
                value=revision.value,
                created_at=revision.created_at,
            )
        )

    async def list_revisions(self, key: SettingKey, limit: int) -> Sequence[SettingRevision]:
        rows = (
            await current_session().execute(
                select(SettingRevisionRow)
                .where(SettingRevisionRow.key == key.value)
                .order_by(SettingRevisionRow.version.desc())
                .limit(limit)
            )
        ).scalars()
        return [r.to_entity() for r in rows]

    async def get_revision(self, revision_id: int) -> SettingRevision | None:
        row = await current_session().get(SettingRevisionRow, revision_id)
        return None if row is None else row.to_entity()
