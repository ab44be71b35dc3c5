"""One poll of a `listing:` source: its index pages, paginated, down to the links already known.

List pages show the newest articles first, so a poll reads page 1 of each index URL (a
conditional GET: an unchanged listing costs one 304) and goes on to the next page only while the
page it read held links not fetched yet, up to `max_pages`. The first poll therefore walks all
`max_pages`; a later one usually stops at page 1. Fetching goes through the caller's `fetch`
(the worker's fetcher behind its per-host limiter), so robots.txt, the URL guard and politeness
apply to list pages as to articles.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from newsmon.crawl.errors import CrawlError
from newsmon.crawl.fetcher import FetchResult
from newsmon.crawl.links import Link, article_links, next_page, numbered_page, parse_page
from newsmon.crawl.sources import Listing

#: fetch(url, etag, last_modified) -> FetchResult; raises CrawlError.
Fetch = Callable[[str, str | None, str | None], Awaitable[FetchResult]]


@dataclass
class ListingPoll:
    """What a poll found: article links (each once, page order), pages read, and trouble met."""

    links: list[Link] = field(default_factory=list)
    pages: list[str] = field(default_factory=list)
    not_modified: int = 0
    #: index URL -> [etag, last_modified] of its page 1, for the next poll's conditional GET.
    validators: dict[str, list[str | None]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    #: The first error's CrawlError, when no page could be read at all (the poll failed).
    failure: CrawlError | None = None


async def poll_listing(listing: Listing, fetch: Fetch, known: Callable[[str], bool],
                       validators: dict[str, list[str | None]] | None = None, *, walk_all: bool = False) -> ListingPoll:
    """Read the listing's pages (see module doc). `known(url)` tells a link fetched or queued
    before; `walk_all` reads `max_pages` unconditionally (a dry run, or a periodic full check)."""
    validators = validators or {}
    result = ListingPoll()
    seen: set[str] = set()
    for index in (str(u) for u in listing.urls):
        etag, last_modified = (validators.get(index) or [None, None]) if not walk_all else (None, None)
        url: str | None = index
        for n in range(listing.max_pages):
            try:
                fetched = await fetch(url, etag if n == 0 else None, last_modified if n == 0 else None)
            except CrawlError as exc:
                result.errors.append(f"{url}: {exc.reason}")
                if not result.pages and result.failure is None:
                    result.failure = exc
                break
            result.pages.append(url)
            if n == 0:
                result.validators[index] = [fetched.etag, fetched.last_modified]
                if fetched.not_modified:
                    result.not_modified += 1
                    break
            page = parse_page(fetched.body, fetched.final_url, fetched.content_type)
            if page is None:
                result.errors.append(f"{url}: not HTML")
                break
            found = article_links(page, pattern=listing.link_pattern, selector=listing.link_selector)
            fresh = [link for link in found if link.url not in seen]
            seen.update(link.url for link in fresh)
            result.links.extend(fresh)
            if not walk_all and not any(not known(link.url) for link in fresh):
                break  # nothing new on this page: the older pages hold nothing new either
            url = (numbered_page(index, listing.page_template, n + 1) if listing.page_template
                   else next_page(page, listing.next_selector))
            if url is None or url in result.pages:
                break
    if result.pages:
        result.failure = None
    return result
