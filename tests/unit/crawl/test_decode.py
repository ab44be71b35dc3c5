"""Decoding: declared, undeclared and wrongly declared Chinese pages, never mojibake."""

import codecs

import pytest

from newsmon.crawl.decode import decode_html

ARTICLE = "<p>今年一季度，全区地区生产总值同比增长百分之六点五，规模以上工业增加值稳步提高，固定资产投资持续增长。</p>"


def page(meta: str = "") -> str:
    return f"<html><head>{meta}<title>经济运行情况</title></head><body>{ARTICLE}</body></html>"


@pytest.mark.parametrize(
    ("body", "content_type", "codec"),
    [
        (page().encode("utf-8"), None, "utf-8"),
        (page().encode("gbk"), None, "gb18030"),
        (page().encode("gb2312"), None, "gb18030"),
        (page('<meta charset="gb2312">').encode("gbk"), None, "gb18030"),
        (page('<meta http-equiv="Content-Type" content="text/html; charset=GBK">').encode("gbk"), None, "gb18030"),
        (page().encode("gbk"), "text/html; charset=gb2312", "gb18030"),
        (page('<meta charset="utf-8">').encode("gbk"), None, "gb18030"),
        (page().encode("gbk"), "text/html; charset=utf-8", "gb18030"),
        (page().encode("gbk"), "text/html; charset=iso-8859-1", "gb18030"),
        (codecs.BOM_UTF8 + page('<meta charset="gbk">').encode("utf-8"), None, "utf-8-sig"),
        (page().encode("utf-8"), "text/html; charset=nonsense-charset", "utf-8"),
    ],
)
def test_decodes_without_mojibake(body, content_type, codec):
    text, used = decode_html(body, content_type)
    assert used == codec
    assert "全区地区生产总值" in text or "全區地區生產總值" in text
    assert "\ufffd" not in text


def test_big5_without_declaration():
    body = "<html><body><p>今年一季度，全區地區生產總值同比增長，規模以上工業增加值穩步提高。</p></body></html>".encode("big5")
    text, used = decode_html(body)
    assert used == "big5hkscs" and "全區地區生產總值" in text


def test_gbk_extension_characters_under_gb2312_label():
    body = page('<meta charset="gb2312">').replace("全区", "全区镕").encode("gbk")  # 镕 is GBK, not GB2312
    text, _ = decode_html(body)
    assert "全区镕" in text


def test_truncated_character_is_dropped_not_replaced():
    body = page().encode("gbk") + "<p>截断".encode("gbk")[:-1]
    text, used = decode_html(body)
    assert used == "gb18030" and "\ufffd" not in text and "全区地区生产总值" in text


def test_xml_declaration():
    body = '<?xml version="1.0" encoding="GB2312"?><rss><channel><title>新闻</title></channel></rss>'.encode("gb2312")
    assert decode_html(body) == ('<?xml version="1.0" encoding="GB2312"?><rss><channel><title>新闻</title></channel></rss>', "gb18030")


@pytest.mark.parametrize("body", [b"", b"\x00" * 100, bytes(range(256)) * 40, b"\xff\xfe\xfd" * 1000])
def test_junk_never_raises(body):
    text, used = decode_html(body)
    assert isinstance(text, str) and used


@pytest.mark.parametrize("label", ["base64", "zlib", "rot13", "idna", "punycode", "undefined", "hex"])
def test_codec_that_is_no_charset_is_ignored(label):
    """Python codecs that are not charsets, or cannot skip bad bytes, used to raise from the last fallback."""
    body = page().encode("gbk") + b"\xff\x80\xfe"
    for text, _ in (decode_html(body, f"text/html; charset={label}"), decode_html(f'<meta charset="{label}">'.encode() + body)):
        assert "全区地区生产总值" in text
