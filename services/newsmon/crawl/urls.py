"""URL canonicalisation and the ids derived from it.

Two URLs naming the same article (tracking parameters, fragment, default port, parameter order,
host case) canonicalise to one string, so `article_id` dedupes them.
"""

from __future__ import annotations

import hashlib
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from w3lib.url import canonicalize_url

#: Query parameters that only track where a click came from; dropped from canonical URLs.
TRACKING_PARAMS = frozenset(
    {
        "spm", "from", "fr", "wfr", "share_from", "share_token", "sharer", "scene", "isappinstalled",
        "gclid", "fbclid", "msclkid", "yclid", "mc_cid", "mc_eid", "_hsenc", "_hsmi", "vd_source",
        "ref_src", "ref_url", "cmpid", "igshid",
    }
)
#: Any parameter starting with one of these is tracking too (utm_source, utm_medium, …).
TRACKING_PREFIXES = ("utm_", "hmsr", "hmpl", "hmcu", "hmkw", "hmci")
DEFAULT_PORTS = {"http": 80, "https": 443}


def _is_tracking(name: str) -> bool:
    name = name.lower()
    return name in TRACKING_PARAMS or name.startswith(TRACKING_PREFIXES)


def canonical_url(url: str) -> str:
    """The canonical form of an absolute http(s) URL (w3lib's rules plus tracking/port removal).

    Lowercases scheme and host, IDNA-encodes the host, drops the fragment, default port, the
    host's trailing dot and tracking parameters, sorts the query and normalises percent-encoding.
    A URL without a host comes back w3lib-canonicalised only; one that cannot be parsed at all (a bad port, a broken
    IPv6 literal, a lone surrogate) raises ValueError.
    """
    parts = urlsplit(canonicalize_url(url.strip()))
    # latin-1 round-trips percent-escapes byte for byte (GBK-encoded queries stay intact).
    pairs = parse_qsl(parts.query, keep_blank_values=True, encoding="latin-1")
    query = urlencode([(k, v) for k, v in pairs if not _is_tracking(k)], encoding="latin-1")
    scheme = parts.scheme.lower()
    port = parts.port  # ValueError on a bad port ("a port written twice", out of range)
    userinfo, _, hostport = parts.netloc.rpartition("@")
    host = hostport[: -len(f":{port}")] if port is not None else hostport.removesuffix(":")
    # "example.com." names the same host as "example.com" (the root label is implied).
    host = host.removesuffix(".")
    netloc = (f"{userinfo}@" if userinfo else "") + host
    if port is not None and port != DEFAULT_PORTS.get(scheme):
        netloc += f":{port}"
    return canonicalize_url(urlunsplit((scheme, netloc, parts.path or "/", query, "")))


def article_id(url: str) -> str:
    """A stable 20-hex-digit id for the article at `url` (sha1 of the canonical URL)."""
    return hashlib.sha1(canonical_url(url).encode("utf-8")).hexdigest()[:20]


def host_key(url: str) -> str:
    """The politeness / robots.txt key of a URL: lowercase host, plus ":port" unless default."""
    parts = urlsplit(canonical_url(url))
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    port = parts.port
    return host if port is None or port == DEFAULT_PORTS.get(parts.scheme) else f"{host}:{port}"
