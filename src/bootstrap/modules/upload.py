"""Files users upload (Coze's /v1/files/* and the SPA's upload routes)."""

from api import upload_errors
from api.openapi import files as openapi_files
from api.web import files as web_files
from bootstrap.modules.base import ContextModule, Routes
from crossdomain.upload import UploadedFiles

MODULE = ContextModule(
    name="upload",
    routes=Routes(token_api=openapi_files.ROUTES, web=web_files.ROUTES),
    errors=upload_errors.ERRORS,
    messages=upload_errors.MESSAGES,
    dependencies=lambda c: {"uploads": c.upload.upload_service},
    crossdomain=lambda c: {UploadedFiles: c.upload.uploaded_files},
)
