"""Files users upload (Coze's /v1/files/* and the SPA's upload routes)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dependency_injector import providers

from api import upload_errors
from api.openapi import files as openapi_files
from api.web import files as web_files
from bootstrap.containers.upload import UploadContainer
from bootstrap.modules.base import ContextModule, Kernel, Routes, wire
from crossdomain.upload import UploadedFiles

if TYPE_CHECKING:
    from bootstrap.container import Container


def _containers(c: Container, kernel: Kernel) -> dict[str, providers.Container[Any]]:
    upload = wire(
        UploadContainer,
        kernel,
        storage=c.storage.object_storage,
        max_bytes=c.settings.provided.upload_max_bytes,
        link_ttl_s=c.settings.provided.upload_link_ttl_s,
    )
    return {"upload": upload}


MODULE = ContextModule(
    name="upload",
    routes=Routes(token_api=openapi_files.ROUTES, web=web_files.ROUTES),
    errors=upload_errors.ERRORS,
    messages=upload_errors.MESSAGES,
    dependencies=lambda c: {"uploads": c.upload.upload_service},
    crossdomain=lambda c: {UploadedFiles: c.upload.uploaded_files},
    containers=_containers,
)
