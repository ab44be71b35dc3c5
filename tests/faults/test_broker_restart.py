"""Scenario 3: the Kafka broker restarted mid-stream. The workers run under the real Supervisor of
`newsmon run`, so a worker that dies of the outage is restarted as in production, and counted:
the line reports every restart (a worker should ride out a broker restart by itself)."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from newsmon.settings import Settings
from newsmon.stack.local import LocalStack
from newsmon.supervise import Supervisor
from tests.faults.pipeline import Corpus, Feeder, Progress, line, settle, trace
from tests.kafka_helpers import wait_until
from tests.workers import settings_env

pytestmark = [pytest.mark.integration, pytest.mark.timeout(480)]
FEED_S = 60.0
DOWN_S = 10.0


async def _tick(supervisor: Supervisor, stop: asyncio.Event) -> None:
    while not stop.is_set():
        supervisor.tick()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), 1.0)


async def test_broker_restart_is_ridden_out_without_loss(
    pipeline: Settings, stack: Settings, corpus: Corpus, tmp_path: Path, report: Callable[[str], None]
) -> None:
    # LocalStack(stack): the session's stack is found by its state dir, not `pipeline`'s per-test one.
    supervisor = Supervisor(tmp_path / "supervised", env=settings_env(pipeline))
    children = [supervisor.add(role, role) for role in ("process", "index")]
    progress, feeder, stop = Progress(pipeline), Feeder(pipeline, list(corpus.messages), FEED_S), asyncio.Event()
    started = time.monotonic()
    tasks = [asyncio.create_task(progress.run(stop)), asyncio.create_task(feeder.run()),
             asyncio.create_task(_tick(supervisor, stop))]
    broker_down = False
    logs = lambda: "\n".join(c.log_path.read_text(errors="replace")[-3000:] for c in children)  # noqa: E731
    try:
        async def some_indexed() -> bool:
            return (progress.latest() or 0) >= len(corpus.article_ids) // 5

        assert await wait_until(some_indexed, 90), logs()
        at_stop = progress.latest()
        broker_down = True
        await asyncio.to_thread(LocalStack(stack).kafka.stop)
        await asyncio.sleep(DOWN_S)
        await asyncio.to_thread(LocalStack(stack).up)
        broker_down = False
        cleared = time.monotonic()
        await tasks[1]
        result, exact_at = await settle(pipeline, corpus, timeout_s=180)
    finally:
        if broker_down:  # never leave the stack broken for the next test
            await asyncio.to_thread(LocalStack(stack).up)
        stop.set()
        await asyncio.gather(*tasks, return_exceptions=True)
        states = [c.state for c in children]
        await asyncio.to_thread(supervisor.stop)
    restarts = {c.name: c.restarts for c in children}
    # both stages must move again: the processor publishes (column 2), the indexer indexes (column 1)
    stages = [progress.recovery_s(cleared, column, done=len(corpus.article_ids)) for column in (2, 1)]
    recovery = None if None in stages else max(stages)
    report(line("broker-restart", corpus, result, 0, recovery, exact_at - cleared, time.monotonic() - started,
                f"broker down {DOWN_S:.0f}s with {at_stop} articles indexed; processor/indexer moving again after "
                f"{'/'.join('never' if r is None else f'{r:.1f}s' for r in stages)}; supervisor restarts {restarts}; "
                f"feeder re-sent {feeder.resent_chunks} chunks"))
    assert result.exact, result.explain() + await trace(pipeline, corpus, result) + logs()
    assert recovery is not None, logs()
    assert states == ["running", "running"], logs()
    assert restarts == {"process": 0, "index": 0}, "a worker died of the broker restart:\n" + logs()
