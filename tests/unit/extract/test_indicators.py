"""Indicator extraction on invented sentences of the genre."""

from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest

from newsmon.extract.indicators import extract_indicator_dicts, extract_indicators, indicator_to_dict
from newsmon.text.clean import clean

PUBLISHED = date(2023, 4, 20)


def extract(text, **kwargs):
    return [indicator_to_dict(i) for i in extract_indicators(text, published_at=PUBLISHED, **kwargs)]


def test_level_with_growth_is_one_record():
    (gdp,) = extract("一季度，竹溪县完成地区生产总值52.3亿元，同比增长6.1%。")
    assert gdp["metric"] == "地区生产总值" and gdp["metric_id"] == "gdp"
    assert gdp["value"] == 52.3 and gdp["unit"] == "亿元"
    assert gdp["value_normalized"] == pytest.approx(5.23e9) and gdp["unit_normalized"] == "CNY"
    assert gdp["growth_pct"] == 6.1 and gdp["growth_basis"] == "yoy"
    assert gdp["subject"] == "竹溪县" and gdp["subject_code"] == "420324"
    assert gdp["subject_parent_codes"] == ["420000", "420300"]
    assert gdp["period"] == "一季度"
    assert (gdp["period_start"], gdp["period_end"]) == ("2023-01-01", "2023-03-31")
    assert gdp["core"] is True


def test_growth_only_and_rank_merge():
    records = extract("上半年，茅箭区规上工业增加值同比下降2.1%；固定资产投资稳步增长，投资额同比增长11.6%，增速排名全市第一。")
    assert [(r["metric_id"], r["growth_pct"], r["rank"], r["rank_scope"]) for r in records] == [
        ("industrial_value_added", -2.1, None, None),
        ("fixed_asset_investment", 11.6, 1, "全市"),
    ]
    assert all(r["value"] is None for r in records)


def test_count_and_money_in_one_clause_are_two_records():
    records = extract("今年以来，房县新签约项目18个，协议投资126.5亿元。")
    assert [(r["value_normalized"], r["unit_normalized"]) for r in records] == [(18, "count"), (1.265e10, "CNY")]
    assert records[0]["metric_id"] == "signed_projects" and records[1]["metric_id"] == "signed_amount"


def test_chinese_numerals_magnitudes_and_qualifiers():
    records = extract("郧阳区培育专精特新企业十余家，带动就业近两千人，园区面积3万多亩，力争年产值突破千亿元。")
    values = [(r["value_normalized"], r["unit_normalized"], r["qualifier"]) for r in records]
    assert values == [(10, "count", "余"), (2000, "count", "近"), (30000, "亩", "多"), (1e11, "CNY", "突破")]


def test_shared_clause_gives_one_record_per_metric():
    records = extract("丹江口市税收和非税收入均增长8%。")
    assert [(r["metric"], r["growth_pct"]) for r in records] == [("税收", 8.0), ("非税收入", 8.0)]


def test_fractions_are_percentages():
    (share,) = extract("全区工业占全市比重超过1/3。")
    assert share["value_normalized"] == pytest.approx(33.33, abs=0.01) and share["unit_normalized"] == "percent"


def test_rank_without_figure():
    (rank,) = extract("一季度，张湾区项目开工率排名全市第二。")
    assert rank["rank"] == 2 and rank["value"] is None and rank["metric"] == "项目开工率"


def test_score_with_ranking():
    (score,) = extract("在全省营商环境评价中，竹山县以92.5分的成绩位居全省县域第三名。")
    assert score["unit_normalized"] == "score" and score["value"] == 92.5 and score["rank"] == 3


def test_project_subject_from_amount_phrase():
    (amount,) = extract("总投资5.6亿元的智能装备产业园项目已开工建设。")
    assert amount["subject"] == "智能装备产业园项目" and amount["metric"] == "总投资"


def test_deictic_subject_resolves_to_the_city():
    records = extract("十堰市召开会议。全市新增规模以上工业企业35家。")
    assert records[0]["subject"] == "十堰市" and records[0]["subject_code"] == "420300"


