"""The processor's two agents.

1. `enrich` (news.raw, all partitions, spread over workers): decode and validate the raw record,
   clean, segment, extract, fingerprint; send the bundle to news.enriched.
2. `publish` (news.enriched, one partition): decide near-duplicates against the fingerprint table
   in one order, then publish the article to news.articles and its indicators to news.indicators,
   all keyed by article id.

Faust acks an event whose agent raised or was cancelled, so neither agent lets an exception out (a
record that cannot be processed goes to news.deadletter with the stage and reason, and the agent
goes on) and both ack by hand, only once an event's output is queued.
Concurrency stays 1 (ordered work; see faust-streaming issue #606 on offsets with concurrency).
"""

from __future__ import annotations

import logging
import os
import socket
from datetime import date

import faust

from newsmon import metrics, records
from newsmon.deadletter import DeadLetterLimit, envelope
from newsmon.process.dedupe import advance, article_day, decision_prefix, expire, first_copy
from newsmon.process.enrich import enrich_raw
from newsmon.quality import observe_published
from newsmon.records import InvalidRecord
from newsmon.settings import Settings
from newsmon.topics import ARTICLES, DEADLETTER, INDICATORS, RAW

ENRICHED = "news.enriched"
log = logging.getLogger("newsmon.process")


def keys_with_prefix(table: faust.Table, prefix: str) -> list[str]:
    """The table's keys that start with `prefix`: a range scan on RocksDB, a scan elsewhere."""
    store = table.data
    if not hasattr(store, "_dbs_for_actives"):
        return [key for key in store if key.startswith(prefix)]
    serializers = table.app.serializers
    # Stored keys are the serialized ones (JSON strings): the prefix without its closing quote.
    start, found = serializers.dumps_key(table.key_type, prefix, serializer=table.key_serializer)[:-1], []
    for db in store._dbs_for_actives():
        for key in db.keys(from_key=start):
            if not key.startswith(start):
                break
            found.append(serializers.loads_key(table.key_type, key, serializer=table.key_serializer))
    return found


def register(app: faust.App, settings: Settings) -> None:
    """Declare topics, the table and both agents on `app`."""

    def topic(name: str, partitions: int | None = None) -> faust.TopicT:
        return app.topic(settings.topic(name), key_type=bytes, value_type=bytes, partitions=partitions)

    raw_topic, enriched_topic = topic(RAW), topic(ENRICHED, partitions=1)
    articles_topic, indicators_topic, deadletter_topic = topic(ARTICLES), topic(INDICATORS), topic(DEADLETTER)
    # No value_type: values are JSON lists, and with value_type=list Faust calls list.from_data on
    # every changelog record, so a restarted worker never finishes recovering the table.
    # On RocksDB, so a restarted worker recovers only the changelog written since its last run.
    fingerprints = app.Table("fingerprints", default=None, partitions=1, key_type=str,
                             store="rocksdb:fingerprints")  # "rocksdb://" is a falsy URL: Faust would take memory
    limit = DeadLetterLimit(settings.deadletter_max_ratio)
    worker = f"{socket.gethostname()}:{os.getpid()}"
    schemas = settings.schemas_dir

    async def dead_letter(event: faust.EventT, stage: str, reason: str, detail: str, source: str) -> None:
        message = event.message
        log.warning("dead letter %s/%s at %s[%s]@%s: %s", stage, reason, message.topic, message.partition, message.offset, detail[:200])
        record = envelope(
            stage=stage, reason=reason, detail=detail, original=event.value,
            source_topic=message.topic, partition=message.partition, offset=message.offset,
            key=event.key, worker=worker,
        )
        records.check(schemas, DEADLETTER, record)
        await deadletter_topic.send(key=event.key, value=records.encode(record))
        limit.record(True)
        metrics.PROCESS_DEADLETTERS.labels(stage, reason).inc()
        if source == RAW:
            metrics.PROCESS_RECORDS.labels("dead_letter").inc()

    async def enrich_one(event: faust.EventT) -> None:
        if event.value is not None and len(event.value) > settings.max_raw_bytes:
            detail = f"{len(event.value)} bytes, over {settings.max_raw_bytes}"
            await dead_letter(event, "process.decode", "too_large", detail, RAW)
            return
        try:
            raw = records.decode(schemas, RAW, event.value)
        except InvalidRecord as exc:
            stage = "process.validate" if exc.reason == "schema" else "process.decode"
            await dead_letter(event, stage, exc.reason, exc.detail, RAW)
            return
        try:
            bundle = enrich_raw(raw)
            records.check(schemas, ENRICHED, bundle)
            payload = records.encode(bundle)
        except Exception as exc:  # noqa: BLE001 - a bug on one record must not stop the stream
            log.exception("enrichment failed for %s", raw.get("article_id"))
            await dead_letter(event, "process.extract", "extractor_error", f"{type(exc).__name__}: {exc}", RAW)
            return
        await enriched_topic.send(key=raw["article_id"].encode(), value=payload)
        limit.record(False)
        metrics.PROCESS_RECORDS.labels("ok").inc()

    async def publish_one(event: faust.EventT) -> None:
        try:
            bundle = records.decode(schemas, ENRICHED, event.value)
        except InvalidRecord as exc:
            await dead_letter(event, "process.publish", exc.reason, exc.detail, ENRICHED)
            return
        article = bundle["article"]
        article_id = article["article_id"]
        day = article_day(article)
        expired = advance(fingerprints, day, settings.dedupe_window_days)
        original = first_copy(fingerprints, article_id, int(bundle["simhash"], 16), day, settings.dedupe_window_days)
        for gone in expired:
            count = expire(fingerprints, keys_with_prefix(fingerprints, decision_prefix(gone)))
            log.info("fingerprints: day %s left the window, %d decisions deleted", date.fromordinal(gone), count)
        key = article_id.encode()
        article["duplicate_of"] = original
        await articles_topic.send(key=key, value=records.encode(article))
        for indicator in bundle["indicators"]:
            indicator["duplicate_of"] = original
            await indicators_topic.send(key=key, value=records.encode(indicator))
        observe_published(article, bundle["indicators"])

    # Acks are manual and come only after an event's sends are queued: Faust's own ack would also
    # fire when an agent is cancelled mid-event (a rebalance, a shutdown), and that event's offset
    # would be committed with its output never sent. Faust flushes the producer before committing.
    @app.agent(raw_topic, concurrency=1)
    async def enrich(stream: faust.StreamT) -> None:
        async for event in stream.noack().events():
            await enrich_one(event)
            event.ack()

    @app.agent(enriched_topic, concurrency=1)
    async def publish(stream: faust.StreamT) -> None:
        async for event in stream.noack().events():
            await publish_one(event)
            event.ack()
