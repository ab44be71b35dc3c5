"""The demo site's government portal and e-paper on a real socket: what a listing or e-paper
source must cope with is really there (GBK, pagination, relative links, list dates, area maps,
column-wrapped text, a scanned page, 404 outside the seven editions)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import date, timedelta

import aiohttp
import pytest

from newsmon.demo import epaper, portal
from newsmon.demo.site import DemoSite


@pytest.fixture
async def site() -> AsyncIterator[DemoSite]:
    demo = DemoSite(seed=11, backlog=0, interval_s=0, portal_backlog=20)
    await demo.start("127.0.0.1", 0)
    yield demo
    await demo.stop()


async def get(url: str, **headers: str) -> tuple[int, dict, bytes]:
    async with aiohttp.ClientSession() as http, http.get(url, headers=headers) as response:
        return response.status, response.headers.copy(), await response.read()


async def test_portal_lists_are_paginated_gbk_with_relative_links_and_dates(site: DemoSite) -> None:
    status, headers, body = await get(site.portal_url())
    assert status == 200 and "charset" not in headers["Content-Type"]
    text = body.decode("gbk")
    assert 'charset=gb2312' in text and '下一页</a>' in text and 'href="index_1.html"' in text
    rows = re.findall(r'<li><a href="(\./\d{6}/t\d{8}_\d+\.html)".*?<span class="date">(\d{4}-\d\d-\d\d)</span>', text)
    assert len(rows) == portal.PER_PAGE
    newest = site.state.portal.articles[-1]
    assert rows[0] == (f"./{newest.article.published_at:%Y%m}/{newest.article.slug}.html", f"{newest.article.published_at:%Y-%m-%d}")
    statuses = [(await get(f"{site.base_url}/gov/tjsj/{name}"))[0] for name in ("index_1.html", "index_2.html", "index_3.html")]
    assert statuses == [200, 200, 404]  # 20 articles: 8 + 8 + 4
    again = await get(site.portal_url(), **{"If-None-Match": headers["ETag"]})
    assert again[0] == 304
    site.publish_portal()
    assert (await get(site.portal_url(), **{"If-None-Match": headers["ETag"]}))[0] == 200


async def test_portal_articles_date_in_body_but_never_in_meta(site: DemoSite) -> None:
    for published in site.state.portal.articles[:3]:
        status, _, body = await get(site.base_url + published.path)
        text = body.decode("gbk")
        assert status == 200 and published.article.title in text
        assert "<meta name=\"PubDate\"" not in text and "published_time" not in text
        assert (f"发布日期：{published.article.published_at:%Y-%m-%d}" in text) == published.dated_in_body
    assert [p.dated_in_body for p in site.state.portal.articles[:3]] == [True, True, False]


async def test_epaper_pages_have_page_lists_area_maps_and_column_text(site: DemoSite) -> None:
    today = site.state.today()
    base = f"{site.base_url}{epaper.edition_dir(today)}"
    status, _, body = await get(base + "node_2.htm")
    page = body.decode()
    assert status == 200 and page.count('id="pageLink"') == len(epaper.PAGES) and "第02版：经济" in page
    on_page = [a for a in epaper.edition(11, today) if a.page == 2]
    areas = re.findall(r'<area [^>]*href="(content_\d+\.htm)"', page)
    listed = re.findall(r'<li><a href="(content_\d+\.htm)"', page)
    assert areas == [f"content_{a.number}.htm" for a in on_page] and listed == areas[:-1]  # one only on the map
    article = on_page[0]
    text = (await get(base + f"content_{article.number}.htm"))[2].decode()
    lines = re.findall(r"^(.*?)<br>$", text, re.M)
    assert lines and max(len(line) for line in lines) <= max(epaper.WIDTHS)
    scanned = [a for a in epaper.edition(11, today) if a.page == len(epaper.PAGES)][0]
    assert len(scanned.stories) == 2 and all(s.title in scanned.lines and s.byline in scanned.lines for s in scanned.stories)


async def test_seven_editions_then_404(site: DemoSite) -> None:
    today = site.state.today()
    for k, expected in ((0, 200), (6, 200), (7, 404), (-1, 404)):
        day = today - timedelta(days=k)
        assert (await get(f"{site.base_url}{epaper.edition_dir(day)}node_1.htm"))[0] == expected, k
    assert (await get(f"{site.base_url}{epaper.edition_dir(today)}node_9.htm"))[0] == 404


def test_editions_are_the_same_whatever_the_order() -> None:
    day = date(2026, 12, 1)
    first = epaper.edition(3, day)
    epaper.edition.cache_clear()
    epaper.edition(3, day - timedelta(days=1))
    assert epaper.edition(3, day) == first
    assert len(first) == (len(epaper.PAGES) - 1) * epaper.PER_PAGE + 1


def test_section_articles_are_the_ground_truth(site: DemoSite) -> None:
    listed = site.section_articles()
    assert sum(1 for a in listed if a["section"] == "portal") == 20
    assert sum(1 for a in listed if a["section"] == "epaper") == 7 * 7
    assert all(a["stories"] and a["stories"][0]["expected"] is not None for a in listed)
