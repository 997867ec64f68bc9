"""What the upload context offers others: files a user uploaded, looked up by id."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class UploadedFile:
    id: int
    owner_id: int
    name: str
    content_type: str
    size: int
    object_key: str  # in the object storage port
    url: str  # a signed, expiring link the model or a browser can fetch


class UploadedFiles(Protocol):
    async def get(self, file_id: int, owner_id: int) -> UploadedFile | None:
        """The file when it exists and belongs to `owner_id`; None otherwise (never another's)."""
        ...
