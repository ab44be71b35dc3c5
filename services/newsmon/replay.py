"""Re-processing news.raw into fresh indices after an extractor upgrade (`newsmon replay`).

1. New dated indices are created from the current templates, and the write aliases move to them
   at once, so the live indexer writes new documents there while the replay fills in the past.
2. news.raw is read from the first record at or after --from (Kafka timestamps) in a consumer
   group of its own that commits as it goes: an interrupted replay resumes where it stopped.
3. Each record goes through the same enrichment as the processor, near-duplicates are decided in
   replay order, and documents are bulk-indexed with the same stable ids. Indicators are folded
   into observations with the processor's choice rule (state in memory, one entry per
   observation); every changed observation is indexed and published to news.observations.
4. When the group has caught up, the read aliases move too: readers never see a half-built index.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aiokafka import TopicPartition
from elasticsearch.helpers import async_bulk, async_scan

from newsmon import records
from newsmon.connections import async_es_client, es_client, make_consumer, make_producer
from newsmon.index.documents import (
    article_document,
    indicator_document,
    observation_document,
    observation_from_document,
)
from newsmon.index.templates import KINDS, move_alias, names
from newsmon.process.dedupe import advance, article_day, decision_prefix, expire, first_copy
from newsmon.process.enrich import EXTRACTOR_VERSION, enrich_raw
from newsmon.reconcile.agents import key_of
from newsmon.reconcile.choose import apply
from newsmon.records import InvalidRecord
from newsmon.settings import Settings
from newsmon.topics import OBSERVATIONS, RAW


@dataclass
class ReplayPlan:
    """What a replay writes to; saved in the state dir so an interrupted replay resumes."""

    since: str
    group: str
    indices: dict[str, str]

    @staticmethod
    def path(settings: Settings) -> Path:
        return settings.state_dir / f"replay-{settings.index_prefix}.json"

    def save(self, settings: Settings) -> None:
        self.path(settings).parent.mkdir(parents=True, exist_ok=True)
        self.path(settings).write_text(json.dumps(self.__dict__))


def start_or_resume(settings: Settings, since: datetime) -> tuple[ReplayPlan, bool]:
    """The replay under way for these settings, or a new one (indices created, write aliases moved)."""
    path = ReplayPlan.path(settings)
    if path.exists():
        return ReplayPlan(**json.loads(path.read_text())), True
    stamp = datetime.now().strftime("%Y%m%d%H%M%S")
    plan = ReplayPlan(since=since.isoformat(), group=f"{settings.index_prefix}-replay-{stamp}", indices={})
    with es_client(settings) as es:
        for kind in KINDS:
            idx = names(settings, kind)
            index = f"{idx.template}-{stamp}"
            es.indices.create(index=index)
            move_alias(es, idx.write_alias, index, write=True)
            plan.indices[kind] = index
    plan.save(settings)
    return plan, False


async def run_replay(settings: Settings, plan: ReplayPlan, progress: Callable[[int, int], None]) -> dict[str, int]:
    """Replay until the group reaches the end offsets seen at start; then move the read aliases."""
    topic = settings.topic(RAW)
    consumer = make_consumer(settings, topic, group_id=plan.group, max_poll_records=200)
    es = async_es_client(settings)
    producer = make_producer(settings)
    counts = {"records": 0, "articles": 0, "indicators": 0, "observations": 0, "invalid": 0, "failed": 0}
    await producer.start()
    await consumer.start()
    try:
        # A resumed replay goes on from the observations it had built (indexed batch by batch).
        observations = {hit["_id"]: observation_from_document(hit["_source"])
                        async for hit in async_scan(es, index=plan.indices["observations"], query={"query": {"match_all": {}}})}
        while not consumer.assignment():
            await consumer.getmany(timeout_ms=200)
        tps = sorted(consumer.assignment())
        ends = await consumer.end_offsets(tps)
        since_ms = int(datetime.fromisoformat(plan.since).timestamp() * 1000)
        committed = {tp: await consumer.committed(tp) for tp in tps}
        starts = await consumer.offsets_for_times({tp: since_ms for tp in tps if committed[tp] is None})
        for tp, found in starts.items():
            consumer.seek(tp, found.offset if found else ends[tp])
        total = sum(ends[tp] - position for tp, position in (await _positions(consumer, tps)).items())
        fingerprints: dict[str, list] = {}
        done = 0
        while any(position < ends[tp] for tp, position in (await _positions(consumer, tps)).items()):
            batch = await consumer.getmany(timeout_ms=1000)
            actions: list[dict[str, Any]] = []
            changed: set[str] = set()
            for tp_messages in batch.values():
                for message in tp_messages:
                    if message.offset >= ends[TopicPartition(message.topic, message.partition)]:
                        continue
                    done += 1
                    try:
                        raw = records.decode(settings.schemas_dir, RAW, message.value)
                        bundle = enrich_raw(raw)
                    except InvalidRecord:
                        counts["invalid"] += 1  # already dead-lettered by the processor the first time
                        continue
                    except Exception:  # noqa: BLE001 - counted and reported; the processor dead-letters these
                        counts["failed"] += 1
                        continue
                    article = bundle["article"]
                    day, window = article_day(article), settings.dedupe_window_days
                    for gone in advance(fingerprints, day, window):
                        prefix = decision_prefix(gone)
                        expire(fingerprints, [key for key in fingerprints if key.startswith(prefix)])
                    original = first_copy(fingerprints, article["article_id"], int(bundle["simhash"], 16), day, window)
                    article["duplicate_of"] = original
                    doc_id, doc = article_document(article)
                    actions.append({"_index": plan.indices["articles"], "_id": doc_id, "_source": doc})
                    for indicator in bundle["indicators"]:
                        indicator["duplicate_of"] = original
                        doc_id, doc = indicator_document(indicator)
                        actions.append({"_index": plan.indices["indicators"], "_id": doc_id, "_source": doc})
                        if (key := key_of(indicator)) is not None:
                            observation, change = apply(observations.get(key), indicator, key, now=_now(),
                                                        extractor_version=EXTRACTOR_VERSION)
                            if change is not None:
                                observations[key] = observation
                                changed.add(key)
                    counts["articles"] += 1
                    counts["indicators"] += len(bundle["indicators"])
            for key in sorted(changed):
                records.check(settings.schemas_dir, OBSERVATIONS, observations[key])
                doc_id, doc = observation_document(observations[key])
                actions.append({"_index": plan.indices["observations"], "_id": doc_id, "_source": doc})
                await producer.send(settings.topic(OBSERVATIONS), records.encode(observations[key]), key=key.encode())
            if actions:
                await async_bulk(es, actions, max_retries=5, initial_backoff=1)
            await producer.flush()
            await consumer.commit()
            counts["records"] = done
            progress(done, total)
        counts["observations"] = len(observations)
    finally:
        await consumer.stop()
        await producer.stop()
        await es.close()
    with es_client(settings) as sync_es:
        sync_es.indices.refresh(index=",".join(plan.indices.values()))
        for kind in KINDS:
            move_alias(sync_es, names(settings, kind).read_alias, plan.indices[kind], write=False)
    ReplayPlan.path(settings).unlink(missing_ok=True)
    return counts


def _now() -> str:
    return datetime.now(UTC).isoformat()


async def _positions(consumer: Any, tps: list[TopicPartition]) -> dict[TopicPartition, int]:
    return {tp: await consumer.position(tp) for tp in tps}
