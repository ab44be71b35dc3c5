"""Scenario 1: a processing worker and an indexer SIGKILLed at seeded random points, 3 times each,
and restarted; Elasticsearch still ends with exactly the corpus."""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from newsmon.settings import Settings
from tests.faults.pipeline import Corpus, Feeder, Progress, line, settle, trace
from tests.workers import WorkerProcess

pytestmark = [pytest.mark.integration, pytest.mark.timeout(420)]
KILLS_EACH = 3
FEED_S = 60.0


async def test_sigkilled_workers_lose_and_duplicate_nothing(
    pipeline: Settings, corpus: Corpus, tmp_path: Path, report: Callable[[str], None]
) -> None:
    rng = random.Random(1)
    # (seconds after start, which worker, seconds down): kills spread over the feed, interleaved
    plan = sorted((rng.uniform(3, FEED_S - 5), role, rng.uniform(0.2, 3.0))
                  for role in ("process", "index") for _ in range(KILLS_EACH))
    workers = {role: WorkerProcess(pipeline, role, log_dir=tmp_path) for role in ("process", "index")}
    every: list[WorkerProcess] = list(workers.values())
    progress, feeder, stop = Progress(pipeline), Feeder(pipeline, list(corpus.messages), FEED_S), asyncio.Event()
    started = time.monotonic()
    tasks = [asyncio.create_task(progress.run(stop)), asyncio.create_task(feeder.run())]
    cleared: list[tuple[str, float]] = []
    try:
        for at, role, down_s in plan:
            await asyncio.sleep(max(0.0, started + at - time.monotonic()))
            assert workers[role].alive(), workers[role].log()[-3000:]
            workers[role].kill()
            await asyncio.sleep(down_s)
            workers[role] = WorkerProcess(pipeline, role, log_dir=tmp_path)
            every.append(workers[role])
            cleared.append((role, time.monotonic()))
        await tasks[1]
        result, exact_at = await settle(pipeline, corpus, timeout_s=180)
        assert all(w.alive() for w in workers.values()), "\n".join(w.log()[-2000:] for w in workers.values())
    finally:
        stop.set()
        await asyncio.gather(*tasks, return_exceptions=True)
        exits = [w.stop() for w in workers.values()]
    # recovery: a restarted processor publishes again (news.articles grows), an indexer indexes
    recoveries = [progress.recovery_s(at, 2 if role == "process" else 1, done=len(corpus.article_ids))
                  for role, at in cleared]
    worst = max((r for r in recoveries if r is not None), default=None)
    report(line("sigkill", corpus, result, 0, worst, exact_at - cleared[-1][1], time.monotonic() - started,
                f"{KILLS_EACH} kills each of processor and indexer, recoveries "
                + ", ".join(f"{role}:{'never' if r is None else f'{r:.1f}s'}" for (role, _), r in zip(cleared, recoveries))))
    logs = "\n".join(w.log()[-2000:] for w in every)
    assert result.exact, result.explain() + await trace(pipeline, corpus, result) + logs
    assert None not in recoveries, logs
    assert exits == [0, 0], logs
