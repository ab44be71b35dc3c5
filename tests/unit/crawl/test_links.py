"""Article and next-page links on listing pages (crawl.links)."""

from __future__ import annotations

from datetime import datetime

from newsmon.crawl.links import SHANGHAI, article_links, looks_like_article, next_page, numbered_page, parse_page, site_of

BASE = "http://www.zhangwan.gov.cn/zwgk/tjsj/index.html"
LIST = """<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"><title>统计数据</title>
<link rel="stylesheet" href="/css/main.css"></head><body>
<div class="nav"><a href="/">首页</a> <a href="../tzgg/index.html">通知公告</a> <a href="/zwgk/">政务公开</a>
<a href="http://www.gov.cn/">中国政府网</a></div>
<ul class="list">
<li><a href="./202612/t20261201_4180013.html">张湾区1至11月经济运行情况</a><span>2026-12-01</span></li>
<li><a href="./202611/t20261128_4180001.html">张湾区10月份规模以上工业生产情况</a><span>2026年11月28日</span></li>
<li><a href="http://tjj.zhangwan.gov.cn/art/2026/11/20/art_12_5531.html">区统计局开展统计执法检查</a> [2026/11/20]</li>
<li><a href="https://news.example.com/2026/1120/88123.shtml">转载：外站稿件</a><span>2026-11-20</span></li>
<li><a href="/zwgk/tjsj/files/2026年统计公报.pdf">2026年统计公报（PDF）</a><span>2026-11-18</span></li>
<li><a href="./202611/t20261115_4179990.html?spm=1.2#top">张湾区三季度居民收入情况</a></li>
<li><a href="./202612/t20261201_4180013.html">张湾区1至11月经济运行情况</a><span>2026-12-01</span></li>
</ul>
<map name="m"><area shape="rect" coords="0,0,10,10" href="./202610/t20261030_4179900.html"></map>
<div class="page"><a href="index.html">首页</a> <a href="index_1.html">下一页</a> <a href="index_2.html">尾页</a></div>
</body></html>""".encode("gbk")


def page():
    return parse_page(LIST, BASE, "text/html")


def test_default_rules_pick_same_site_articles_with_their_list_dates() -> None:
    links = article_links(page())
    urls = [link.url for link in links]
    assert urls == [
        "http://www.zhangwan.gov.cn/zwgk/tjsj/202612/t20261201_4180013.html",
        "http://www.zhangwan.gov.cn/zwgk/tjsj/202611/t20261128_4180001.html",
        "http://tjj.zhangwan.gov.cn/art/2026/11/20/art_12_5531.html",
        "http://www.zhangwan.gov.cn/zwgk/tjsj/202611/t20261115_4179990.html",  # tracking and fragment dropped
        "http://www.zhangwan.gov.cn/zwgk/tjsj/202610/t20261030_4179900.html",  # image-map <area>
    ]
    dates = [link.date for link in links]
    assert dates[:3] == [datetime(2026, 12, 1, tzinfo=SHANGHAI), datetime(2026, 11, 28, tzinfo=SHANGHAI),
                         datetime(2026, 11, 20, tzinfo=SHANGHAI)]
    assert dates[3] is None and links[0].text == "张湾区1至11月经济运行情况"


def test_pattern_and_selector_narrow_the_links() -> None:
    assert [link.url.rsplit("/", 1)[1] for link in article_links(page(), pattern=r"/t\d{8}_\d+\.html$")] == [
        "t20261201_4180013.html", "t20261128_4180001.html", "t20261115_4179990.html", "t20261030_4179900.html"]
    selected = article_links(page(), selector="ul.list li")
    assert len(selected) == 4 and all("/2026" in link.url or "/art/" in link.url for link in selected)


def test_next_page_by_text_or_selector_and_numbered_pages() -> None:
    assert next_page(page()) == "http://www.zhangwan.gov.cn/zwgk/tjsj/index_1.html"
    assert next_page(page(), ".page a:last-child") == "http://www.zhangwan.gov.cn/zwgk/tjsj/index_2.html"
    assert next_page(parse_page(b"<html><body><a href='/a/1.html'>x</a></body></html>", BASE)) is None
    assert numbered_page(BASE, "index_{n}.html", 0) == BASE
    assert numbered_page(BASE, "index_{n}.html", 2) == "http://www.zhangwan.gov.cn/zwgk/tjsj/index_2.html"


def test_what_looks_like_an_article() -> None:
    yes = ["http://a.cn/2026/1201/123.html", "http://a.cn/art/2026/11/20/art_1_2.html", "http://a.cn/show.aspx?id=88",
           "http://a.cn/html/2026-12/01/content_20518.htm", "http://a.cn/news/20261201/abc.shtml"]
    no = ["http://a.cn/", "http://a.cn/tjsj/index_3.html", "http://a.cn/list_2.htm", "http://a.cn/about.html",
          "http://a.cn/files/2026/report.pdf", "http://a.cn/img/2026/01/x.jpg", "http://a.cn/node_1234.htm"]
    assert all(looks_like_article(u) for u in yes), [u for u in yes if not looks_like_article(u)]
    assert not any(looks_like_article(u) for u in no), [u for u in no if looks_like_article(u)]


def test_sites() -> None:
    assert site_of("tjj.shiyan.gov.cn") == "shiyan.gov.cn" == site_of("www.shiyan.gov.cn")
    assert site_of("news.example.com") == "example.com" and site_of("127.0.0.1") == "127.0.0.1" != site_of("10.0.0.1")


def test_base_href_and_junk() -> None:
    body = b'<html><head><base href="http://www.a.cn/x/"></head><body><a href="2026/1201/5.html">t</a>' \
           b'<a href="javascript:void(0)">j</a><a href="http://[::1">bad</a></body></html>'
    assert [link.url for link in article_links(parse_page(body, "http://www.a.cn/"))] == ["http://www.a.cn/x/2026/1201/5.html"]
    assert parse_page(b"", "http://a.cn/") is None or article_links(parse_page(b"", "http://a.cn/")) == []
