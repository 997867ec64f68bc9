"""The model_instance table and its repository; API keys are sealed on write and opened on read."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, Float, Index, Integer, String, Text, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from domain.common.secrets import SecretCipher
from domain.modelmgr.entities import ModelInstance
from domain.modelmgr.values import Capabilities, Connection, ModelKind, ModelStatus, ParameterSpec
from infra.persistence.base import Base, Int64, Json, UtcDateTime
from infra.persistence.uow import current_session


class ModelRow(Base):
    __tablename__ = "model_instance"
    __table_args__ = (Index("ix_model_instance_kind_deleted_at", "kind", "deleted_at"),)

    id: Mapped[int] = mapped_column(Int64, primary_key=True, autoincrement=False)
    kind: Mapped[str] = mapped_column(String(32))
    provider: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(String(1000))
    model: Mapped[str] = mapped_column(String(200))
    base_url: Mapped[str] = mapped_column(String(1024))
    api_key_sealed: Mapped[str] = mapped_column(Text)
    timeout_s: Mapped[float] = mapped_column(Float)
    max_retries: Mapped[int] = mapped_column(Integer)
    concurrency: Mapped[int] = mapped_column(Integer)
    capabilities: Mapped[Any] = mapped_column(Json)
    parameters: Mapped[Any] = mapped_column(Json)
    status: Mapped[str] = mapped_column(String(16))
    is_default: Mapped[bool] = mapped_column(Boolean)
    fallback_id: Mapped[int | None] = mapped_column(Int64, nullable=True)
    seed_key: Mapped[str | None] = mapped_column(String(64), nullable=True, unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)


class SqlModelRepository:
    def __init__(self, cipher: SecretCipher) -> None:
        self._cipher = cipher

    def _entity(self, row: ModelRow) -> ModelInstance:
        return ModelInstance(
            id=row.id,
            kind=ModelKind(row.kind),
            provider=row.provider,
            name=row.name,
            description=row.description,
            connection=Connection(
                base_url=row.base_url,
                api_key=self._cipher.open(row.api_key_sealed),
                model=row.model,
                timeout_s=row.timeout_s,
                max_retries=row.max_retries,
                concurrency=row.concurrency,
            ),
            capabilities=Capabilities.from_json(row.capabilities or {}),
            parameters=tuple(ParameterSpec.from_json(p) for p in row.parameters or ()),
            status=ModelStatus(row.status),
            is_default=row.is_default,
            fallback_id=row.fallback_id,
            seed_key=row.seed_key,
            created_at=row.created_at,
            updated_at=row.updated_at,
            deleted_at=row.deleted_at,
        )

    def _values(self, m: ModelInstance) -> dict[str, Any]:
        c = m.connection
        return {
            "kind": m.kind.value,
            "provider": m.provider,
            "name": m.name,
            "description": m.description,
            "model": c.model,
            "base_url": c.base_url,
            "api_key_sealed": self._cipher.seal(c.api_key),
            "timeout_s": c.timeout_s,
            "max_retries": c.max_retries,
            "concurrency": c.concurrency,
            "capabilities": m.capabilities.to_json(),
            "parameters": [p.to_json() for p in m.parameters],
            "status": m.status.value,
            "is_default": m.is_default,
            "fallback_id": m.fallback_id,
            "seed_key": m.seed_key,
            "created_at": m.created_at,
            "updated_at": m.updated_at,
            "deleted_at": m.deleted_at,
        }

    async def get(self, model_id: int) -> ModelInstance | None:
        row = await current_session().get(ModelRow, model_id)
        return None if row is None or row.deleted_at is not None else self._entity(row)

    async def list(self, kind: ModelKind | None = None) -> Sequence[ModelInstance]:
        query = select(ModelRow).where(ModelRow.deleted_at.is_(None))
        if kind is not None:
            query = query.where(ModelRow.kind == kind.value)
        rows = (
            await current_session().execute(query.order_by(ModelRow.kind, ModelRow.name, ModelRow.id))
        ).scalars()
        return [self._entity(r) for r in rows]

    async def default_for(self, kind: ModelKind) -> ModelInstance | None:
        query = (
            select(ModelRow)
            .where(ModelRow.kind == kind.value, ModelRow.is_default.is_(True), ModelRow.deleted_at.is_(None))
            .order_by(ModelRow.updated_at.desc())
            .limit(1)
        )
        row = (await current_session().execute(query)).scalar_one_or_none()
        return None if row is None else self._entity(row)

    async def by_seed_key(self, seed_key: str) -> ModelInstance | None:
        query = select(ModelRow).where(ModelRow.seed_key == seed_key, ModelRow.deleted_at.is_(None))
        row = (await current_session().execute(query)).scalar_one_or_none()
        return None if row is None else self._entity(row)

    async def add(self, instance: ModelInstance) -> None:
        current_session().add(ModelRow(id=instance.id, **self._values(instance)))

    async def save(self, instance: ModelInstance) -> None:
        session = current_session()
        await session.execute(
            update(ModelRow)
            .where(ModelRow.id == instance.id)
            .values(**self._values(instance))
            .execution_options(synchronize_session=False)
        )

    async def clear_default(self, kind: ModelKind) -> None:
        await current_session().execute(
            update(ModelRow)
            .where(ModelRow.kind == kind.value, ModelRow.is_default.is_(True))
            .values(is_default=False)
            .execution_options(synchronize_session=False)
        )

    async def count_all(self) -> int:
        return int((await current_session().execute(select(func.count()).select_from(ModelRow))).scalar_one())

    async def add_seed(self, instance: ModelInstance) -> bool:
        session = current_session()
        try:
            async with session.begin_nested():  # a savepoint: losing the race leaves the outer work intact
                session.add(ModelRow(id=instance.id, **self._values(instance)))
        except IntegrityError:
            return False
        return True

    async def reseal_all(self) -> int:
        session = current_session()
        rows = (await session.execute(select(ModelRow.id, ModelRow.api_key_sealed))).all()
        changed = 0
        for row_id, sealed in rows:
            if self._cipher.is_current(sealed):
                continue
            resealed = self._cipher.seal(self._cipher.open(sealed))
            await session.execute(
                update(ModelRow).where(ModelRow.id == row_id).values(api_key_sealed=resealed)
            )
            changed += 1
        return changed
