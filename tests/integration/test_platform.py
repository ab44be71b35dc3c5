"""The platform end to end on the real broker and node: produce, consume in a group, index, search."""

from __future__ import annotations

import asyncio
import json

import pytest
from elasticsearch.helpers import async_bulk

from newsmon.connections import async_es_client, make_consumer, make_producer
from newsmon.index.templates import names
from newsmon.settings import Settings
from newsmon.topics import ARTICLES, declared_topics, ensure_topics

pytestmark = pytest.mark.integration

RECORDS = [
    {"article_id": "a1", "title": "郧阳区签约新能源项目", "segmented": "郧阳区 签约 新能源 项目 总投资 30亿元"},
    {"article_id": "a2", "title": "茅箭区一季度消费回暖", "segmented": "茅箭区 一季度 社会消费品零售总额 增长"},
    {"article_id": "a3", "title": "丹江口市招商引资", "segmented": "丹江口市 招商引资 签约 文旅 项目"},
]


async def test_produce_consume_index_search(ready: Settings) -> None:
    topic = ready.topic(ARTICLES)
    producer = make_producer(ready)
    await producer.start()
    try:
        for record in RECORDS:
            await producer.send_and_wait(
                topic, json.dumps(record, ensure_ascii=False).encode(), key=record["article_id"].encode()
            )
    finally:
        await producer.stop()

    consumer = make_consumer(ready, topic, group_id=ready.index_group)
    await consumer.start()
    received: list[dict] = []
    try:
        async with asyncio.timeout(30):
            while len(received) < len(RECORDS):
                batch = await consumer.getmany(timeout_ms=1000)
                for messages in batch.values():
                    received.extend(json.loads(m.value) for m in messages)
        await consumer.commit()
        committed = {tp: await consumer.committed(tp) for tp in consumer.assignment()}
    finally:
        await consumer.stop()
    assert sorted(r["article_id"] for r in received) == ["a1", "a2", "a3"]
    assert sum(committed.values()) == len(RECORDS)

    idx = names(ready, "articles")
    es = async_es_client(ready)
    try:
        actions = [
            {"_index": idx.write_alias, "_id": r["article_id"], "_source": {
                "article_id": r["article_id"], "title": r["title"], "segmented": r["segmented"]}}
            for r in received
        ]
        ok, errors = await async_bulk(es, actions, refresh="wait_for")
        assert ok == 3 and not errors
        words = await es.search(index=idx.read_alias, query={"match": {"segmented": "新能源"}})
        assert [h["_id"] for h in words["hits"]["hits"]] == ["a1"]
        chars = await es.search(index=idx.read_alias, query={"match_phrase": {"title": "消费回暖"}})
        assert [h["_id"] for h in chars["hits"]["hits"]] == ["a2"]
    finally:
        await es.close()


async def test_topics_ensure_is_idempotent_and_repairs_drift(ready: Settings) -> None:
    from aiokafka.admin import AIOKafkaAdminClient
    from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType

    from newsmon.connections import kafka_options

    again = await ensure_topics(ready)
    assert again.created == [] and again.updated == []
    assert len(again.unchanged) == len(declared_topics(ready.schemas_dir))

    raw = ready.topic("news.raw")
    admin = AIOKafkaAdminClient(**kafka_options(ready))
    await admin.start()
    try:
        await admin.alter_configs([ConfigResource(ConfigResourceType.TOPIC, raw, configs={"cleanup.policy": "delete"})])
    finally:
        await admin.close()
    repaired = await ensure_topics(ready)
    assert repaired.updated == [raw]
