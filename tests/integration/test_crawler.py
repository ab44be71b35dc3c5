"""Crawler workers against local HTTP servers (real sockets) and the real broker.

Two workers share the work: each source is polled once per interval, each URL fetched once, per-host
delay respected; GBK pages decode; robots.txt and 404s end on the dead-letter topic with reasons.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections import defaultdict
from pathlib import Path

import pytest
from aiohttp import web

from newsmon.crawl.worker import CrawlWorker
from newsmon.settings import Settings
from newsmon.topics import DEADLETTER, RAW
from tests.kafka_helpers import read_topic
from tests.servers import ServerLoop

pytestmark = pytest.mark.integration

ARTICLE = """<html><head><title>{title}</title>{meta}</head><body>
<div class="nav">首页 | 要闻 | 经济</div>
<article><h1>{title}</h1><p class="info">发布时间：2026年4月{day}日 09:30  记者 王晓东</p>
<p>{region}一季度完成地区生产总值{gdp}亿元，同比增长6.{day}%，增速位居全市前列。</p>
<p>今年以来，{region}新签约项目{projects}个，协议投资{amount}亿元，其中先进制造业项目占比超过六成。</p>
<p>下一步，{region}将继续优化营商环境，推动重点项目早开工、早投产、早见效。</p></article>
<div class="footer">版权所有 示例日报社</div></body></html>"""


class Site:
    """One news site on its own port: a feed (with ETag), article pages, robots.txt, a request log."""

    def __init__(self, name: str, region: str, gbk: bool) -> None:
        self.name, self.region, self.gbk = name, region, gbk
        self.requests: list[tuple[float, str, int]] = []
        self.runner: web.AppRunner | None = None
        self.port = 0

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def feed(self) -> bytes:
        items = "".join(
            f"<item><title>{self.region}经济报道{i}</title><link>{self.base}{path}</link>"
            f"<pubDate>Sat, 1{i} Apr 2026 01:30:00 GMT</pubDate></item>"
            for i, path in enumerate(self.links())
        )
        return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{self.name}</title>'
                f"{items}</channel></rss>").encode()

    def links(self) -> list[str]:
        return ["/a/1.html", "/a/2.html", "/a/2.html?utm_source=rss&spm=a1.b2#top", "/a/3.html",
                "/private/4.html", "/a/missing.html"]

    async def handle(self, request: web.Request) -> web.StreamResponse:
        path = request.path_qs
        status = 200
        try:
            if request.path == "/robots.txt":
                return web.Response(text="User-agent: *\nDisallow: /private/\n")
            if request.path == "/feed.xml":
                body = self.feed()
                etag = '"' + hashlib.sha1(body).hexdigest()[:12] + '"'
                if request.headers.get("If-None-Match") == etag:
                    status = 304
                    return web.Response(status=304, headers={"ETag": etag})
                return web.Response(body=body, content_type="application/rss+xml", headers={"ETag": etag})
            if request.path.startswith("/a/") and request.path != "/a/missing.html":
                n = int(request.path.removeprefix("/a/").removesuffix(".html"))
                title = f"{self.region}经济运行报道之{n}"
                meta = "" if self.gbk else '<meta charset="utf-8">'
                html = ARTICLE.format(title=title, meta=meta, region=self.region, gdp=80 + n, day=n,
                                      projects=10 + n, amount=30 + n)
                if self.gbk:  # GBK, declared only in the HTTP header for page 1, nowhere for the rest
                    ctype = "text/html; charset=gbk" if n == 1 else "text/html"
                    return web.Response(body=html.encode("gbk"), headers={"Content-Type": ctype})
                return web.Response(text=html, content_type="text/html")
            status = 404
            return web.Response(status=404, text="not found")
        finally:
            self.requests.append((time.monotonic(), path, status))

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("GET", "/{tail:.*}", self.handle)
        self.runner = web.AppRunner(app, access_log=None)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self.runner:
            await self.runner.cleanup()


@pytest.fixture
async def sites() -> list[Site]:
    """The three sites, on a loop of their own: arrival times do not wait on the workers' loop."""
    running = [Site("张湾日报", "张湾区", gbk=False), Site("茅箭新闻", "茅箭区", gbk=True), Site("郧阳在线", "郧阳区", gbk=False)]
    servers = ServerLoop()
    for site in running:
        await servers.run(site.start())
    yield running
    for site in running:
        await servers.run(site.stop())
    servers.close()


