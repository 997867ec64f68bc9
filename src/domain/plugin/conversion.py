"""Other API descriptions turned into a plugin's OpenAPI 3 document (Coze's convert_to_openapi)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import Protocol

from domain.plugin.tools import PluginDocument


class SourceFormat(IntEnum):
    """Coze's PluginDataFormat."""

    OPENAPI = 1
    CURL = 2
    POSTMAN = 3
    SWAGGER = 4


@dataclass(frozen=True, slots=True)
class Conversion:
    format: SourceFormat
    yaml: str  # the OpenAPI 3 document, as Coze answers it
    plugin: PluginDocument


class DocumentConverter(Protocol):
    def convert(self, text: str, title: str = "", server_url: str = "") -> Conversion:
        """Raises InvalidPluginDocument (with the JSON pointer) when the input is not usable."""
        ...
