"""crawl.state against the real broker: co-partitioned with the frontier by host, a local copy per
owned partition (warm starts read only what is new), expiry by tombstone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from aiokafka import TopicPartition

from newsmon.connections import make_consumer, make_producer
from newsmon.crawl.state import CrawlState
from newsmon.crawl.urls import article_id, host_key
from newsmon.settings import Settings

pytestmark = pytest.mark.integration

NOW = datetime(2026, 6, 1, tzinfo=UTC)


def url_record(url: str, fetched_at: datetime) -> dict:
    return {"schema_version": 1, "kind": "url", "article_id": article_id(url), "url": url,
            "fetched_at": fetched_at.isoformat(), "outcome": "ok", "source_id": "s"}


async def test_owned_partitions_warm_cold_and_expiry(ready: Settings, tmp_path: Path) -> None:
    settings = ready.model_copy(update={"state_dir": tmp_path / "a", "crawl_url_retention_days": 30})
    urls = [f"http://news{n % 7}.example.cn/{n}.html" for n in range(60)]
    old = {u for i, u in enumerate(urls) if i % 3 == 0}
    producer = make_producer(settings)
    await producer.start()
    try:
        writer = CrawlState(settings, producer)
        await writer.start()
        everything = set(writer._partitions)
        await writer.assign(everything)
        for url in urls:
            await writer.put_url(url_record(url, NOW - timedelta(days=90 if url in old else 1)))
        await writer.put_feed({"schema_version": 1, "kind": "feed", "source_id": "s", "next_poll_at": NOW.isoformat(),
                               "errors": 0}, "news0.example.cn")
        assert await writer.expire(NOW) == len(old)
        assert all(writer.seen(article_id(u), host_key(u)) == (u not in old) for u in urls)
        await writer.stop()

        # Every record sits in the frontier partition of its host; expired URLs end as tombstones.
        reader = make_consumer(settings, group_id=None)
        await reader.start()
        tps = [TopicPartition(writer.topic, p) for p in sorted(everything)]
        reader.assign(tps)
        await reader.seek_to_beginning(*tps)
        ends = await reader.end_offsets(tps)
        last: dict[bytes, tuple[int, bytes | None]] = {}
        read = {tp: 0 for tp in tps}
        while any(read[tp] < ends[tp] for tp in tps):
            for tp, messages in (await reader.getmany(timeout_ms=1000)).items():
                for m in messages:
                    last[m.key] = (tp.partition, m.value)
                read[tp] = messages[-1].offset + 1
        await reader.stop()
        for url in urls:
            partition, value = last[f"url:{article_id(url)}".encode()]
            assert partition == writer.partition_of(host_key(url))
            assert (value is None) == (url in old)

        # Warm: the local copy is at the end of the topic, nothing is read again.
        warm = CrawlState(settings, producer)
        await warm.start()
        await warm.assign(everything)
        assert {p: s.next_offset() for p, s in warm.stores.items()} == {tp.partition: ends[tp] for tp in tps}
        assert all(warm.seen(article_id(u), host_key(u)) == (u not in old) for u in urls)
        assert warm.feeds["s"]["source_id"] == "s"
        await warm.stop()

        # Cold, on an empty disk, owning one host's partition: only that partition is read.
        one = writer.partition_of(host_key(urls[0]))
        cold = CrawlState(settings.model_copy(update={"state_dir": tmp_path / "b"}), producer)
        await cold.start()
        await cold.assign({one})
        assert [p.name for p in cold.root.iterdir() if p.suffix == ".sqlite"] == [f"{one}.sqlite"]
        for url in urls:
            owned = cold.partition_of(host_key(url)) == one
            assert cold.seen(article_id(url), host_key(url)) == (owned and url not in old)
        await cold.stop()
    finally:
        await producer.stop()
