"""State growth: how long a crawler and a processor take to become ready, and their RSS, after a
history of N articles (and N fetched URLs) spread over a year of publication dates.

The history is written in the workers' own record formats, built with their own functions:
- crawl.state: `url_record` of `fetch_task`s (one per article, 500 hosts), each on its host's
  partition (`CrawlState.partition_of`), fetch times spread over the year; URLs past the retention
  end as tombstones, as the owners' `expire` leaves them. The crawler measured owns all partitions.
- the fingerprint table's changelog: the publish agent's calls (`advance`, `first_copy`, `expire`,
  the window from the settings) over the articles in day order (one in ten a reprint), written as
  the compacted topic ends up: the last value of each key still present, Faust's own serializer.
  The processor measured is a real `newsmon process` worker; ready = Faust's "Ready" log line.
Warm = the local state of a previous run on disk (the crawler's SQLite copies, the processor's
RocksDB), cold = an empty state dir. Each measurement runs in a fresh child process.

Usage: python benchmarks/state_growth.py [--sizes 10000 100000 1000000]
Needs the local stack; a private topic prefix and app id, all removed afterwards. Prints a JSON line per size.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from newsmon.connections import make_producer  # noqa: E402
from newsmon.crawl.feeds import FeedEntry  # noqa: E402
from newsmon.crawl.publisher import fetch_task  # noqa: E402
from newsmon.crawl.sources import Source  # noqa: E402
from newsmon.crawl.state import CrawlState, url_record  # noqa: E402
from newsmon.process.dedupe import advance, decision_prefix, expire, first_copy  # noqa: E402
from newsmon.records import encode  # noqa: E402
from newsmon.settings import Settings  # noqa: E402
from newsmon.topics import ensure_topics  # noqa: E402
from tests.cleanup import remove  # noqa: E402
from tests.workers import WorkerProcess  # noqa: E402

END = datetime(2026, 12, 1, tzinfo=UTC)
HOSTS = 500


def history_days(n: int, seed: int = 7) -> list[int]:
    """n publication days spread evenly at random over the year before END, in order."""
    rng = random.Random(seed)
    first = (END - timedelta(days=365)).date().toordinal()
    return sorted(first + rng.randrange(365) for _ in range(n))


async def write_crawl_history(settings: Settings, n: int) -> int:
    source = Source.model_validate({"id": "bench", "feed": "http://bench.invalid/feed.xml"})
    producer = make_producer(settings, linger_ms=20, max_batch_size=262144)
    await producer.start()
    state = CrawlState(settings, producer)
    await state.start()
    await state._consumer.stop()
    retention_start = END - timedelta(days=settings.crawl_url_retention_days)
    futures, sent = [], 0
    try:
        for i, day in enumerate(history_days(n)):
            url = f"http://news{i % HOSTS}.bench.invalid/{date.fromordinal(day):%Y%m}/{i}.html"
            task = fetch_task(source, FeedEntry(url, None, None, None, None))
            fetched = datetime.fromordinal(day).replace(tzinfo=UTC) + timedelta(hours=9)
            key, partition = f"url:{task['article_id']}".encode(), state.partition_of(task["host"])
            futures.append(await producer.send(state.topic, encode(url_record(task, "ok", fetched.isoformat())),
                                               key=key, partition=partition))
            if fetched < retention_start:
                futures.append(await producer.send(state.topic, None, key=key, partition=partition))
            if len(futures) > 20000:
                sent += len(await asyncio.gather(*futures))
                futures = []
        sent += len(await asyncio.gather(*futures))
    finally:
        await producer.stop()
    return sent


def fingerprint_history(n: int, window_days: int, seed: int = 11) -> dict[str, list]:
    """The fingerprint table after the publish agent saw n articles over a year (dict = compacted changelog)."""
    rng = random.Random(seed)
    table: dict[str, list] = {}
    recent: list[int] = []
    decisions_by_day: dict[int, list[str]] = {}
    for i, day in enumerate(history_days(n)):
        if recent and rng.random() < 0.1:
            fingerprint = recent[rng.randrange(len(recent))] ^ (1 << rng.randrange(64))
        else:
            fingerprint = rng.getrandbits(64)
            recent = [*recent[-999:], fingerprint]
        for gone in advance(table, day, window_days):
            expire(table, decisions_by_day.pop(gone, []))
        article = f"{i:020x}"
        first_copy(table, article, fingerprint, day, window_days)
        if f"{decision_prefix(day)}{article}" in table:
            decisions_by_day.setdefault(day, []).append(f"{decision_prefix(day)}{article}")
    return table


async def write_fingerprint_history(settings: Settings, n: int, state_dir: Path) -> int:
    from aiokafka.admin import AIOKafkaAdminClient, NewTopic

    from newsmon.connections import kafka_options
    from newsmon.process.app import create_app

    app = create_app(settings.model_copy(update={"state_dir": state_dir}))
    table = app.tables["fingerprints"]
    topic = table.changelog_topic.get_topic_name()
    admin = AIOKafkaAdminClient(**kafka_options(settings))
    await admin.start()
    try:
        await admin.create_topics([NewTopic(topic, 1, 1, topic_configs={"cleanup.policy": "compact"})])
    finally:
        await admin.close()
    producer = make_producer(settings, linger_ms=20, max_batch_size=262144)
    await producer.start()
    try:
        futures = []
        for key, value in fingerprint_history(n, settings.dedupe_window_days).items():
            raw = app.serializers.dumps_value(table.value_type, value, serializer=table.value_serializer)
            raw_key = app.serializers.dumps_key(table.key_type, key, serializer=table.key_serializer)
            futures.append(await producer.send(topic, raw, key=raw_key, partition=0))
        await asyncio.gather(*futures)
        return len(futures)
    finally:
        await producer.stop()


def crawler_ready(settings_json: str) -> None:
    """Child process: one crawler's state for all partitions, ready; prints seconds and RSS."""
    settings = Settings.model_validate_json(settings_json)

    async def run() -> float:
        started = time.perf_counter()
        state = CrawlState(settings, producer=object())
        await state.start()
        await state.assign(set(state._partitions))
        elapsed = time.perf_counter() - started
        await state.stop()
        return elapsed

    seconds = asyncio.run(run())
    print(json.dumps({"seconds": round(seconds, 2), "peak_rss_mb": peak_rss_mb("self")}))


