"""The demo site on a real socket (127.0.0.1, port 0): feeds, conditional GETs, encodings, admin."""

from __future__ import annotations

import asyncio
import html
from collections.abc import AsyncIterator

import aiohttp
import feedparser
import pytest
from aiohttp import web
from aiohttp.test_utils import make_mocked_request
from multidict import CIMultiDict

from newsmon.demo.site import ENCODINGS, DemoSite, _require_loopback

BACKLOG = 20


@pytest.fixture
async def site() -> AsyncIterator[DemoSite]:
    demo = DemoSite(seed=11, backlog=BACKLOG, interval_s=0)
    await demo.start("127.0.0.1", 0)
    yield demo
    await demo.stop()


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


async def _get(http: aiohttp.ClientSession, url: str, **headers: str) -> tuple[int, CIMultiDict, bytes]:
    async with http.get(url, headers=headers) as response:
        return response.status, response.headers.copy(), await response.read()


async def test_feeds_parse_and_list_the_backlog(site, http):
    assert site.base_url.startswith("http://127.0.0.1:")
    seen = []
    for section, url in site.feed_urls().items():
        status, headers, body = await _get(http, url)
        assert status == 200 and headers["Content-Type"].startswith("application/rss+xml")
        feed = feedparser.parse(body)
        assert not feed.bozo, feed.bozo_exception
        expected = [site.url(p) for p in reversed(site.articles) if p.section == section]
        assert [entry.link for entry in feed.entries] == expected
        assert all(entry.published_parsed and entry.title for entry in feed.entries)
        seen += expected
    assert sorted(seen) == sorted(site.url(p) for p in site.articles) and len(seen) == BACKLOG


async def test_unchanged_feed_answers_304(site, http):
    url = site.feed_urls()["news"]
    _, headers, _ = await _get(http, url)
    etag, modified = headers["ETag"], headers["Last-Modified"]
    assert (await _get(http, url, **{"If-None-Match": etag}))[0] == 304
    assert (await _get(http, url, **{"If-Modified-Since": modified}))[0] == 304
    assert (await _get(http, url, **{"If-None-Match": '"other"'}))[0] == 200

    while site.publish_next().section != "news":
        pass
    status, after, body = await _get(http, url, **{"If-None-Match": etag})
    assert status == 200 and after["ETag"] != etag
    assert (await _get(http, url, **{"If-Modified-Since": modified}))[0] == 200
    assert site.url(site.articles[-1]).encode() in body


async def test_admin_publish_adds_an_item_to_its_feed(site, http):
    async with http.post(f"{site.base_url}/admin/publish") as response:
        assert response.status == 200
        answer = await response.json()
    assert answer["url"] == site.url(site.articles[-1]) and len(site.articles) == BACKLOG + 1
    feed = feedparser.parse((await _get(http, answer["feed"]))[2])
    assert feed.entries[0].link == answer["url"] and feed.entries[0].title == answer["title"]

    async with http.post(f"{site.base_url}/admin/publish?reprint=1") as response:
        reprint = await response.json()
    assert reprint["reprint_of"] in {p.article.slug for p in site.articles[:-1]}

    async with http.get(f"{site.base_url}/admin/articles") as response:
        listing = await response.json()
    assert [item["url"] for item in listing] == [site.url(p) for p in site.articles]
    assert listing[0]["article"]["expected"] == site.articles[0].article.expected


async def test_article_pages_carry_the_generated_text_in_their_encoding(site, http):
    assert {(p.charset, p.declared) for p in site.articles} == set(ENCODINGS)
    for published in site.articles:
        article = published.article
        status, headers, body = await _get(http, site.url(published))
        assert status == 200
        content_type = headers["Content-Type"].lower()
        if published.charset == "gbk":
            with pytest.raises(UnicodeDecodeError):
                body.decode("utf-8")
        text = body.decode("gb18030" if published.charset == "gbk" else "utf-8")
        in_header = "charset=" in content_type
        in_page = "charset=" in text[:300]
        assert (in_header, in_page) == {"both": (True, True), "header": (True, False), "none": (False, False),
                                        "meta": (False, True), "http-equiv": (False, True)}[published.declared]
        if in_header:
            assert published.charset in content_type
        assert html.escape(article.title) in text
        for paragraph in article.paragraphs:
            assert html.escape(paragraph) in text
        assert f"发布时间：{article.published_at:%Y-%m-%d %H:%M}" in text
        assert article.byline in text and article.caption.endswith("摄") and html.escape(article.caption) in text
        assert "当前位置" in text and "相关新闻" in text


async def test_other_pages(site, http):
    status, _, body = await _get(http, f"{site.base_url}/robots.txt")
    assert status == 200 and b"Disallow: /admin/" in body
    status, _, body = await _get(http, f"{site.base_url}/sitemap.xml")
    assert status == 200 and body.count(b"<loc>") == BACKLOG
    for path in ("/", "/news/", "/investment/"):
        status, _, body = await _get(http, site.base_url + path)
        assert status == 200 and b"/news/" in body
    assert (await _get(http, f"{site.base_url}/news/2020/01/t20200101_1.html"))[0] == 404


async def test_interval_publishes_on_its_own():
    demo = DemoSite(seed=2, backlog=1, interval_s=0.05)
    await demo.start()
    try:
        for _ in range(100):
            if len(demo.articles) >= 3:
                break
            await asyncio.sleep(0.05)
        assert len(demo.articles) >= 3
    finally:
        await demo.stop()


@pytest.mark.parametrize(("peer", "allowed"), [("127.0.0.1", True), ("::1", True), ("10.1.2.3", False)])
def test_admin_answers_loopback_only(peer, allowed):
    class Transport:
        def get_extra_info(self, name, default=None):
            return (peer, 50000) if name == "peername" else default

    request = make_mocked_request("POST", "/admin/publish", transport=Transport())
    if allowed:
        _require_loopback(request)
    else:
        with pytest.raises(web.HTTPForbidden):
            _require_loopback(request)


def test_default_sources_file_points_at_the_demo_feeds():
    from newsmon.crawl.sources import parse_sources
    from newsmon.demo.site import SECTIONS
    from newsmon.settings import REPO_ROOT

    for name in ("demo.yaml", "china-regional.yaml"):
        assert not parse_sources((REPO_ROOT / "deploy" / "sources" / name).read_text("utf-8")).problems
    parsed = parse_sources((REPO_ROOT / "deploy" / "sources" / "demo.yaml").read_text("utf-8"))
    feeds = {s.url() for s in parsed.sources if s.enabled and s.kind == "feed"}
    assert feeds == {f"http://127.0.0.1:8800{feed}" for _, _, feed in SECTIONS.values()}
    others = {s.id: s for s in parsed.sources if s.enabled and s.kind != "feed"}
    assert [str(u) for u in others["demo-portal"].listing.urls] == ["http://127.0.0.1:8800/gov/tjsj/index.html"]
    assert others["demo-epaper"].epaper.template() == "http://127.0.0.1:8800/epaper/html/{yyyy}-{mm}/{dd}/node_1.htm"
