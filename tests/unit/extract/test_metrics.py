"""The metric taxonomy: its data file against its schema, and the loader's lookups."""

from __future__ import annotations

import json
from importlib.resources import files
from pathlib import Path

import jsonschema_rs
import pytest
import yaml
from opencc import OpenCC

from newsmon.extract.indicators import extract_indicators
from newsmon.extract.metrics import (
    FALLBACK_METRIC_ID, TaxonomyError, load_taxonomy, metric_id, metric_name, metric_taxonomy, metric_vocabulary,
    resolve_metric,
)
from newsmon.text.clean import to_simplified

MIN_METRICS = 150
SCHEMA = Path(__file__).resolve().parents[3] / "schemas" / "metric-taxonomy.schema.json"
# The ids before the taxonomy: dashboards, the demo site and the index key on them.
EARLIER_IDS = {
    "gdp", "industrial_value_added", "industrial_output", "fixed_asset_investment", "retail_sales", "fiscal_revenue",
    "fiscal_expenditure", "tax_revenue", "total_investment", "signed_amount", "signed_projects", "started_projects",
    "planned_projects", "projects", "project_start_rate", "foreign_trade", "exports", "imports", "foreign_investment",
    "operating_revenue", "profit", "loans", "deposits", "disposable_income", "tourism", "electricity_consumption",
    "tech_transactions", "funding_secured", "enterprises_above_scale", "high_tech_enterprises",
    "specialised_enterprises", "listed_enterprises", "enterprises", "evaluation_score", "share", "target_completion",
    "investment_promotion", "training",
}


@pytest.fixture(scope="module")
def raw() -> dict:
    return yaml.safe_load(files("newsmon.extract").joinpath("data/metrics.yaml").read_text("utf-8"))


@pytest.fixture(scope="module")
def schema() -> dict:
    return json.loads(SCHEMA.read_text("utf-8"))


def test_the_file_validates_against_its_schema(raw, schema):
    assert jsonschema_rs.meta.is_valid(schema)
    errors = [f"{'/'.join(map(str, e.instance_path))}: {e.message}" for e in jsonschema_rs.validator_for(schema).iter_errors(raw)]
    assert not errors, errors


def test_the_taxonomy_covers_at_least_150_metrics():
    assert len(metric_taxonomy()) >= MIN_METRICS


def test_every_unit_is_a_family_of_the_fixed_list(schema):
    families = set(schema["$defs"]["unit_family"]["enum"])
    for metric in metric_taxonomy().values():
        assert metric.unit in families or metric.id == FALLBACK_METRIC_ID, (metric.id, metric.unit)


def test_every_earlier_id_is_kept_and_the_fallback_has_an_entry():
    assert EARLIER_IDS <= set(metric_taxonomy())
    assert metric_name(FALLBACK_METRIC_ID) == "其他"


def test_every_parent_is_a_metric_of_the_same_unit_family():
    taxonomy = metric_taxonomy()
    for metric in taxonomy.values():
        if metric.parent is not None:
            assert metric.parent in taxonomy and metric.parent != metric.id, metric.id
            assert taxonomy[metric.parent].unit == metric.unit, (metric.id, metric.parent)


def test_no_wording_belongs_to_two_ids(raw):
    listed = [w for entry in raw["metrics"].values() for w in (*entry["wordings"], *entry["traditional"])]
    assert len(listed) == len(set(listed)) == len(metric_vocabulary().id_by_wording)


def test_every_wording_maps_to_its_own_id():
    for metric in metric_taxonomy().values():
        for wording in (*metric.wordings, *metric.traditional):
            assert metric_id(wording) == metric.id, wording


def test_names_and_wordings_are_simplified_and_the_vocabulary_maps_traditional_too():
    for metric in metric_taxonomy().values():
        for text in (metric.name, *metric.wordings):
            assert to_simplified(text) == text, (metric.id, text)
    assert metric_vocabulary().id_by_wording["國內生產總值"] == "gdp"


def test_traditional_forms_are_spellings_of_the_name_or_a_wording():
    for metric in metric_taxonomy().values():
        simplified = {metric.name, *metric.wordings}
        for form in metric.traditional:
            assert form not in simplified and to_simplified(form) in simplified, (metric.id, form)


def test_a_duplicate_wording_is_refused_naming_both_ids(raw):
    metrics = dict(raw["metrics"])
    metrics["gdp_copy"] = dict(metrics["gdp"], traditional=[])
    with pytest.raises(TaxonomyError, match="'地区生产总值'.*'gdp'.*'gdp_copy'"):
        load_taxonomy({**raw, "metrics": metrics})


