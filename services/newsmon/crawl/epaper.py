"""One poll of an `epaper:` source: the editions due, each read page (版面) by page.

An edition's first page (node_1) lists every page of the day; each page lists its articles,
as links and as image-map `<area>` links over the page scan. Every article is dated by its
edition (midnight, Asia/Shanghai) and tagged with its page's name ("第02版：经济"). Editions
are published at night: a 404 for today's edition means "not yet", not an error, and the
source is polled again hourly until it appears, then at the next local midnight (`next_check`).
Past editions (`backfill_days`) are read once; one that is missing is not asked for again.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from newsmon.crawl.errors import CrawlError, FetchFailed
from newsmon.crawl.fetcher import FetchResult
from newsmon.crawl.links import Link, article_links, parse_page
from newsmon.crawl.sources import Epaper
from newsmon.crawl.urls import canonical_url

SHANGHAI = ZoneInfo("Asia/Shanghai")
Fetch = Callable[[str], Awaitable[FetchResult]]
#: How often today's edition is looked for before it is published (unless the source says).
WAIT_FOR_EDITION_S = 3600.0


def edition_url(epaper: Epaper, day: date) -> str:
    """The edition's first page for `day`."""
    return epaper.template().format(yyyy=f"{day:%Y}", yy=f"{day:%y}", mm=f"{day:%m}", dd=f"{day:%d}",
                                    m=str(day.month), d=str(day.day))


def today(now: datetime | None = None) -> date:
    """The edition date now: the local (Asia/Shanghai) calendar day."""
    return (now or datetime.now(SHANGHAI)).astimezone(SHANGHAI).date()


def editions_due(epaper: Epaper, day: date, done: set[str], *, first_poll: bool) -> list[date]:
    """Editions to read, newest first: today and `backfill_days` before it (on later polls also
    yesterday, so a night without polls loses no edition), minus those in `done` (ISO dates)."""
    back = epaper.backfill_days if first_poll else max(epaper.backfill_days, 1)
    return [d for d in (day - timedelta(days=k) for k in range(back + 1)) if d.isoformat() not in done]


def next_check(now: datetime, have_today: bool, interval_s: float | None) -> datetime:
    """After today's edition is in: the next local midnight. Before: `interval_s` (default hourly) later."""
    if have_today:
        local = now.astimezone(SHANGHAI)
        return datetime.combine(local.date() + timedelta(days=1), time(0, 5), SHANGHAI)
    return now + timedelta(seconds=interval_s or WAIT_FOR_EDITION_S)


def edition_date(day: date) -> datetime:
    """The publication time an edition gives its articles: its day at midnight, Asia/Shanghai."""
    return datetime.combine(day, time(0, 0), SHANGHAI)


@dataclass(frozen=True)
class EpaperArticle:
    url: str
    title: str
    page: str  # the page's name, "第02版：经济"
    day: date


@dataclass
class Edition:
    """One edition read: found or not (404), its pages (url, name), its articles, and pages that failed."""

    day: date
    found: bool = False
    pages: list[tuple[str, str]] = field(default_factory=list)
    articles: list[EpaperArticle] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _page_name(text: str, n: int) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    return text or f"第{n:02d}版"


def _links(fetched: FetchResult, pattern: str) -> tuple[object | None, list[Link]]:
    page = parse_page(fetched.body, fetched.final_url, fetched.content_type)
    if page is None:
        return None, []
    return page, article_links(page, pattern=pattern)


async def read_edition(epaper: Epaper, day: date, fetch: Fetch) -> Edition:
    """Read one edition. A 404 (or 410) for its first page gives `found=False`; any other
    failure of the first page is raised (CrawlError); a failing later page is noted and skipped."""
    edition = Edition(day)
    first = edition_url(epaper, day)
    try:
        fetched = await fetch(first)
    except FetchFailed as exc:
        if exc.status in (404, 410):
            return edition
        raise
    edition.found = True
    page_re, article_re = epaper.patterns()
    front, pages = _links(fetched, page_re)
    if front is None:
        edition.errors.append(f"{first}: not HTML")
        return edition
    own = canonical_url(fetched.final_url)
    folder = own.rsplit("/", 1)[0]  # the edition's pages sit together; links to other editions do not
    pages = [link for link in pages if link.url.rsplit("/", 1)[0] == folder]
    names = {link.url: link.text for link in pages}
    edition.pages = [(own, _page_name(names.get(own) or names.get(canonical_url(first), ""), 1))]
    edition.pages += [(link.url, _page_name(link.text, n)) for n, link in enumerate(pages, 2)
                      if link.url not in (own, canonical_url(first))][: epaper.max_pages - 1]
    seen: set[str] = set()
    for n, (url, name) in enumerate(edition.pages):
        if n:
            try:
                fetched = await fetch(url)
            except CrawlError as exc:
                edition.errors.append(f"{url}: {exc.reason}")
                continue
        page = front if n == 0 else parse_page(fetched.body, fetched.final_url, fetched.content_type)
        if page is None:
            edition.errors.append(f"{url}: not HTML")
            continue
        for link in article_links(page, pattern=article_re):
            if link.url not in seen:
                seen.add(link.url)
                edition.articles.append(EpaperArticle(link.url, link.text, name, day))
    return edition
