"""Feed and sitemap bytes (already fetched) → entries.

feedparser is only ever handed bytes, so it never fetches anything itself. Feed bytes are decoded
here first (`decode.decode_xml`: the XML encoding rules, then the page rules) and handed over as
UTF-8 with the XML declaration saying so:
feedparser's own last resort, chardet, is quadratic in runs of letters and took minutes on a
misdeclared feed. XML safety: feedparser switches off external entities and the bundled expat
(≥ 2.4) limits entity amplification; on top of that any DOCTYPE (the only place entities are
declared) is removed from the decoded text, in any encoding, so neither the strict nor
feedparser's loose fallback parser sees an entity declaration.
Character references to surrogates or past U+10FFFF (feedparser's loose parser crashes on them)
are rewritten first. An entry whose link cannot be parsed is skipped and an unusable date
dropped: one bad field does not cost the rest of the feed. Where feedparser itself crashes, the
feed yields no entries and the exception as its `error`.
JSON Feed (jsonfeed.org, 1.0 and 1.1) is told by its content type or its first character and
parsed here with the standard json module (no library for it is maintained); anything else
with a JSON content type is refused as not a feed.
Sitemaps are parsed by lxml with entity resolution, DTD loading and network access off.
"""

from __future__ import annotations

import calendar
import json
import re
import time
from dataclasses import dataclass
from datetime import datetime, timezone

import feedparser
from lxml import etree

from newsmon.crawl.decode import decode_xml
from newsmon.crawl.urls import canonical_url

_DOCTYPE = re.compile(rb"<!DOCTYPE[^\[>]*(?:\[.*?\])?\s*>", re.IGNORECASE | re.DOTALL)
_CHARREF = re.compile(rb"&#([xX][0-9a-fA-F]+|[0-9]+);")
_DECLARED_ENCODING = re.compile(r"""^(\s*<\?xml[^>]*?\bencoding\s*=\s*)(["'])[^"']*\2""", re.IGNORECASE)
JSON_TYPES = frozenset({"application/feed+json", "application/json"})
JSON_FEED_VERSIONS = ("https://jsonfeed.org/version/1", "https://jsonfeed.org/version/1.1")
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


def _code_point(digits: bytes) -> int:
    """The value of a character reference's digits ("x1F600" or "128512"); huge ones saturate."""
    hexadecimal = digits[:1] in (b"x", b"X")
    digits = digits[1:] if hexadecimal else digits
    if len(digits.lstrip(b"0")) > 8:
        return 0x110000
    return int(digits, 16 if hexadecimal else 10)


def scalar_refs(body: bytes) -> bytes:
    """The document with every numeric character reference naming a Unicode scalar value.

    A UTF-16 surrogate pair written as two references (how some CMSes escape emoji) becomes one
    reference; any other surrogate, or a value past U+10FFFF, becomes U+FFFD.
    """
    if b"&#" not in body:
        return body
    refs = list(_CHARREF.finditer(body))
    pieces, position, paired = [], 0, False
    for i, ref in enumerate(refs):
        if paired:
            paired = False
            continue
        point = _code_point(ref[1])
        if point < 0xD800 or 0xDFFF < point < 0x110000:
            continue
        after = refs[i + 1] if i + 1 < len(refs) and refs[i + 1].start() == ref.end() else None
        low = _code_point(after[1]) if after else 0
        if point <= 0xDBFF and 0xDC00 <= low <= 0xDFFF:
            pieces += [body[position : ref.start()], b"&#x%X;" % (0x10000 + ((point - 0xD800) << 10) + low - 0xDC00)]
            position, paired = after.end(), True
        else:
            pieces += [body[position : ref.start()], b"&#xFFFD;"]
            position = ref.end()
    return b"".join([*pieces, body[position:]])


def _link(item: dict) -> str | None:
    """The entry's canonical http(s) link (or an http(s) id), None if it has none or it cannot be parsed."""
    link = item.get("link") or (item.get("id") if str(item.get("id", "")).startswith(("http://", "https://")) else None)
    try:
        return canonical_url(link) if link else None
    except ValueError:  # bad port, broken IPv6 literal, lone surrogate
        return None