def test_an_unknown_parent_is_refused(raw):
    metrics = dict(raw["metrics"])
    metrics["gdp"] = dict(metrics["gdp"], parent="no_such_metric")
    with pytest.raises(TaxonomyError, match="no_such_metric"):
        load_taxonomy({**raw, "metrics": metrics})


def test_a_parent_cycle_is_refused(raw):
    metrics = dict(raw["metrics"])
    metrics["gdp"] = dict(metrics["gdp"], parent="primary_industry_value_added")
    with pytest.raises(TaxonomyError, match="cycle: gdp -> primary_industry_value_added -> gdp"):
        load_taxonomy({**raw, "metrics": metrics})


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("gdp", "gdp"), ("地区生产总值", "gdp"), ("GDP", "gdp"), ("國內生產總值", "gdp"), (" 经济总量 ", "gdp"),
        ("規上工業增加值", "industrial_value_added"), ("协议投资", "signed_amount"), ("其他", FALLBACK_METRIC_ID),
        ("規模以上工業企業數", "enterprises_above_scale"), ("住戶存款餘額", "household_deposits"),
        ("第一产业增加值", "primary_industry_value_added"), ("技改投资", "tech_renovation_investment"),
        ("no_such_metric", None), ("地区生产总值增速", None), ("", None), (None, None),
    ],
)
def test_resolve_metric_takes_ids_names_and_wordings_in_either_script(text, expected):
    assert resolve_metric(text) == expected


@pytest.mark.parametrize(
    ("wording", "expected"),
    [
        ("规上工业营业收入", "industrial_operating_revenue"), ("全县规模以上工业企业实现营业收入", "industrial_operating_revenue"),
        ("第三产业增加值", "tertiary_industry_value_added"), ("人均地区生产总值", "gdp_per_capita"),
        ("城镇常住居民人均可支配收入", "urban_disposable_income"), ("新签约项目", "signed_projects"),
        ("在建项目", "projects_under_construction"), ("竣工项目", "completed_projects"),
        ("工业投资", "industrial_investment"), ("固定资产投资", "fixed_asset_investment"),
    ],
)
def test_the_longest_wording_decides_between_a_metric_and_its_parts(wording, expected):
    assert metric_id(wording) == expected


def test_metric_name_is_the_canonical_name():
    assert metric_name("gdp") == "地区生产总值"
    assert metric_name("no_such_metric") is None and metric_name(None) is None


def _phrasings() -> dict:
    return yaml.safe_load((Path(__file__).parent / "corpus" / "metric_phrasings.yaml").read_text("utf-8"))


@pytest.mark.parametrize(
    ("phrase", "expected"), [(p, i) for i, phrases in _phrasings()["ids"].items() for p in phrases]
)
def test_metric_phrasings_get_their_id(phrase, expected):
    assert metric_id(to_simplified(phrase)) == expected


@pytest.mark.parametrize(
    ("phrase", "refused"), [(p, i) for i, phrases in _phrasings()["not"].items() for p in phrases]
)
def test_metric_phrasings_do_not_get_a_shorter_wordings_id(phrase, refused):
    assert metric_id(phrase) != refused


RELEASE = (
    "上半年，全市实现地区生产总值1234.5亿元，同比增长5.6%。其中，第一产业增加值120.3亿元，增长3.5%；"
    "第三产业增加值614.1亿元，增长5.4%。规模以上工业企业实现营业收入1500亿元，增长8.1%。"
    "6月末，住户存款余额2500亿元。城镇常住居民人均可支配收入2.8万元。居民消费价格同比上涨0.3%。"
)


def test_the_walk_assigns_taxonomy_ids_alike_in_simplified_and_traditional_text():
    simplified = [i.metric_id for i in extract_indicators(RELEASE)]
    traditional = [i.metric_id for i in extract_indicators(OpenCC("s2t").convert(RELEASE))]
    assert simplified == traditional
    assert {"gdp", "industrial_operating_revenue", "household_deposits", "urban_disposable_income", "cpi"} <= set(simplified)
    # the industries' value added after the GDP figure are its breakdown (extract/meaning.py)
    tertiary = next(i for i in extract_indicators(RELEASE) if i.scope_name == "第三产业")
    assert (tertiary.scope_kind, tertiary.metric_id, tertiary.breakdown_of) == ("sector", "gdp", "地区生产总值")
