"""The outbound guard's decisions, by address alone: nothing here connects anywhere."""

from __future__ import annotations

import pytest

from domain.common.outbound import OutboundFailed, OutboundRefused
from infra.outbound.client import GuardedBackend, system_resolver
from infra.outbound.policy import AddressPolicy

POLICY = AddressPolicy()

REFUSED = [
    "127.0.0.1",
    "127.255.255.254",
    "10.1.2.3",
    "172.16.0.1",
    "172.31.255.255",
    "192.168.1.1",
    "169.254.169.254",  # cloud metadata
    "100.64.0.1",
    "0.0.0.0",
    "224.0.0.1",
    "255.255.255.255",
    "198.18.0.1",
    "192.0.2.1",  # documentation: not routable
    "::1",
    "::",
    "fe80::1",
    "fe80::1%eth0",
    "fc00::1",
    "fd00:ec2::254",  # AWS metadata over IPv6
    "::ffff:127.0.0.1",  # IPv4-mapped
    "::ffff:169.254.169.254",
    "64:ff9b::a9fe:a9fe",  # NAT64 of 169.254.169.254
    "2002:7f00:1::",  # 6to4 of 127.0.0.1
    "2001:0:4136:e378:8000:63bf:80ff:fffe",  # Teredo, client 127.0.0.1
    "ff02::1",
    "not-an-ip",
]

ALLOWED = ["8.8.8.8", "1.1.1.1", "93.184.216.34", "2606:4700:4700::1111", "2a00:1450:4001:80b::200e"]


@pytest.mark.parametrize("address", REFUSED)
def test_private_loopback_link_local_and_special_addresses_are_refused(address: str) -> None:
    assert POLICY.refusal(address) is not None


@pytest.mark.parametrize("address", ALLOWED)
def test_public_unicast_addresses_are_allowed(address: str) -> None:
    assert POLICY.refusal(address) is None


def test_a_refusal_names_the_reason_and_what_an_ipv6_address_carries() -> None:
    assert POLICY.refusal("169.254.169.254") == "169.254.169.254 is link-local (cloud metadata)"
    assert POLICY.refusal("::ffff:10.0.0.1") == "::ffff:a00:1 carries 10.0.0.1: 10.0.0.1 is a private network"


def test_an_allowed_network_opens_only_itself_and_its_mapped_forms() -> None:
    intranet = AddressPolicy.from_settings(["10.20.0.0/16"], [80, 443])
    assert intranet.refusal("10.20.3.4") is None
    assert intranet.refusal("::ffff:10.20.3.4") is None
    assert intranet.refusal("10.21.0.1") is not None
    assert intranet.refusal("127.0.0.1") is not None


def test_only_the_configured_ports_are_allowed() -> None:
    assert POLICY.port_refusal(443) is None and POLICY.port_refusal(80) is None
    assert POLICY.port_refusal(22) == "port 22 is not allowed (allowed: [80, 443])"
    assert AddressPolicy.from_settings([], [8443]).port_refusal(443) is not None


# Numeric spellings the C resolver reads as 127.0.0.1: resolved locally, without DNS.
@pytest.mark.parametrize(
    "host", ["0x7f.1", "2130706433", "017700000001", "127.1", "0177.0.0.1", "localhost", "[::1]"]
)
async def test_odd_spellings_of_loopback_are_refused_after_resolution(host: str) -> None:
    backend = GuardedBackend(POLICY, system_resolver)
    with pytest.raises(OutboundRefused):
        await backend.checked(host, 80)


async def test_a_host_with_any_refused_address_is_refused() -> None:
    async def rebinding(host: str, port: int) -> list[str]:
        return ["93.184.216.34", "10.0.0.7"]

    with pytest.raises(OutboundRefused, match=r"resolves to 10\.0\.0\.7 is a private network"):
        await GuardedBackend(POLICY, rebinding).checked("rebind.test", 443)


async def test_a_refused_port_is_refused_before_resolution() -> None:
    asked: list[str] = []

    async def resolver(host: str, port: int) -> list[str]:
        asked.append(host)
        return ["93.184.216.34"]

    with pytest.raises(OutboundRefused, match="port 6379"):
        await GuardedBackend(POLICY, resolver).checked("example.test", 6379)
    assert asked == []


async def test_a_host_that_does_not_resolve_fails_clearly() -> None:
    async def nothing(host: str, port: int) -> list[str]:
        raise OSError("Name or service not known")

    with pytest.raises(OutboundFailed, match=r"cannot resolve nowhere\.test"):
        await GuardedBackend(POLICY, nothing).checked("nowhere.test", 80)


def test_refusals_are_the_callers_input_and_remote_failures_a_bad_gateway() -> None:
    from api.errors import spec_for_domain
    from domain.common.outbound import OutboundTimeout, OutboundTooLarge

    refused = spec_for_domain(OutboundRefused(reason="10.0.0.1 is a private network"))
    assert (refused.status, refused.code) == (400, 4000)
    codes = {
        type(e).__name__: (spec_for_domain(e).status, spec_for_domain(e).code)
        for e in (OutboundFailed(reason="x"), OutboundTimeout(reason="x"), OutboundTooLarge(reason="x"))
    }
    assert codes == {
        "OutboundFailed": (502, 5040),
        "OutboundTimeout": (504, 5041),
        "OutboundTooLarge": (502, 5042),
    }