def _published(stamp: object) -> datetime | None:
    """An aware UTC datetime, None when feedparser found no date or one datetime cannot hold.

    feedparser stores unknown elements under their own name, so an <updated_parsed> element in
    the feed replaces the parsed date with its text.
    """
    if not isinstance(stamp, time.struct_time):
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(stamp), timezone.utc)
    except (ValueError, OverflowError, OSError):
        return None


def _is_json(body: bytes, content_type: str | None) -> bool:
    media_type = (content_type or "").split(";", 1)[0].strip().lower()
    return media_type in JSON_TYPES or (not media_type.endswith("xml") and body.lstrip()[:1] == b"{")


def parse_json_feed(text: str) -> ParsedFeed:
    """Parse a JSON Feed document. Never raises; anything but a JSON Feed yields no entries and `error`."""
    try:
        document = json.loads(text)
    except (ValueError, RecursionError) as error:
        return ParsedFeed(title=None, entries=[], error=f"not a JSON Feed: {type(error).__name__}: {str(error)[:200]}")
    if not isinstance(document, dict) or str(document.get("version", "")).rstrip("/") not in JSON_FEED_VERSIONS:
        return ParsedFeed(title=None, entries=[], error="not a JSON Feed: no jsonfeed.org version")
    items = document.get("items")
    entries = []
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict):
            continue
        link = _link({"link": _text(item.get("url")), "id": _text(item.get("id"))})
        if not link:
            continue
        summary = _text(item.get("summary")) or _text(item.get("content_text"))
        entries.append(FeedEntry(
            link=link, title=_text(item.get("title")), summary=summary, guid=_text(item.get("id")),
            published=_rfc3339(item.get("date_published")) or _rfc3339(item.get("date_modified")),
        ))
    error = None if isinstance(items, list) else "JSON Feed without an items list"
    return ParsedFeed(title=_text(document.get("title")), entries=entries, error=error)


def _text(value: object) -> str | None:
    """A JSON Feed string field, stripped; None for anything else (ids may be numbers)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    return value.strip() or None if isinstance(value, str) else None


def _rfc3339(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        stamp = datetime.fromisoformat(value.strip())
        return stamp.astimezone(timezone.utc) if stamp.tzinfo else stamp.replace(tzinfo=timezone.utc)
    except (ValueError, OverflowError):  # not RFC 3339, or a year 1 / 9999 offset past datetime's range
        return None


def parse_feed(body: bytes, url: str | None = None, content_type: str | None = None) -> ParsedFeed:
    """Parse RSS / Atom / RDF / JSON Feed bytes. Never raises; a malformed feed yields what it can plus `error`."""
    text, _ = decode_xml(body, content_type)
    if _is_json(body, content_type):
        return parse_json_feed(text)
    text = _DECLARED_ENCODING.sub(r"\1\2utf-8\2", text.lstrip("\ufeff"), count=1)
    utf8 = scalar_refs(strip_doctype(text.encode("utf-8", "replace")))
    headers = {"content-location": url or "", "content-type": "application/xml; charset=utf-8"}
    try:
        parsed = feedparser.parse(utf8, response_headers=headers, sanitize_html=True)
    except Exception as error:  # feedparser's own bugs: KeyError on some broken tag soup, ValueError
        # from xml.sax on a namespace holding U+00A0 (it splits names at any whitespace), ...
        return ParsedFeed(title=None, entries=[], error=f"{type(error).__name__}: {error}")
    entries = []
    for item in parsed.entries:
        link = _link(item)
        if not link:
            continue
        entries.append(
            FeedEntry(
                link=link,
                title=(item.get("title") or "").strip() or None,
                published=_published(item.get("published_parsed") or item.get("updated_parsed")),
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
            try:
                loc = canonical_url(loc)
            except ValueError:  # bad port, broken IPv6 literal
                continue
            lastmod = (node.findtext(f"{SITEMAP_NS}lastmod") or node.findtext("lastmod") or "").strip() or None
            entries.append(SitemapEntry(loc, lastmod))
    return Sitemap(is_index=kind == "sitemapindex", entries=entries)
