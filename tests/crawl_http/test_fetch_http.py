"""The fetcher against a real server on 127.0.0.1 (allowlisted as exactly "127.0.0.1:PORT")."""

from __future__ import annotations

import time

import pytest

from newsmon.crawl.errors import BadContentType, FetchFailed, RefusedURL, RobotsDisallowed, TooLarge
from newsmon.crawl.feeds import parse_feed
from newsmon.crawl.fetcher import Fetcher
from newsmon.crawl.page import extract_page
from newsmon.crawl.urls import article_id
from newsmon.settings import Settings




def settings_for(server, **overrides) -> Settings:
    values = dict(allow_hosts=(f"127.0.0.1:{server.port}",), fetch_timeout_s=2.0, fetch_retries=2, max_redirects=5)
    values.update(overrides)
    return Settings(**values)


@pytest.fixture
async def fetcher(server):
    async with Fetcher(settings_for(server), backoff_initial_s=0.01, backoff_max_s=0.05) as fetcher:
        yield fetcher


@pytest.mark.parametrize("name", ["gbk-meta", "gbk-plain", "gb2312-header", "gb2312-meta", "utf8"])
async def test_chinese_pages_decode(fetcher, server, article, name):
    result = await fetcher.fetch(f"{server.base}/page/{name}")
    assert result.status == 200 and not result.not_modified
    page = extract_page(result.body, url=result.final_url, content_type=result.content_type)
    assert article in page.text
    assert page.encoding == ("utf-8" if name == "utf8" else "gb18030")


async def test_gzip_is_decoded(fetcher, server, article):
    result = await fetcher.fetch(f"{server.base}/gzipped")
    assert article in result.body.decode()


async def test_feed_then_304(fetcher, server):
    first = await fetcher.fetch(f"{server.base}/feed.xml")
    assert first.etag == '"v1"' and first.last_modified
    assert parse_feed(first.body, url=first.final_url).entries[0].link == f"{server.base}/news/1.html"
    again = await fetcher.fetch(f"{server.base}/feed.xml", etag=first.etag, last_modified=first.last_modified)
    assert again.not_modified and again.status == 304 and again.body == b"" and again.etag == '"v1"'


async def test_malformed_feed(fetcher, server):
    result = await fetcher.fetch(f"{server.base}/bad-feed.xml")
    feed = parse_feed(result.body, url=result.final_url)
    assert feed.error and feed.entries


async def test_redirect_loop(fetcher, server):
    with pytest.raises(FetchFailed) as caught:
        await fetcher.fetch(f"{server.base}/loop/a")
    assert caught.value.reason == "redirect_loop"


async def test_redirects_followed_and_bounded(server):
    async with Fetcher(settings_for(server, max_redirects=3)) as fetcher:
        result = await fetcher.fetch(f"{server.base}/chain/2")
        assert result.final_url == f"{server.base}/page/utf8" and len(result.redirects) == 3
        with pytest.raises(FetchFailed) as caught:
            await fetcher.fetch(f"{server.base}/chain/5")
    assert caught.value.reason == "too_many_redirects"


@pytest.mark.parametrize("path", ["/to-other", "/to-localhost", "/to-metadata"])
async def test_redirect_to_unlisted_internal_address_is_refused(fetcher, server, other, path):
    before = sum(other.hits.values())
    with pytest.raises(RefusedURL) as caught:
        await fetcher.fetch(f"{server.base}{path}")
    assert caught.value.reason in {"loopback_address", "metadata_address", "link_local_address"}
    assert sum(other.hits.values()) == before


async def test_unlisted_loopback_port_refused_directly(fetcher, other):
    with pytest.raises(RefusedURL):
        await fetcher.fetch(f"{other.base}/page/utf8")


async def test_robots_disallow(fetcher, server):
    with pytest.raises(RobotsDisallowed) as caught:
        await fetcher.fetch(f"{server.base}/private/secret")
    assert caught.value.reason == "robots_disallowed" and not caught.value.transient
    assert server.hits["/private/secret"] == 0


async def test_huge_page_aborted_at_cap(server):
    async with Fetcher(settings_for(server, max_page_bytes=10 * 1024 * 1024, fetch_timeout_s=20)) as fetcher:
        started = time.monotonic()
        with pytest.raises(TooLarge) as caught:
            await fetcher.fetch(f"{server.base}/huge")
    assert caught.value.reason == "too_large" and time.monotonic() - started < 15


async def test_gzip_bomb_stops_at_cap(server):
    async with Fetcher(settings_for(server, max_page_bytes=1024 * 1024, fetch_timeout_s=20)) as fetcher:
        with pytest.raises(TooLarge):
            await fetcher.fetch(f"{server.base}/bomb")


async def test_stalled_server_times_out(server):
    async with Fetcher(settings_for(server, fetch_timeout_s=0.5, fetch_retries=1), backoff_initial_s=0.01) as fetcher:
        started = time.monotonic()
        with pytest.raises(FetchFailed) as caught:
            await fetcher.fetch(f"{server.base}/stall")
    assert caught.value.reason == "timeout" and caught.value.transient
    assert time.monotonic() - started < 5


async def test_retries_503_then_succeeds(fetcher, server):
    result = await fetcher.fetch(f"{server.base}/flaky")
    assert result.status == 200 and server.hits["/flaky"] == 3


async def test_retries_are_bounded(fetcher, server):
    with pytest.raises(FetchFailed) as caught:
        await fetcher.fetch(f"{server.base}/down")
    assert caught.value.reason == "http_503" and caught.value.status == 503 and caught.value.transient
    assert server.hits["/down"] == 3  # fetch_retries=2: one try and two retries


async def test_404_is_permanent(fetcher, server):
    with pytest.raises(FetchFailed) as caught:
        await fetcher.fetch(f"{server.base}/missing")
    assert caught.value.reason == "http_404" and not caught.value.transient


async def test_bad_content_type(fetcher, server):
    with pytest.raises(BadContentType) as caught:
        await fetcher.fetch(f"{server.base}/image.png")
    assert caught.value.reason == "bad_content_type"


async def test_tracking_duplicates_share_an_id(fetcher, server):
    a = await fetcher.fetch(f"{server.base}/news/7.html?utm_source=weibo&utm_medium=social")
    b = await fetcher.fetch(f"{server.base}/news/7.html?spm=a.b.c#comments")
    assert article_id(a.final_url) == article_id(b.final_url) == article_id(f"{server.base}/news/7.html")
