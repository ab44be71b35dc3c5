"""Observations on the real broker and node: a real `newsmon process` worker reconciles indicator
records into news.observations, a real `newsmon index` worker indexes them.

The indicator records are built by hand (schema-valid, keys from reconcile.keys) and produced to
news.indicators, as the processor's publish agent would, keyed by article id.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from newsmon.connections import es_client
from newsmon.index.search import run_observations
from newsmon.index.templates import names
from newsmon.records import check, encode
from newsmon.reconcile.series import monthly_points, series_points
from newsmon.settings import Settings
from newsmon.topics import INDICATORS, OBSERVATIONS
from tests.kafka_helpers import es_count, produce, read_topic, wait_until
from tests.unit.reconcile.factory import BUREAU, NEWSPAPER, PORTAL, indicator
from tests.workers import NEWSMON, WorkerProcess, settings_env

pytestmark = pytest.mark.integration


async def send(settings: Settings, records: list[dict[str, Any]]) -> None:
    for record in records:
        check(settings.schemas_dir, INDICATORS, record)
    await produce(settings, settings.topic(INDICATORS), [(r["article_id"].encode(), encode(r)) for r in records])


async def observations_until(settings: Settings, predicate: Any, timeout_s: float = 90) -> list[dict[str, Any]]:
    """Every news.observations record so far, once `predicate(records)` holds (or the timeout)."""
    found: list[dict[str, Any]] = []

    async def ready() -> bool:
        found[:] = [r["value"] for r in await read_topic(settings, settings.topic(OBSERVATIONS), expect=10**6, timeout_s=2)]
        return bool(predicate(found))

    await wait_until(ready, timeout_s, interval_s=1)
    return found


def latest(found: list[dict[str, Any]], key: str) -> dict[str, Any]:
    return [r for r in found if r["observation_key"] == key][-1]


def monthly_cumulative_year() -> tuple[list[dict[str, Any]], list[float]]:
    """The bureau's twelve year-to-date releases of 2023 retail sales (亿元), and the monthly values."""
    monthly = [31.2, 28.4, 33.9, 32.1, 34.6, 36.0, 35.2, 34.8, 37.5, 38.1, 39.4, 44.3]
    releases, total = [], 0.0
    for month, value in enumerate(monthly, start=1):
        total = round(total + value, 2)
        end = f"2023-{month:02d}-{[31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]}"
        releases.append(indicator(
            f"bureau-retail-{month}", value=total, unit="亿元", growth=None, authority=BUREAU, source_id="zhangwan-stats",
            published_at=f"{2023 + month // 12}-{month % 12 + 1:02d}-15T10:00:00+08:00",
            metric=("retail_sales", "社会消费品零售总额"), period=(f"1至{month}月", "cumulative", "2023-01-01", end),
        ))
    return releases, monthly


