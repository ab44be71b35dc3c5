"""The indexer on the real broker and node: idempotent, checks every item, survives ES outages."""

from __future__ import annotations

import asyncio
import copy
import json
from pathlib import Path

import pytest

from newsmon.index.sink import Indexer
from newsmon.index.templates import names
from newsmon.records import encode
from newsmon.settings import Settings
from newsmon.stack.local import LocalStack
from newsmon.topics import ARTICLES, DEADLETTER, INDICATORS
from tests.kafka_helpers import es_count, produce, read_topic, wait_until

pytestmark = pytest.mark.integration
EXAMPLES = Path(__file__).resolve().parents[2] / "schemas" / "examples"


def articles(n: int, start: int = 0) -> list[dict]:
    base = json.loads((EXAMPLES / "article.v1.json").read_text())[0]
    out = []
    for i in range(start, start + n):
        record = copy.deepcopy(base)
        record["article_id"] = f"{i:020x}"
        record["indicator_count"] = 0
        out.append(record)
    return out


def indicators_for(article_id: str, n: int) -> list[dict]:
    base = json.loads((EXAMPLES / "indicator.v1.json").read_text())[0]
    return [dict(copy.deepcopy(base), article_id=article_id, seq=s, indicator_id=f"{article_id}-{s:04d}") for s in range(n)]


async def run_indexer(settings: Settings) -> tuple[asyncio.Event, asyncio.Task]:
    stop = asyncio.Event()
    return stop, asyncio.create_task(Indexer(settings).run(stop))


async def test_reindexing_the_same_records_leaves_counts_unchanged(ready: Settings) -> None:
    arts = articles(20)
    inds = [i for a in arts[:5] for i in indicators_for(a["article_id"], 3)]
    stop, task = await run_indexer(ready)
    try:
        for _ in range(2):  # the same records twice: a replay
            await produce(ready, ready.topic(ARTICLES), [(a["article_id"].encode(), encode(a)) for a in arts])
            await produce(ready, ready.topic(INDICATORS), [(i["article_id"].encode(), encode(i)) for i in inds])
        articles_alias, indicators_alias = names(ready, "articles").read_alias, names(ready, "indicators").read_alias
        assert await wait_until(lambda: _equals(ready, articles_alias, 20), 30)
        assert await wait_until(lambda: _equals(ready, indicators_alias, 15), 30)
        await asyncio.sleep(2)  # let the second copy land too
        assert await es_count(ready, articles_alias) == 20
        assert await es_count(ready, indicators_alias) == 15
    finally:
        stop.set()
        stats = await task
    assert stats.indexed == 70 and stats.dead_letters == 0


async def test_reprocessed_article_with_fewer_indicators_drops_the_stale_ones(ready: Settings) -> None:
    article = dict(articles(1)[0], indicator_count=3)
    stop, task = await run_indexer(ready)
    indicators_alias = names(ready, "indicators").read_alias
    try:
        await produce(ready, ready.topic(INDICATORS), [(b"k", encode(i)) for i in indicators_for(article["article_id"], 3)])
        await produce(ready, ready.topic(ARTICLES), [(b"k", encode(article))])
        assert await wait_until(lambda: _equals(ready, indicators_alias, 3), 30)
        await produce(ready, ready.topic(ARTICLES), [(b"k", encode(dict(article, indicator_count=1)))])
        assert await wait_until(lambda: _equals(ready, indicators_alias, 1), 30)
    finally:
        stop.set()
        await task


async def test_mapping_rejection_goes_to_the_dead_letter_topic(ready: Settings) -> None:
    good = indicators_for("ab" * 10, 2)
    bad = dict(good[1], seq=1, rank=99_999_999_999)  # schema-valid, too big for the integer field
    stop, task = await run_indexer(ready)
    try:
        await produce(ready, ready.topic(INDICATORS), [(b"k", encode(good[0])), (b"k", encode(bad)), (b"k", b"{oops")])
        dead = await read_topic(ready, ready.topic(DEADLETTER), expect=2, timeout_s=30)
    finally:
        stop.set()
        stats = await task
    reasons = sorted((d["value"]["stage"], d["value"]["reason"]) for d in dead)
    assert reasons == [("index.bulk", "mapping"), ("index.decode", "invalid_json")]
    mapping = next(d["value"] for d in dead if d["value"]["reason"] == "mapping")
    assert json.loads(mapping["original"])["rank"] == 99_999_999_999 and mapping["offset"] == 1
    assert await es_count(ready, names(ready, "indicators").read_alias) == 1
    assert stats.dead_letters == 2


async def test_elasticsearch_stopped_mid_stream_loses_nothing(ready: Settings, stack: Settings) -> None:
    local = LocalStack(stack)  # the session's stack: `ready` has a per-test state dir
    alias = names(ready, "articles").read_alias
    stop, task = await run_indexer(ready)
    try:
        await produce(ready, ready.topic(ARTICLES), [(a["article_id"].encode(), encode(a)) for a in articles(50)])
        assert await wait_until(lambda: _equals(ready, alias, 50), 30)
        await asyncio.to_thread(local.es.stop)
        await produce(ready, ready.topic(ARTICLES), [(a["article_id"].encode(), encode(a)) for a in articles(50, start=50)])
        await asyncio.sleep(5)  # the indexer is now failing, pausing, retrying
        await asyncio.to_thread(local.up)
        assert await wait_until(lambda: _equals(ready, alias, 100), 90)
    finally:
        stop.set()
        stats = await task
    assert stats.dead_letters == 0 and stats.paused_s > 0
    assert await es_count(ready, alias) == 100


async def _equals(settings: Settings, index: str, n: int) -> bool:
    return await es_count(settings, index) == n
