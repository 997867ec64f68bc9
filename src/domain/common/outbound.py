"""The outbound HTTP port: every request to a URL a user supplied (web pages for knowledge, plugin
APIs, workflow HTTP nodes, MCP servers, webhooks) goes through one guarded client (DESIGN.md §6).

The guard decides per connection, on the addresses the host name resolved to, so a redirect, a DNS
answer that changed, or an odd spelling of an address (`0x7f.1`, `2130706433`, `[::ffff:127.0.0.1]`)
is judged like the first request."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from domain.common.errors import DomainError, InvalidInput


@dataclass(frozen=True, slots=True)
class OutboundRequest:
    url: str
    method: str = "GET"
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes | None = None
    # Per request; the client's own limits cap both.
    timeout_s: float | None = None
    max_bytes: int | None = None


@dataclass(frozen=True, slots=True)
class OutboundResponse:
    status: int
    headers: Mapping[str, str]
    body: bytes
    # Where the answer came from, after redirects (each of them went through the guard).
    url: str

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";", 1)[0].strip().lower()


class _Reasoned:
    """Logs and tracebacks show the guard's reason, not the message key."""

    params: dict[str, Any]
    message_key: str

    def __str__(self) -> str:
        return str(self.params.get("reason") or self.message_key)


class OutboundRefused(_Reasoned, InvalidInput):
    """The guard refused the URL: its scheme, its port, or an address its host resolves to."""

    message_key = "outbound.refused"


class OutboundFailed(_Reasoned, DomainError):
    """The remote server could not be reached, broke off, or answered with something unusable."""

    message_key = "outbound.failed"


class OutboundTimeout(OutboundFailed):
    message_key = "outbound.timeout"


class OutboundTooLarge(OutboundFailed):
    message_key = "outbound.too_large"


class OutboundClient(Protocol):
    async def send(self, request: OutboundRequest) -> OutboundResponse:
        """The response (any status), or OutboundRefused / OutboundFailed and its subclasses."""
        ...
