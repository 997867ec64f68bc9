"""What a plugin's OpenAPI document says, as the platform uses it: one tool per operation, with the
JSON Schema of the arguments a model sends and where each argument goes in the HTTP request."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import IntEnum, StrEnum
from typing import Any, Protocol

from domain.common.errors import InvalidInput


class Location(IntEnum):
    """Where an argument goes (Coze's ParameterLocation numbers)."""

    PATH = 1
    QUERY = 2
    BODY = 3
    HEADER = 4


class Method(StrEnum):
    GET = "get"
    POST = "post"
    PUT = "put"
    DELETE = "delete"
    PATCH = "patch"


@dataclass(frozen=True, slots=True)
class Argument:
    name: str
    location: Location
    required: bool = False


@dataclass(frozen=True, slots=True)
class ToolOperation:
    """One operation of the document. `arguments` is the model's input schema (a JSON Schema object
    with every path, query, header and JSON body property at its top level); `routing` says where
    each of its properties goes."""

    name: str  # the operationId: what the model calls
    method: Method
    path: str  # relative to the server URL, with {placeholders}
    description: str
    arguments: Mapping[str, Any]
    routing: tuple[Argument, ...] = ()
    responses: Mapping[str, Any] = field(default_factory=dict)  # the 2xx JSON schema, when declared
    body: str = ""  # the request body's encoding: "" (none), "json" or "form"


@dataclass(frozen=True, slots=True)
class PluginDocument:
    """A validated OpenAPI 3 document: its server and its operations, in document order."""

    title: str
    description: str
    server_url: str
    operations: tuple[ToolOperation, ...]
    document: Mapping[str, Any]  # the document itself, as JSON


class InvalidPluginDocument(InvalidInput):
    """The OpenAPI document is not usable; `pointer` is the JSON pointer of what is wrong."""

    message_key = "plugin.invalid_document"

    def __init__(self, pointer: str, detail: str) -> None:
        super().__init__(pointer=pointer or "/", detail=detail)
        self.pointer, self.detail = pointer, detail

    def __str__(self) -> str:
        return f"{self.pointer or '/'}: {self.detail}"


class PluginDocumentReader(Protocol):
    def read(self, text: str) -> PluginDocument:
        """Parse (YAML or JSON), validate as OpenAPI 3.0/3.1 and derive the operations.

        Raises InvalidPluginDocument naming the JSON pointer of the first problem."""
        ...
