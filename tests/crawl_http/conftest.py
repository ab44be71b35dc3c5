"""A real HTTP server on 127.0.0.1 (aiohttp) serving the pages, feeds and traps the tests need.

Everything is generated here at test time; the 50 MB page and the gzip bomb are streamed,
never held whole in memory.
"""

from __future__ import annotations

import asyncio
import gzip
import zlib
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from aiohttp import web

ARTICLE = (
    "今年一季度，全区地区生产总值同比增长百分之六点五，规模以上工业增加值稳步提高，"
    "固定资产投资持续增长，社会消费品零售总额增长百分之八，经济运行稳中向好。"
)
RSS = """<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>经济新闻</title>
<item><title>一季度经济运行</title><link>{base}/news/1.html?utm_source=rss</link><guid>n1</guid></item>
</channel></rss>"""


def article_html(meta: str = "") -> str:
    paragraphs = "".join(f"<p>{ARTICLE}</p>" for _ in range(3))
    return f"<html><head>{meta}<title>经济运行</title></head><body><h1>经济运行</h1><div>{paragraphs}</div></body></html>"


@dataclass
class Server:
    base: str
    port: int
    hits: Counter


def make_app(hits: Counter, other_base: str | None = None) -> web.Application:
    async def robots(request):
        return web.Response(text="User-agent: *\nDisallow: /private/\n")

    async def page(request):
        hits[request.path] += 1
        name = request.match_info["name"]
        if name == "gbk-meta":
            return web.Response(body=article_html('<meta charset="gbk">').encode("gbk"), content_type="text/html")
        if name == "gbk-plain":
            return web.Response(body=article_html().encode("gbk"), content_type="text/html")
        if name == "gb2312-header":
            return web.Response(body=article_html().encode("gb2312"), headers={"Content-Type": "text/html; charset=gb2312"})
        if name == "gb2312-meta":
            return web.Response(body=article_html('<meta http-equiv="Content-Type" content="text/html; charset=gb2312">').encode("gb2312"), content_type="text/html")
        return web.Response(body=article_html('<meta charset="utf-8">').encode(), content_type="text/html")

    async def news(request):
        hits[request.path_qs] += 1
        return web.Response(text=article_html(), content_type="text/html")

    async def feed(request):
        hits["/feed.xml"] += 1
        if request.headers.get("If-None-Match") == '"v1"':
            return web.Response(status=304, headers={"ETag": '"v1"'})
        return web.Response(text=RSS.format(base=str(request.url.origin())), content_type="application/rss+xml", headers={"ETag": '"v1"', "Last-Modified": "Wed, 15 Mar 2023 02:20:00 GMT"})

    async def bad_feed(request):
        return web.Response(text=RSS.format(base=str(request.url.origin())).replace("</channel></rss>", "<item><title>a & b"), content_type="application/rss+xml")

    async def loop(request):
        target = "/loop/b" if request.match_info["step"] == "a" else "/loop/a"
        raise web.HTTPFound(target)

    async def chain(request):
        n = int(request.match_info["n"])
        raise web.HTTPFound(f"/chain/{n - 1}" if n > 0 else "/page/utf8")

    async def to_other(request):
        raise web.HTTPFound(f"{other_base}/page/utf8")

    async def to_localhost(request):
        raise web.HTTPFound(f"http://localhost:{request.url.port}/page/utf8")

    async def to_metadata(request):
        raise web.HTTPFound("http://169.254.169.254/latest/meta-data/")

    async def huge(request):
        response = web.StreamResponse(headers={"Content-Type": "text/html"})
        await response.prepare(request)
        chunk = b"<p>" + b"x" * (1024 * 1024 - 7) + b"</p>\n"
        try:
            for _ in range(50):
                await response.write(chunk)
        except (ConnectionResetError, ConnectionError):
            pass
        return response

    async def bomb(request):
        response = web.StreamResponse(headers={"Content-Type": "text/html", "Content-Encoding": "gzip"})
        await response.prepare(request)
        compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
        zeros = b"\0" * (1024 * 1024)
        try:
            for _ in range(200):  # 200 MB once decoded, about 200 KB on the wire
                await response.write(compressor.compress(zeros))
            await response.write(compressor.flush())
        except (ConnectionResetError, ConnectionError):
            pass
        return response

    async def gzipped(request):
        return web.Response(body=gzip.compress(article_html().encode()), headers={"Content-Type": "text/html; charset=utf-8", "Content-Encoding": "gzip"})

    async def stall(request):
        response = web.StreamResponse(headers={"Content-Type": "text/html"})
        await response.prepare(request)
        await response.write(b"<html>")
        await asyncio.sleep(30)
        return response

    async def flaky(request):
        hits["/flaky"] += 1
        if hits["/flaky"] <= 2:
            return web.Response(status=503, headers={"Retry-After": "0"})
        return web.Response(text=article_html(), content_type="text/html")

    async def always_503(request):
        hits["/down"] += 1
        return web.Response(status=503)

    async def image(request):
        return web.Response(body=b"\x89PNG....", content_type="image/png")

    async def missing(request):
        return web.Response(status=404)

    app = web.Application()
    app.router.add_get("/robots.txt", robots)
    app.router.add_get("/page/{name}", page)
    app.router.add_get("/private/{name}", page)
    app.router.add_get("/news/{name}", news)
    app.router.add_get("/feed.xml", feed)
    app.router.add_get("/bad-feed.xml", bad_feed)
    app.router.add_get("/loop/{step}", loop)
    app.router.add_get("/chain/{n}", chain)
    app.router.add_get("/to-other", to_other)
    app.router.add_get("/to-localhost", to_localhost)
    app.router.add_get("/to-metadata", to_metadata)
    app.router.add_get("/huge", huge)
    app.router.add_get("/bomb", bomb)
    app.router.add_get("/gzipped", gzipped)
    app.router.add_get("/stall", stall)
    app.router.add_get("/flaky", flaky)
    app.router.add_get("/down", always_503)
    app.router.add_get("/image.png", image)
    app.router.add_get("/missing", missing)
    return app


async def start(app: web.Application) -> tuple[web.AppRunner, int]:
    runner = web.AppRunner(app, shutdown_timeout=0.1)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    return runner, runner.addresses[0][1]


@pytest.fixture(scope="session")
async def other() -> AsyncIterator[Server]:
    """A second loopback server that is never allowlisted."""
    hits: Counter = Counter()
    runner, port = await start(make_app(hits))
    yield Server(f"http://127.0.0.1:{port}", port, hits)
    await runner.cleanup()


@pytest.fixture(scope="session")
async def server(other: Server) -> AsyncIterator[Server]:
    hits: Counter = Counter()
    runner, port = await start(make_app(hits, other.base))
    yield Server(f"http://127.0.0.1:{port}", port, hits)
    await runner.cleanup()


@pytest.fixture(scope="session")
def article() -> str:
    """The paragraph every test page repeats."""
    return ARTICLE
