"""Periods in SDMX forms, series over observations, SDMX-CSV rows: pure functions."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from newsmon.index.documents import observation_document, observation_from_document, parent_codes
from newsmon.reconcile.choose import apply
from newsmon.reconcile.periods import bucket, bucket_range, is_year_to_date, time_period
from newsmon.reconcile.series import NotAdditive, disjoint, monthly_points, series_points, total_points
from newsmon.reconcile.table import CSV_COLUMNS, csv_text, json_row
from tests.unit.reconcile.factory import BUREAU, NEWSPAPER, indicator

MONTH_ENDS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]


@pytest.mark.parametrize(("start", "end", "expected"), [
    ("2023-01-01", "2023-12-31", "2023"),
    ("2023-01-01", "2023-06-30", "2023-S1"),
    ("2023-07-01", "2023-12-31", "2023-S2"),
    ("2023-04-01", "2023-06-30", "2023-Q2"),
    ("2023-01-01", "2023-03-31", "2023-Q1"),
    ("2023-06-01", "2023-06-30", "2023-06"),
    ("2023-01-01", "2023-08-31", "2023-01-01/2023-08-31"),
    ("2023-02-01", "2023-03-31", "2023-02-01/2023-03-31"),
    ("2023-06-30", "2023-06-30", "2023-06-30"),
    ("2022-07-01", "2023-06-30", "2022-07-01/2023-06-30"),
])
def test_time_period_in_sdmx_forms(start: str, end: str, expected: str) -> None:
    assert time_period(start, end) == expected


def test_buckets_and_year_to_date() -> None:
    assert [bucket("2023-08-31", by) for by in ("month", "quarter", "year")] == ["2023-08", "2023-Q3", "2023"]
    assert is_year_to_date("2023-01-01", "2023-08-31") and not is_year_to_date("2023-02-01", "2023-08-31")
    with pytest.raises(ValueError):
        bucket("2023-08-31", "week")
    assert bucket_range("2022-11", "2023-02") == ["2022-11", "2022-12", "2023-01", "2023-02"]
    assert bucket_range("2022-Q4", "2023-Q2") == ["2022-Q4", "2023-Q1", "2023-Q2"]
    assert bucket_range("2021", "2023") == ["2021", "2022", "2023"]


def observation(region: tuple[str, str, str], month: int, value: float, **kwargs: Any) -> dict[str, Any]:
    record = indicator(f"{region[0]}-{month}-{value}", region=region, value=value, growth=None, authority=BUREAU,
                       metric=("retail_sales", "社会消费品零售总额"),
                       period=(f"1至{month}月", "cumulative", "2023-01-01", f"2023-{month:02d}-{MONTH_ENDS[month - 1]}"), **kwargs)
    built, _ = apply(None, record, record["observation_key"], extractor_version="1", now="2026-12-02T05:00:00+00:00")
    return built


ZHANGWAN, MAOJIAN, SHIYAN = ("420303", "张湾区", "county"), ("420302", "茅箭区", "county"), ("420300", "十堰市", "city")


def test_cumulative_figures_give_the_latest_value_per_period_never_their_sum() -> None:
    ytd = [observation(ZHANGWAN, m, 30.0 * m) for m in range(1, 13)]
    points = series_points(ytd, by="quarter")
    assert [(p.period, p.value) for p in points] == [("2023-Q1", 90e8), ("2023-Q2", 180e8), ("2023-Q3", 270e8),
                                                      ("2023-Q4", 360e8)]
    assert points[1].time_period == "2023-S1"


def test_monthly_values_are_derived_from_consecutive_cumulative_figures_only() -> None:
    ytd = [observation(ZHANGWAN, m, v) for m, v in ((1, 30.0), (2, 58.5), (3, 90.0), (5, 150.0))]
    points = monthly_points(ytd, additive=True)
    assert [(p.period, round(p.value / 1e8, 2), p.derived) for p in points] == [
        ("2023-01", 30.0, False), ("2023-02", 28.5, True), ("2023-03", 31.5, True)]  # May: April unknown
    with pytest.raises(NotAdditive):
        monthly_points(ytd, additive=False)


def test_a_breakdown_or_a_growth_rate_never_enters_a_level_series() -> None:
    total = observation(ZHANGWAN, 6, 100.0)
    sector = observation(ZHANGWAN, 6, 40.0, scope=("industry", "汽车产业"), breakdown_of="社会消费品零售总额")
    growth = indicator("growth", value=None, growth=5.0, metric=("retail_sales", "社会消费品零售总额"),
                       period=("1至6月", "cumulative", "2023-01-01", "2023-06-30"))
    growth_obs, _ = apply(None, growth, growth["observation_key"], extractor_version="1", now="x")
    assert [p.value for p in series_points([total, sector, growth_obs], by="quarter")] == [100e8]


def test_totals_sum_disjoint_regions_of_additive_metrics_only() -> None:
    points = series_points([observation(ZHANGWAN, 6, 100.0), observation(MAOJIAN, 6, 80.0),
                            observation(SHIYAN, 6, 500.0)], by="quarter")
    assert disjoint({"420300", "420303", "420302"}) == {"420300"}
    (city_total,) = total_points(points, additive=True, label="合计")
    assert city_total.value == 500e8  # the city contains both districts: its own figure, not a sum with them
    districts = [p for p in points if p.region_code != "420300"]
    (district_total,) = total_points(districts, additive=True, label="合计")
    assert district_total.value == 180e8 and district_total.region_code == "420302+420303"
    with pytest.raises(NotAdditive):
        total_points(points, additive=False, label="合计")


def test_observation_document_adds_region_levels_and_round_trips() -> None:
    built = observation(ZHANGWAN, 8, 240.0)
    doc_id, doc = observation_document(built)
    assert doc_id == built["observation_key"] and doc["time_period"] == "2023-01-01/2023-08-31"
    assert doc["region_parent_codes"] == ["420000", "420300"] and doc["county_code"] == "420303"
    assert doc["has_conflicts"] is False and doc["reprint_count"] == 0
    assert observation_from_document(doc) == built
    assert parent_codes("420300") == ["420000"] and parent_codes("420000") == [] and parent_codes("100000") == []


def test_csv_has_the_sdmx_columns_and_json_the_fields_asked_for() -> None:
    paper = indicator("paper", value=147.0, authority=NEWSPAPER)
    built, _ = apply(None, paper, paper["observation_key"], extractor_version="1", now="x")
    rows = list(csv.DictReader(io.StringIO(csv_text([built, observation(ZHANGWAN, 8, 240.0)]))))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert [(r["REF_AREA"], r["INDICATOR"], r["TIME_PERIOD"], float(r["OBS_VALUE"]), r["UNIT_MEASURE"]) for r in rows] == [
        ("420303", "gdp", "2023-Q1", 147e8, "CNY"), ("420303", "retail_sales", "2023-01-01/2023-08-31", 240e8, "CNY")]
    assert rows[0]["GROWTH_PCT"] == "5.3" and rows[0]["SOURCES"] == "1" and rows[1]["GROWTH_PCT"] == ""
    row = json_row(built)
    for field in ("region_code", "scope_kind", "scope_name", "metric_id", "period_kind", "period_start", "period_end",
                  "value_normalized", "unit_normalized", "growth_pct", "sources", "conflicts"):
        assert field in row
    assert isinstance(row["sources"], list) and row["time_period"] == "2023-Q1"
