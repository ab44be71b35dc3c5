"""Polling a listing (pagination, stop at known links, 304) and reading e-paper editions, on
pages served from memory through a stand-in fetch (the real fetcher is tested on sockets)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from newsmon.crawl.epaper import SHANGHAI, edition_date, edition_url, editions_due, next_check, read_edition
from newsmon.crawl.errors import FetchFailed
from newsmon.crawl.fetcher import FetchResult
from newsmon.crawl.listing import poll_listing
from newsmon.crawl.sources import Epaper, Listing


class Pages:
    """URL -> HTML; records requests; 304 when the ETag given matches the page's."""

    def __init__(self, pages: dict[str, str]) -> None:
        self.pages, self.requests = pages, []

    async def __call__(self, url: str, etag: str | None = None, last_modified: str | None = None) -> FetchResult:
        self.requests.append(url)
        if url not in self.pages:
            raise FetchFailed("http_404", url, status=404)
        tag = f'"{hash(self.pages[url]) & 0xffff}"'
        return FetchResult(url, url, 304 if etag == tag else 200, {"content-type": "text/html; charset=utf-8"},
                           b"" if etag == tag else self.pages[url].encode(), tag, None, etag == tag, 0.0)


def list_page(numbers: list[int], next_name: str | None) -> str:
    rows = "".join(f'<li><a href="./2026/12/t20261201_{n}.html">稿件{n}</a><span>2026-12-0{1 + n % 5}</span></li>' for n in numbers)
    nxt = f'<a href="{next_name}">下一页</a>' if next_name else ""
    return f"<html><body><a href='/'>首页</a><ul>{rows}</ul>{nxt}</body></html>"


ROOT = "http://www.a.gov.cn/tjsj/"


def site(first: list[int]) -> Pages:
    return Pages({
        ROOT + "index.html": list_page(first, "index_1.html"),
        ROOT + "index_1.html": list_page([5, 6, 7, 8], "index_2.html"),
        ROOT + "index_2.html": list_page([9, 10], None),
    })


async def test_first_poll_walks_the_pages_later_polls_stop_at_known_links() -> None:
    listing = Listing(urls=[ROOT + "index.html"], max_pages=3)
    pages = site([1, 2, 3, 4])
    first = await poll_listing(listing, pages, known=lambda url: False)
    assert len(first.links) == 10 and len(first.pages) == 3 and not first.errors
    assert first.links[0].date == datetime(2026, 12, 2, tzinfo=SHANGHAI)
    seen = {link.url for link in first.links}

    # unchanged: page 1 answers 304, nothing else is read
    pages.requests.clear()
    again = await poll_listing(listing, pages, known=seen.__contains__, validators=first.validators)
    assert again.not_modified == 1 and again.links == [] and pages.requests == [ROOT + "index.html"]

    # one new link on page 1: page 1, then page 2 (page 1 had news), which has none: stop
    newer = site([11, 1, 2, 3])
    newer.pages[ROOT + "index_1.html"] = list_page([4, 5, 6, 7], "index_2.html")
    later = await poll_listing(listing, newer, known=seen.__contains__, validators=first.validators)
    assert [link.url for link in later.links if link.url not in seen] == [ROOT + "2026/12/t20261201_11.html"]
    assert newer.requests == [ROOT + "index.html", ROOT + "index_1.html"]


async def test_page_template_and_limits() -> None:
    listing = Listing(urls=ROOT + "index.html", page_template="index_{n}.html", max_pages=2)
    pages = site([1, 2, 3, 4])
    found = await poll_listing(listing, pages, known=lambda url: False)
    assert pages.requests == [ROOT + "index.html", ROOT + "index_1.html"] and len(found.links) == 8


async def test_a_failing_index_fails_the_poll() -> None:
    found = await poll_listing(Listing(urls=[ROOT + "missing.html"]), Pages({}), known=lambda url: False)
    assert isinstance(found.failure, FetchFailed) and found.errors


