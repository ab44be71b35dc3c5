"""Page extraction on invented pages: text, dates, bylines, captions, bounded time."""

import time
from datetime import datetime

import pytest

from newsmon.crawl.page import SHANGHAI, extract_page

BODY = (
    "今年以来，我市坚持稳中求进工作总基调，全市经济运行总体平稳、稳中有进，主要经济指标好于预期。"
    "一季度全市实现地区生产总值一千二百亿元，同比增长百分之六点二，增速比全省平均水平高零点八个百分点。"
)
SECOND = "规模以上工业增加值同比增长百分之七点一，其中高技术制造业增加值增长百分之十二点三，拉动作用明显。"
THIRD = "下一步，我市将继续抓好项目建设和招商引资，推动经济持续回升向好，确保完成全年目标任务。"


def portal(header: str = "", head: str = "", tail: str = "", extra: str = "") -> bytes:
    nav = "".join(f'<li><a href="/c{i}">栏目{i}</a></li>' for i in range(12))
    return f"""<html><head><meta charset="utf-8"><title>一季度经济运行情况_某某新闻网</title>{head}</head>
<body><ul class="nav">{nav}</ul>
<div class="main"><h1>一季度全市经济运行稳中有进</h1>
<div class="info">{header}</div>
<div class="article"><p>{BODY}</p>{extra}<p>{SECOND}</p><p>{THIRD}</p>{tail}</div></div>
<div class="footer">版权所有 某某新闻网 联系我们 网站地图 2001-2024</div></body></html>""".encode()


def test_main_text_and_title():
    page = extract_page(portal())
    assert page.text.splitlines() == [BODY, SECOND, THIRD]
    assert "一季度" in (page.title or "")
    assert page.encoding == "utf-8"


@pytest.mark.parametrize(
    ("header", "day"),
    [
        ("发布时间：2023年3月15日 10:20 来源：某某日报", (2023, 3, 15, 10, 20)),
        ("2023-03-15 来源：某某日报", (2023, 3, 15, 0, 0)),
        ("日期: 2023/3/15 08:05:09", (2023, 3, 15, 8, 5)),
        ("发布日期： 3/15/2023 9:23:57 PM", (2023, 3, 15, 21, 23)),
    ],
)
def test_in_page_dates(header, day):
    published = extract_page(portal(header=header)).published_at
    assert published.tzinfo is not None
    assert (published.year, published.month, published.day, published.hour, published.minute) == day
    assert published.utcoffset() == SHANGHAI.utcoffset(datetime(2023, 3, 15))


def test_meta_date_beats_header_and_keeps_instant():
    head = '<meta property="article:published_time" content="2023-03-14T23:30:00+00:00">'
    published = extract_page(portal(head=head, header="2020-01-01")).published_at
    assert published.isoformat() == "2023-03-15T07:30:00+08:00"


def test_json_ld_date_and_author():
    head = '<script type="application/ld+json">{"@type":"NewsArticle","datePublished":"2023-03-15T10:20:00+08:00","author":{"@type":"Person","name":"王小明"}}</script>'
    page = extract_page(portal(head=head))
    assert page.published_at.date().isoformat() == "2023-03-15"
    assert page.author == "王小明"


@pytest.mark.parametrize(
    ("header", "tail", "authors", "absent"),
    [
        ("本报记者 李华 通讯员 张伟 2023-03-15", "", ["李华", "张伟"], []),
        ("作者：陈明 来源：某某日报", "", ["陈明"], ["某某日报"]),
        ("来源：新华社 2023-03-15", "", [], ["新华社"]),
        ("", "<p>（记者 周强 王芳）</p>", ["周强", "王芳"], []),
        ("", "<p>责任编辑：刘洋</p>", ["刘洋"], []),
        ("", "<p>（未完待续）</p>", [], ["未完待续"]),
    ],
)
def test_bylines(header, tail, authors, absent):
    author = extract_page(portal(header=header, tail=tail)).author or ""
    for name in authors:
        assert name in author
    for word in absent:
        assert word not in author
    if not authors:
        assert author == ""


def test_meta_author_that_is_a_site_is_ignored():
    assert extract_page(portal(head='<meta name="author" content="某某新闻网">')).author is None


