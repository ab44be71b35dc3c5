"""Listing and e-paper sources end to end (issue 15, "Must show"): two crawler workers over the
demo site's government portal (three paginated GBK list pages) and its e-paper (seven editions
backfilled), on the real broker, no faults injected.

Every article is fetched once and published to news.raw once, per-host delays hold, e-paper
articles carry their edition's date and page; then one new link on a list page causes exactly one
article fetch, and an unchanged listing none (its page 1 answers 304).
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter, defaultdict
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from aiohttp import web

from newsmon.crawl.worker import CrawlWorker
from newsmon.demo.site import DemoSite
from newsmon.settings import Settings
from newsmon.topics import RAW
from tests.kafka_helpers import read_topic
from tests.servers import ServerLoop

pytestmark = pytest.mark.integration

DELAY = 0.3
PORTAL_INTERVAL = 1.5


async def wait_for(predicate, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.2)


async def test_two_workers_crawl_portal_listing_and_epaper_once(ready: Settings, tmp_path: Path) -> None:
    site = DemoSite(seed=11, backlog=0, interval_s=0, portal_backlog=20)
    requests: list[tuple[float, str, str, int]] = []  # (arrival, host, path, status)

    @web.middleware
    async def log(request: web.Request, handler):
        arrived = time.monotonic()
        try:
            response = await handler(request)
        except web.HTTPException as exc:
            requests.append((arrived, request.host, request.path, exc.status))
            raise
        requests.append((arrived, request.host, request.path, response.status))
        return response

    site.app.middlewares.append(log)
    servers = ServerLoop()  # arrival times independent of the workers' event loop
    portal_base = await servers.run(site.start())
    paper_base = await servers.run(site.also_listen())
    try:
        sources = tmp_path / "sources.yaml"
        sources.write_text(f"""sources:
  - id: portal
    listing: {{urls: ["{portal_base}/gov/tjsj/index.html"], max_pages: 3}}
    interval_s: {PORTAL_INTERVAL}
    authority: government
    region_hint: 张湾区
    tags: [test]
  - id: paper
    epaper: {{edition: "{paper_base}/epaper/html/{{yyyy}}-{{mm}}/{{dd}}/node_1.htm", backfill_days: 6}}
    interval_s: 1
    authority: newspaper
    tags: [test]
""", encoding="utf-8")
        settings = ready.model_copy(update={
            "sources_file": sources, "allow_hosts": tuple(u.removeprefix("http://") for u in (portal_base, paper_base)),
            "host_delay_s": DELAY, "host_concurrency": 1, "crawl_group": f"{ready.index_group}-crawl",
        })
        expected = {a["url"]: a for a in site.section_articles()}
        portal_urls = {u for u, a in expected.items() if a["section"] == "portal"}
        paper_urls = {u.replace(portal_base, paper_base) for u, a in expected.items() if a["section"] == "epaper"}
        expected = {(u.replace(portal_base, paper_base) if a["section"] == "epaper" else u): a for u, a in expected.items()}
        assert len(portal_urls) == 20 and len(paper_urls) == 7 * 7

        stop = asyncio.Event()
        workers = [CrawlWorker(settings) for _ in range(2)]
        runs = [asyncio.create_task(w.run(stop)) for w in workers]
        articles = lambda: sum(w.stats.get("articles", 0) for w in workers)  # noqa: E731
        await wait_for(lambda: articles() >= 69, timeout_s=150)

        # one new link on list page 1: exactly one article fetch
        await asyncio.sleep(PORTAL_INTERVAL * 1.5)
        before = len(requests)
        added = site.publish_portal()
        await wait_for(lambda: articles() >= 70, timeout_s=30)
        await asyncio.sleep(PORTAL_INTERVAL * 1.5)  # the article's fetch is done; polls go on
        after_new = requests[before:]
        # then an unchanged listing: polls, 304, no article fetch
        quiet_start = len(requests)
        await asyncio.sleep(PORTAL_INTERVAL * 2.5)
        quiet = requests[quiet_start:]
        stop.set()
        stats = await asyncio.gather(*runs)
    finally:
        await servers.run(site.stop())
        servers.close()

    # every article fetched once, whatever list page or page index showed it
    article_paths = Counter((host, path) for _, host, path, _ in requests if "/content_" in path or "/t20" in path)
    assert set(article_paths.values()) == {1}, [k for k, n in article_paths.items() if n > 1]
    assert len(article_paths) == 70

    raw = await read_topic(settings, settings.topic(RAW), expect=70, timeout_s=30)
    records = [r["value"] for r in raw]
    assert Counter(r["article_id"] for r in records).most_common(1)[0][1] == 1 and len(records) == 70
    by_url = {r["canonical_url"]: r for r in records}
    assert set(by_url) == portal_urls | paper_urls | {portal_base + added.path}

    # e-paper articles dated by edition, tagged with their page, from the newspaper
    for url in paper_urls:
        record, truth = by_url[url], expected[url]
        assert datetime.fromisoformat(record["published_at"]) == datetime.fromisoformat(truth["published_at"]), url
        assert truth["page"] in record["tags"] and record["via"] == "epaper" and record["authority"] == "newspaper"
        assert record["text"].strip()
    # portal articles: the page's date, or the list's where the page prints none; GBK decoded
    for url in portal_urls:
        record, truth = by_url[url], expected[url]
        assert datetime.fromisoformat(record["published_at"]).date() == datetime.fromisoformat(truth["published_at"]).date(), url
        assert record["via"] == "listing" and record["authority"] == "government" and record["region_hint"] == "张湾区"
        assert truth["title"] == record["title"] and "\ufffd" not in record["text"]
    assert sum(1 for u in portal_urls if not expected[u]["dated_in_body"]) >= 6

    # per-host delay: request arrivals on one host at least the delay apart, less what a new
    # connection on a loaded machine adds to one arrival (up to ~0.13 s seen; see test_crawler.py).
    # Two owners of one host would show gaps near 0. The site's loop is not the workers' (ServerLoop).
    for host in {urlsplit(portal_base).netloc, urlsplit(paper_base).netloc}:
        starts = sorted(t for t, h, path, _ in requests if h == host and path != "/robots.txt")
        gaps = [b - a for a, b in zip(starts, starts[1:])]
        assert min(gaps) >= DELAY - 0.15, (host, min(gaps))

    new_articles = [path for _, _, path, _ in after_new if "/t20" in path]
    assert new_articles == [added.path]
    list_polls = [(path, status) for _, h, path, status in quiet if h == urlsplit(portal_base).netloc]
    assert list_polls and all(path == "/gov/tjsj/index.html" and status == 304 for path, status in list_polls), list_polls
    assert not [path for _, _, path, _ in quiet if "/t20" in path or "/content_" in path]
    assert sum(s.get("dead_letters", 0) for s in stats) == 0
    # the e-paper is not asked again today once today's edition is in
    assert not [p for _, h, p, _ in after_new + quiet if h == urlsplit(paper_base).netloc]