async def test_two_workers_share_sources_fetch_once_and_stay_polite(ready: Settings, sites: list[Site], tmp_path: Path) -> None:
    interval, delay, duration = 2.0, 0.6, 13.0  # room for the start-up rebalances of a loaded machine
    sources = tmp_path / "sources.yaml"
    sources.write_text("sources:\n" + "".join(
        f"  - id: site{i}\n    name: {s.name}\n    feed: {s.base}/feed.xml\n    interval_s: {interval}\n    tags: [test]\n"
        for i, s in enumerate(sites)
    ) + "  - id: broken\n    feed: not a url\n")
    settings = ready.model_copy(update={
        "sources_file": sources, "allow_hosts": tuple(f"127.0.0.1:{s.port}" for s in sites),
        "host_delay_s": delay, "host_concurrency": 1, "crawl_group": f"{ready.index_group}-crawl",
    })
    stop = asyncio.Event()
    workers = [asyncio.create_task(CrawlWorker(settings).run(stop)) for _ in range(2)]
    await asyncio.sleep(duration)
    stop.set()
    stats = await asyncio.gather(*workers)

    raw = await read_topic(settings, settings.topic(RAW), expect=9, timeout_s=20)
    dead = await read_topic(settings, settings.topic(DEADLETTER), expect=6, timeout_s=20)

    # each article fetched once, the utm/spm duplicate included; each published once
    for site in sites:
        pages = defaultdict(int)
        for _, path, _ in site.requests:
            if path.startswith(("/a/", "/private/")):
                pages[path.split("?")[0]] += 1
        assert pages == {"/a/1.html": 1, "/a/2.html": 1, "/a/3.html": 1, "/a/missing.html": 1}, site.name
        assert "/private/4.html" not in pages  # robots.txt
    ids = [r["value"]["article_id"] for r in raw]
    assert len(ids) == 9 and len(set(ids)) == 9

    # GBK pages decode to the right characters, never mojibake
    gbk = [r["value"] for r in raw if "茅箭区" in r["value"]["title"]]
    assert len(gbk) == 3 and all("协议投资" in r["text"] and r["encoding"].lower() in ("gb18030", "gbk") for r in gbk)

    # each source polled once per interval across both workers: no double polling
    for site in sites:
        polls = [t for t, path, _ in site.requests if path == "/feed.xml"]
        assert 2 <= len(polls) <= duration / (interval * 0.9) + 1, (site.name, len(polls))
        assert all(b - a >= interval * 0.85 for a, b in zip(polls, polls[1:])), site.name
        assert any(status == 304 for _, path, status in site.requests if path == "/feed.xml")

    # per-host delay holds (one owner per host). The limiter spaces request starts; the server sees
    # arrivals, which a new connection under load delays by up to ~0.1 s more than a reused one.
    for site in sites:
        starts = sorted(t for t, path, _ in site.requests if path != "/robots.txt")
        gaps = [b - a for a, b in zip(starts, starts[1:])]
        assert min(gaps) >= delay - 0.15, (site.name, min(gaps))

    reasons = sorted(d["value"]["reason"] for d in dead)
    assert reasons.count("robots_disallowed") == 3 and len(dead) == 6, reasons
    assert all(d["value"]["url"] and d["value"]["source_id"] for d in dead)
    assert sum(s.get("articles", 0) for s in stats) == 9
