"""The meaning layer (extract/meaning.py): its rule corpus, and the observation keys it yields."""

from datetime import date
from pathlib import Path

import pytest
import yaml

from newsmon.extract.indicators import extract_indicator_dicts
from newsmon.extract.meaning import reference_date, scope_kind_of_name, split_scope
from newsmon.records import check
from newsmon.settings import REPO_ROOT

CORPUS = yaml.safe_load((Path(__file__).parent / "meaning_corpus.yaml").read_text("utf-8"))
PUBLISHED = date.fromisoformat(CORPUS["published_at"])
CASES = [
    pytest.param(case, id=f"{family}-{number}")
    for family, cases in CORPUS["families"].items()
    for number, case in enumerate(cases)
]


def extract(text: str, published: date | None = PUBLISHED, region: str | None = CORPUS["context_region"]) -> list[dict]:
    return extract_indicator_dicts(text, published_at=published, context_region=region)


@pytest.mark.parametrize("case", CASES)
def test_rule_corpus(case):
    records = extract(case["text"])
    remaining = list(records)
    for expected in case["expect"]:
        candidates = [r for r in remaining if expected["quote"] in r["quote"]]
        assert candidates, f"no record quoting {expected['quote']!r} in {[r['quote'] for r in records]}"
        record = candidates[0]
        remaining.remove(record)
        wrong = {k: (v, record.get(k)) for k, v in expected.items() if k != "quote" and record.get(k) != v}
        assert not wrong, f"{expected['quote']}: (expected, got) {wrong}"


def test_scope_names_by_their_last_word():
    assert scope_kind_of_name("房县茶叶产业园项目") == "project"
    assert scope_kind_of_name("纺织业") == "industry"
    assert scope_kind_of_name("新能源产业") == "sector"
    assert scope_kind_of_name("工业") is None
    assert split_scope("化工领域签约项目") == ("sector", "化工领域", "签约项目")
    assert split_scope("规模以上工业增加值") is None


def test_year_from_the_text_when_there_is_no_publication_date():
    assert reference_date("2022年某县国民经济和社会发展统计公报", None) == date(2022, 12, 31)
    records = extract("2022年某县国民经济和社会发展统计公报\n全年全县地区生产总值572.6亿元，比上年增长4.4%。", None, "长宁县")
    assert (records[0]["period_start"], records[0]["period_end"]) == ("2022-01-01", "2022-12-31")


def test_the_same_fact_worded_differently_has_one_key():
    one = extract("上半年，全县地区生产总值156.3亿元。")
    other = extract("1至6月，长宁县完成地区生产总值1563000万元。")
    assert one[0]["observation_key"] and one[0]["observation_key"] == other[0]["observation_key"]
    assert one[0]["period"] != other[0]["period"] and one[0]["unit"] != other[0]["unit"]


def test_a_breakdown_and_its_total_and_a_level_and_its_rate_have_different_keys():
    records = extract("上半年，全县签约项目协议金额165亿元，同比增长12.0%。其中，化工领域协议金额42亿元。")
    total, part = records[0], records[-1]
    assert part["scope_kind"] == "sector" and total["scope_kind"] == "region"
    assert total["observation_key"] != part["observation_key"]
    rate = extract("上半年，全县签约项目协议金额同比增长12.0%。")[0]
    assert rate["measure"] == "growth" and rate["observation_key"] != total["observation_key"]


def test_records_with_the_new_fields_are_schema_valid():
    base = {
        "schema_version": 1, "article_id": "a" * 20, "url": "https://example.cn/a.html", "title": "t",
        "source_id": "s", "source_authority": "statistics_bureau", "published_at": "2024-07-20T08:00:00+08:00",
        "duplicate_of": None,
    }
    schema = yaml.safe_load((REPO_ROOT / "schemas" / "json" / "indicator.v1.schema.json").read_text("utf-8"))
    for seq, record in enumerate(extract(CORPUS["families"]["scope_by_suffix"][0]["text"])):
        full = {**base, "indicator_id": f"{'a' * 20}-{seq:04d}", "seq": seq, **record}
        check(REPO_ROOT / "schemas", "news.indicators", full)
        undeclared = set(full) - set(schema["properties"])
        assert not undeclared, f"fields newsmon writes but the schema does not declare: {undeclared}"
