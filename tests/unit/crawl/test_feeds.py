"""Feeds and sitemaps: entries out, malformed input reported, entities never expanded."""

import time

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


@pytest.mark.parametrize(
    ("refs", "title"),
    [("&#xD800;", "\ufffd"), ("&#55357;&#56832;", "😀"), ("&#xD83D;&#xDE00;", "😀"), ("&#1114112;", "\ufffd"), ("&#99999999999;", "\ufffd")],
)
def test_character_references_to_no_character(refs, title):
    """feedparser's loose parser crashed on these; a UTF-16 pair written as two references is joined."""
    malformed = RSS.replace("全市生产总值增长", "增长 & 下降")  # a bare "&" sends feedparser to its loose parser
    feed = parse_feed(malformed.replace("一季度经济运行稳中有进", refs).encode())
    assert feed.entries[0].title == title


@pytest.mark.parametrize("link", ["http://news.example.cn:99999/a", "http://[::1", "http://[zz]/a"])
def test_unparseable_link_skips_only_its_entry(link):
    body = RSS.replace("</channel>", f"<item><title>坏链接</title><link>{link}</link></item></channel>").encode()
    assert [e.link for e in parse_feed(body).entries] == ["https://news.example.cn/a/1.html"]


def test_date_past_year_9999_is_dropped():
    body = RSS.replace("Wed, 15 Mar 2023 02:20:00 GMT", "9999-12-31T23:59:59-12:00").encode()
    [entry] = parse_feed(body).entries
    assert entry.published is None and entry.title == "一季度经济运行稳中有进"


def test_misdeclared_feed_with_long_words_is_parsed_quickly():
    """feedparser's chardet fallback is quadratic in runs of letters (20k took 25 s); it is never reached now."""
    body = RSS.encode().replace("全市生产总值增长".encode(), b"\x80 " + b"a" * 50_000 + b" ")
    started = time.monotonic()
    assert parse_feed(body).entries
    assert time.monotonic() - started < 10


def test_utf16_feed_loses_its_doctype_too():
    """The DOCTYPE is stripped from the decoded text, so a UTF-16 feed cannot declare entities either."""
    body = (
        '<?xml version="1.0" encoding="utf-16"?><!DOCTYPE rss [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>'
        '<rss version="2.0"><channel><item><title>&b;</title><link>https://news.example.cn/a/1.html</link></item></channel></rss>'
    )
    feed = parse_feed(body.encode("utf-16"))
    assert feed.entries and "lol" not in repr(feed)


def test_sitemap_skips_unparseable_locations():
    body = SITEMAP.replace(b"javascript:alert(1)", b"http://news.example.cn:99999/x")
    assert [e.loc for e in parse_sitemap(body).entries] == ["https://news.example.cn/a/1.html"]


@pytest.mark.parametrize(
    "body",
    ['<feed xmlns="http://a.cn/\u00a0x\u00a0y"><entry><id>1</id></entry></feed>'.encode(), b"<item<link<channel</item</link<"],
    ids=["no-break-spaces-in-namespace", "tag-soup"],
)
def test_feedparser_crash_is_a_malformed_feed(body):
    """feedparser raised on these (xml.sax splits names at any whitespace; KeyError on the tag soup)."""
    feed = parse_feed(body)
    assert feed.entries == [] and feed.error


@pytest.mark.parametrize("element", ["updated_parsed", "published_parsed"])
def test_element_named_like_a_parsed_date(element):
    """feedparser files unknown elements under their own name, over its parsed dates."""
    body = RSS.replace("<pubDate>Wed, 15 Mar 2023 02:20:00 GMT</pubDate>", f"<{element}>x</{element}>").encode()
    [entry] = parse_feed(body).entries
    assert entry.published is None and entry.link == "https://news.example.cn/a/1.html"
