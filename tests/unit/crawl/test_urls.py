"""URL canonicalisation: one article, one canonical URL, one id."""

import pytest

from newsmon.crawl.urls import article_id, canonical_url, host_key


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        ("HTTP://News.Example.COM:80/a/b.html", "http://news.example.com/a/b.html"),
        ("https://example.com:443/x?b=2&a=1", "https://example.com/x?a=1&b=2"),
        ("http://example.com:8080/x", "http://example.com:8080/x"),
        ("http://example.com/x#comments", "http://example.com/x"),
        ("http://example.com/x?utm_source=wx&utm_medium=share&id=7", "http://example.com/x?id=7"),
        ("http://example.com/x?spm=a2c4.1&from=timeline&isappinstalled=0", "http://example.com/x"),
        ("http://example.com/x?UTM_Campaign=c&id=1", "http://example.com/x?id=1"),
        ("http://example.com", "http://example.com/"),
        ("http://例子.中国/新闻?q=经济", "http://xn--fsqu00a.xn--fiqs8s/%E6%96%B0%E9%97%BB?q=%E7%BB%8F%E6%B5%8E"),
        ("http://example.com/s?kw=%D6%D0%CE%C4", "http://example.com/s?kw=%D6%D0%CE%C4"),
        ("http://example.com/s?a=&b=1", "http://example.com/s?a=&b=1"),
    ],
)
def test_canonical_url(url, canonical):
    assert canonical_url(url) == canonical


def test_canonical_url_is_idempotent():
    url = "HTTP://Example.com:80/a/../b/?z=1&utm_term=x&a=%E4%B8%AD#top"
    assert canonical_url(canonical_url(url)) == canonical_url(url)


def test_article_id_ignores_tracking_order_and_fragment():
    a = article_id("https://news.example.cn/2024/0315/123.html?id=9&utm_source=weibo#p2")
    b = article_id("HTTPS://NEWS.example.cn:443/2024/0315/123.html?spm=x.y&id=9")
    assert a == b and len(a) == 20 and int(a, 16) >= 0
    assert article_id("https://news.example.cn/2024/0315/124.html?id=9") != a


@pytest.mark.parametrize(
    ("url", "key"),
    [
        ("http://Example.com/a", "example.com"),
        ("https://example.com:443/a", "example.com"),
        ("http://127.0.0.1:8081/x", "127.0.0.1:8081"),
        ("http://[::1]:8080/x", "[::1]:8080"),
    ],
)
def test_host_key(url, key):
    assert host_key(url) == key


@pytest.mark.parametrize("url", ["http://a.cn:99999/x", "http://[::1", "http://[zz]/", "http://a.cn/\ud800"])
def test_unparseable_url_raises_value_error(url):
    """The documented failure, which feed, sitemap and redirect handling turn into a skip or a refusal."""
    with pytest.raises(ValueError):
        canonical_url(url)
