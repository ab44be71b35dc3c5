"""Sources file: listing and e-paper entries, hints, authority, base_url, bad entries with their
line, and the JSON Schema under schemas/ kept equal to the models."""

from __future__ import annotations

import json

import jsonschema_rs
import yaml

from newsmon.crawl.sources import authority_of, parse_sources, sources_json_schema
from newsmon.settings import REPO_ROOT

GOOD = """base_url: http://www.zhangwan.gov.cn
sources:
  - id: tjsj
    listing:
      urls: /zwgk/tjsj/index.html
      link_pattern: /t\\d{8}_\\d+\\.html$
      page_template: index_{n}.html
    extract: {body: "div.TRS_Editor", date: ".info"}
    region_hint: 张湾区
  - id: paper
    epaper: {system: founder, base: "http://syrb.example.cn/", backfill_days: 7}
    authority: newspaper
  - id: stats
    feed: https://tjj.shiyan.gov.cn/rss.xml
"""


def test_listing_epaper_and_feed_entries_load_relative_to_base_url() -> None:
    result = parse_sources(GOOD)
    assert not result.problems
    tjsj, paper, stats = result.sources
    assert (tjsj.kind, paper.kind, stats.kind) == ("listing", "epaper", "feed")
    assert str(tjsj.listing.urls[0]) == "http://www.zhangwan.gov.cn/zwgk/tjsj/index.html"
    assert tjsj.url() == "http://www.zhangwan.gov.cn/zwgk/tjsj/index.html"
    assert paper.epaper.template() == "http://syrb.example.cn/html/{yyyy}-{mm}/{dd}/node_1.htm"
    assert paper.url() == "http://syrb.example.cn/"
    assert tjsj.extract.body == "div.TRS_Editor" and tjsj.extract.title is None
    assert (tjsj.effective_authority(), paper.effective_authority(), stats.effective_authority()) == (
        "government", "newspaper", "statistics_bureau")


def test_a_given_base_url_replaces_the_files() -> None:
    """`newsmon run --demo-port` and containers point one file at another host or port."""
    tjsj, paper, stats = parse_sources(GOOD, base_url="http://127.0.0.1:18800/").sources
    assert tjsj.url() == "http://127.0.0.1:18800/zwgk/tjsj/index.html"
    assert str(stats.feed) == "https://tjj.shiyan.gov.cn/rss.xml"  # absolute URLs stay


def test_authority_by_host() -> None:
    assert authority_of("https://www.stats.gov.cn/sj/") == "statistics_bureau"
    assert authority_of("http://tjj.hubei.gov.cn/") == "statistics_bureau"
    assert authority_of("http://" + "统计局.example.cn".encode("idna").decode() + "/") == "statistics_bureau"
    assert authority_of("http://www.shiyan.gov.cn/") == "government"
    assert authority_of("https://news.example.com/") is None


BAD = """sources:
  - id: ok
    feed: https://a.example.cn/rss.xml
  - id: two-kinds
    feed: https://a.example.cn/rss.xml
    listing: {urls: [https://a.example.cn/list/]}
  - id: badre
    listing: {urls: [https://a.example.cn/list/], link_pattern: "(unclosed"}
  - id: badcss
    listing:
      urls: [https://a.example.cn/list/]
      link_selector: "ul >> li["
  - id: notemplate
    listing: {urls: [https://a.example.cn/list/], page_template: index.html}
  - id: nodate
    epaper: {edition: "https://paper.example.cn/html/node_1.htm"}
  - id: badhint
    feed: https://a.example.cn/rss.xml
    extract: {body: "div..x"}
  - id: badauthority
    feed: https://a.example.cn/rss.xml
    authority: ministry
  - id: nothing
"""


def test_bad_entries_are_reported_with_line_and_reason() -> None:
    result = parse_sources(BAD)
    assert [s.id for s in result.sources] == ["ok"]
    problems = {p.split(" ", 2)[1].rstrip(":"): p for p in result.problems}
    assert sorted(problems, key=int) == ["4", "7", "9", "13", "15", "17", "20", "23"]
    assert "has feed and listing" in problems["4"] and "(two-kinds)" in problems["4"]
    assert "link_pattern: not a regular expression" in problems["7"]
    assert "link_selector: not a CSS selector" in problems["9"]
    assert "needs '{n}'" in problems["13"]
    assert "date fields" in problems["15"]
    assert "extract.body" in problems["17"]
    assert "authority" in problems["20"]
    assert "needs one of feed, sitemap, listing or epaper" in problems["23"]


def test_schema_file_is_the_models_schema_and_accepts_the_deploy_files() -> None:
    path = REPO_ROOT / "schemas" / "sources.schema.json"
    written = json.loads(path.read_text("utf-8"))
    assert written == sources_json_schema(), "regenerate: newsmon sources schema > schemas/sources.schema.json"
    validator = jsonschema_rs.validator_for(written)
    for name in ("demo.yaml", "china-regional.yaml"):
        text = (REPO_ROOT / "deploy" / "sources" / name).read_text("utf-8")
        assert not parse_sources(text).problems, name
        if name == "china-regional.yaml":  # absolute URLs: the schema sees the file as written
            validator.validate(yaml.safe_load(text))
    assert not validator.is_valid({"sources": [{"id": "x", "listing": {"urls": []}, "color": 1}]})
