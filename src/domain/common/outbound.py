"""The outbound HTTP port: every request to a URL a user supplied (web pages for knowledge, plugin
APIs, workflow HTTP nodes, MCP servers, webhooks) goes through one guarded client (DESIGN.md §6).

The guard decides per connection, on the addresses the host name resolved to, so a redirect, a DNS
answer that changed, or an odd spelling of an address (`0x7f.1`, `2130706433`, `[::ffff:127.0.0.1]`)
is judged like the first request."""

from __future__ import annotations

import ipaddress
import re
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


ALLOW_LIST_SETTING = "outbound.allow_list"  # the admin's list, a system setting
MAX_ALLOW_ENTRIES = 200
_HOST = re.compile(
    r"^(\*\.)?(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$"
)


class InvalidAllowList(InvalidInput):
    message_key = "outbound.invalid_allow_list"


@dataclass(frozen=True, slots=True)
class AllowList:
    """What an admin opens on purpose for intranet plugins: networks (CIDRs or single addresses)
    and host names (exact, or `*.corp.example` for every name under it). A listed host may resolve
    to private addresses; a listed network may be connected to whatever name led there."""

    networks: tuple[str, ...] = ()
    hosts: tuple[str, ...] = ()

    @classmethod
    def parse(cls, entries: Any) -> AllowList:
        if entries is None:
            return cls()
        if not isinstance(entries, list) or not all(isinstance(e, str) for e in entries):
            raise InvalidAllowList(detail="the allow-list is a list of host names and CIDRs")
        if len(entries) > MAX_ALLOW_ENTRIES:
            raise InvalidAllowList(detail=f"at most {MAX_ALLOW_ENTRIES} entries")
        networks: list[str] = []
        hosts: list[str] = []
        for raw in entries:
            entry = raw.strip().lower().rstrip(".")
            try:
                networks.append(str(ipaddress.ip_network(entry, strict=False)))
                continue
            except ValueError:
                pass
            if not _HOST.match(entry) or (entry.startswith("*.") and "." not in entry[2:]):
                raise InvalidAllowList(detail=f"{raw!r} is neither a host name nor a CIDR")
            hosts.append(entry)
        return cls(tuple(dict.fromkeys(networks)), tuple(dict.fromkeys(hosts)))


class AllowListHolder(Protocol):
    def allow(self, extra: AllowList) -> None:
        """Replace what the admin opened (the operator's own settings stay)."""
        ...
