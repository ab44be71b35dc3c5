"""Crawler state kept in the compacted topic crawl.state, co-partitioned with crawl.frontier.

A record about a host (a fetched URL on it, or a feed served from it) goes to the partition the
frontier gives that host, so the worker owning a host's frontier partition owns its state too, and
loads only the partitions it owns. Each owned partition lives in a local SQLite file with the
offset applied last: a warm start reads only what is new since, a cold start (empty disk) reads
only its own partitions. Of the URLs only their article id and fetch time are kept, on disk, not
in memory; feed records (one per source) are also held in memory.

URLs fetched more than `crawl_url_retention_days` ago are deleted by their partition's owner, with
a tombstone, so compaction bounds the topic by the retention, not by the history.
A worker taking over partitions reads them up to their end (`assign`) before it fetches anything,
so what the previous owner recorded is seen first. Writes go to Kafka and are applied locally at once.
A read-only view (status commands, no producer) reads the feed records of every partition.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from aiokafka import TopicPartition
from aiokafka.partitioner import DefaultPartitioner

from newsmon import records
from newsmon.connections import make_consumer
from newsmon.crawl.urls import host_key
from newsmon.settings import Settings
from newsmon.topics import partition_ids

STATE = "crawl.state"
FRONTIER = "crawl.frontier"
EXPIRE_BATCH = 5000
log = logging.getLogger("newsmon.crawl")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS urls (id TEXT PRIMARY KEY, fetched_at TEXT NOT NULL) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS urls_by_time ON urls (fetched_at);
CREATE TABLE IF NOT EXISTS feeds (id TEXT PRIMARY KEY, record TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS applied (next_offset INTEGER NOT NULL);
"""


def url_record(task: dict[str, Any], outcome: str, fetched_at: str) -> dict[str, Any]:
    """The crawl.state record of a fetch task done (or given up on, `outcome` says which)."""
    return {"schema_version": 1, "kind": "url", "article_id": task["article_id"], "url": task["url"],
            "fetched_at": fetched_at, "outcome": outcome, "source_id": task["source_id"]}


