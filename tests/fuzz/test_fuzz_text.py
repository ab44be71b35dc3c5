"""The cleaner, the extractor and the processor's enrich step under hostile text: controls, mixed
scripts, full-width forms, absurd numbers, megabyte single lines. Never raises, bounded, and the
bundle passes news.enriched as strict JSON."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsmon import records
from newsmon.crawl.urls import article_id
from newsmon.extract.indicators import extract_indicators, indicator_to_dict
from newsmon.process.enrich import enrich_raw
from newsmon.text.clean import clean
from tests.fuzz.bounds import HANG_S, MB, peak_memory, time_bound
from tests.fuzz.strategies import AWKWARD, CHINESE, FUZZ, HOSTILE_TEXT

SCHEMAS = Path(__file__).resolve().parents[2] / "schemas"
URL = "https://news.example.cn/a/1.html"

NUMBERS = st.one_of(
    st.integers(-10**30, 10**30).map(str),
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
    st.sampled_from(["1e308", "1e-320", "9" * 400, "0" * 50 + "1", "1,234,567.89", "1.2.3", "１２．５", "三千五百亿", "十万八千",
                     "两万九千九百九十九点九九", "百分之五十", "负3.5", "−2.1", "零点零零一", "NaN", "inf"]),
)
PHRASES = st.sampled_from([
    "全市地区生产总值", "同比增长", "下降", "增长率", "个百分点", "亿元", "万元", "吨", "%", "％", "规模以上工业增加值",
    "社会消费品零售总额", "固定资产投资", "排名全省第", "位居", "张湾区", "茅箭区", "十堰市", "湖北省", "全市", "我区",
    "一季度", "上半年", "1-11月", "2023年", "去年同期", "本报记者 李华", "图为工业园区一角。记者 赵六 摄", "。", "，", "；",
    "\n", "\r\n", "\n\n", "\u2028", "\x85",
])
ARTICLE_TEXT = st.one_of(
    HOSTILE_TEXT,
    st.lists(st.one_of(PHRASES, PHRASES, NUMBERS, CHINESE, AWKWARD), max_size=80).map("".join),
)
#: date-time values news.raw accepts: any year, whole-minute offsets.
TIMES = st.one_of(
    st.none(),
    st.builds(
        lambda when, minutes: when.replace(tzinfo=timezone(timedelta(minutes=minutes))).isoformat(),
        st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30)),
        st.integers(-23 * 60, 23 * 60),
    ),
)


def raw_record(text: str, title: str = "", published_at: str | None = None, region_hint: str | None = None) -> dict:
    """A news.raw record around `text`, as the crawler or ingest would publish it."""
    return {
        "schema_version": 1, "article_id": article_id(URL), "url": URL, "canonical_url": URL, "source_id": "fuzz",
        "source_name": None, "site": "news.example.cn", "region_hint": region_hint, "tags": [], "title": title,
        "text": text, "author": None, "published_at": published_at, "fetched_at": "2024-03-15T02:20:00+00:00",
        "encoding": "utf-8", "http_status": 200, "via": "feed",
    }


def check_enriched(raw: dict) -> dict:
    """The processor's path: raw through Kafka's encoding, enriched, validated, sent as strict JSON."""
    value = records.encode(raw)
    with time_bound(subject=raw["text"]):
        bundle = enrich_raw(records.decode(SCHEMAS, "news.raw", value))
    records.check(SCHEMAS, "news.enriched", bundle)
    json.dumps(bundle, allow_nan=False)
    assert records.decode(SCHEMAS, "news.enriched", records.encode(bundle)) == bundle
    body = bundle["article"]["body"]
    for indicator in bundle["indicators"]:
        assert body[indicator["quote_start"] : indicator["quote_end"]] == indicator["quote"]
    return bundle


@FUZZ
@given(ARTICLE_TEXT, HOSTILE_TEXT, TIMES, st.one_of(st.none(), st.sampled_from(["420302", "十堰市", "", "999999"]), HOSTILE_TEXT))
def test_hostile_articles_enrich_to_valid_bundles(text, title, published_at, region_hint):
    check_enriched(raw_record(text, title, published_at, region_hint))


def check_text(text: str) -> None:
    """clean + extract on one big input: within the hang bound, typed records, bounded memory."""
    with time_bound(3 * HANG_S, subject=text[:200]), peak_memory() as peak:  # tracemalloc costs 3-6x
        cleaned = clean(text)
        found = [indicator_to_dict(indicator) for indicator in extract_indicators(cleaned)]
    assert isinstance(cleaned.text, str) and all(isinstance(record["quote"], str) for record in found)
    assert peak.bytes < 256 * MB, f"peak {peak.bytes / MB:.0f} MB"


def one_line(unit: str, size: int = MB) -> str:
    return (unit * (size // len(unit) + 1))[:size]


@pytest.mark.parametrize(
    "unit",
    [
        "全市地区生产总值同比增长5.3%，", "1234567890", "１２３４５．６７％，ＡＢＣ", "\x01\x1b\u200b\ufeffe\u0301\u202e\x85",
        "（", "“", " \u3000\t", "九千九百九十九亿元", "𠀀𪚥😀", "经济运行稳中向好",
    ],
    ids=["growth-clauses", "digits", "full-width", "controls", "open-brackets", "open-quotes", "spaces", "numerals",
         "astral", "no-punctuation"],
)
def test_one_megabyte_single_line_text(unit):
    check_text(one_line(unit))


def test_one_megabyte_paragraph_of_indicators_with_regions():
    text = one_line("张湾区1月至11月，规上工业增加值增长10.5%，排名全市第一。")
    with time_bound(subject=text[:200]):
        extract_indicators(clean(text))


def test_ten_thousand_indicators_still_validate():
    check_enriched(raw_record("\n\n".join(["全市地区生产总值同比增长5.3%。"] * 10_001)))


def test_lone_surrogate_is_refused_and_a_pair_is_text():
    """A lone surrogate is not text: refused at decode (dead-lettered), not left to break an encode."""
    value = records.encode(raw_record("全市地区生产总值同比增长5.3%。"))
    with pytest.raises(records.InvalidRecord) as refused:
        records.decode(SCHEMAS, "news.raw", value.replace("5.3%".encode(), b"5.3%\\ud800"))
    assert refused.value.reason == "invalid_unicode"
    raw = records.decode(SCHEMAS, "news.raw", value.replace("5.3%".encode(), b"5.3%\\ud83d\\ude00"))
    assert "5.3%\U0001f600" in raw["text"]
    records.encode(enrich_raw(raw))