def peak_rss_mb(pid: str | int) -> int:
    """VmHWM (getrusage's maxrss would be the forking parent's: Linux keeps it across exec)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) // 1024
    return 0


def measure_crawler(settings: Settings) -> dict:
    out = subprocess.run([sys.executable, __file__, "--crawler-ready", settings.model_dump_json()],
                         check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def measure_processor(settings: Settings, log_dir: Path) -> dict:
    worker = WorkerProcess(settings, "process", log_dir=log_dir)
    started = time.perf_counter()
    try:
        while "Ready" not in worker.log():
            if not worker.alive() or time.perf_counter() - started > 900:
                raise RuntimeError(f"processor never ready:\n{worker.log()[-3000:]}")
            time.sleep(0.1)
        elapsed = time.perf_counter() - started
        peak = peak_rss_mb(worker.proc.pid)
    finally:
        worker.stop()
    return {"seconds": round(elapsed, 2), "peak_rss_mb": peak}


async def one_size(n: int) -> dict:
    tag = f"sg{uuid.uuid4().hex[:8]}"
    root = Path(tempfile.mkdtemp(prefix=f"{tag}-"))
    settings = Settings(topic_prefix=f"{tag}.", index_prefix=tag, faust_app_id=f"{tag}-process",
                        crawl_group=f"{tag}-crawl", index_group=f"{tag}-index", faust_web_port=0, state_dir=root / "warm")
    try:
        await ensure_topics(settings)
        started = time.perf_counter()
        crawl_records = await write_crawl_history(settings, n)
        table_records = await write_fingerprint_history(settings, n, root / "generator")
        result = {"articles": n, "crawl_state_records": crawl_records, "fingerprint_changelog_records": table_records,
                  "history_written_s": round(time.perf_counter() - started, 1)}
        result["crawler_cold"] = measure_crawler(settings)  # the warm dir starts empty: this run fills it
        result["crawler_warm"] = measure_crawler(settings)
        result["processor_cold"] = measure_processor(settings, root)  # likewise
        result["processor_warm"] = measure_processor(settings, root)
        return result
    finally:
        await remove(settings, (f"{tag}.", f"{tag}-"), group_wait_s=60)
        subprocess.run(["rm", "-rf", str(root)], check=False)


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--crawler-ready":
        crawler_ready(sys.argv[2])
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    args = parser.parse_args()
    for n in args.sizes:
        print(json.dumps(asyncio.run(one_size(n))), flush=True)


if __name__ == "__main__":
    main()
