"""Which addresses and ports the outbound client may connect to: public unicast only, unless the
operator allows a network (an intranet API) by setting."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass, replace

from domain.common.outbound import AllowList

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network

# Named so a refusal says why; anything else that is not globally routable is refused too.
_DENIED: tuple[tuple[str, str], ...] = (
    ("0.0.0.0/8", "this network"),
    ("10.0.0.0/8", "a private network"),
    ("100.64.0.0/10", "carrier-grade NAT space"),
    ("127.0.0.0/8", "loopback"),
    ("169.254.0.0/16", "link-local (cloud metadata)"),
    ("172.16.0.0/12", "a private network"),
    ("192.0.0.0/24", "IETF protocol assignments"),
    ("192.168.0.0/16", "a private network"),
    ("198.18.0.0/15", "benchmarking space"),
    ("224.0.0.0/4", "multicast"),
    ("240.0.0.0/4", "reserved space"),
    ("::/128", "the unspecified address"),
    ("::1/128", "loopback"),
    ("fc00::/7", "a private network"),
    ("fe80::/10", "link-local"),
    ("fec0::/10", "site-local"),
    ("ff00::/8", "multicast"),
)
_NETS = tuple((ipaddress.ip_network(net), why) for net, why in _DENIED)
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


def embedded_ipv4(address: Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one carries (mapped, NAT64, 6to4, Teredo client), if any: the packet
    may end up there, so it is judged as that address."""
    if isinstance(address, ipaddress.IPv4Address):
        return None
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    return None


@dataclass(frozen=True, slots=True)
class AddressPolicy:
    """`allowed_networks` bypass the refusal (set by the operator); `ports` are the only ones allowed."""

    allowed_networks: tuple[Network, ...] = ()
    ports: frozenset[int] = frozenset({80, 443})
    allowed_hosts: tuple[str, ...] = ()  # exact names, or "*.suffix" for every name under it

    @classmethod
    def from_settings(cls, networks: Iterable[str], ports: Iterable[int]) -> AddressPolicy:
        return cls(
            allowed_networks=tuple(ipaddress.ip_network(n, strict=False) for n in networks),
            ports=frozenset(int(p) for p in ports),
        )

    def extended(self, extra: AllowList) -> AddressPolicy:
        """This policy with an admin's allow-list added."""
        networks = (*self.allowed_networks, *(ipaddress.ip_network(n) for n in extra.networks))
        return replace(self, allowed_networks=networks, allowed_hosts=(*self.allowed_hosts, *extra.hosts))

    def host_allowed(self, host: str) -> bool:
        name = host.lower().rstrip(".")
        for allowed in self.allowed_hosts:
            if name == allowed or (allowed.startswith("*.") and name.endswith(allowed[1:])):
                return True
        return False

    def refusal(self, address: str) -> str | None:
        """Why a connection to `address` (an IP literal from the resolver) is refused, or None."""
        try:
            ip: Address = ipaddress.ip_address(address.split("%", 1)[0])
        except ValueError:
            return f"{address!r} is not an IP address"
        if any(ip in net for net in self.allowed_networks if net.version == ip.version):
            return None
        inner = embedded_ipv4(ip)
        if inner is not None:
            why = self.refusal(str(inner))
            return None if why is None else f"{ip} carries {inner}: {why}"
        for net, why in _NETS:
            if net.version == ip.version and ip in net:
                return f"{ip} is {why}"
        if not ip.is_global:
            return f"{ip} is not a public address"
        return None

    def port_refusal(self, port: int) -> str | None:
        return None if port in self.ports else f"port {port} is not allowed (allowed: {sorted(self.ports)})"
