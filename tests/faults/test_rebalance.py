"""Scenario 4: two more processing workers join, then leave (SIGTERM), while the stream runs; each
move is a rebalance of news.raw and of the single news.enriched partition and its table."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from newsmon.settings import Settings
from tests.faults.pipeline import Corpus, Feeder, Progress, line, settle, trace
from tests.workers import WorkerProcess

pytestmark = [pytest.mark.integration, pytest.mark.timeout(420)]
FEED_S = 75.0
# (seconds after start, worker, join or leave)
PLAN = ((10.0, "a", "join"), (22.0, "b", "join"), (38.0, "a", "leave"), (52.0, "b", "leave"))


async def test_processors_joining_and_leaving_lose_and_duplicate_nothing(
    pipeline: Settings, corpus: Corpus, tmp_path: Path, report: Callable[[str], None]
) -> None:
    base = [WorkerProcess(pipeline, role, log_dir=tmp_path) for role in ("process", "index")]
    extra: dict[str, WorkerProcess] = {}
    progress, feeder, stop = Progress(pipeline), Feeder(pipeline, list(corpus.messages), FEED_S), asyncio.Event()
    started = time.monotonic()
    tasks = [asyncio.create_task(progress.run(stop)), asyncio.create_task(feeder.run())]
    moves: list[tuple[str, float]] = []
    leave_codes: list[int] = []
    try:
        for at, name, move in PLAN:
            await asyncio.sleep(max(0.0, started + at - time.monotonic()))
            if move == "join":
                extra[name] = WorkerProcess(pipeline, "process", log_dir=tmp_path)
            else:
                leave_codes.append(await asyncio.to_thread(extra[name].stop))
            moves.append((f"{name}:{move}", time.monotonic()))
        await tasks[1]
        result, exact_at = await settle(pipeline, corpus, timeout_s=180)
        assert all(w.alive() for w in base), "\n".join(w.log()[-3000:] for w in base)
    finally:
        stop.set()
        await asyncio.gather(*tasks, return_exceptions=True)
        exits = [w.stop() for w in [*base, *extra.values()]]
    recoveries = [progress.recovery_s(at, 2, done=len(corpus.article_ids)) for _, at in moves]
    worst = max((r for r in recoveries if r is not None), default=None)
    report(line("rebalance", corpus, result, 0, worst, exact_at - moves[-1][1], time.monotonic() - started,
                "2 processors joined and left: "
                + ", ".join(f"{m} {'never' if r is None else f'{r:.1f}s'}" for (m, _), r in zip(moves, recoveries))))
    logs = "\n".join(w.log()[-3000:] for w in [*base, *extra.values()])
    assert result.exact, result.explain() + await trace(pipeline, corpus, result) + logs
    assert None not in recoveries, logs
    assert leave_codes == [0, 0] and exits[:2] == [0, 0], logs
