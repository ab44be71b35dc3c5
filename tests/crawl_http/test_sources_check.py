"""`newsmon sources check` on the demo site over a real socket: links found, first articles
extracted with the date the crawler would give them, robots.txt and the URL guard applied, and a
plain reason when nothing is found."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import pytest
from typer.testing import CliRunner

from newsmon.cli import app
from newsmon.crawl.check import check_source
from newsmon.crawl.fetcher import Fetcher
from newsmon.crawl.sources import parse_sources
from newsmon.demo.site import DemoSite
from newsmon.settings import Settings


@pytest.fixture
async def demo() -> AsyncIterator[DemoSite]:
    site = DemoSite(seed=5, backlog=0, interval_s=0, portal_backlog=12)
    await site.start("127.0.0.1", 0)
    yield site
    await site.stop()


def sources(base: str, extra: str = "") -> list:
    parsed = parse_sources(f"""base_url: {base}
sources:
  - id: portal
    listing: {{urls: [/gov/tjsj/index.html], max_pages: 2}}
  - id: paper
    epaper: {{edition: "/epaper/html/{{yyyy}}-{{mm}}/{{dd}}/node_1.htm"}}
  - id: admin
    listing: {{urls: [/admin/articles]}}
  - id: wrong
    listing: {{urls: [/gov/tjsj/index.html], link_pattern: "/art/\\\\d+\\\\.html$", max_pages: 1}}
{extra}""")
    assert not parsed.problems, parsed.problems
    return parsed.sources


async def test_check_lists_links_and_extracts_the_first_articles(demo: DemoSite) -> None:
    portal, paper, admin, wrong = sources(demo.base_url)
    settings = Settings(allow_hosts=(demo.base_url.removeprefix("http://"),))
    async with Fetcher(settings) as fetcher:
        listing = await check_source(portal, fetcher, delay_s=0.0)
        edition = await check_source(paper, fetcher, delay_s=0.0)
        robots = await check_source(admin, fetcher, delay_s=0.0)
        nothing = await check_source(wrong, fetcher, delay_s=0.0)
    newest = demo.state.portal.articles[-1]
    assert listing.error is None and len(listing.links) == 12 and len(listing.pages) == 2
    assert listing.links[0] == demo.base_url + newest.path
    first = listing.samples[0]
    assert first.title == newest.article.title and first.chars > 50 and first.first_lines
    assert first.published_at[:10] == f"{newest.article.published_at:%Y-%m-%d}"
    assert first.date_from == ("page" if newest.dated_in_body else "listing")  # the list dates a page without one
    second = demo.state.portal.articles[-2]
    assert listing.samples[1].date_from == ("page" if second.dated_in_body else "listing")

    assert edition.error is None and len(edition.links) == 7 and len(edition.samples) == 2
    assert all(s.date_from == "edition" and s.published_at.endswith("T00:00:00+08:00") for s in edition.samples)
    assert set(edition.link_tags.values()) == {"第01版：要闻", "第02版：经济", "第03版：区县", "第04版：专版"}

    assert robots.error.startswith("robots_disallowed") and robots.links == []
    assert "no article links" in nothing.error and "default rules would take" in nothing.error


async def test_the_url_guard_applies(demo: DemoSite) -> None:
    portal = sources(demo.base_url)[0]
    async with Fetcher(Settings(allow_hosts=())) as fetcher:
        report = await check_source(portal, fetcher, delay_s=0.0)
    assert report.error.startswith("loopback_address") and report.links == []


def test_cli_reports_bad_entries_with_their_line(tmp_path) -> None:
    path = tmp_path / "sources.yaml"
    path.write_text("sources:\n  - id: ok\n    enabled: false\n    feed: https://a.example.cn/rss.xml\n"
                    "  - id: bad\n    listing: {urls: [https://a.example.cn/]}\n    interval_s: -1\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["sources", "check", str(path), "--json"])
    assert result.exit_code == 1
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert lines == [{"id": None, "kind": None, "links": [], "error": lines[0]["error"]}]
    assert lines[0]["error"].startswith("line 5: entry 2 (bad): interval_s:")
