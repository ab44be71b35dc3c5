"""The reconcile stage's two agents, in the processor's Faust app.

1. `route` (news.indicators, keyed by article id): every record that names a fact (an
   observation key) is forwarded to news.indicators.by-observation, keyed by that key, so all
   reports of one observation meet on one partition, whatever article they came in.
2. `reconcile` (news.indicators.by-observation): folds each report into its observation in the
   `observations` table (co-partitioned with that topic, so it scales out with its partitions and
   holds one entry per observation) with the choice rule (reconcile.choose), and publishes every
   change to news.observations, keyed by observation key. A redelivered report changes nothing
   and publishes nothing.

As in process.agents: nothing escapes an agent (bad records go to news.deadletter), acks are
manual and come once an event's output is queued, concurrency is 1 (ordered per partition).
"""

from __future__ import annotations

import logging
import os
import socket
from datetime import UTC, datetime

import faust

from newsmon import records
from newsmon.deadletter import envelope
from newsmon.process.enrich import EXTRACTOR_VERSION
from newsmon.reconcile.choose import apply
from newsmon.reconcile.keys import observation_key
from newsmon.records import InvalidRecord
from newsmon.settings import Settings
from newsmon.topics import BY_OBSERVATION, DEADLETTER, INDICATORS, OBSERVATIONS, declared_topics

log = logging.getLogger("newsmon.reconcile")


def key_of(record: dict) -> str | None:
    """The record's observation key as the extractor set it (computed by reconcile.keys for
    records written before the field existed); None: it names no fact."""
    return record["observation_key"] if "observation_key" in record else observation_key(record)


def register(app: faust.App, settings: Settings) -> None:
    """Declare the stage's topics, its table and both agents on `app`."""
    partitions = next(t.partitions for t in declared_topics(settings.schemas_dir) if t.name == BY_OBSERVATION)

    def topic(name: str, n: int | None = None) -> faust.TopicT:
        return app.topic(settings.topic(name), key_type=bytes, value_type=bytes, partitions=n)

    indicators_topic, routed_topic = topic(INDICATORS), topic(BY_OBSERVATION, partitions)
    observations_topic, deadletter_topic = topic(OBSERVATIONS), topic(DEADLETTER)
    # One entry per observation (the observation record itself: its sources are its state), in
    # RocksDB (rocksdict) under the app's data dir: the state grows with the distinct observations
    # and need not fit in memory; a restarted worker reads back only the changelog past its offsets.
    observations = app.Table("observations", default=None, partitions=partitions, key_type=str,
                             store="rocksdb:observations")  # "rocksdb://" is a falsy URL: Faust would take memory
    worker = f"{socket.gethostname()}:{os.getpid()}"
    schemas = settings.schemas_dir

    async def dead_letter(event: faust.EventT, stage: str, reason: str, detail: str) -> None:
        message = event.message
        log.warning("dead letter %s/%s at %s[%s]@%s: %s", stage, reason, message.topic, message.partition, message.offset, detail[:200])
        record = envelope(stage=stage, reason=reason, detail=detail, original=event.value, source_topic=message.topic,
                          partition=message.partition, offset=message.offset, key=event.key, worker=worker)
        records.check(schemas, DEADLETTER, record)
        await deadletter_topic.send(key=event.key, value=records.encode(record))

    async def route_one(event: faust.EventT) -> None:
        try:
            record = records.decode(schemas, INDICATORS, event.value)
        except InvalidRecord as exc:
            await dead_letter(event, "reconcile.route", exc.reason, exc.detail)
            return
        key = key_of(record)
        if key is not None:
            await routed_topic.send(key=key.encode(), value=event.value)

    async def reconcile_one(event: faust.EventT) -> None:
        try:
            record = records.decode(schemas, INDICATORS, event.value)
            key = key_of(record)
            if key is None or event.key != key.encode():
                raise InvalidRecord("observation_key", f"record key {event.key!r} is not its observation key {key!r}")
        except InvalidRecord as exc:
            await dead_letter(event, "reconcile.decode", exc.reason, exc.detail)
            return
        try:
            now = datetime.now(UTC).isoformat()
            observation, change = apply(observations.get(key), record, key,
                                        extractor_version=record.get("extractor_version") or EXTRACTOR_VERSION, now=now)
            if change is None:
                return
            records.check(schemas, OBSERVATIONS, observation)
            payload = records.encode(observation)
        except Exception as exc:  # noqa: BLE001 - a bug on one record must not stop the stream
            log.exception("reconcile failed for %s", record.get("indicator_id"))
            await dead_letter(event, "reconcile.choose", "reconcile_error", f"{type(exc).__name__}: {exc}")
            return
        observations[key] = observation
        await observations_topic.send(key=key.encode(), value=payload)

    @app.agent(indicators_topic, concurrency=1)
    async def route(stream: faust.StreamT) -> None:
        async for event in stream.noack().events():
            await route_one(event)
            event.ack()

    @app.agent(routed_topic, concurrency=1)
    async def reconcile(stream: faust.StreamT) -> None:
        async for event in stream.noack().events():
            await reconcile_one(event)
            event.ack()
