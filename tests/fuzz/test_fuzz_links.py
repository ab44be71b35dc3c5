"""Listing and e-paper link picking under hostile pages: never raises, bounded time, and every
link it returns is an absolute http(s) URL on the page's site with a plausible date or none."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from newsmon.crawl.links import article_links, next_page, parse_page, same_site
from tests.fuzz.bounds import time_bound
from tests.fuzz.strategies import FUZZ, pages

BASE = "http://www.example.gov.cn/tjsj/index.html"
HREFS = st.sampled_from([
    "./202612/t20261201_1.html", "../x/2026/1201/5.html", "javascript:void(0)", "http://[::1", "//evil.example.com/1234.html",
    "content_12.htm", "node_2.htm", "?id=99", "#top", "mailto:a@b.cn", "http://www.example.gov.cn:99999/1234.html",
    "\x00\ud800/12345.html", "http://xn--/12345.html", "HTTP://WWW.EXAMPLE.GOV.CN/2026/01/a.html", " \t/a/20260101.html ",
])


@st.composite
def listings(draw) -> bytes:
    rows = draw(st.lists(st.tuples(HREFS, st.text(max_size=30), st.sampled_from(["", "2026-12-01", "2026年13月40日", "9999-99-99"])),
                         max_size=30))
    body = "".join(f'<li><a href="{h}">{t}</a><span>{d}</span></li><area href="{h}">' for h, t, d in rows)
    return f"<html><head><base href='{draw(HREFS)}'></head><body><ul>{body}</ul><a href='{draw(HREFS)}'>下一页</a></body></html>".encode(
        "utf-8", "surrogatepass")


def check(body: bytes, content_type: str | None = None) -> None:
    with time_bound(subject=body[:200]):
        page = parse_page(body, BASE, content_type)
        if page is None:
            return
        for selector, pattern in ((None, None), ("li", None), (None, r"\d{4}")):
            for link in article_links(page, selector=selector, pattern=pattern):
                assert link.url.startswith(("http://", "https://")) and same_site(link.url, page.base)
                assert link.date is None or 1900 < link.date.year < 2100
        nxt = next_page(page)
        assert nxt is None or nxt.startswith(("http://", "https://"))


@FUZZ
@given(listings())
def test_listing_pages(body: bytes) -> None:
    check(body)


@FUZZ
@given(pages())
def test_hostile_pages(page: tuple[bytes, str | None]) -> None:
    check(*page)
