"""Small helpers for integration tests: produce records, read a topic back, wait for counts."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from newsmon.connections import async_es_client, make_consumer, make_producer
from newsmon.settings import Settings


async def produce(settings: Settings, topic: str, items: Iterable[tuple[bytes | None, bytes]]) -> int:
    """Send (key, value) pairs to the full topic name; returns how many were acknowledged."""
    producer = make_producer(settings)
    await producer.start()
    try:
        futures = [await producer.send(topic, value, key=key) for key, value in items]
        await asyncio.gather(*futures)
    finally:
        await producer.stop()
    return len(futures)


async def read_topic(settings: Settings, topic: str, expect: int, timeout_s: float = 60.0) -> list[dict[str, Any]]:
    """Read a topic from the start in a throwaway group until `expect` records (or the timeout)."""
    consumer = make_consumer(settings, topic, group_id=f"{settings.topic_prefix}reader-{uuid.uuid4().hex[:8]}")
    await consumer.start()
    found: list[dict[str, Any]] = []
    deadline = time.monotonic() + timeout_s
    try:
        while len(found) < expect and time.monotonic() < deadline:
            batch = await consumer.getmany(timeout_ms=500)
            for messages in batch.values():
                for m in messages:
                    found.append({"key": m.key, "value": json.loads(m.value), "partition": m.partition})
        # anything beyond the expected count is a failure too: drain briefly
        extra = await consumer.getmany(timeout_ms=1000)
        for messages in extra.values():
            found.extend({"key": m.key, "value": json.loads(m.value), "partition": m.partition} for m in messages)
    finally:
        await consumer.stop()
    return found


async def es_count(settings: Settings, index: str, query: dict | None = None) -> int:
    es = async_es_client(settings)
    try:
        await es.indices.refresh(index=index)
        return (await es.count(index=index, query=query or {"match_all": {}}))["count"]
    finally:
        await es.close()


async def wait_until(predicate: Callable[[], Any], timeout_s: float, interval_s: float = 0.5) -> Any:
    """Await an async predicate until it returns truthy; returns its last value."""
    deadline = time.monotonic() + timeout_s
    value = None
    while time.monotonic() < deadline:
        value = await predicate()
        if value:
            return value
        await asyncio.sleep(interval_s)
    return value
