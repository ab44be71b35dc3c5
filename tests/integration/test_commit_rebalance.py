"""A commit that a rebalance refuses (the real broker's answer, not a stand-in) is no crash:
`commit_or_redeliver` reports it, and the uncommitted records come back from the last commit."""

from __future__ import annotations

import asyncio

import pytest
from prometheus_client import REGISTRY

from newsmon.connections import commit_or_redeliver, make_consumer
from newsmon.settings import Settings
from newsmon.topics import ARTICLES
from tests.kafka_helpers import produce

pytestmark = pytest.mark.integration


async def _fetch(consumer, timeout_s: float = 20.0) -> list:
    found: list = []
    async with asyncio.timeout(timeout_s):
        while not found:
            batch = await consumer.getmany(timeout_ms=500)
            found = [m for ms in batch.values() for m in ms]
    return found


async def test_commit_during_a_rebalance_is_refused_and_redelivered(ready: Settings) -> None:
    topic = ready.topic(ARTICLES)
    await produce(ready, topic, [(f"k{i}".encode(), b"{}") for i in range(60)])
    group = f"{ready.index_group}-rebalance"
    # The survivor's heartbeat is a minute away: it misses the rebalance a joining peer starts,
    # which completes without it after the group's rebalance timeout (5 s), as when a batch in
    # flight outlasts a rebalance. Its commit then carries a generation the group has left behind.
    survivor = make_consumer(ready, topic, group_id=group, heartbeat_interval_ms=60000, session_timeout_ms=120000,
                             max_poll_records=5, rebalance_timeout_ms=5000)
    await survivor.start()
    peer = make_consumer(ready, topic, group_id=group, session_timeout_ms=120000, rebalance_timeout_ms=5000)
    try:
        first = await _fetch(survivor)
        assert await commit_or_redeliver(survivor, {}, "test") is False  # nothing to commit, no error
        await peer.start()
        async with asyncio.timeout(60):
            while not peer.assignment():
                await peer.getmany(timeout_ms=500)
        offsets = {tp: ms[-1].offset + 1 for tp in survivor.assignment()
                   if (ms := [m for m in first if m.partition == tp.partition])}
        refused = REGISTRY.get_sample_value("newsmon_commit_refused_total", {"worker": "test"}) or 0.0
        assert offsets
        assert await commit_or_redeliver(survivor, offsets, "test") is False
        assert REGISTRY.get_sample_value("newsmon_commit_refused_total", {"worker": "test"}) == refused + 1
        # Both members settle; every record of the refused batch is delivered again to its owner.
        again: list = []
        async with asyncio.timeout(60):
            while {(m.partition, m.offset) for m in first} - {(m.partition, m.offset) for m in again}:
                for consumer in (survivor, peer):
                    batch = await consumer.getmany(timeout_ms=300)
                    again += [m for ms in batch.values() for m in ms]
        assert set(survivor.assignment()) | set(peer.assignment())
    finally:
        await peer.stop()
        await survivor.stop()
