"""Page decoding and extraction under hostile bytes: misdeclared charsets, BOMs, cut characters,
junk markup, giant single lines. Never raises, typed result, and the record built from it passes
news.raw and, enriched, news.enriched."""

from __future__ import annotations

import codecs
import encodings
import encodings.aliases
import json
import pkgutil
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from newsmon import records
from newsmon.crawl.decode import decode_html
from newsmon.crawl.page import EARLIEST, Page, extract_page
from newsmon.crawl.publisher import raw_article
from newsmon.crawl.urls import article_id
from newsmon.process.enrich import enrich_raw
from tests.fuzz.bounds import MB, peak_memory, time_bound
from tests.fuzz.strategies import CHINESE, FUZZ, pages

SCHEMAS = Path(__file__).resolve().parents[2] / "schemas"
URL = "https://news.example.cn/a/1.html"
TASK = {"article_id": article_id(URL), "url": URL, "source_id": "fuzz", "tags": [], "via": "feed"}


def check_decoded(body: bytes, content_type: str | None) -> str:
    with time_bound(subject=(body, content_type)):
        text, codec = decode_html(body, content_type)
    assert isinstance(text, str) and codecs.lookup(codec)
    return text


def check_page(body: bytes, content_type: str | None = None) -> Page:
    """extract_page's contract, and the news.raw record the crawler builds from the page."""
    with time_bound(subject=(body, content_type)):
        page = extract_page(body, url=URL, content_type=content_type)
    assert isinstance(page, Page) and isinstance(page.text, str) and "\x00" not in page.text
    for value in (page.title, page.author, page.site_name, page.canonical_url):
        assert value is None or isinstance(value, str)
    assert codecs.lookup(page.encoding)
    if page.published_at is not None:
        assert page.published_at.tzinfo is not None
        assert EARLIEST <= page.published_at <= datetime.now(timezone.utc) + timedelta(days=2)
    json.dumps(page.to_json(), allow_nan=False).encode()
    records.check(SCHEMAS, "news.raw", raw_article(TASK, page, URL, 200))
    return page


def check_enriched(page: Page) -> None:
    """The processor's step: the raw record, through Kafka's encoding, enriches to a valid bundle."""
    if not page.text.strip():
        return  # the worker dead-letters empty pages instead of publishing them
    value = records.encode(raw_article(TASK, page, URL, 200))
    with time_bound(subject=page.text):
        bundle = enrich_raw(records.decode(SCHEMAS, "news.raw", value))
    records.check(SCHEMAS, "news.enriched", bundle)
    json.dumps(bundle, allow_nan=False).encode()


@FUZZ
@given(st.binary(max_size=4096), st.one_of(st.none(), st.text(max_size=60)))
def test_random_bytes_decode(body, content_type):
    check_decoded(body, content_type)


def python_codec_labels() -> list[str]:
    """Every charset label Python knows, text codecs or not: a page may declare any of them."""
    modules = {module.name for module in pkgutil.iter_modules(encodings.__path__)}
    return sorted(set(encodings.aliases.aliases) | set(encodings.aliases.aliases.values()) | modules)


#: Bytes no codec decodes cleanly, so decode_html walks every step down to its last fallback.
UNDECODABLE = b"<p>" + bytes(range(256)) * 4 + "经济".encode("utf-16-le") + b"\xff\xfe\x00\xd8\x80</p>"


@pytest.mark.parametrize("label", python_codec_labels())
def test_any_declared_codec_label_is_safe(label):
    for content_type, body in ((f"text/html; charset={label}", UNDECODABLE), (None, f'<meta charset="{label}">'.encode() + UNDECODABLE)):
        check_decoded(body, content_type)


#: Codecs a Chinese page may honestly declare, with labels pages use for them.
HONEST = {
    "utf-8": ["utf-8", "UTF8"], "gbk": ["gbk", "GB2312", "gb18030", "cp936"], "gb18030": ["gb18030"],
    "big5": ["big5", "Big5-HKSCS"], "utf-16": ["utf-16"],
}


@FUZZ
@given(
    st.lists(st.one_of(CHINESE, st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5), st.sampled_from("，。、：“”（）《》0123456789abcXYZ %\n")), max_size=300).map("".join),
    st.sampled_from(sorted(HONEST)),
    st.data(),
)
def test_honest_declarations_round_trip(text, codec, data):
    """Whatever the text, a truthful HTTP charset gives back exactly the document."""
    html = f"<html><head><title>t</title></head><body><p>{text}</p></body></html>"
    try:
        body = html.encode(codec)
    except UnicodeEncodeError:
        assume(False)
    label = data.draw(st.sampled_from(HONEST[codec]))
    assert check_decoded(body, f"text/html; charset={label}") == html


@FUZZ
@given(pages())
def test_hostile_pages_extract_and_enrich(page):
    check_enriched(check_page(*page))


@FUZZ
@given(st.binary(max_size=8192), st.one_of(st.none(), st.text(max_size=40)))
def test_random_bytes_extract_and_enrich(body, content_type):
    check_enriched(check_page(body, content_type))


PARAGRAPH = "今年一季度，全市地区生产总值同比增长百分之六点五，规模以上工业增加值稳步提高。"


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"<html><body><p>" + (PARAGRAPH * 12_000).encode("gbk") + b"</p></body></html>", None),
        (b"<p>" + (PARAGRAPH * 12_000).encode("gbk")[:-1], "text/html; charset=utf-8"),
        ((f"<html><body><p>{PARAGRAPH * 12_000}</p></body></html>").encode("utf-16"), None),
        (b'<html><body><p title="' + b"x" * MB + b'">' + PARAGRAPH.encode() + b"</p></body></html>", None),
        (b"<html><body>" + b"<div>" * 100_000 + PARAGRAPH.encode() + b"</body></html>", None),
        (b"<html><body>" + b"<p>&#xD800;&#1114112;&#0;" * 40_000 + b"</body></html>", None),
        (b'<script type="application/ld+json">' + b"[" * MB + b"</script>", None),
        (b"<html><body><p>" + bytes(range(0x80, 0x100)) * 8_000 + b"</p></body></html>", "text/html; charset=gb2312"),
    ],
    ids=["gbk-undeclared", "gbk-cut-misdeclared", "utf-16-bom", "1mb-attribute", "100k-deep", "100k-bad-refs",
         "1mb-json-ld", "1mb-invalid-gb2312"],
)
def test_one_megabyte_pages_are_bounded(body, content_type):
    with peak_memory() as peak:
        check_page(body, content_type)
    assert peak.bytes < 128 * MB, f"peak {peak.bytes / MB:.0f} MB"