def test_captions_and_credits_dropped():
    extra = '<p><img src="a.jpg"></p><p>图为工业园区一角。记者 赵六 摄</p><p>新华社发</p>'
    text = extract_page(portal(extra=extra)).text
    assert "摄" not in text and BODY in text


def test_gbk_page_without_meta():
    html = portal().decode().replace('<meta charset="utf-8">', "")
    page = extract_page(html.encode("gbk"))
    assert page.encoding == "gb18030" and BODY in page.text


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"\x00\x01\x02" * 5000,
        bytes(range(256)) * 4000,
        b"<html><body>" + (("经济" * 10 + "<b>x</b>") * 60000).encode() + b"</body></html>",
        b"<html><body><p>" + "增长".encode() * 500_000 + b"</p></body></html>",
        b"<" * 200_000,
    ],
    ids=["empty", "nul", "binary", "one-line-1mb-markup", "one-line-1mb-text", "angles"],
)
def test_junk_and_huge_lines_are_bounded(body):
    started = time.monotonic()
    page = extract_page(body)
    assert isinstance(page.text, str)
    assert time.monotonic() - started < 20


@pytest.mark.parametrize("graph", ["null", "5", '"x"', '{"@type": "NewsArticle"}'])
def test_json_ld_graph_that_is_not_a_list(graph):
    head = f'<script type="application/ld+json">{{"@graph": {graph}, "datePublished": "2023-03-15T10:20:00+08:00"}}</script>'
    assert extract_page(portal(head=head)).published_at.date().isoformat() == "2023-03-15"


@pytest.mark.parametrize("value", ["9999-12-31T23:59:59-12:00", "0001-01-01T00:00:00+14:00"])
def test_meta_date_outside_datetime_range_in_shanghai(value):
    """Such a date used to raise OverflowError; now the page reads as if the tag were absent."""
    assert extract_page(portal(head=f'<meta property="article:published_time" content="{value}">')) == extract_page(portal())


@pytest.mark.parametrize("markup", ["<!--></!-->&#1;", "<p>&#xFFFF;</p>"])
def test_references_to_characters_xml_forbids(markup):
    """lxml refuses these characters when trafilatura or readability copy text between nodes."""
    assert extract_page(portal(extra=markup)).text.splitlines() == [BODY, SECOND, THIRD]


def test_untitled_page_with_a_control_character_heading():
    page = extract_page(f"<html><body><h1>&#28</h1><p>{BODY}</p></body></html>".encode())
    assert page.text == BODY


@pytest.mark.parametrize("markup", ["&#\x00\x0028;", "&#&#1;28;"])
def test_removing_a_character_never_forms_a_reference(markup):
    page = extract_page(f"<html><body><h1>{markup}</h1><p>{BODY}</p></body></html>".encode())
    assert page.text.endswith(BODY)


def test_date_with_an_offset_past_a_day():
    """trafilatura's metadata step runs htmldate, which raised ValueError on this offset."""
    head = '<meta property="article:published_time" content="2023-03-15T10:20:00+68:00">'
    page = extract_page(portal(head=head))
    assert page.text.splitlines() == [BODY, SECOND, THIRD] and page.title


def test_extraction_hints_win_when_they_match() -> None:
    page = """<html><head><title>站点名称</title></head><body><div class="nav">首页 新闻</div>
    <div class="headline">张湾区经济运行稳中向好</div><span class="when">2026-11-30 08:00</span>
    <div class="main"><p>第一段，正文内容足够长，讲述了一季度的经济运行情况和主要指标的变化。</p>
    <p>第二段，介绍下一步工作安排。</p></div><div class="ad">广告：招商热线</div>
    <p class="info">发布时间：2026年12月1日</p></body></html>""".encode()
    hinted = extract_page(page, "http://a.cn/1.html", hints={"body": "div.main", "title": ".headline", "date": ".when"})
    assert hinted.title == "张湾区经济运行稳中向好"
    assert hinted.text.splitlines() == ["第一段，正文内容足够长，讲述了一季度的经济运行情况和主要指标的变化。", "第二段，介绍下一步工作安排。"]
    assert hinted.published_at.isoformat() == "2026-11-30T08:00:00+08:00"
    missing = extract_page(page, "http://a.cn/1.html", hints={"body": "#nothing", "title": None, "date": None})
    assert missing.text == extract_page(page, "http://a.cn/1.html").text and missing.published_at.day == 1
