"""The client address the sign-in lockout counts (issue #21, finding 4): X-Forwarded-For
is read only from a proxy VUNGXANH_TRUSTED_PROXIES names, and then only its right-most
entry that is not a trusted proxy itself; a proxy's own address is never the client."""

from __future__ import annotations

import pytest

from data.config import clients
from zones.problems import Unsaid

PROXIES = clients.parse_networks("10.0.0.1, 192.168.0.0/16, ::1, 2001:db8:1::/48")


@pytest.mark.parametrize(("peer", "forwarded", "expected"), [
    # no trusted proxy: the peer, whatever the header claims
    ("203.0.113.7", ["198.51.100.1"], "203.0.113.7"),
    ("203.0.113.7", [], "203.0.113.7"),
    ("10.0.0.2", ["198.51.100.1"], "10.0.0.2"),  # in no trusted range
    # a trusted proxy: the right-most entry it did not itself trust
    ("10.0.0.1", ["198.51.100.1"], "198.51.100.1"),
    ("10.0.0.1", ["6.6.6.6, 198.51.100.1"], "198.51.100.1"),  # the left is the client's say
    ("10.0.0.1", ["6.6.6.6", "198.51.100.1, 192.168.3.4"], "198.51.100.1"),  # two headers
    ("192.168.7.7", ["198.51.100.1:5123"], "198.51.100.1"),  # with a port
    ("::1", ["[2001:db8:9::5]:443"], "2001:db8:9::5"),
    ("2001:db8:1::9", ["::ffff:198.51.100.1"], "198.51.100.1"),
    # a trusted proxy that names no untrusted client: no address, never the proxy's own
    ("10.0.0.1", [], None),
    ("10.0.0.1", ["192.168.1.1, 10.0.0.1"], None),
    ("10.0.0.1", ["unknown"], None),
    ("10.0.0.1", ["198.51.100.1, garbage"], None),
    # no peer address (from this machine, which Streamlit does not name)
    (None, ["198.51.100.1"], None),
])
def test_client_address(peer, forwarded, expected):
    assert clients.client_address(peer, forwarded, PROXIES) == expected


def test_no_trusted_proxy_by_default(monkeypatch):
    monkeypatch.delenv("VUNGXANH_TRUSTED_PROXIES", raising=False)
    assert clients.trusted_proxies() == ()
    assert clients.client_address("127.0.0.1", ["198.51.100.1"], ()) == "127.0.0.1"


def test_the_setting_is_read_and_a_bad_entry_named(monkeypatch):
    monkeypatch.setenv("VUNGXANH_TRUSTED_PROXIES", " 10.0.0.0/8 ,, fd00::1 ")
    assert [str(n) for n in clients.trusted_proxies()] == ["10.0.0.0/8", "fd00::1/128"]
    monkeypatch.setenv("VUNGXANH_TRUSTED_PROXIES", "10.0.0.0/8, proxy.local")
    with pytest.raises(Unsaid, match=r"'proxy\.local'"):
        clients.trusted_proxies()


def test_a_mapped_loopback_peer_matches_its_ipv4_entry():
    """`streamlit run app.py` on every address sees a same-machine proxy as
    ::ffff:127.0.0.1; VUNGXANH_TRUSTED_PROXIES=127.0.0.1 must cover it (README)."""
    loopback = clients.parse_networks("127.0.0.1")
    assert clients.client_address("::ffff:127.0.0.1", ["198.51.100.1"], loopback) == \
        "198.51.100.1"
    assert clients.client_address("::ffff:10.9.9.9", ["198.51.100.1"], loopback) == \
        "10.9.9.9"
