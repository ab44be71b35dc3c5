"""Building the records the crawler publishes: fetch tasks and raw articles. Pure functions."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from newsmon.crawl.feeds import FeedEntry
from newsmon.crawl.page import Page
from newsmon.crawl.sources import Source
from newsmon.crawl.urls import article_id, canonical_url, host_key


def now_iso() -> str:
    return datetime.now(UTC).isoformat()


def fetch_task(source: Source, entry: FeedEntry, via: str = "feed") -> dict[str, Any]:
    """A crawl.frontier record for one feed entry (keyed by its host)."""
    url = canonical_url(entry.link)
    return {
        "schema_version": 1,
        "url": url,
        "article_id": article_id(url),
        "host": host_key(url),
        "source_id": source.id,
        "source_name": source.name,
        "region_hint": source.region_hint,
        "tags": list(source.tags),
        "entry_title": entry.title,
        "entry_published_at": entry.published.isoformat() if entry.published else None,
        "discovered_at": now_iso(),
        "via": via,
    }


def raw_article(task: dict[str, Any], page: Page, final_url: str, status: int) -> dict[str, Any]:
    """A news.raw record: the page's text and metadata, the feed's date when it has one."""
    published = task.get("entry_published_at") or (page.published_at.isoformat() if page.published_at else None)
    return {
        "schema_version": 1,
        "article_id": task["article_id"],
        "url": final_url,
        "canonical_url": task["url"],
        "source_id": task["source_id"],
        "source_name": task.get("source_name"),
        "site": page.site_name or urlsplit(final_url).hostname,
        "region_hint": task.get("region_hint"),
        "tags": task.get("tags", []),
        "title": page.title or task.get("entry_title") or "",
        "text": page.text,
        "author": page.author,
        "published_at": published,
        "fetched_at": now_iso(),
        "encoding": page.encoding,
        "http_status": status,
        "via": task.get("via", "feed"),
    }
