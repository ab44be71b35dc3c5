"""Scenario 2: Elasticsearch stopped for 60 s mid-stream, then restarted; the indexer pauses, resumes
by itself, and Elasticsearch ends with exactly the corpus."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from newsmon.settings import Settings
from newsmon.stack.local import LocalStack
from tests.faults.pipeline import Corpus, Feeder, Progress, line, settle, trace
from tests.kafka_helpers import wait_until
from tests.workers import WorkerProcess

pytestmark = [pytest.mark.integration, pytest.mark.timeout(480)]
FEED_S = 60.0
OUTAGE_S = 60.0


async def test_elasticsearch_outage_pauses_and_resumes_without_loss(
    pipeline: Settings, stack: Settings, corpus: Corpus, tmp_path: Path, report: Callable[[str], None]
) -> None:
    # LocalStack(stack): the session's stack is found by its state dir, not `pipeline`'s per-test one.
    workers = [WorkerProcess(pipeline, role, log_dir=tmp_path) for role in ("process", "index")]
    progress, feeder, stop = Progress(pipeline), Feeder(pipeline, list(corpus.messages), FEED_S), asyncio.Event()
    started = time.monotonic()
    tasks = [asyncio.create_task(progress.run(stop)), asyncio.create_task(feeder.run())]
    es_down = False
    try:
        async def some_indexed() -> bool:
            return (progress.latest() or 0) >= len(corpus.article_ids) // 5

        assert await wait_until(some_indexed, 90), "\n".join(w.log()[-3000:] for w in workers)
        at_stop = progress.latest()
        es_down = True
        await asyncio.to_thread(LocalStack(stack).es.stop)
        await asyncio.sleep(OUTAGE_S)
        await asyncio.to_thread(LocalStack(stack).up)
        es_down = False
        cleared = time.monotonic()
        await tasks[1]
        result, exact_at = await settle(pipeline, corpus, timeout_s=180)
        assert all(w.alive() for w in workers), "\n".join(w.log()[-3000:] for w in workers)
    finally:
        if es_down:  # never leave the stack broken for the next test
            await asyncio.to_thread(LocalStack(stack).up)
        stop.set()
        await asyncio.gather(*tasks, return_exceptions=True)
        exits = [w.stop() for w in workers]
    recovery = progress.recovery_s(cleared, 1, done=len(corpus.article_ids))
    published_during = max((s[2] or 0) for s in progress.samples if s[0] <= cleared) // 1
    report(line("es-outage", corpus, result, 0, recovery, exact_at - cleared, time.monotonic() - started,
                f"Elasticsearch down {OUTAGE_S:.0f}s with {at_stop} articles indexed, "
                f"{published_during} article records published by then"))
    logs = "\n".join(w.log()[-3000:] for w in workers)
    assert result.exact, result.explain() + await trace(pipeline, corpus, result) + logs
    assert recovery is not None, logs
    assert exits == [0, 0], logs
