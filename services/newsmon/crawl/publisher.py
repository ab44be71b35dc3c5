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


def fetch_task(source: Source, entry: FeedEntry, via: str = "feed", *, fallback_published: datetime | None = None,
               tags: tuple[str, ...] = ()) -> dict[str, Any]:
    """A crawl.frontier record for one entry (keyed by its host). `entry.published` (a feed's or
    an edition's date) wins over the page's date; `fallback_published` (a listing's) only fills
    in when the page has none. `tags` are added to the source's."""
    url = canonical_url(entry.link)
    return {
        "schema_version": 1,
        "url": url,
        "article_id": article_id(url),
        "host": host_key(url),
        "source_id": source.id,
        "source_name": source.name,
        "region_hint": source.region_hint,
        "tags": list(dict.fromkeys((*source.tags, *tags))),
        "entry_title": entry.title,
        "entry_published_at": entry.published.isoformat() if entry.published else None,
        "fallback_published_at": fallback_published.isoformat() if fallback_published else None,
        "authority": source.effective_authority(),
        "extract": source.extract.model_dump() if source.extract else None,
        "discovered_at": now_iso(),
        "via": via,
    }


def raw_article(task: dict[str, Any], page: Page, final_url: str, status: int) -> dict[str, Any]:
    """A news.raw record: the page's text and metadata; the feed's (edition's) date when it has
    one, else the page's, else the listing's."""
    published = (task.get("entry_published_at") or (page.published_at.isoformat() if page.published_at else None)
                 or task.get("fallback_published_at"))
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
        "authority": task.get("authority"),
    }
