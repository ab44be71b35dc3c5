"""The reconcile stage's throughput: indicator records -> observations.

1. In process: the choice rule alone (reconcile.choose.apply), one report after another, as the
   agent calls it.
2. End to end: records already on news.indicators -> a real `newsmon process` worker (route,
   repartition by observation key, table, publish) -> news.observations, counted until every
   observation's last change is there. Includes the worker's start-up (consumer group join and
   table recovery), reported separately from the steady rate.

Usage: python benchmarks/reconcile.py [--observations N] [--reports K]
Each observation gets K reports (a bureau release, a newspaper report, reprints, now and then a
conflicting portal figure). Needs the local stack (`newsmon stack up`); throwaway topics, removed
afterwards. Prints one JSON object, then a one-line summary.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from newsmon.connections import make_consumer, make_producer  # noqa: E402
from newsmon.reconcile.choose import apply  # noqa: E402
from newsmon.records import encode  # noqa: E402
from newsmon.settings import Settings  # noqa: E402
from newsmon.topics import INDICATORS, OBSERVATIONS, declared_topics, delete_topics, ensure_topics  # noqa: E402
from tests.unit.reconcile.factory import BUREAU, NEWSPAPER, PORTAL, indicator  # noqa: E402
from tests.workers import WorkerProcess  # noqa: E402

REGIONS = [("420302", "茅箭区", "county"), ("420303", "张湾区", "county"), ("420304", "郧阳区", "county"),
           ("420322", "郧西县", "county"), ("420323", "竹山县", "county"), ("420381", "丹江口市", "county")]
METRICS = [("gdp", "地区生产总值"), ("retail_sales", "社会消费品零售总额"), ("fiscal_revenue", "地方一般公共预算收入"),
           ("industrial_output", "工业总产值")]
MONTH_ENDS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]


def reports(n: int, k: int) -> list[dict]:
    """k reports for each of n observations (distinct region, metric, year and month)."""
    out = []
    for i in range(n):
        region, metric = REGIONS[i % len(REGIONS)], METRICS[(i // len(REGIONS)) % len(METRICS)]
        year, month = 2000 + i // (len(REGIONS) * len(METRICS) * 12), (i // (len(REGIONS) * len(METRICS))) % 12 + 1
        period = (f"1至{month}月", "cumulative", f"{year}-01-01", f"{year}-{month:02d}-{MONTH_ENDS[month - 1]}")
        value = 10.0 + i % 997
        first = None
        for j in range(k):
            authority = BUREAU if j == 0 else NEWSPAPER if j == 1 else PORTAL
            conflicting = j == k - 1 and j >= 2 and i % 10 == 0
            record = indicator(f"obs{i}-r{j}", value=value + (1.0 if conflicting else 0.0), authority=authority,
                               region=region, metric=metric, period=period,
                               published_at=f"{year + 1 if month == 12 else year}-{month % 12 + 1:02d}-{10 + j:02d}T09:00:00+08:00",
                               duplicate_of=first if j >= 2 and not conflicting else None)
            first = first or record["article_id"]
            out.append(record)
    return out


def in_process(records: list[dict]) -> dict:
    state: dict[str, dict] = {}
    started = time.perf_counter()
    changes = 0
    for record in records:
        key = record["observation_key"]
        observation, change = apply(state.get(key), record, key, extractor_version="1", now="2026-12-02T00:00:00+00:00")
        if change:
            state[key] = observation
            changes += 1
    elapsed = time.perf_counter() - started
    return {"reports": len(records), "observations": len(state), "changes": changes, "seconds": round(elapsed, 3),
            "reports_per_s": round(len(records) / elapsed), "observations_per_s": round(len(state) / elapsed)}


async def end_to_end(records: list[dict], n: int) -> dict:
    tag = uuid.uuid4().hex[:8]
    settings = Settings(topic_prefix=f"bench{tag}.", index_prefix=f"bench{tag}", faust_app_id=f"bench{tag}-process",
                        faust_web_port=0)
    await ensure_topics(settings)
    producer = make_producer(settings, linger_ms=20)
    await producer.start()
    futures = [await producer.send(settings.topic(INDICATORS), encode(r), key=r["article_id"].encode()) for r in records]
    await asyncio.gather(*futures)
    await producer.stop()
    consumer = make_consumer(settings, settings.topic(OBSERVATIONS), group_id=f"bench{tag}-reader")
    await consumer.start()
    worker = WorkerProcess(settings, "process", log_dir=Path(tempfile.mkdtemp()))
    started = time.perf_counter()
    first_at, done = None, set()
    expected = {r["observation_key"] for r in records}
    last_changes: dict[str, int] = {}
    per_observation = len(records) // n
    seen = 0
    try:
        while len(done) < n and time.perf_counter() - started < 600:
            batch = await consumer.getmany(timeout_ms=500)
            for messages in batch.values():
                for message in messages:
                    first_at = first_at or time.perf_counter()
                    seen += 1
                    record = json.loads(message.value)
                    last_changes[record["observation_key"]] = record["source_count"]
            done = {key for key, count in last_changes.items() if key in expected and count == per_observation}
        elapsed = time.perf_counter() - started
        steady = time.perf_counter() - (first_at or started)
    finally:
        worker.stop()
        await consumer.stop()
        await delete_topics(settings, [settings.topic(t.name) for t in declared_topics(settings.schemas_dir)])
    return {"reports": len(records), "observations": len(done), "records_on_news_observations": seen,
            "seconds_with_startup": round(elapsed, 2), "seconds_after_first_output": round(steady, 2),
            "observations_per_s": round(len(done) / steady, 1), "reports_per_s": round(len(records) / steady, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--observations", type=int, default=1000)
    parser.add_argument("--reports", type=int, default=4)
    args = parser.parse_args()
    records = reports(args.observations, args.reports)
    result = {"in_process": in_process(records), "end_to_end": asyncio.run(end_to_end(records, args.observations))}
    print(json.dumps(result, indent=2))
    e2e, local = result["end_to_end"], result["in_process"]
    print(f"reconcile: choice rule {local['reports_per_s']:,} reports/s in process; end to end "
          f"{e2e['observations_per_s']:,} observations/s ({e2e['reports_per_s']:,} reports/s, one processor)")


if __name__ == "__main__":
    main()
