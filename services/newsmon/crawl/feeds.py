"""Feed and sitemap bytes (already fetched) → entries.

feedparser is only ever handed bytes, so it never fetches anything itself. XML safety: feedparser
switches off external entities and the bundled expat (≥ 2.4) limits entity amplification;
on top of that any DOCTYPE (the only place entities are declared) is removed before parsing,
so neither the strict nor feedparser's loose fallback parser sees an entity declaration.
Sitemaps are parsed by lxml with entity resolution, DTD loading and network access off.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import datetime, timezone

import feedparser
from lxml import etree

from newsmon.crawl.urls import canonical_url

_DOCTYPE = re.compile(rb"<!DOCTYPE[^\[>]*(?:\[.*?\])?\s*>", re.IGNORECASE | re.DOTALL)
SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@dataclass(frozen=True)
class FeedEntry:
    """One item of a feed; `link` is canonical, `published` an aware UTC datetime or None."""

    link: str
    title: str | None
    published: datetime | None
    summary: str | None
    guid: str | None


@dataclass(frozen=True)
class ParsedFeed:
    """What a feed yielded; `error` names the problem when the feed was malformed (bozo)."""

    title: str | None
    entries: list[FeedEntry]
    error: str | None


@dataclass(frozen=True)
class SitemapEntry:
    loc: str
    lastmod: str | None


@dataclass(frozen=True)
class Sitemap:
    """A urlset (`is_index` False: article URLs) or a sitemapindex (child sitemap URLs)."""

    is_index: bool
    entries: list[SitemapEntry]


def strip_doctype(body: bytes) -> bytes:
    """The document without its DOCTYPE, so no entity can be declared."""
    return _DOCTYPE.sub(b"", body, count=1)


def parse_feed(body: bytes, url: str | None = None, content_type: str | None = None) -> ParsedFeed:
    """Parse RSS / Atom / RDF bytes. Never raises; a malformed feed yields what it can plus `error`."""
    headers = {"content-location": url or "", "content-type": content_type or "application/xml"}
    parsed = feedparser.parse(strip_doctype(body), response_headers=headers, sanitize_html=True)
    entries = []
    for item in parsed.entries:
        link = item.get("link") or (item.get("id") if str(item.get("id", "")).startswith(("http://", "https://")) else None)
        if not link:
            continue
        stamp = item.get("published_parsed") or item.get("updated_parsed")
        entries.append(
            FeedEntry(
                link=canonical_url(link),
                title=(item.get("title") or "").strip() or None,
                published=datetime.fromtimestamp(calendar.timegm(stamp), timezone.utc) if stamp else None,
                summary=(item.get("summary") or "").strip() or None,
                guid=item.get("id") or None,
            )
        )
    error = None
    if parsed.get("bozo"):
        problem = parsed.get("bozo_exception")
        error = f"{type(problem).__name__}: {problem}" if problem else "malformed feed"
    return ParsedFeed(title=parsed.feed.get("title"), entries=entries, error=error)


def parse_sitemap(body: bytes) -> Sitemap:
    """Parse sitemap.xml bytes (urlset or sitemapindex). Raises ValueError if it is neither."""
    parser = etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True, huge_tree=False, recover=True)
    try:
        root = etree.fromstring(strip_doctype(body), parser=parser)
    except etree.XMLSyntaxError as error:
        raise ValueError(f"not a sitemap: {error}") from None
    if root is None:
        raise ValueError("not a sitemap: empty document")
    kind = etree.QName(root).localname
    if kind not in ("urlset", "sitemapindex"):
        raise ValueError(f"not a sitemap: <{kind}>")
    child = "url" if kind == "urlset" else "sitemap"
    entries = []
    for node in root.iter(f"{SITEMAP_NS}{child}", child):
        loc = (node.findtext(f"{SITEMAP_NS}loc") or node.findtext("loc") or "").strip()
        if loc.startswith(("http://", "https://")):
            lastmod = (node.findtext(f"{SITEMAP_NS}lastmod") or node.findtext("lastmod") or "").strip() or None
            entries.append(SitemapEntry(canonical_url(loc), lastmod))
    return Sitemap(is_index=kind == "sitemapindex", entries=entries)
