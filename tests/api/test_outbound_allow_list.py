"""The admin's outbound allow-list: a system setting, checked when written, applied to the running
guarded client (through the setting's listener), deciding by host name or network. Decisions only:
nothing here connects to a private address."""

from __future__ import annotations

import asyncio

import pytest
from litestar.testing import AsyncTestClient

from bootstrap.container import Container
from domain.common.outbound import OutboundRefused
from infra.outbound.client import GuardedBackend, GuardedHttpClient
from infra.outbound.policy import AddressPolicy

URL = "/api/admin/settings/outbound.allow_list"


async def _names(host: str, port: int) -> list[str]:
    table = {
        "wiki.corp.example": ["10.1.2.3"],
        "hr.corp.example": ["10.9.9.9"],
        "intranet.test": ["192.168.7.7"],
        "other.test": ["172.16.0.9"],
    }
    return table[host]


async def _decision(policy: AddressPolicy, host: str) -> str:
    try:
        return await GuardedBackend(policy, _names).checked(host, 443)
    except OutboundRefused as refused:
        return f"refused: {refused}"


async def test_listed_hosts_and_networks_are_let_through_and_nothing_else(
    client: AsyncTestClient,
    container: Container,  # type: ignore[type-arg]
) -> None:
    outbound = container.outbound()
    assert isinstance(outbound, GuardedHttpClient)
    for host in ("wiki.corp.example", "intranet.test"):
        assert (await _decision(outbound.policy, host)).startswith("refused")

    entries = ["*.corp.example", "192.168.7.0/24"]
    r = await client.put(URL, json={"value": entries})
    assert r.status_code == 200, r.text
    for _ in range(200):  # the listener applies it (in-process bus); bounded, not timed
        if outbound.policy.allowed_hosts:
            break
        await asyncio.sleep(0.02)
    assert await _decision(outbound.policy, "wiki.corp.example") == "10.1.2.3"
    assert await _decision(outbound.policy, "hr.corp.example") == "10.9.9.9"
    assert await _decision(outbound.policy, "intranet.test") == "192.168.7.7"  # by its network
    assert (await _decision(outbound.policy, "other.test")).startswith("refused")
    assert outbound.policy.refusal("169.254.169.254") is not None  # metadata stays shut

    r = await client.put(URL, json={"value": []})
    assert r.status_code == 200
    for _ in range(200):
        if not outbound.policy.allowed_hosts:
            break
        await asyncio.sleep(0.02)
    assert (await _decision(outbound.policy, "wiki.corp.example")).startswith("refused")


@pytest.mark.parametrize(
    "value", [["not a host"], ["*.com"], "10.0.0.0/8", [10], ["http://intranet"], ["a"] * 201]
)
async def test_a_bad_allow_list_is_refused_and_not_stored(
    client: AsyncTestClient,
    value: object,  # type: ignore[type-arg]
) -> None:
    r = await client.put(URL, json={"value": value})
    assert (r.status_code, r.json()["code"]) == (400, 4000), r.text
    assert "allow-list" in r.json()["msg"]
    assert (await client.get(URL)).status_code == 404