def test_context_region_resolves_we_city_when_text_names_none():
    (record,) = extract("我市新增市场主体1200户。", context_region="荆州市")
    assert record["subject"] == "荆州市"


def test_quote_offsets_point_into_the_cleaned_text():
    text = "今年以来，竹山县新签约项目15个，总投资80亿元。"
    for record in extract(text):
        assert text[record["quote_start"] : record["quote_end"]] == record["quote"]


@pytest.mark.parametrize(
    "sentence",
    [
        "全力打造“51020”现代产业体系，融入“4611”产业集群。",
        "围绕51020现代产业体系，落实3313项目全生命周期管理机制。",
        "构建“1+2+3+1”产业体系，压实3456四级责任。",
        "开展“五个一”活动，争创“双十星”党组织，跑好第一棒。",
        "弘扬五千精神，打赢四大会战，做好五图作业，践行“三命”精神。",
        "坚持一主四优多支撑，推行一站式服务，实现一件事一次办。",
        "县“四大家”领导带头，学习党的二十大精神，创一流、争第一、干唯一。",
        "2月8日召开大会，3月底前完成，2023年全面推进。",
        "实施“四三二”举措（即实施四大工程、紧盯三个重点、开展两项活动）。",
        "聚焦《三年行动方案》，采用千方百计、千家万户的办法，零部件企业十分活跃。",
        "抢抓千亿产业新赛道，打造千亿级产业集群，吸引一批“隐形冠军”。",
    ],
)
def test_names_slogans_and_dates_are_not_indicators(sentence):
    assert extract(sentence) == []


def test_threshold_inside_noun_phrase_is_not_a_figure():
    records = extract("盯牢120个预增产值5000万元以上的工业增长点。")
    assert [r["value"] for r in records] == [120]


def test_durations_are_not_core():
    (duration,) = extract("项目签约后仅用45天就开工建设。")
    assert duration["unit"] == "天" and duration["core"] is False


def test_text_without_numbers_gives_nothing():
    assert extract("全区上下凝心聚力，奋力谱写高质量发展新篇章。") == []


def test_clauses_without_figures_still_set_subject_and_period():
    (investment,) = extract("今年一季度，东风汽车公司将加快转型升级，投资20亿元建设新工厂。")
    assert (investment["subject"], investment["period"], investment["value"]) == ("东风汽车公司", "今年一季度", 20)
    (gdp,) = extract("区发改委负责人介绍，上半年全区完成固定资产投资50亿元。")
    assert (gdp["subject"], gdp["period"]) == ("区发改委", "上半年")


def test_indicator_dicts_are_the_records_as_dicts():
    text = "今年以来，我市新签约项目40个，协议投资221亿元，同比增长12.5%，增速排名全省第二。"
    kwargs = {"published_at": PUBLISHED, "context_region": "十堰市"}
    expected = [indicator_to_dict(i) for i in extract_indicators(text, **kwargs)]
    assert len(expected) == 2
    assert extract_indicator_dicts(text, **kwargs) == expected


def test_lone_surrogate_is_read_around_and_kept_in_the_quote():
    # JSON can carry "\ud800"; UTF-8 cannot, so the compiled walk reads it as U+FFFD.
    text = "全市地区生产总值147亿元\ud800，同比增长5.3%。"
    (gdp,) = extract_indicators(text)
    assert (gdp.metric_id, gdp.value_normalized, gdp.growth_pct) == ("gdp", 14_700_000_000.0, 5.3)
    assert "\ud800" in gdp.quote and gdp.quote == clean(text).text[gdp.quote_start : gdp.quote_end]


def test_extraction_works_from_any_thread():
    # The compiled extractor is built once and shared; worker code may call it from a thread pool.
    text = "今年一季度，全市地区生产总值147亿元，同比增长5.3%。"
    here = extract_indicator_dicts(text, published_at=PUBLISHED)
    with ThreadPoolExecutor(max_workers=2) as pool:
        there = list(pool.map(lambda _: extract_indicator_dicts(text, published_at=PUBLISHED), range(4)))
    assert here and all(records == here for records in there)