async def test_reports_reconcile_into_observations_with_sources_conflicts_and_revisions(
    ready: Settings, tmp_path: Path
) -> None:
    official = indicator("bureau-q1", value=147.0, unit="亿元", authority=BUREAU, source_id="zhangwan-stats",
                         published_at="2023-04-18T10:00:00+08:00", quote="经初步核算，一季度张湾区实现地区生产总值147亿元，同比增长5.3%")
    paper = indicator("paper-q1", value=1470000.0, unit="万元", authority=NEWSPAPER, period=("1至3月", "cumulative", "2023-01-01", "2023-03-31"),
                      published_at="2023-04-19T08:00:00+08:00", quote="1至3月，张湾区GDP达到1470000万元，增长5.3%")
    reposts = [indicator(f"repost-{i}", value=1470000.0, unit="万元", authority=NEWSPAPER, duplicate_of=paper["article_id"],
                         published_at=f"2023-04-19T1{i}:00:00+08:00", source_id=f"portal-{i}") for i in (1, 2)]
    key = official["observation_key"]
    assert {r["observation_key"] for r in (official, paper, *reposts)} == {key}

    processor = WorkerProcess(ready, "process", log_dir=tmp_path)
    indexer = WorkerProcess(ready, "index", log_dir=tmp_path)
    try:
        # 1. one figure, four articles: one observation, four sources, the reposts marked, the official value
        await send(ready, [official, paper, *reposts])
        found = await observations_until(ready, lambda rs: any(r["source_count"] == 4 for r in rs))
        assert {r["observation_key"] for r in found} == {key}, processor.log()[-3000:]
        observation = latest(found, key)
        assert observation["source_count"] == 4 and observation["value_normalized"] == 147e8
        assert observation["growth_pct"] == 5.3 and observation["authority"] == BUREAU
        assert observation["decided_by"] == official["article_id"] and observation["conflicts"] == []
        assert sorted(s["article_id"] for s in observation["sources"] if s["duplicate_of"] == paper["article_id"]) == sorted(
            r["article_id"] for r in reposts)
        assert [r["change"] for r in found] == ["new", "source", "source", "source"]

        # a redelivered report changes nothing and publishes nothing
        await send(ready, [paper])

        # 2. a portal's differing value: a conflict to review on that observation
        portal = indicator("portal-q1", value=174.0, authority=PORTAL, source_id="some-portal",
                           published_at="2023-04-20T08:00:00+08:00")
        await send(ready, [portal])
        found = await observations_until(ready, lambda rs: rs[-1]["change"] == "conflict")
        assert [r["change"] for r in found] == ["new", "source", "source", "source", "conflict"]  # no record for the redelivery
        observation = latest(found, key)
        assert observation["value_normalized"] == 147e8
        assert [(c["value_normalized"], c["status"], c["sources"]) for c in observation["conflicts"]] == [
            (174e8, "review", [portal["article_id"]])]

        # 3. a later revision by the same bureau supersedes its value
        revision = indicator("bureau-q1-revised", value=148.6, growth=5.6, authority=BUREAU, source_id="zhangwan-stats",
                             published_at="2023-07-20T10:00:00+08:00")
        await send(ready, [revision])
        found = await observations_until(ready, lambda rs: rs[-1]["change"] == "revised")
        observation = latest(found, key)
        assert (observation["value_normalized"], observation["growth_pct"]) == (148.6e8, 5.6)
        assert observation["decided_by"] == revision["article_id"] and observation["source_count"] == 6
        assert sorted((c["value_normalized"], c["status"]) for c in observation["conflicts"]) == [
            (147e8, "superseded"), (174e8, "review")]

        # 4. a sector breakdown and its total: two observations
        output = ("industrial_output", "工业总产值")
        total = indicator("paper-industry", value=320.0, growth=None, metric=output, seq=0)
        breakdown = indicator("paper-industry", value=120.5, growth=None, metric=output, seq=1,
                              scope=("industry", "汽车零部件产业"), breakdown_of="工业总产值")
        assert total["observation_key"] != breakdown["observation_key"]

        # 5. a year of monthly cumulative releases
        releases, monthly = monthly_cumulative_year()
        await send(ready, [total, breakdown, *releases])
        expected_keys = {key, total["observation_key"], breakdown["observation_key"], *(r["observation_key"] for r in releases)}
        found = await observations_until(ready, lambda rs: {r["observation_key"] for r in rs} == expected_keys)
        assert {r["observation_key"] for r in found} == expected_keys
        for record in found:
            check(ready.schemas_dir, OBSERVATIONS, record)
        assert latest(found, breakdown["observation_key"])["scope_kind"] == "industry"

        # the index: one document per observation, id = observation key, the latest state
        alias = names(ready, "observations").read_alias
        assert await wait_until(lambda: _count_is(ready, alias, len(expected_keys)), 60), indexer.log()[-3000:]
        with es_client(ready) as es:
            doc = es.get(index=alias, id=key)["_source"]
            assert doc["source_count"] == 6 and doc["has_conflicts"] and doc["reprint_count"] == 2
            assert doc["value_normalized"] == 148.6e8 and doc["time_period"] == "2023-Q1"
            retail = run_observations(es, ready, region="十堰市", metric="社会消费品零售总额", scope_kind="region", size=100)
            both = run_observations(es, ready, region="张湾区", metric="industrial_output")
        assert len(retail) == 12 and len(both) == 2
        assert [o["period_end"] for o in retail] == sorted((o["period_end"] for o in retail), reverse=True)  # newest first

        # the series: the latest cumulative value per quarter, never the sum; monthly values derived
        quarterly = series_points(retail, by="quarter")
        spans = ["2023-Q1", "2023-S1", "2023-01-01/2023-09-30", "2023"]  # year to date, in SDMX forms
        assert [(p.period, p.time_period, round(p.value / 1e8, 2)) for p in quarterly] == [
            (f"2023-Q{q}", spans[q - 1], round(sum(monthly[: 3 * q]), 2)) for q in (1, 2, 3, 4)]
        derived = monthly_points(retail, additive=True)
        assert [p.period for p in derived] == [f"2023-{m:02d}" for m in range(1, 13)]
        assert [round(p.value / 1e8, 2) for p in derived] == monthly

        # the CLI over the same index
        result = newsmon(ready, "observations", "--region", "张湾区", "--metric", "gdp", "--json")
        (row,) = json.loads(result)
        assert row["region_code"] == "420303" and row["metric_id"] == "gdp" and len(row["sources"]) == 6
        assert row["period_start"] == "2023-01-01" and row["value_normalized"] == 148.6e8 and len(row["conflicts"]) == 2
        result = newsmon(ready, "observations", "--region", "420303", "--metric", "retail_sales", "--csv")
        lines = result.splitlines()
        assert lines[0].startswith("DATAFLOW,REF_AREA,") and len(lines) == 13
        assert ",2023," in lines[1] and ",2023-01," in lines[-1] and ",2023-01-01/2023-08-31," in result
        series = json.loads(newsmon(ready, "series", "--metric", "社会消费品零售总额", "--region", "张湾区", "--json"))
        assert [(p["period"], round(p["value"] / 1e8, 2)) for p in series] == [
            (f"2023-Q{q}", round(sum(monthly[: 3 * q]), 2)) for q in (1, 2, 3, 4)]
        series = json.loads(newsmon(ready, "series", "--metric", "retail_sales", "--region", "十堰市", "--derive-monthly", "--json"))
        assert [round(p["value"] / 1e8, 2) for p in series] == monthly
        chart = tmp_path / "retail.png"
        done = subprocess.run([str(NEWSMON), "series", "--metric", "retail_sales", "--region", "十堰市", "--by", "month",
                               "--chart", str(chart)], env=settings_env(ready), capture_output=True, text=True, timeout=120)
        assert done.returncode == 0 and chart.stat().st_size > 10_000, done.stdout + done.stderr
        assert "missing from" not in done.stderr  # matplotlib warns of every glyph its font lacks
        assert "亿元" in done.stdout and "2023-01-01/2023-08-31" in done.stdout
        assert [o["change"] for o in tail(ready, "--where", "change=conflict")] == ["conflict"]
        assert {o["observation_key"] for o in tail(ready, "--where", f"observation_key={key}")} == {key}
        assert processor.alive() and indexer.alive(), processor.log()[-3000:]
    finally:
        processor.stop()
        indexer.stop()


def tail(settings: Settings, *where: str, wait_s: float = 20) -> list[dict[str, Any]]:
    """What `newsmon tail news.observations --from-beginning --json` prints within `wait_s`."""
    proc = subprocess.Popen([str(NEWSMON), "tail", "news.observations", "--from-beginning", "--json", *where],
                            env=settings_env(settings), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        out, _ = proc.communicate(timeout=wait_s)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, _ = proc.communicate()
    return [json.loads(line) for line in out.splitlines() if line.startswith("{")]


async def _count_is(settings: Settings, alias: str, n: int) -> bool:
    return await es_count(settings, alias) == n


def newsmon(settings: Settings, *args: str) -> str:
    """The output of a `newsmon` command run as an operator would, with the test's settings."""
    done = subprocess.run([str(NEWSMON), *args], env=settings_env(settings), capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout
