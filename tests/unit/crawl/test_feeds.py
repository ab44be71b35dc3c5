"""Feeds and sitemaps: entries out, malformed input reported, entities never expanded."""

import pytest

from newsmon.crawl.feeds import parse_feed, parse_sitemap

RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>某某日报 经济</title>
<item><title>一季度经济运行稳中有进</title><link>https://news.example.cn/a/1.html?utm_source=rss</link>
<guid>news-1</guid><pubDate>Wed, 15 Mar 2023 02:20:00 GMT</pubDate><description>全市生产总值增长</description></item>
<item><title>无链接</title><description>skipped</description></item>
</channel></rss>"""


def test_rss_entries():
    feed = parse_feed(RSS.encode())
    assert feed.error is None and feed.title == "某某日报 经济"
    [entry] = feed.entries
    assert entry.link == "https://news.example.cn/a/1.html"
    assert entry.guid == "news-1" and entry.title == "一季度经济运行稳中有进"
    assert entry.published.isoformat() == "2023-03-15T02:20:00+00:00"


def test_gbk_feed():
    body = RSS.replace('encoding="utf-8"', 'encoding="gb2312"').encode("gbk")
    assert parse_feed(body).entries[0].title == "一季度经济运行稳中有进"


def test_malformed_feed_yields_entries_and_error():
    broken = RSS.replace("</channel></rss>", "<item><title>坏 & 条目</title><link>https://news.example.cn/a/2.html</link>")
    feed = parse_feed(broken.encode())
    assert feed.error
    assert {e.link for e in feed.entries} >= {"https://news.example.cn/a/1.html"}


def test_billion_laughs_is_not_expanded():
    lol = '<!DOCTYPE rss [<!ENTITY a "hahahahahahahahahahaha">' + "".join(
        f'<!ENTITY {chr(98 + i)} "' + f"&{chr(97 + i)};" * 10 + '">' for i in range(9)
    ) + "]>"
    body = RSS.replace('<rss version="2.0">', lol + '<rss version="2.0">').replace("全市生产总值增长", "&j;").encode()
    feed = parse_feed(body)
    assert all(len(e.summary or "") < 1000 for e in feed.entries)


def test_external_entity_is_not_read(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    xxe = f'<!DOCTYPE rss [<!ENTITY x SYSTEM "file://{secret}">]>'
    body = RSS.replace('<rss version="2.0">', xxe + '<rss version="2.0">').replace("全市生产总值增长", "&x;").encode()
    assert "TOP-SECRET" not in repr(parse_feed(body))


def test_feedparser_is_never_handed_a_url():
    feed = parse_feed(b"http://127.0.0.1:1/never-fetched.xml")
    assert feed.entries == []


SITEMAP = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>https://news.example.cn/a/1.html</loc><lastmod>2023-03-15</lastmod></url>
<url><loc>javascript:alert(1)</loc></url></urlset>"""


def test_sitemap_urlset():
    sitemap = parse_sitemap(SITEMAP)
    assert not sitemap.is_index
    assert [(e.loc, e.lastmod) for e in sitemap.entries] == [("https://news.example.cn/a/1.html", "2023-03-15")]


def test_sitemap_index_and_entities():
    body = b"""<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>https://news.example.cn/sitemap-1.xml</loc></sitemap><sitemap><loc>&e;</loc></sitemap></sitemapindex>"""
    sitemap = parse_sitemap(body)
    assert sitemap.is_index and [e.loc for e in sitemap.entries] == ["https://news.example.cn/sitemap-1.xml"]


@pytest.mark.parametrize("body", [b"", b"<html><body>not a sitemap</body></html>", b"\x00\xff"])
def test_not_a_sitemap(body):
    with pytest.raises(ValueError):
        parse_sitemap(body)
