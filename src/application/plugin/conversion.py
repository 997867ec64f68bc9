"""Converting a curl command, a Postman collection or a Swagger 2 document into a plugin's OpenAPI 3
document and manifest (Coze's convert_to_openapi), for a member who may create plugins in the space.
Nothing is stored: the editor registers the result."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from application.common.actor import Actor
from application.plugin.access import PluginAccess, PluginAction
from domain.common.ports import UnitOfWorkFactory
from domain.plugin.conversion import Conversion, DocumentConverter
from domain.plugin.manifest import plain_manifest


@dataclass(frozen=True, slots=True)
class Converted:
    conversion: Conversion
    manifest: str  # JSON text


class ConversionService:
    def __init__(self, uow: UnitOfWorkFactory, access: PluginAccess, converter: DocumentConverter) -> None:
        self._uow, self._access, self._converter = uow, access, converter

    async def convert(
        self,
        actor: Actor,
        space_id: int,
        text: str,
        *,
        name: str = "",
        server_url: str = "",
        description: str = "",
    ) -> Converted:
        async with self._uow():
            await self._access.space(actor, space_id, PluginAction.CREATE)
        # Parsing up to a megabyte of YAML or JSON: off the event loop.
        conversion = await asyncio.to_thread(self._converter.convert, text, name, server_url)
        title = name or conversion.plugin.title
        return Converted(conversion, plain_manifest(title, description or conversion.plugin.description))
