"""Scenario: near-duplicate windows expire and the fingerprint table's partition moves, while
articles flow. The corpus is dated over 20 days in stream order with a 2-day window, so about 18
days of decisions are deleted during the run; a second processor joins and leaves, which moves
news.enriched and the table (RocksDB + changelog) to it and back. Nothing lost, nothing twice."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from newsmon.demo.generator import generate
from newsmon.process.enrich import enrich_raw
from newsmon.records import encode
from newsmon.settings import Settings
from tests.faults.conftest import N_ARTICLES, SEED
from tests.faults.pipeline import Corpus, Feeder, Progress, line, raw_record, settle, trace
from tests.workers import WorkerProcess

pytestmark = [pytest.mark.integration, pytest.mark.timeout(420)]
FEED_S = 60.0
DAYS = 20
PLAN = ((15.0, "join"), (35.0, "leave"))
FIRST_DAY = datetime(2024, 5, 1, 9, 0, tzinfo=timezone(timedelta(hours=8)))


def dated_corpus(n: int, seed: int) -> Corpus:
    """The fault corpus, re-dated so that publication days advance with the stream."""
    messages, counts, indicator_ids = [], {}, set()
    for i, article in enumerate(generate(n, seed=seed)):
        raw = raw_record(article)
        raw["published_at"] = (FIRST_DAY + timedelta(days=i * DAYS // n)).isoformat()
        bundle = enrich_raw(raw)
        counts[raw["article_id"]] = len(bundle["indicators"])
        indicator_ids.update(x["indicator_id"] for x in bundle["indicators"])
        messages.append((raw["article_id"].encode(), encode(raw)))
    return Corpus(tuple(messages), frozenset(counts), frozenset(indicator_ids), counts)


async def test_windows_expiring_while_the_table_moves_lose_and_duplicate_nothing(
    pipeline: Settings, tmp_path: Path, report: Callable[[str], None]
) -> None:
    settings = pipeline.model_copy(update={"dedupe_window_days": 2})
    corpus = dated_corpus(N_ARTICLES, SEED)
    base = [WorkerProcess(settings, role, log_dir=tmp_path) for role in ("process", "index")]
    progress, feeder, stop = Progress(settings), Feeder(settings, list(corpus.messages), FEED_S), asyncio.Event()
    started = time.monotonic()
    tasks = [asyncio.create_task(progress.run(stop)), asyncio.create_task(feeder.run())]
    extra: WorkerProcess | None = None
    moves: list[tuple[str, float]] = []
    try:
        for at, move in PLAN:
            await asyncio.sleep(max(0.0, started + at - time.monotonic()))
            if move == "join":
                extra = WorkerProcess(settings, "process", log_dir=tmp_path)
            else:
                assert extra is not None
                await asyncio.to_thread(extra.stop)
            moves.append((move, time.monotonic()))
        await tasks[1]
        result, exact_at = await settle(settings, corpus, timeout_s=180)
    finally:
        stop.set()
        await asyncio.gather(*tasks, return_exceptions=True)
        exits = [w.stop() for w in [*base, *([extra] if extra else [])]]
    logs = "\n".join(w.log()[-3000:] for w in [*base, *([extra] if extra else [])])
    expired = sum(w.log().count("left the window") for w in [*base, *([extra] if extra else [])])
    recoveries = [progress.recovery_s(at, 2, done=len(corpus.article_ids)) for _, at in moves]
    worst = max((r for r in recoveries if r is not None), default=None)
    report(line("window expiry", corpus, result, 0, worst, exact_at - moves[-1][1], time.monotonic() - started,
                f"{expired} window days expired, a processor joined and left"))
    assert result.exact, result.explain() + await trace(settings, corpus, result) + logs
    assert expired >= DAYS - 3, logs  # about 17 days, each once (the newest day is in the table)  # windows did expire during the run
    assert exits[:2] == [0, 0], logs
