"""The guarded outbound HTTP client (domain.common.outbound.OutboundClient) over httpx.

The guard sits in httpcore's network backend: every new connection, the first one and each
redirect's, resolves its host once, refuses it when any resolved address or the port is refused
by the policy, and connects to the checked address itself (so a second DNS answer cannot swap
it). TLS still verifies the certificate against the host name, which httpcore passes on."""

from __future__ import annotations

import functools
import ipaddress
import socket
import ssl
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

import anyio
import httpcore
import httpx

from domain.common.outbound import (
    AllowList,
    OutboundClient,
    OutboundFailed,
    OutboundRefused,
    OutboundRequest,
    OutboundResponse,
    OutboundTimeout,
    OutboundTooLarge,
)
from infra.outbound.policy import AddressPolicy

Resolver = Callable[[str, int], Awaitable[list[str]]]


async def system_resolver(host: str, port: int) -> list[str]:
    found = await anyio.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in found))


class GuardedBackend(httpcore.AsyncNetworkBackend):
    def __init__(self, policy: AddressPolicy, resolver: Resolver = system_resolver) -> None:
        self._policy = policy  # replaced whole when the admin's allow-list changes
        self._resolve = resolver
        self._inner = httpcore.AnyIOBackend()

    def set_policy(self, policy: AddressPolicy) -> None:
        self._policy = policy

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 (httpcore's signature)
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        address = await self.checked(host, port)
        return await self._inner.connect_tcp(address, port, timeout, local_address, socket_options)

    async def checked(self, host: str, port: int) -> str:
        """The address to connect to, after the policy accepted the port and every resolved address."""
        why = self._policy.port_refusal(port)
        if why is not None:
            raise OutboundRefused(reason=why)
        addresses = await self._addresses(host.strip("[]"), port)
        if not addresses:
            raise OutboundFailed(reason=f"{host} resolves to no address")
        if self._policy.host_allowed(host):
            return addresses[0]  # the admin opened this name on purpose (an intranet API)
        # One refused answer refuses the host: a name that mixes public and private addresses is
        # how DNS rebinding picks the private one later.
        for address in addresses:
            why = self._policy.refusal(address)
            if why is not None:
                raise OutboundRefused(reason=f"{host} resolves to {why}")
        return addresses[0]

    async def _addresses(self, host: str, port: int) -> list[str]:
        try:
            return [str(ipaddress.ip_address(host))]  # a literal in canonical form needs no resolver
        except ValueError:
            pass  # a name, or an odd spelling (`0x7f.1`) only the C resolver reads
        try:
            with anyio.fail_after(5):
                return await self._resolve(host, port)
        except (OSError, TimeoutError) as exc:
            raise OutboundFailed(reason=f"cannot resolve {host}: {exc}") from exc

    async def connect_unix_socket(self, *args: Any, **kwargs: Any) -> httpcore.AsyncNetworkStream:
        raise OutboundRefused(reason="unix sockets are not allowed")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


@functools.cache
def _ssl_context() -> ssl.SSLContext:
    """The system's CA bundle, loaded once per process (about 35 ms each time otherwise)."""
    return httpx.create_ssl_context(trust_env=False)


class _GuardedTransport(httpx.AsyncHTTPTransport):
    def __init__(self, backend: GuardedBackend) -> None:
        # No proxy or CA bundle from the environment.
        super().__init__(verify=_ssl_context(), trust_env=False)
        # httpx's transport takes no network backend: its pool is rebuilt with the guarded one
        # (tests/unit/infra/test_outbound_client.py fails if a request would bypass it).
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=_ssl_context(),
            max_connections=50,
            max_keepalive_connections=10,
            keepalive_expiry=30.0,
            network_backend=backend,
        )


class GuardedHttpClient(OutboundClient):
    def __init__(
        self,
        policy: AddressPolicy,
        *,
        timeout_s: float = 15.0,
        max_bytes: int = 20 * 1024 * 1024,
        max_redirects: int = 5,
        user_agent: str = "cozeplus",
        resolver: Resolver = system_resolver,
    ) -> None:
        self.policy = self._base = policy
        self._backend = GuardedBackend(policy, resolver)
        self._timeout_s = timeout_s
        self._max_bytes = max_bytes
        self._client = httpx.AsyncClient(
            transport=_GuardedTransport(self._backend),
            follow_redirects=True,
            max_redirects=max_redirects,
            trust_env=False,
            timeout=httpx.Timeout(timeout_s),
            headers={"user-agent": user_agent},
        )

    def httpx_client(
        self,
        headers: dict[str, str] | None = None,
        timeout: httpx.Timeout | None = None,
        auth: httpx.Auth | None = None,
    ) -> httpx.AsyncClient:
        """A plain httpx client over the same guard, for SDKs that bring their own HTTP (the MCP
        client): every connection it opens is checked like this client's own."""
        return httpx.AsyncClient(
            transport=_GuardedTransport(self._backend),
            follow_redirects=True,
            max_redirects=5,
            trust_env=False,
            timeout=timeout or httpx.Timeout(self._timeout_s),
            headers=headers,
            auth=auth,
        )

    def allow(self, extra: AllowList) -> None:
        """domain.common.outbound.AllowListHolder: the operator's policy plus the admin's list."""
        self.policy = self._base.extended(extra)
        self._backend.set_policy(self.policy)

    async def send(self, request: OutboundRequest) -> OutboundResponse:
        timeout = min(request.timeout_s or self._timeout_s, self._timeout_s)
        limit = min(request.max_bytes or self._max_bytes, self._max_bytes)
        try:
            with anyio.fail_after(timeout):  # the whole exchange, redirects and body included
                return await self._exchange(request, limit)
        except TimeoutError as exc:
            raise OutboundTimeout(reason=f"no complete answer within {timeout:g} s") from exc
        except httpx.TimeoutException as exc:
            raise OutboundTimeout(reason=f"no complete answer within {timeout:g} s") from exc
        except httpx.TooManyRedirects as exc:
            raise OutboundFailed(reason="too many redirects") from exc
        except (httpx.UnsupportedProtocol, httpx.InvalidURL) as exc:
            raise OutboundRefused(reason=str(exc) or "the URL is not an http(s) URL") from exc
        except httpx.HTTPError as exc:
            raise OutboundFailed(reason=f"{type(exc).__name__}: {exc}") from exc

    async def _exchange(self, request: OutboundRequest, limit: int) -> OutboundResponse:
        async with self._client.stream(
            request.method, request.url, headers=dict(request.headers), content=request.body
        ) as response:
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > limit:
                raise OutboundTooLarge(reason=f"the answer is {declared} bytes, more than {limit}")
            body = bytearray()
            async for chunk in response.aiter_bytes():
                body += chunk
                if len(body) > limit:
                    raise OutboundTooLarge(reason=f"the answer is more than {limit} bytes")
            return OutboundResponse(
                status=response.status_code,
                headers={k.lower(): v for k, v in response.headers.items()},
                body=bytes(body),
                url=str(response.url),
            )

    async def aclose(self) -> None:
        await self._client.aclose()
