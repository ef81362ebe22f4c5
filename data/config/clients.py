"""Which address a dashboard request comes from, for the sign-in lockout: the peer's
own address, unless the peer is a reverse proxy that VUNGXANH_TRUSTED_PROXIES names;
then the right-most X-Forwarded-For entry that is not itself a trusted proxy (each
proxy appends the address it saw, so that entry is the one no client can forge).

A trusted proxy that forwards no untrusted address yields None, "no address known":
the lockout then goes by account only, so a proxy's own address never locks out
everyone behind it.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from data.config import settings
from zones.problems import Unsaid

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(text: str | None) -> tuple[Network, ...]:
    """`10.0.0.1, 192.168.0.0/16, ::1` → the networks; a bad entry is refused by name."""
    nets = []
    for item in (text or "").split(","):
        if not (item := item.strip()):
            continue
        try:
            nets.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise Unsaid("auth.session.bad_proxy", entry=repr(item)) from None
    return tuple(nets)


def trusted_proxies() -> tuple[Network, ...]:
    return parse_networks(settings.value("VUNGXANH_TRUSTED_PROXIES"))


def ip(text: str | None) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """An address as a proxy or the server writes it (`1.2.3.4`, `1.2.3.4:5678`,
    `[2001:db8::1]:443`, `::ffff:1.2.3.4`), or None if it is not one."""
    text = (text or "").strip().strip('"')
    if text.startswith("[") and "]" in text:
        text = text[1:text.index("]")]
    elif text.count(":") == 1:
        text = text.split(":")[0]
    try:
        addr = ipaddress.ip_address(text)
    except ValueError:
        return None
    mapped = getattr(addr, "ipv4_mapped", None)
    return mapped or addr


def is_trusted(addr, nets: Iterable[Network]) -> bool:
    return any(addr.version == n.version and addr in n for n in nets)


def client_address(peer: str | None, forwarded_for: Iterable[str],
                   trusted: Iterable[Network]) -> str | None:
    """The client's address for a request from `peer` carrying these X-Forwarded-For
    header values, or None when none can be told (see the module's text)."""
    nets = tuple(trusted)
    addr = ip(peer)
    if addr is None or not is_trusted(addr, nets):
        return None if addr is None else str(addr)
    entries = [e for value in forwarded_for for e in value.split(",") if e.strip()]
    for entry in reversed(entries):
        hop = ip(entry)
        if hop is None:
            return None  # not an address: whatever lies left of it is not to be trusted
        if not is_trusted(hop, nets):
            return str(hop)
    return None
