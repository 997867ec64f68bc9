"""Icon links: an uploaded file's link is signed afresh on every read, since links expire."""

from __future__ import annotations

from crossdomain.upload import UploadedFiles
from domain.agent.entities import Icon

WEB_SCHEMES = ("http://", "https://")


class IconLinks:
    """`files` is None until the upload context is wired; then only http(s) icons have links."""

    def __init__(self, files: UploadedFiles | None = None) -> None:
        self._files = files

    @property
    def uploads(self) -> UploadedFiles | None:
        return self._files

    async def url(self, icon: Icon) -> str:
        if icon.file_id is not None and icon.file_owner_id is not None and self._files is not None:
            found = await self._files.get(icon.file_id, icon.file_owner_id)
            if found is not None:
                return found.url
        return icon.uri if icon.uri.startswith(WEB_SCHEMES) else ""
