"""The indexer: news.articles, news.indicators and news.observations -> Elasticsearch, in a consumer group.

Batches by size and time; every document has a stable id (re-delivery and replays overwrite);
every item of a bulk response is checked: 429/5xx items are retried with backoff, other 4xx
(mapping rejections) go to news.deadletter; offsets are committed only after Elasticsearch
acknowledged the whole batch (a commit refused because the group rebalanced meanwhile is logged,
and the batch redelivered: never a crash). When Elasticsearch is unreachable, consumption pauses (the batch in
hand is the only memory held, the group membership is kept alive) and resumes by itself.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from dataclasses import dataclass, field
from typing import Any

from aiokafka import ConsumerRecord
from elasticsearch import ApiError, TransportError

from newsmon import metrics, records
from newsmon.connections import async_es_client, commit_or_redeliver, make_consumer, make_producer
from newsmon.deadletter import envelope
from newsmon.index.documents import article_document, indicator_document, observation_document, stale_indicator_ids
from newsmon.index.templates import names
from newsmon.records import InvalidRecord
from newsmon.settings import Settings
from newsmon.topics import ARTICLES, DEADLETTER, INDICATORS, OBSERVATIONS

log = logging.getLogger("newsmon.index")
DOCUMENTS = {ARTICLES: article_document, INDICATORS: indicator_document, OBSERVATIONS: observation_document}
REPORT_EVERY_S = 10.0


@dataclass
class IndexStats:
    indexed: int = 0
    deleted: int = 0
    dead_letters: int = 0
    retries: int = 0
    paused_s: float = 0.0
    lag: dict[str, int] = field(default_factory=dict)
    started: float = field(default_factory=time.monotonic)

    def summary(self) -> str:
        elapsed = max(time.monotonic() - self.started, 1e-9)
        lag = sum(self.lag.values())
        return (f"indexed {self.indexed} docs ({self.indexed / elapsed:.0f}/s), lag {lag}, "
                f"dead letters {self.dead_letters}, retries {self.retries}, paused {self.paused_s:.0f}s")


@dataclass
class _Pending:
    message: ConsumerRecord
    action: dict[str, Any]
    source: dict[str, Any] | None


class Indexer:
    """One indexing worker; run several with the same group id to share partitions."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.stats = IndexStats()
        self.topics = {settings.topic(t): t for t in (ARTICLES, INDICATORS, OBSERVATIONS)}
        self._last_report = 0.0
        self.aliases = {t: names(settings, t.removeprefix("news.")).write_alias for t in (ARTICLES, INDICATORS, OBSERVATIONS)}

    async def run(self, stop: asyncio.Event) -> IndexStats:
        """Index until `stop` is set; finishes and commits the batch in hand first."""
        consumer = make_consumer(
            self.settings, *self.topics, group_id=self.settings.index_group,
            max_poll_records=self.settings.index_batch_docs,
        )
        producer = make_producer(self.settings)
        es = async_es_client(self.settings, max_retries=0, request_timeout=30)
        await producer.start()
        await consumer.start()
        try:
            while not stop.is_set():
                batch = await consumer.getmany(
                    timeout_ms=int(self.settings.index_flush_s * 1000), max_records=self.settings.index_batch_docs
                )
                messages = [m for tp_messages in batch.values() for m in tp_messages]
                if messages:
                    await self._index_batch(messages, consumer, producer, es)
                    offsets = {tp: tp_messages[-1].offset + 1 for tp, tp_messages in batch.items()}
                    await commit_or_redeliver(consumer, offsets, "index")
                await self._report_lag(consumer)
        finally:
            await consumer.stop()
            await producer.stop()
            await es.close()
        return self.stats

    async def _index_batch(self, messages: list[ConsumerRecord], consumer: Any, producer: Any, es: Any) -> None:
        pending: list[_Pending] = []
        dead: list[dict[str, Any]] = []
        for message in messages:
            topic = self.topics[message.topic]
            try:
                record = records.decode(self.settings.schemas_dir, topic, message.value)
            except InvalidRecord as exc:
                dead.append(self._dead(message, "index.decode", exc.reason, exc.detail))
                continue
            doc_id, source = DOCUMENTS[topic](record)
            pending.append(_Pending(message, {"index": {"_index": self.aliases[topic], "_id": doc_id}}, source))
        pending += await self._stale_deletes(pending, consumer, es)
        started = time.monotonic()
        backoff = 0.5
        while pending:
            try:
                response = await es.bulk(operations=_operations(pending), refresh=False)
            except (TransportError, ApiError) as exc:
                if isinstance(exc, ApiError) and 400 <= exc.status_code < 500 and exc.status_code != 429:
                    raise
                backoff = await self._wait(consumer, backoff, f"bulk failed: {type(exc).__name__}")
                continue
            retry: list[_Pending] = []
            for item, entry in zip(response["items"], pending):
                op, result = next(iter(item.items()))
                status = result.get("status", 500)
                if status < 300 or (op == "delete" and status == 404):
                    if op == "delete":
                        self.stats.deleted += 1
                    else:
                        self.stats.indexed += 1
                        metrics.INDEX_DOCS.labels(self.topics[entry.message.topic]).inc()
                elif status == 429 or status >= 500:
                    retry.append(entry)
                else:
                    error = result.get("error", {})
                    dead.append(self._dead(entry.message, "index.bulk", "mapping" if status == 400 else f"http_{status}",
                                           f"{error.get('type')}: {error.get('reason')}"))
            pending = retry
            if pending:
                self.stats.retries += 1
                metrics.INDEX_RETRIES.labels("item").inc()
                backoff = await self._wait(consumer, backoff, f"{len(pending)} items rejected (429/5xx)")
        metrics.INDEX_BULK_SECONDS.observe(time.monotonic() - started)
        if dead:
            futures = [
                await producer.send(self.settings.topic(DEADLETTER), records.encode(d), key=(d["key"] or "").encode() or None)
                for d in dead
            ]
            await asyncio.gather(*futures)
            self.stats.dead_letters += len(dead)

    async def _stale_deletes(self, pending: list[_Pending], consumer: Any, es: Any) -> list[_Pending]:
        """Deletes for indicators a re-processed article no longer has (minimal ES: no delete_by_query)."""
        articles = {p.action["index"]["_id"]: p for p in pending if p.action["index"]["_index"] == self.aliases[ARTICLES]}
        if not articles:
            return []
        backoff = 0.5
        while True:
            try:
                found = await es.mget(index=names(self.settings, "articles").read_alias, ids=list(articles),
                                      source_includes=["indicator_count"])
                break
            except (TransportError, ApiError) as exc:
                backoff = await self._wait(consumer, backoff, f"mget failed: {type(exc).__name__}")
        deletes = []
        for doc in found["docs"]:
            if not doc.get("found"):
                continue
            entry = articles[doc["_id"]]
            old, new = doc["_source"].get("indicator_count", 0), entry.source["indicator_count"]
            for stale in stale_indicator_ids(doc["_id"], old, new):
                deletes.append(_Pending(entry.message, {"delete": {"_index": self.aliases[INDICATORS], "_id": stale}}, None))
        return deletes

    async def _wait(self, consumer: Any, backoff: float, why: str) -> float:
        """Pause consumption and back off while keeping the group membership alive."""
        assigned = list(consumer.assignment())
        consumer.pause(*assigned)
        metrics.INDEX_PAUSED.set(1)
        log.warning("elasticsearch unavailable (%s); paused, retrying in %.1fs", why, backoff)
        started = time.monotonic()
        deadline = started + backoff * (0.5 + random.random())
        while time.monotonic() < deadline:
            await consumer.getmany(timeout_ms=200)  # paused: returns nothing, keeps polling alive
        consumer.resume(*[tp for tp in assigned if tp in consumer.assignment()])
        metrics.INDEX_PAUSED.set(0)
        self.stats.paused_s += time.monotonic() - started
        return min(backoff * 2, self.settings.index_retry_max_s)

    def _dead(self, message: ConsumerRecord, stage: str, reason: str, detail: str) -> dict[str, Any]:
        log.warning("dead letter %s/%s at %s[%s]@%s: %s", stage, reason, message.topic, message.partition, message.offset, detail[:200])
        metrics.INDEX_DEADLETTERS.labels(reason).inc()
        record = envelope(stage=stage, reason=reason, detail=detail, original=message.value,
                          source_topic=message.topic, partition=message.partition, offset=message.offset,
                          key=message.key)
        records.check(self.settings.schemas_dir, DEADLETTER, record)
        return record

    async def _report_lag(self, consumer: Any) -> None:
        """Lag per topic into metrics and the log, every REPORT_EVERY_S."""
        assigned = list(consumer.assignment())
        if not assigned or time.monotonic() - self._last_report < REPORT_EVERY_S:
            return
        self._last_report = time.monotonic()
        ends = await consumer.end_offsets(assigned)
        per_topic: dict[str, int] = {}
        for tp in assigned:
            position = await consumer.position(tp)
            per_topic[tp.topic] = per_topic.get(tp.topic, 0) + max(ends[tp] - position, 0)
        for topic, lag in per_topic.items():
            metrics.INDEX_LAG.labels(topic).set(lag)
        self.stats.lag = per_topic
        log.info(self.stats.summary())


def _operations(pending: list[_Pending]) -> list[dict[str, Any]]:
    operations: list[dict[str, Any]] = []
    for entry in pending:
        operations.append(entry.action)
        if entry.source is not None:
            operations.append(entry.source)
    return operations
