"""Search and metric queries on the real node, over articles that went through the real pipeline.

The shared sample articles and a few written here are ingested into news.raw, processed by a real
`newsmon process` worker and indexed by the indexer; queries are then checked against what the
pipeline published on Kafka.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from newsmon.connections import es_client
from newsmon.crawl.ingest import raw_from_file
from newsmon.index.search import run_articles, run_indicators, run_observations
from newsmon.reconcile.series import series_points
from newsmon.index.sink import Indexer
from newsmon.index.templates import names
from newsmon.records import encode
from newsmon.replay import run_replay, start_or_resume
from newsmon.settings import Settings
from newsmon.topics import ARTICLES, INDICATORS, RAW
from tests.kafka_helpers import es_count, produce, read_topic, wait_until
from tests.workers import WorkerProcess

pytestmark = pytest.mark.integration

OWN_ARTICLES = {
    "maojian.txt": "茅箭区一季度经济运行稳中有进\n\n一季度，茅箭区完成地区生产总值86.5亿元，同比增长6.1%。"
                   "全区新签约项目12个，协议投资58亿元。",
    "yunyang.txt": "郧阳区招商引资再传佳音\n\n今年以来，郧阳区新签约项目20个，协议投资130亿元，同比增长35.2%。"
                   "上半年，郧阳区完成地区生产总值120亿元，同比增长7.5%。",
    "traditional.txt": "丹江口市文旅項目集中簽約\n\n丹江口市舉行招商引資集中簽約活動，簽約文旅項目8個，協議投資45億元。",
}


@pytest.fixture(scope="module")
async def indexed(tmp_path_factory: pytest.TempPathFactory, shared_dir: Path, stack: Settings) -> AsyncIterator[Settings]:
    """Settings whose indices hold the shared and own articles, processed and indexed for real
    (all of it deleted after the module's tests)."""
    from newsmon.index.templates import ensure_templates
    from newsmon.topics import ensure_topics
    from tests.cleanup import remove
    from tests.conftest import new_tag

    tag = new_tag("s")[1:]
    settings = stack.model_copy(update={"topic_prefix": f"s{tag}.", "index_prefix": f"s{tag}",
                                        "faust_app_id": f"s{tag}-process", "index_group": f"s{tag}-index"})
    await ensure_topics(settings)
    with es_client(settings) as es:
        ensure_templates(es, settings)
    own = tmp_path_factory.mktemp("own")
    for name, text in OWN_ARTICLES.items():
        (own / name).write_text(text, encoding="utf-8")
    files = sorted((shared_dir / "corpus" / "articles").glob("*.txt")) + sorted(own.iterdir())
    raws = []
    for path in files:
        raw = raw_from_file(path, limit=settings.max_page_bytes, source_id="shared" if "corpus" in str(path) else "own",
                            base_url="https://news.example.cn/a")
        raw["published_at"] = "2023-04-20T08:00:00+08:00"
        raws.append(raw)
    await produce(settings, settings.topic(RAW), [(r["article_id"].encode(), encode(r)) for r in raws])
    worker = WorkerProcess(settings, "process", log_dir=tmp_path_factory.mktemp("logs"))
    stop = asyncio.Event()
    indexer = asyncio.create_task(Indexer(settings).run(stop))
    try:
        articles = await read_topic(settings, settings.topic(ARTICLES), expect=len(raws), timeout_s=120)
        total = sum(a["value"]["indicator_count"] for a in articles)
        alias = names(settings, "indicators").read_alias
        assert await wait_until(lambda: _count_is(settings, alias, total), 60), worker.log()[-2000:]
        assert await es_count(settings, names(settings, "articles").read_alias) == len(raws)
        # every fact the published indicators name becomes one observation (the reconcile stage)
        published = await read_topic(settings, settings.topic(INDICATORS), expect=total, timeout_s=30)
        facts = {i["value"]["observation_key"] for i in published if i["value"].get("observation_key")}
        alias = names(settings, "observations").read_alias
        assert facts and await wait_until(lambda: _count_is(settings, alias, len(facts)), 90), worker.log()[-2000:]
    finally:
        stop.set()
        await indexer
        worker.stop()
    yield settings
    await remove(stack, (f"s{tag}.", f"s{tag}-"), group_wait_s=75)


async def _count_is(settings: Settings, index: str, n: int) -> bool:
    return await es_count(settings, index) == n


def _search(settings: Settings, query: str, **kwargs: object) -> list[dict]:
    with es_client(settings) as es:
        return run_articles(es, settings, query, **kwargs)


def _indicators(settings: Settings, **kwargs: object) -> list[dict]:
    with es_client(settings) as es:
        return run_indicators(es, settings, size=500, **kwargs)


async def test_a_word_the_segmenter_keeps_whole(indexed: Settings) -> None:
    hits = _search(indexed, "固定资产投资")
    assert hits and all("固定资产投资" in h["snippet"].replace("【", "").replace("】", "") or h["snippet"] for h in hits)
    assert "【" in hits[0]["snippet"]


async def test_a_phrase_the_dictionary_splits_still_matches(indexed: Settings) -> None:
    hits = _search(indexed, "稳中有进")
    assert [h["title"] for h in hits][:1] == ["茅箭区一季度经济运行稳中有进"]


async def test_a_traditional_query_finds_simplified_and_traditional_text(indexed: Settings) -> None:
    titles = [h["title"] for h in _search(indexed, "招商引資")]
    assert "郧阳区招商引资再传佳音" in titles


async def test_filters_by_region_and_source(indexed: Settings) -> None:
    hits = _search(indexed, "协议投资", region="郧阳区", source="own")
    assert [h["title"] for h in hits] == ["郧阳区招商引资再传佳音"]


async def test_metric_and_region_hierarchy_return_exactly_the_expected_indicators(indexed: Settings) -> None:
    published = await read_topic(indexed, indexed.topic(INDICATORS), expect=1, timeout_s=10)
    published = [r["value"] for r in published]

    def expect(pred) -> list[str]:
        return sorted(i["indicator_id"] for i in published if i["core"] and i["duplicate_of"] is None and pred(i))

    in_shiyan = lambda i: i["subject_code"] == "420300" or "420300" in i["subject_parent_codes"]  # noqa: E731
    got = sorted(i["indicator_id"] for i in _indicators(indexed, metric="地区生产总值", region="十堰市"))
    assert got == expect(lambda i: i["metric_id"] == "gdp" and in_shiyan(i)) and len(got) >= 3
    got = sorted(i["indicator_id"] for i in _indicators(indexed, metric="gdp", region="420300", min_growth=6.5))
    assert got == expect(lambda i: i["metric_id"] == "gdp" and in_shiyan(i) and (i["growth_pct"] or -1e9) >= 6.5)
    got = sorted(i["indicator_id"] for i in _indicators(indexed, metric="signed_amount", min_value=5e9, max_value=1e10))
    assert got == expect(lambda i: i["metric_id"] == "signed_amount" and 5e9 <= (i["value_normalized"] or -1) <= 1e10)
    assert got


async def test_series_per_sub_region(indexed: Settings) -> None:
    """Over observations, which the processor builds from indicators with region and period (issue 13's fields)."""
    with es_client(indexed) as es:
        found = await wait_until(lambda: _observations(es, indexed), 60)
    points = series_points(found or [], by="quarter")
    regions = {p.region_code for p in points}
    assert {"420302", "420304"} <= regions  # 茅箭区, 郧阳区
    assert all(p.value > 0 for p in points)


async def _observations(es, settings: Settings) -> list[dict]:  # noqa: ANN001
    es.indices.refresh(index=names(settings, "observations").read_alias)
    return run_observations(es, settings, region="十堰市", metric="signed_amount", scope_kind="region", measure="level")


async def test_replay_rebuilds_fresh_indices_and_switches_aliases(indexed: Settings) -> None:
    from datetime import UTC, datetime

    articles_alias = names(indexed, "articles").read_alias
    observations_alias = names(indexed, "observations").read_alias
    before = await es_count(indexed, articles_alias), await es_count(indexed, names(indexed, "indicators").read_alias)
    observations_before = await es_count(indexed, observations_alias)
    with es_client(indexed) as es:
        old_index = next(iter(es.indices.get_alias(name=articles_alias)))
    plan, resumed = start_or_resume(indexed, datetime(1970, 1, 1, tzinfo=UTC))
    assert not resumed
    counts = await run_replay(indexed, plan, lambda done, total: None)
    with es_client(indexed) as es:
        assert list(es.indices.get_alias(name=articles_alias)) == [plan.indices["articles"]] != [old_index]
    after = await es_count(indexed, articles_alias), await es_count(indexed, names(indexed, "indicators").read_alias)
    assert after == before and counts["articles"] == before[0]
    # observations are rebuilt too, into a fresh index behind the alias
    with es_client(indexed) as es:
        assert list(es.indices.get_alias(name=observations_alias)) == [plan.indices["observations"]]
    assert await es_count(indexed, observations_alias) == observations_before == counts["observations"]
