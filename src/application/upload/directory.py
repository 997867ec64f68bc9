"""The upload context's side of crossdomain.upload: other contexts look files up by id here."""

from __future__ import annotations

from application.upload.service import UploadService
from crossdomain.upload import UploadedFile as SharedFile
from domain.common.ports import UnitOfWorkFactory
from domain.upload.ports import UploadedFileRepository


class StoredFiles:
    """Implements crossdomain.upload.UploadedFiles: a file for its owner only, with a fresh link."""

    def __init__(self, uow: UnitOfWorkFactory, files: UploadedFileRepository, service: UploadService) -> None:
        self._uow, self._files, self._service = uow, files, service

    async def get(self, file_id: int, owner_id: int) -> SharedFile | None:
        async with self._uow():
            found = await self._files.get(file_id)
        if found is None or found.owner_id != owner_id:
            return None
        return SharedFile(
            id=found.id,
            owner_id=found.owner_id,
            name=found.name,
            content_type=found.content_type,
            size=found.size,
            object_key=found.object_key,
            url=await self._service.link(found),
        )
