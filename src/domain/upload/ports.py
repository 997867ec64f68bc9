from __future__ import annotations

from typing import Protocol

from domain.upload.entities import UploadedFile


class UploadedFileRepository(Protocol):
    async def add(self, file: UploadedFile) -> None: ...

    async def get(self, file_id: int) -> UploadedFile | None: ...
