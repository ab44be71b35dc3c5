"""Crawler state shared by all workers, kept in the compacted topic crawl.state.

Every worker tails the whole topic into memory (like a global table): feed validators and
schedules in full, and of the URLs already fetched only their article ids (the full record stays in
Kafka; ~110 bytes a URL against ~1.2 KB for the parsed record: a million fetched URLs cost a
worker ~110 MB, not ~1.2 GB). Writes go to Kafka first and are applied locally at once.
A worker that takes over a host waits until it has read the topic up to its end (`catch_up`), so
what the previous owner recorded is seen before anything is fetched again.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

from aiokafka import TopicPartition

from newsmon import records
from newsmon.connections import make_consumer
from newsmon.settings import Settings
from newsmon.topics import partition_ids

STATE = "crawl.state"
log = logging.getLogger("newsmon.crawl")


class CrawlState:
    """An in-memory view of crawl.state, tailed in the background."""

    def __init__(self, settings: Settings, producer: Any) -> None:
        self.settings = settings
        self.topic = settings.topic(STATE)
        self.producer = producer
        self.feeds: dict[str, dict[str, Any]] = {}
        self.urls: set[str] = set()
        self._consumer = make_consumer(settings, group_id=None, enable_auto_commit=False)
        self._task: asyncio.Task | None = None
        self._positions: dict[TopicPartition, int] = {}

    async def start(self) -> None:
        await self._consumer.start()
        partitions = (await partition_ids(self.settings, [self.topic])).get(self.topic, [])
        if not partitions:
            await self._consumer.stop()
            raise RuntimeError(f"topic {self.topic} does not exist: run `newsmon topics ensure`")
        tps = [TopicPartition(self.topic, p) for p in sorted(partitions)]
        self._consumer.assign(tps)
        await self._consumer.seek_to_beginning(*tps)
        self._task = asyncio.create_task(self._tail())
        await self.catch_up()

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        await self._consumer.stop()

    async def catch_up(self, timeout_s: float = 60.0) -> None:
        """Return once everything written to crawl.state before this call has been read."""
        tps = list(self._consumer.assignment())
        ends = await self._consumer.end_offsets(tps)
        async with asyncio.timeout(timeout_s):
            while any(self._positions.get(tp, 0) < end for tp, end in ends.items()):
                await asyncio.sleep(0.05)

    async def _tail(self) -> None:
        while True:
            batch = await self._consumer.getmany(timeout_ms=500)
            for tp, messages in batch.items():
                for message in messages:
                    self._apply(message.key, message.value)
                self._positions[tp] = messages[-1].offset + 1
            for tp in self._consumer.assignment():
                if tp not in batch:
                    self._positions[tp] = await self._consumer.position(tp)

    def _apply(self, key: bytes | None, value: bytes | None) -> None:
        if key is None:
            return
        kind, _, ident = key.decode().partition(":")
        if kind == "url":
            if value is None:
                self.urls.discard(ident)
            else:
                self.urls.add(ident)
        elif kind == "feed":
            if value is None:
                self.feeds.pop(ident, None)
            else:
                self.feeds[ident] = json.loads(value)

    def seen(self, article_id: str) -> bool:
        return article_id in self.urls

    async def put_feed(self, record: dict[str, Any]) -> None:
        await self._put(f"feed:{record['source_id']}", record)

    async def put_url(self, record: dict[str, Any]) -> None:
        await self._put(f"url:{record['article_id']}", record)

    async def _put(self, key: str, record: dict[str, Any]) -> None:
        if self.producer is None:
            raise RuntimeError("this CrawlState is read-only (no producer)")
        records.check(self.settings.schemas_dir, STATE, record)
        self._apply(key.encode(), records.encode(record))
        await (await self.producer.send(self.topic, records.encode(record), key=key.encode()))
