"""The article generator: deterministic, distinct, and its expected indicators are really in the text."""

from __future__ import annotations

import re
import time
from datetime import timedelta

import pytest
import yaml

from newsmon.demo.generator import (
    EXPECTED_KEYS,
    SHANGHAI,
    ArticleGenerator,
    GeneratedArticle,
    generate,
    regions,
    vocabulary,
)
from newsmon.extract.metrics import metric_id
from newsmon.extract.regions import gazetteer

CHINESE_VALUES = {"两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10,
                  "二十": 20, "三十": 30, "四十": 40, "五十": 50}
ORDINALS = "一二三四五"
DATE_RE = re.compile(r"\d{1,2}月\d{1,2}日")


@pytest.fixture(scope="module")
def articles() -> list[GeneratedArticle]:
    return generate(2000, seed=7, reprint_share=0.05)


def _number_text(value: float) -> str:
    return f"{value:g}" if value < 1e6 else str(int(value))


def test_same_seed_same_articles_other_seed_other_articles():
    first = [a.to_json() for a in generate(60, seed=3, reprint_share=0.1)]
    assert first == [a.to_json() for a in generate(60, seed=3, reprint_share=0.1)]
    assert [a["title"] for a in first] != [a.title for a in generate(60, seed=4, reprint_share=0.1)]


def test_two_thousand_distinct_articles_fast():
    started = time.perf_counter()
    batch = generate(2000, seed=11)
    assert time.perf_counter() - started < 2.0
    assert len({a.title for a in batch}) == 2000
    assert len({a.text for a in batch}) == 2000
    assert len({a.slug for a in batch}) == 2000
    assert {a.kind for a in batch} == {"economy", "signing", "startup", "park", "community", "release"}


def test_published_times_are_shanghai_and_increasing(articles):
    times = [a.published_at for a in articles]
    assert all(t.tzinfo == SHANGHAI and t.microsecond == 0 for t in times)
    assert times == sorted(times)
    explicit = ArticleGenerator(5).next(times[0] + timedelta(days=400))
    assert explicit.published_at == times[0] + timedelta(days=400)


def test_expected_records_are_complete_and_stated_in_the_text(articles):
    for article in articles:
        for record in article.expected:
            assert tuple(record) == EXPECTED_KEYS
            paragraph = article.paragraphs[record["paragraph"]]
            quote = record["quote"]
            assert quote in paragraph, (article.slug, quote)
            if record["value"] is not None:
                value = record["value"]
                written = [_number_text(value)] + [cn for cn, v in CHINESE_VALUES.items() if v == value]
                assert any(w + (record["unit"] if record["qualifier"] != "余" else "余") in quote
                           or w + record["unit"] in quote for w in written), (quote, record)
                factor = {"亿元": 1e8, "万元": 1e4}.get(record["unit"], 1)
                assert record["value_normalized"] == pytest.approx(value * factor)
                assert record["unit_normalized"] == ("CNY" if factor > 1 else "count")
            if record["growth_pct"] is not None:
                assert f"{abs(record['growth_pct']):g}%" in quote
                assert record["growth_basis"] == ("yoy" if "同比" in quote else "unspecified")
                assert (record["growth_pct"] < 0) == any(w in quote for w in ("下降", "回落"))
            if record["rank"] is not None:
                assert f"{record['rank_scope']}第{ORDINALS[record['rank'] - 1]}" in quote
            if record["qualifier"] is not None:
                assert record["qualifier"] in quote
            if record["period"] is not None:
                assert record["period"] in paragraph
            assert record["metric"] in quote
            assert record["metric_id"] == metric_id(record["metric"])
            assert record["subject"] in article.text or record["subject"] == article.region_name
            assert record["subject_code"] in (None, article.region_code)


def test_every_number_in_the_body_is_expected(articles):
    """Ground truth must be exhaustive: strip quotes, periods and dates, and no digit is left."""
    for article in articles:
        rest = list(article.paragraphs)
        for record in article.expected:
            rest[record["paragraph"]] = rest[record["paragraph"]].replace(record["quote"], "", 1)
        for text in rest:
            text = DATE_RE.sub("", text)
            text = re.sub(r"(?:今年)?1(?:至|—)\d{1,2}月|1月份", "", text)
            assert not re.search(r"\d", text), (article.slug, text)
        for field in (article.title, article.byline, article.caption):
            assert not re.search(r"\d", re.sub(r"1(?:至|—)\d{1,2}月|1月份", "", field)), field


def test_kinds_carry_their_typical_indicators(articles):
    ids = {kind: {r["metric_id"] for a in articles if a.kind == kind for r in a.expected}
           for kind in ("economy", "signing", "startup", "park", "community")}
    assert {"gdp", "industrial_value_added", "fixed_asset_investment", "retail_sales", "fiscal_revenue",
            "tax_revenue"} <= ids["economy"]
    assert {"signed_projects", "signed_amount", "total_investment"} <= ids["signing"]
    assert {"started_projects", "total_investment", "projects"} <= ids["startup"]
    assert {"enterprises", "enterprises_above_scale", "industrial_output"} <= ids["park"]
    assert not any(r["core"] for a in articles if a.kind == "community" for r in a.expected)
    assert any(not a.expected for a in articles), "some articles state no figure at all"
    records = [r for a in articles for r in a.expected]
    assert any(r["qualifier"] == "余" and r["value"] == 10 and "十余" in r["quote"] for r in records)
    assert any(r["growth_pct"] is not None and r["growth_pct"] < 0 for r in records)
    assert any(r["rank"] == 2 for r in records)


def test_texts_are_gbk_encodable(articles):
    for article in articles:
        for text in (article.title, article.text, article.byline, article.caption, article.source):
            text.encode("gbk")


def test_reprints_are_marked_near_copies(articles):
    by_slug = {a.slug: a for a in articles}
    reprints = [a for a in articles if a.reprint_of]
    assert 50 <= len(reprints) <= 160
    for reprint in reprints:
        original = by_slug[reprint.reprint_of]
        assert original.reprint_of is None and original.published_at < reprint.published_at
        assert reprint.text != original.text and reprint.slug != original.slug
        assert original.paragraphs[0] in reprint.paragraphs[0]
        assert reprint.expected == original.expected
    assert not any(a.reprint_of for a in generate(300, seed=7))


def test_regions_are_real_divisions():
    places = gazetteer()
    assert len(regions()) >= 30
    for region in regions():
        division = places.by_code[region.code]
        assert division.name == region.name
        assert division.parent_codes[-1] == region.city_code
        assert places.by_code[region.city_code].name == region.city


def test_vocabulary_has_no_digits_and_wordings_match_metric_ids():
    raw = yaml.safe_dump(vocabulary(), allow_unicode=True)
    assert not re.search(r"\d", raw)
    for metric, wordings in vocabulary()["wordings"].items():
        for wording in wordings:
            assert metric_id(wording) == metric, wording
