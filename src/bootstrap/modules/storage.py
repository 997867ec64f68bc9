"""Object storage: signed download/upload links (/objects/...) over the object storage port."""

from api import objects, storage_errors
from bootstrap.modules.base import ContextModule, Routes

MODULE = ContextModule(
    name="storage",
    routes=Routes(signed=objects.ROUTES),
    errors=storage_errors.ERRORS,
    dependencies=lambda c: {"object_links": c.storage.object_links},
)
