"""Table and repository for uploaded files (the bytes live in object storage)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from domain.upload.entities import UploadedFile
from infra.persistence.base import Base, Int64, UtcDateTime
from infra.persistence.uow import current_session


class UploadedFileRow(Base):
    __tablename__ = "uploaded_file"
    __table_args__ = (Index("ix_uploaded_file_owner_id_created_at", "owner_id", "created_at"),)

    id: Mapped[int] = mapped_column(Int64, primary_key=True, autoincrement=False)
    owner_id: Mapped[int] = mapped_column(Int64, ForeignKey("user_account.id", ondelete="CASCADE"))
    space_id: Mapped[int | None] = mapped_column(Int64, nullable=True)
    name: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(128))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    object_key: Mapped[str] = mapped_column(String(512))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)

    def to_entity(self) -> UploadedFile:
        return UploadedFile(
            id=self.id,
            owner_id=self.owner_id,
            name=self.name,
            content_type=self.content_type,
            size=self.size,
            sha256=self.sha256,
            object_key=self.object_key,
            created_at=self.created_at,
            space_id=self.space_id,
        )

    @classmethod
    def of(cls, f: UploadedFile) -> UploadedFileRow:
        return cls(
            id=f.id,
            owner_id=f.owner_id,
            space_id=f.space_id,
            name=f.name,
            content_type=f.content_type,
            size=f.size,
            sha256=f.sha256,
            object_key=f.object_key,
            created_at=f.created_at,
        )


class SqlUploadedFileRepository:
    async def add(self, file: UploadedFile) -> None:
        current_session().add(UploadedFileRow.of(file))

    async def get(self, file_id: int) -> UploadedFile | None:
        row = await current_session().get(UploadedFileRow, file_id)
        return None if row is None else row.to_entity()
