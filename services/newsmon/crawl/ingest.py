"""Saved pages and text files into news.raw (`newsmon ingest DIR`): backfill without a crawl."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from newsmon.crawl.decode import decode_html
from newsmon.crawl.errors import CrawlError, TooLarge
from newsmon.crawl.page import extract_page
from newsmon.crawl.urls import article_id

HTML_SUFFIXES = {".html", ".htm", ".shtml", ".xhtml"}
TEXT_SUFFIXES = {".txt"}


def files_to_ingest(root: Path) -> list[Path]:
    """Every HTML or text file under `root` (or `root` itself), in a stable order."""
    if root.is_file():
        return [root]
    return sorted(p for p in root.rglob("*") if p.is_file() and p.suffix.lower() in HTML_SUFFIXES | TEXT_SUFFIXES)


def read_capped(path: Path, limit: int) -> bytes:
    """The file's bytes; raises TooLarge past `limit` (the fetcher's cap), reading at most limit + 1."""
    with path.open("rb") as file:
        body = file.read(limit + 1)
    if len(body) > limit:
        raise TooLarge(limit, f"{path.name}: over {limit} bytes")
    return body


def raw_from_file(path: Path, *, limit: int, source_id: str = "ingest", base_url: str | None = None,
                  published_at: datetime | None = None, context_region: str | None = None,
                  authority: str | None = None) -> dict[str, Any]:
    """A news.raw record for one file. HTML goes through the page extractor; text is kept as is.

    The URL is `base_url` + file name when given (pages saved from a site), else the file URI;
    either way the article id is stable, so ingesting the same files again overwrites. A file
    larger than `limit` bytes raises TooLarge, as a page past the fetcher's cap would.
    `published_at` is used when the file carries no date of its own (text files never do), so
    periods such as "一季度" resolve against the real publication date; `context_region` is what
    "全市"/"我市" mean (the region_hint of a source), `authority` the source's authority.
    """
    body = read_capped(path, limit)
    url = f"{base_url.rstrip('/')}/{path.name}" if base_url else path.resolve().as_uri()
    now = datetime.now(UTC).isoformat()
    if path.suffix.lower() in HTML_SUFFIXES:
        page = extract_page(body, url)
        title, text, author, encoding = page.title or path.stem, page.text, page.author, page.encoding
        published = page.published_at.isoformat() if page.published_at else None
    else:
        text, encoding = decode_html(body, "text/plain")
        title, author, published = "", None, None
    if published is None and published_at is not None:
        published = published_at.isoformat()
    record = {
        "schema_version": 1, "article_id": article_id(url), "url": url, "canonical_url": url,
        "source_id": source_id, "source_name": None, "site": None, "region_hint": context_region, "tags": ["ingest"],
        "title": title, "text": text, "author": author, "published_at": published, "fetched_at": now,
        "encoding": encoding, "http_status": None, "via": "ingest",
    }
    if authority is not None:
        record["authority"] = authority
    return record


def iter_raw(root: Path, **kwargs: Any) -> Iterator[tuple[Path, dict[str, Any] | Exception]]:
    """(file, record) for every file under `root`, or (file, the error) for one that cannot be read."""
    for path in files_to_ingest(root):
        try:
            yield path, raw_from_file(path, **kwargs)
        except (OSError, ValueError, CrawlError) as exc:
            yield path, exc