PAPER = "http://paper.a.cn/html/{yyyy}-{mm}/{dd}/node_1.htm"


def edition_pages(day: date) -> dict[str, str]:
    d = f"http://paper.a.cn/html/{day:%Y-%m}/{day:%d}/"
    index = "".join(f'<a id="pageLink" href="node_{p}.htm">第0{p}版：{name}</a>' for p, name in ((1, "要闻"), (2, "经济")))
    other = '<a href="../../2026-11/30/node_1.htm">前一期</a>'
    return {
        d + "node_1.htm": f"<html><body>{index}{other}<ul><li><a href='content_11.htm'>头条</a></li></ul></body></html>",
        d + "node_2.htm": f"<html><body>{index}{other}<ul><li><a href='content_21.htm'>经济稿</a></li></ul>"
                          "<map><area coords='1,2,3,4' href='content_22.htm'></map><a href='/pdf/1.pdf'>PDF</a></body></html>",
    }


async def test_an_edition_is_read_page_by_page_with_area_links_and_page_names() -> None:
    epaper = Epaper(edition=PAPER)
    day = date(2026, 12, 1)
    pages = Pages(edition_pages(day))
    edition = await read_edition(epaper, day, pages)
    assert edition.found and [name for _, name in edition.pages] == ["第01版：要闻", "第02版：经济"]
    assert [(a.url.rsplit("/", 1)[1], a.page) for a in edition.articles] == [
        ("content_11.htm", "第01版：要闻"), ("content_21.htm", "第02版：经济"), ("content_22.htm", "第02版：经济")]
    assert all("2026-11/30" not in url for url in pages.requests)  # another edition's pages are not this one's


async def test_a_missing_edition_is_not_an_error() -> None:
    edition = await read_edition(Epaper(edition=PAPER), date(2026, 12, 2), Pages({}))
    assert not edition.found and edition.articles == []


def test_edition_urls_systems_and_dates() -> None:
    assert edition_url(Epaper(edition=PAPER), date(2026, 3, 5)) == "http://paper.a.cn/html/2026-03/05/node_1.htm"
    founder_pc = Epaper(system="founder_pc", base="https://paper.people.com.cn/rmrb/")
    assert edition_url(founder_pc, date(2024, 1, 8)) == "https://paper.people.com.cn/rmrb/pc/layout/202401/08/node_01.html"
    assert edition_date(date(2026, 12, 1)).isoformat() == "2026-12-01T00:00:00+08:00"


def test_which_editions_are_due_and_when_to_look_again() -> None:
    epaper = Epaper(edition=PAPER, backfill_days=6)
    today = date(2026, 12, 8)
    assert len(editions_due(epaper, today, set(), first_poll=True)) == 7
    done = {f"2026-12-0{d}" for d in range(2, 8)}
    assert editions_due(epaper, today, done, first_poll=False) == [today]
    assert editions_due(Epaper(edition=PAPER), today, set(), first_poll=True) == [today]
    assert editions_due(Epaper(edition=PAPER), today, {"2026-12-08"}, first_poll=False) == [date(2026, 12, 7)]
    now = datetime(2026, 12, 8, 5, 0, tzinfo=UTC)  # 13:00 in Shanghai
    assert next_check(now, True, None) == datetime(2026, 12, 9, 0, 5, tzinfo=SHANGHAI)
    assert (next_check(now, False, None) - now).total_seconds() == 3600
    assert (next_check(now, False, 600) - now).total_seconds() == 600


@pytest.mark.parametrize("entry, reason", [
    ({}, "either `edition`"),
    ({"edition": "http://a.cn/html/node_1.htm"}, "date fields"),
    ({"edition": "http://a.cn/{yyyy}/{month}/node_1.htm"}, "date fields"),
    ({"system": "founder"}, "needs `base`"),
    ({"edition": "http://a.cn/{yyyy}/", "article_pattern": "("}, "regular expression"),
])
def test_bad_epaper_entries(entry: dict, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        Epaper.model_validate(entry)