class PartitionStore:
    """One crawl.state partition on local disk: URLs, feed records and the next offset to read."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(path, isolation_level=None)
        self.db.executescript("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;" + _SCHEMA)

    def next_offset(self) -> int:
        row = self.db.execute("SELECT next_offset FROM applied").fetchone()
        return row[0] if row else 0

    def apply(self, changes: list[tuple[bytes | None, bytes | None]], next_offset: int | None) -> None:
        """Apply a batch of (key, value) records and, if given, the offset after them, atomically."""
        self.db.execute("BEGIN")
        for key, value in changes:
            if key is None:
                continue
            kind, _, ident = key.decode().partition(":")
            table = {"url": "urls", "feed": "feeds"}.get(kind)
            if table is None:
                continue
            if value is None:
                self.db.execute(f"DELETE FROM {table} WHERE id = ?", (ident,))  # noqa: S608 - fixed names
            elif kind == "url":
                fetched_at = _utc(json.loads(value)["fetched_at"])
                self.db.execute("INSERT OR REPLACE INTO urls VALUES (?, ?)", (ident, fetched_at))
            else:
                self.db.execute("INSERT OR REPLACE INTO feeds VALUES (?, ?)", (ident, value.decode()))
        if next_offset is not None:
            self.db.execute("DELETE FROM applied")
            self.db.execute("INSERT INTO applied VALUES (?)", (next_offset,))
        self.db.execute("COMMIT")

    def seen(self, ident: str) -> bool:
        return self.db.execute("SELECT 1 FROM urls WHERE id = ?", (ident,)).fetchone() is not None

    def feeds(self) -> dict[str, dict[str, Any]]:
        return {ident: json.loads(record) for ident, record in self.db.execute("SELECT id, record FROM feeds")}

    def expired(self, before: datetime, limit: int) -> list[str]:
        rows = self.db.execute("SELECT id FROM urls WHERE fetched_at < ? LIMIT ?", (_utc(before.isoformat()), limit))
        return [ident for (ident,) in rows]

    def close(self) -> None:
        self.db.close()


def _utc(stamp: str) -> str:
    """A timestamp as UTC ISO text, so that text order is time order."""
    return datetime.fromisoformat(stamp).astimezone(UTC).isoformat()


class CrawlState:
    """The crawl.state partitions a worker owns (or, read-only, every partition's feeds)."""

    def __init__(self, settings: Settings, producer: Any) -> None:
        self.settings = settings
        self.topic = settings.topic(STATE)
        self.producer = producer
        self.feeds: dict[str, dict[str, Any]] = {}
        self.stores: dict[int, PartitionStore] = {}
        self.root = settings.state_dir / "crawl" / self.topic
        self._consumer = make_consumer(settings, group_id=None, enable_auto_commit=False)
        self._task: asyncio.Task | None = None
        self._positions: dict[TopicPartition, int] = {}
        self._partitions: list[int] = []
        self._partitioner = DefaultPartitioner()

    async def start(self) -> None:
        await self._consumer.start()
        found = await partition_ids(self.settings, [self.topic, self.settings.topic(FRONTIER)])
        self._partitions = sorted(found.get(self.topic, []))
        if not self._partitions:
            await self._consumer.stop()
            raise RuntimeError(f"topic {self.topic} does not exist: run `newsmon topics ensure`")
        if self.producer is not None and len(self._partitions) != len(found.get(self.settings.topic(FRONTIER), [])):
            await self._consumer.stop()
            raise RuntimeError(f"{self.topic} and {FRONTIER} must have as many partitions (co-partitioned by host)")
        if self.producer is None:  # read-only view: every partition, feeds only, nothing on disk
            tps = [TopicPartition(self.topic, p) for p in self._partitions]
            self._consumer.assign(tps)
            await self._consumer.seek_to_beginning(*tps)
            self._task = asyncio.create_task(self._tail())
            await self.catch_up()

    async def stop(self) -> None:
        await self._stop_tail()
        await self._consumer.stop()
        for store in self.stores.values():
            store.close()
        self.stores.clear()

    def partition_of(self, host: str) -> int:
        """The partition of crawl.state (and of crawl.frontier) that holds `host`."""
        return self._partitioner(host.encode(), self._partitions, self._partitions)

    async def assign(self, partitions: set[int]) -> None:
        """Own exactly `partitions`: open their local stores, read each from its last applied offset
        to the end of the topic (a cold store from the beginning), then keep tailing them."""
        await self._stop_tail()
        for partition in set(self.stores) - partitions:
            self.stores.pop(partition).close()
        for partition in partitions - set(self.stores):
            self.stores[partition] = PartitionStore(self.root / f"{partition}.sqlite")
        tps = [TopicPartition(self.topic, p) for p in sorted(partitions)]
        self._consumer.assign(tps)
        self._positions = {}
        if tps:
            starts = await self._consumer.beginning_offsets(tps)
            for tp in tps:
                # Below the log start, records were compacted away: the ones that matter were
                # tombstones of expired URLs, which `expire` deletes locally anyway.
                self._positions[tp] = max(self.stores[tp.partition].next_offset(), starts[tp])
                self._consumer.seek(tp, self._positions[tp])
            self._task = asyncio.create_task(self._tail())
            await self.catch_up()
        self.feeds = {ident: feed for store in self.stores.values() for ident, feed in store.feeds().items()}

    async def _stop_tail(self) -> None:
        if self._task:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None

    async def catch_up(self) -> None:
        """Return once everything written to the owned partitions before this call has been read."""
        tps = list(self._consumer.assignment())
        ends = await self._consumer.end_offsets(tps)
        while any(self._positions.get(tp, 0) < end for tp, end in ends.items()):
            if self._task is None or self._task.done():
                raise RuntimeError("crawl.state tail stopped") from (self._task.exception() if self._task else None)
            await asyncio.sleep(0.05)

    async def _tail(self) -> None:
        while True:
            batch = await self._consumer.getmany(timeout_ms=500, max_records=5000)
            for tp, messages in batch.items():
                changes = [(m.key, m.value) for m in messages]
                store = self.stores.get(tp.partition)
                if store is not None:
                    store.apply(changes, messages[-1].offset + 1)
                for key, value in changes:
                    self._apply_feed(key, value)
                self._positions[tp] = messages[-1].offset + 1
            for tp in self._consumer.assignment():
                if tp not in batch:
                    self._positions[tp] = await self._consumer.position(tp)

    def _apply_feed(self, key: bytes | None, value: bytes | None) -> None:
        if key is None or not key.startswith(b"feed:"):
            return
        ident = key.decode()[len("feed:"):]
        if value is None:
            self.feeds.pop(ident, None)
        else:
            self.feeds[ident] = json.loads(value)

    def seen(self, article_id: str, host: str) -> bool:
        """Whether the URL was fetched (within the retention). False for a host this worker does not
        own: its owner decides when the task reaches it through the frontier."""
        store = self.stores.get(self.partition_of(host))
        return store is not None and store.seen(article_id)

    async def put_feed(self, record: dict[str, Any], host: str) -> None:
        await self._put(f"feed:{record['source_id']}", record, self.partition_of(host))

    async def put_url(self, record: dict[str, Any]) -> None:
        await self._put(f"url:{record['article_id']}", record, self.partition_of(host_key(record["url"])))

    async def expire(self, now: datetime | None = None) -> int:
        """Delete (locally, and by tombstone in the topic) the owned URLs past the retention."""
        before = (now or datetime.now(UTC)) - timedelta(days=self.settings.crawl_url_retention_days)
        total = 0
        for partition, store in list(self.stores.items()):
            while idents := store.expired(before, EXPIRE_BATCH):
                keys = [f"url:{ident}".encode() for ident in idents]
                futures = [await self.producer.send(self.topic, None, key=key, partition=partition) for key in keys]
                await asyncio.gather(*futures)
                store.apply([(key, None) for key in keys], None)
                total += len(keys)
        if total:
            log.info("crawl.state: %d URLs past %d days deleted", total, self.settings.crawl_url_retention_days)
        return total

    async def _put(self, key: str, record: dict[str, Any], partition: int) -> None:
        if self.producer is None:
            raise RuntimeError("this CrawlState is read-only (no producer)")
        records.check(self.settings.schemas_dir, STATE, record)
        value = records.encode(record)
        store = self.stores.get(partition)
        if store is not None:
            store.apply([(key.encode(), value)], None)
        self._apply_feed(key.encode(), value)
        await (await self.producer.send(self.topic, value, key=key.encode(), partition=partition))
