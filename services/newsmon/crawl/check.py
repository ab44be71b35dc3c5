"""A dry run of one source (`newsmon sources check`): what the crawler would find and extract.

Fetches go through the crawler's own `Fetcher` (URL guard, robots.txt, size caps), one at a
time with the per-host delay between them. Nothing is published and no crawl state is read or
written: the index or edition is read as on a source's first poll (every page up to the limit).
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import asdict, dataclass, field
from datetime import timedelta
from typing import Any

from newsmon.crawl import epaper as epapers
from newsmon.crawl.errors import CrawlError
from newsmon.crawl.feeds import parse_feed, parse_sitemap
from newsmon.crawl.fetcher import Fetcher, FetchResult
from newsmon.crawl.links import article_links, parse_page
from newsmon.crawl.listing import poll_listing
from newsmon.crawl.page import extract_page
from newsmon.crawl.sources import Source

FIRST_LINES = 3


@dataclass
class Sample:
    """One article extracted as the crawler would: the date it would publish, text length, first lines."""

    url: str
    title: str | None = None
    published_at: str | None = None
    date_from: str | None = None  # "page", "edition", "feed" or "listing"
    chars: int = 0
    first_lines: list[str] = field(default_factory=list)
    error: str | None = None


@dataclass
class CheckReport:
    id: str
    kind: str
    pages: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    link_dates: dict[str, str] = field(default_factory=dict)
    link_tags: dict[str, str] = field(default_factory=dict)
    samples: list[Sample] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    error: str | None = None
    authority: str | None = None
    region_hint: str | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


class _PoliteFetch:
    """The fetcher, one request at a time, `delay_s` between request starts."""

    def __init__(self, fetcher: Fetcher, delay_s: float) -> None:
        self.fetcher, self.delay_s, self._last = fetcher, delay_s, 0.0

    async def __call__(self, url: str, etag: str | None = None, last_modified: str | None = None) -> FetchResult:
        wait = self._last + self.delay_s - time.monotonic()
        if wait > 0:
            await asyncio.sleep(wait)
        self._last = time.monotonic()
        return await self.fetcher.fetch(url)


def _diagnose(body: bytes, url: str, content_type: str | None) -> str:
    """Why a page gave no article links: what links it has instead."""
    page = parse_page(body, url, content_type)
    if page is None:
        return "the page is not HTML"
    hrefs = [a.get("href") for a in page.tree.iter("a", "area") if a.get("href")]
    if not hrefs:
        return "the page has no links at all (a page built by JavaScript? look for its data URL)"
    default = article_links(page)
    if default:
        sample = ", ".join(link.url for link in default[:3])
        return f"the default rules would take {len(default)} links ({sample}): check link_pattern / link_selector"
    scripts = sum(1 for s in page.tree.iter("script") if "createPageHTML" in (s.text or "") or "document.write" in (s.text or ""))
    local = [h for h in hrefs if not h.startswith(("http", "//", "javascript:", "#"))][:5]
    hint = f"{len(hrefs)} links, none taken; some of them: {', '.join(local or hrefs[:5])}"
    if scripts:
        hint += "; the list may be written by script (give page_template)"
    return hint + ": give link_pattern or link_selector"


async def check_source(source: Source, fetcher: Fetcher, *, delay_s: float, articles: int = 2) -> CheckReport:
    """Read the source's index (feed, sitemap, listing pages or today's edition) and extract its
    first `articles` articles. Never raises a CrawlError: failures become `error` / sample errors."""
    report = CheckReport(source.id, source.kind, authority=source.effective_authority(), region_hint=source.region_hint)
    fetch = _PoliteFetch(fetcher, delay_s)
    date_from = "page"
    try:
        if source.listing is not None:
            found = await poll_listing(source.listing, fetch, lambda url: False, walk_all=True)
            report.pages = found.pages
            report.notes += found.errors
            if found.failure is not None:
                raise found.failure
            report.links = [link.url for link in found.links]
            report.link_dates = {link.url: link.date.date().isoformat() for link in found.links if link.date}
            if not report.links and found.pages:
                first = await fetch(found.pages[0])
                report.error = "no article links: " + _diagnose(first.body, first.final_url, first.content_type)
        elif source.epaper is not None:
            date_from = "edition"
            today = epapers.today()
            edition = await epapers.read_edition(source.epaper, today, fetch)
            if not edition.found:
                report.notes.append(f"no edition for {today} yet (404: normal before it is published); read {today - timedelta(days=1)}")
                edition = await epapers.read_edition(source.epaper, today - timedelta(days=1), fetch)
            report.pages = [f"{name} {url}" for url, name in edition.pages]
            report.notes += edition.errors
            report.links = [a.url for a in edition.articles]
            report.link_dates = {a.url: epapers.edition_date(a.day).isoformat() for a in edition.articles}
            report.link_tags = {a.url: a.page for a in edition.articles}
            if not edition.found:
                report.error = f"no edition at {epapers.edition_url(source.epaper, edition.day)} (404): check the template"
            elif not report.links:
                report.error = (f"edition found but no article links matching {source.epaper.patterns()[1]!r} on its "
                                f"{len(edition.pages)} pages: give article_pattern")
        else:
            result = await fetch(source.url())
            report.pages = [result.final_url]
            if source.feed is not None:
                date_from = "feed"
                parsed = parse_feed(result.body, result.final_url, result.content_type)
                report.links = [e.link for e in parsed.entries]
                report.link_dates = {e.link: e.published.isoformat() for e in parsed.entries if e.published}
                if parsed.error:
                    report.notes.append(f"malformed feed: {parsed.error}")
            else:
                report.links = [e.loc for e in parse_sitemap(result.body).entries]
            if not report.links:
                report.error = "the feed or sitemap lists no entries"
    except CrawlError as exc:
        report.error = f"{exc.reason}: {exc.detail}"[:300]
    except ValueError as exc:  # a sitemap that is not one
        report.error = str(exc)[:300]
    hints = source.extract.model_dump() if source.extract else None
    for url in report.links[:articles]:
        sample = Sample(url)
        try:
            result = await fetch(url)
            page = extract_page(result.body, result.final_url, result.content_type, hints)
        except CrawlError as exc:
            sample.error = f"{exc.reason}: {exc.detail}"[:200]
            report.samples.append(sample)
            continue
        sample.title, sample.chars = page.title, len(page.text)
        known = report.link_dates.get(url)
        if date_from in ("edition", "feed") and known:
            sample.published_at, sample.date_from = known, date_from
        elif page.published_at:
            sample.published_at, sample.date_from = page.published_at.isoformat(), "page"
        elif known:
            sample.published_at, sample.date_from = known, "listing"
        sample.first_lines = [line[:80] for line in page.text.splitlines() if line.strip()][:FIRST_LINES]
        if not page.text.strip():
            sample.error = "no main text found: give extract.body (a CSS selector)"
        report.samples.append(sample)
    return report
