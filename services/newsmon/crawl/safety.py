"""SSRF guard: which URLs the crawler may fetch.

Only http(s) to public addresses: every block of the IANA special-purpose registries that is
not globally reachable, multicast and reserved space, and every known cloud metadata endpoint
(by address and by name) are refused, from `data/special_addresses.yaml`. The host is checked
as written (IP literals in every legacy form: decimal, octal, hex, short, IPv4-mapped IPv6) and again after DNS resolution, where *every*
resolved address must be public. `GuardedBackend` repeats the check when a connection is opened
and connects to the checked address, so a redirect hop or a DNS answer that changes between the
check and the connect (rebinding) cannot reach an internal address. Hosts in the allowlist
("host" or "host:port") skip the address checks, never the scheme check.
"""

from __future__ import annotations

import asyncio
import ipaddress
import re
import socket
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpcore
import yaml

from newsmon.crawl.errors import FetchFailed, RefusedURL

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
SCHEMES = frozenset({"http", "https"})
DEFAULT_PORTS = {"http": 80, "https": 443}
#: Dotted IPv4 in the forms inet_aton accepts: 1 to 4 parts, each decimal, octal (0…) or hex (0x…).
_LEGACY_IPV4 = re.compile(r"^(0x[0-9a-f]*|\d+)(\.(0x[0-9a-f]*|\d+)){0,3}\.?$", re.IGNORECASE)


@dataclass(frozen=True)
class SpecialBlock:
    network: IPNetwork
    reason: str
    reachable: bool  # the registry's "Globally Reachable"; N/A counts as not


def _load_table() -> tuple[list[SpecialBlock], frozenset[IPAddress], frozenset[str]]:
    """The special-purpose blocks (most specific first), metadata addresses and metadata host names."""
    data = yaml.safe_load((Path(__file__).parent / "data" / "special_addresses.yaml").read_text("utf-8"))
    blocks = [SpecialBlock(ipaddress.ip_network(e["block"]), e["reason"], e["global"] is True) for e in data["special"]]
    blocks += [SpecialBlock(ipaddress.ip_network(e["block"]), e["reason"], False) for e in data["never"]]
    blocks.sort(key=lambda b: (b.network.version, -b.network.prefixlen))
    addresses = frozenset(ipaddress.ip_address(a) for a in data["metadata"]["addresses"])
    return blocks, addresses, frozenset(h.lower() for h in data["metadata"]["hosts"])


#: From `data/special_addresses.yaml`: the IANA registries, so the verdict never depends on the
#: Python version's idea of `is_global` (3.11 calls Oracle Cloud's 192.0.0.192 global).
SPECIAL_BLOCKS, METADATA_ADDRESSES, METADATA_HOSTS = _load_table()


def ip_literal(host: str) -> IPAddress | None:
    """The address `host` denotes if it is an IP literal in any form the resolver accepts."""
    host = host.strip("[]")
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    if _LEGACY_IPV4.match(host):
        try:
            return ipaddress.IPv4Address(socket.inet_aton(host.rstrip(".")))
        except OSError:
            return None
    return None


def address_refusal(ip: IPAddress) -> str | None:
    """Why fetching from `ip` is refused (a short reason code), or None if it is public."""
    if ip in METADATA_ADDRESSES:
        return "metadata_address"
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if embedded is None and ip in ipaddress.ip_network("64:ff9b::/96"):
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None:
            return address_refusal(embedded)
    # Most specific first, so a global anycast address inside a refused block is decided by its own entry.
    for block in SPECIAL_BLOCKS:
        if block.network.version == ip.version and ip in block.network:
            return None if block.reachable else block.reason
    return None


class URLGuard:
    """Decides whether a URL may be fetched, given the allowlist from `Settings.allow_hosts`."""

    def __init__(self, allow_hosts: Iterable[str] = ()) -> None:
        self._allow = {entry.strip().lower() for entry in allow_hosts if entry.strip()}

    def allowed(self, host: str, port: int) -> bool:
        """True if host (any port) or exactly host:port is allowlisted."""
        host = host.lower().strip("[]")
        return host in self._allow or f"{host}:{port}" in self._allow or f"[{host}]:{port}" in self._allow

    def target(self, url: str) -> tuple[str, int]:
        """(host, port) of `url` after the checks that need no DNS; raises RefusedURL."""
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError as error:
            raise RefusedURL("malformed_url", str(error)) from None
        scheme = parts.scheme.lower()
        if scheme not in SCHEMES:
            raise RefusedURL("bad_scheme", scheme or "(none)")
        host = (parts.hostname or "").rstrip(".")
        if not host:
            raise RefusedURL("no_host", url[:200])
        if "%" in host or any(ch.isspace() for ch in host):
            raise RefusedURL("malformed_host", host)
        port = port or DEFAULT_PORTS[scheme]
        if self.allowed(host, port):
            return host, port
        if host in METADATA_HOSTS:
            raise RefusedURL("metadata_host", host)
        literal = ip_literal(host)
        if literal is not None and (reason := address_refusal(literal)):
            raise RefusedURL(reason, f"{host} = {literal}")
        return host, port

    async def check(self, url: str) -> None:
        """Refuse `url` unless it is http(s) and every address its host resolves to is public.

        Raises RefusedURL (permanent) or FetchFailed("dns_error", transient) when the name does
        not resolve. Blocks only on the event loop's resolver.
        """
        host, port = self.target(url)
        if not self.allowed(host, port):
            await self.resolve(host, port)

    async def resolve(self, host: str, port: int) -> list[str]:
        """Every address `host` resolves to, all checked public; raises RefusedURL or FetchFailed."""
        try:
            infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError) as error:
            raise FetchFailed("dns_error", f"{host}: {error}", transient=True) from None
        addresses = list(dict.fromkeys(info[4][0] for info in infos))
        for address in addresses:
            ip = ipaddress.ip_address(address.split("%", 1)[0])
            if reason := address_refusal(ip):
                raise RefusedURL(reason, f"{host} resolves to {address}")
        if not addresses:
            raise FetchFailed("dns_error", f"{host}: no address", transient=True)
        return addresses


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """httpcore network backend that checks the address at connect time and pins it.

    Resolves the host itself, refuses non-public answers (unless allowlisted) and connects to the
    first checked address; TLS still verifies and sends SNI for the original host name.
    """

    def __init__(self, guard: URLGuard, inner: httpcore.AsyncNetworkBackend | None = None) -> None:
        self._guard = guard
        self._inner = inner or httpcore.AnyIOBackend()

    async def connect_tcp(self, host: str, port: int, timeout: float | None = None, **kwargs: Any) -> httpcore.AsyncNetworkStream:
        if not self._guard.allowed(host, port):
            literal = ip_literal(host)
            if literal is not None:
                if reason := address_refusal(literal):
                    raise RefusedURL(reason, f"{host} = {literal}")
                host = str(literal)
            else:
                host = (await self._guard.resolve(host, port))[0]
        return await self._inner.connect_tcp(host, port, timeout=timeout, **kwargs)

    async def connect_unix_socket(self, path: str, timeout: float | None = None, socket_options: Any = None) -> httpcore.AsyncNetworkStream:
        raise RefusedURL("unix_socket", path)

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)
