"""Crawl throughput against a local server: feeds/s (mostly 304), pages/s fetched + extracted, and
listings: list pages/s (fetched, links picked, paginated) and articles/s found through them.

Usage: python benchmarks/crawl_fetch.py [--workers N] [--feeds N] [--pages N] [--fresh-share F] [--listings N]
Prints one JSON object, then a one-line summary. The server runs in its own thread and event
loop on 127.0.0.1 so its work is not charged to the fetcher; extraction runs in the workers'
loop, as a crawler worker would (it is CPU-bound: pages/s per worker is what one process gets).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import threading
import time

from aiohttp import web

from newsmon.crawl.feeds import parse_feed
from newsmon.crawl.fetcher import Fetcher
from newsmon.crawl.listing import poll_listing
from newsmon.crawl.sources import Listing
from newsmon.crawl.page import extract_page
from newsmon.settings import Settings

PARAGRAPH = "今年一季度，全区地区生产总值同比增长百分之六点五，规模以上工业增加值稳步提高，固定资产投资持续增长。"


def page_html(i: int) -> bytes:
    nav = "".join(f'<li><a href="/c{n}">栏目{n}</a></li>' for n in range(30))
    body = "".join(f"<p>{PARAGRAPH}第{n}段。</p>" for n in range(25))
    return (
        f'<html><head><meta charset="gbk"><title>经济新闻{i}</title></head><body><ul>{nav}</ul>'
        f"<h1>经济新闻{i}</h1><div>发布时间：2024年3月15日 10:20 本报记者 李华</div><div>{body}</div>"
        "<div>版权所有 联系我们</div></body></html>"
    ).encode("gbk")


def feed_xml(i: int, base: str) -> bytes:
    items = "".join(f"<item><title>新闻{n}</title><link>{base}/page/{i * 20 + n}.html</link></item>" for n in range(20))
    return f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>源{i}</title>{items}</channel></rss>'.encode()


LIST_PAGES = 3
LINKS_PER_LIST = 20


def list_html(i: int, n: int) -> bytes:
    """List page n of listing i: nav, LINKS_PER_LIST dated article links, pagination (GBK, as portals are)."""
    nav = "".join(f'<li><a href="/c{k}/index.html">栏目{k}</a></li>' for k in range(30))
    rows = "".join(
        f'<li><a href="./2024{m % 12 + 1:02d}/t2024{m % 12 + 1:02d}15_{i * 1000 + n * 100 + m}.html">统计信息{m}</a>'
        f"<span>2024-{m % 12 + 1:02d}-15</span></li>" for m in range(LINKS_PER_LIST)
    )
    nxt = f'<a href="index_{n + 1}.html">下一页</a>' if n + 1 < LIST_PAGES else ""
    return (f'<html><head><meta charset="gbk"><title>统计数据</title></head><body><ul>{nav}</ul><ul class="list">{rows}</ul>'
            f'<div class="page">{nxt}<a href="index.html">首页</a></div></body></html>').encode("gbk")


def serve(fresh_share: float) -> tuple[int, threading.Event]:
    """Start the server thread; returns its port and an event that stops it."""
    ready, stop = threading.Event(), threading.Event()
    port_box: list[int] = []
    counter = {"feeds": 0}

    async def robots(request):
        return web.Response(text="User-agent: *\nAllow: /\n")

    async def feed(request):
        counter["feeds"] += 1
        fresh = (counter["feeds"] * fresh_share) % 1 < fresh_share
        if request.headers.get("If-None-Match") == '"v1"' and not fresh:
            return web.Response(status=304, headers={"ETag": '"v1"'})
        i = int(request.match_info["i"])
        return web.Response(body=feed_xml(i, str(request.url.origin())), content_type="application/rss+xml", headers={"ETag": '"v1"'})

    async def page(request):
        return web.Response(body=page_html(int(request.match_info["i"])), content_type="text/html")

    async def listing(request):
        name = request.match_info["name"]
        n = 0 if name == "index" else int(name.removeprefix("index_"))
        return web.Response(body=list_html(int(request.match_info["i"]), n), content_type="text/html")

    async def main():
        app = web.Application()
        app.router.add_get("/robots.txt", robots)
        app.router.add_get("/feed/{i}.xml", feed)
        app.router.add_get("/page/{i}.html", page)
        app.router.add_get("/list/{i}/{name}.html", listing)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port_box.append(runner.addresses[0][1])
        ready.set()
        while not stop.is_set():
            await asyncio.sleep(0.05)
        await runner.cleanup()

    threading.Thread(target=lambda: asyncio.run(main()), daemon=True).start()
    ready.wait(10)
    return port_box[0], stop


async def run(workers: int, feeds: int, pages: int, listings: int, port: int) -> dict:
    base = f"http://127.0.0.1:{port}"
    settings = Settings(allow_hosts=(f"127.0.0.1:{port}",))
    async with Fetcher(settings) as fetcher:
        await fetcher.fetch(f"{base}/feed/0.xml")  # warm robots.txt cache and the connection

        async def feed_worker(ids):
            not_modified = 0
            for i in ids:
                result = await fetcher.fetch(f"{base}/feed/{i}.xml", etag='"v1"')
                if result.not_modified:
                    not_modified += 1
                else:
                    parse_feed(result.body, url=result.final_url)
            return not_modified

        async def page_worker(ids):
            for i in ids:
                result = await fetcher.fetch(f"{base}/page/{i}.html")
                extract_page(result.body, url=result.final_url, content_type=result.content_type)

        started = time.perf_counter()
        counts = await asyncio.gather(*(feed_worker(range(w, feeds, workers)) for w in range(workers)))
        feed_s = time.perf_counter() - started
        started = time.perf_counter()
        await asyncio.gather(*(page_worker(range(w, pages, workers)) for w in range(workers)))
        page_s = time.perf_counter() - started

        async def listing_worker(ids):
            """A first poll of each listing: every page read, every link new (the most work a poll does)."""
            found = 0
            for i in ids:
                listing = Listing(urls=[f"{base}/list/{i}/index.html"], max_pages=LIST_PAGES)
                result = await poll_listing(listing, lambda url, etag, lm: fetcher.fetch(url), lambda url: False)
                found += len(result.links)
            return found

        started = time.perf_counter()
        found = await asyncio.gather(*(listing_worker(range(w, listings, workers)) for w in range(workers)))
        listing_s = time.perf_counter() - started
    return {
        "workers": workers,
        "feeds": feeds,
        "feeds_not_modified": sum(counts),
        "feeds_per_s": round(feeds / feed_s, 1),
        "feeds_per_s_per_worker": round(feeds / feed_s / workers, 1),
        "pages": pages,
        "pages_per_s": round(pages / page_s, 1),
        "pages_per_s_per_worker": round(pages / page_s / workers, 1),
        "listings": listings,
        "list_pages_per_s": round(listings * LIST_PAGES / listing_s, 1),
        "list_pages_per_s_per_worker": round(listings * LIST_PAGES / listing_s / workers, 1),
        "listing_articles_found": sum(found),
        "listing_articles_per_s": round(sum(found) / listing_s, 1),
        "listing_articles_per_s_per_worker": round(sum(found) / listing_s / workers, 1),
        # The whole benchmark process (fetcher, extraction and the local server thread): an upper
        # bound on a crawler worker's fetch-and-extract memory.
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", type=int, default=4, help="concurrent fetch tasks sharing one Fetcher")
    parser.add_argument("--feeds", type=int, default=2000)
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--listings", type=int, default=100, help=f"listings of {LIST_PAGES} pages to poll")
    parser.add_argument("--fresh-share", type=float, default=0.1, help="share of feed polls answered 200 instead of 304")
    args = parser.parse_args()
    port, stop = serve(args.fresh_share)
    try:
        result = asyncio.run(run(args.workers, args.feeds, args.pages, args.listings, port))
    finally:
        stop.set()
    print(json.dumps(result))
    print(
        f"crawl_fetch: {result['feeds_per_s']} feeds/s ({result['feeds_not_modified']}/{args.feeds} 304), "
        f"{result['pages_per_s']} pages/s fetched+extracted, {args.workers} workers "
        f"({result['feeds_per_s_per_worker']} feeds/s, {result['pages_per_s_per_worker']} pages/s per worker), "
        f"{result['list_pages_per_s']} list pages/s and {result['listing_articles_per_s']} articles/s found "
        f"({result['list_pages_per_s_per_worker']} and {result['listing_articles_per_s_per_worker']} per worker), "
        f"peak RSS {result['peak_rss_mb']} MB"
    )


if __name__ == "__main__":
    main()
