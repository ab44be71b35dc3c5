"""End-to-end throughput, freshness and worker memory on the local stack.

Usage: python benchmarks/pipeline.py [--articles N] [--rate R] [--seconds S]
Needs the local stack (`newsmon stack up`); starts one `newsmon process` and one `newsmon index`
worker on throwaway topics and indices (removed afterwards).
1. throughput: N generated articles produced to news.raw at once; time until all are searchable.
2. freshness: R articles/s for S seconds; per article, time from produce to searchable (p50/p95/p99).
3. memory: peak RSS of each worker process (children included) over both phases.
Prints one JSON object, then a one-line summary.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import psutil

from newsmon.connections import async_es_client, es_client, make_producer
from newsmon.crawl.urls import article_id
from newsmon.demo.generator import generate
from newsmon.index.templates import ensure_templates, names
from newsmon.records import encode
from newsmon.settings import Settings
from newsmon.topics import RAW, declared_topics, delete_topics, ensure_topics

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from tests.workers import settings_env  # noqa: E402  (the same env mapping the tests use)


def raw_records(n: int, seed: int) -> list[dict]:
    records = []
    now = datetime.now(UTC).isoformat()
    for article in generate(n, seed=seed):
        url = f"https://bench.example.cn{article.path}"
        records.append({
            "schema_version": 1, "article_id": article_id(url), "url": url, "canonical_url": url,
            "source_id": "bench", "title": article.title, "text": article.text,
            "published_at": article.published_at.isoformat(), "fetched_at": now, "encoding": "utf-8",
        })
    return records


class Peaks:
    """Samples the RSS of worker process trees."""

    def __init__(self, procs: dict[str, subprocess.Popen]) -> None:
        self.procs = {name: psutil.Process(p.pid) for name, p in procs.items()}
        self.peak = {name: 0.0 for name in procs}

    def sample(self) -> None:
        for name, proc in self.procs.items():
            try:
                rss = sum(p.memory_info().rss for p in [proc, *proc.children(recursive=True)])
            except psutil.NoSuchProcess:
                continue
            self.peak[name] = max(self.peak[name], rss / 2**20)


async def count(es, index: str) -> int:
    return (await es.count(index=index))["count"]


async def main(n: int, rate: float, seconds: float) -> dict:
    tag = uuid.uuid4().hex[:8]
    settings = Settings(topic_prefix=f"bench{tag}.", index_prefix=f"bench{tag}",
                        faust_app_id=f"bench{tag}-process", index_group=f"bench{tag}-index", faust_web_port=0)
    await ensure_topics(settings)
    with es_client(settings) as es_sync:
        ensure_templates(es_sync, settings)
    newsmon = str(Path(sys.executable).parent / "newsmon")
    procs = {kind: subprocess.Popen([newsmon, kind], env=settings_env(settings), stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL, start_new_session=True) for kind in ("process", "index")}
    peaks = Peaks(procs)
    es = async_es_client(settings)
    alias = names(settings, "articles").read_alias
    producer = make_producer(settings, linger_ms=20)
    await producer.start()
    result: dict = {"benchmark": "pipeline", "machine": f"{psutil.cpu_count()} cores, {psutil.virtual_memory().total / 2**30:.0f} GiB"}
    try:
        # warm-up: workers joined their groups and loaded their vocabularies
        warm = raw_records(5, seed=99)
        for r in warm:
            await producer.send_and_wait(settings.topic(RAW), encode(r), key=r["article_id"].encode())
        while await count(es, alias) < len(warm):
            peaks.sample()
            await asyncio.sleep(0.2)
        base = len(warm)

        records = raw_records(n, seed=1)
        chars = sum(len(r["text"]) for r in records)
        started = time.perf_counter()
        futures = [await producer.send(settings.topic(RAW), encode(r), key=r["article_id"].encode()) for r in records]
        await asyncio.gather(*futures)
        produced_s = time.perf_counter() - started
        while await count(es, alias) < base + n:
            peaks.sample()
            await asyncio.sleep(0.1)
        elapsed = time.perf_counter() - started
        result.update(articles=n, chars=chars, produce_s=round(produced_s, 2), seconds_to_searchable=round(elapsed, 2),
                      articles_per_s=round(n / elapsed, 1))

        steady = raw_records(int(rate * seconds), seed=2)
        sent_at: dict[str, float] = {}
        seen_at: dict[str, float] = {}

        async def watch() -> None:
            while len(seen_at) < len(steady):
                pending = [aid for aid in sent_at if aid not in seen_at]
                if pending:
                    found = await es.search(index=alias, query={"ids": {"values": pending}}, size=len(pending), source=False)
                    now = time.perf_counter()
                    for hit in found["hits"]["hits"]:
                        seen_at.setdefault(hit["_id"], now)
                peaks.sample()
                await asyncio.sleep(0.05)

        watcher = asyncio.create_task(watch())
        begin = time.perf_counter()
        for i, r in enumerate(steady):
            await asyncio.sleep(max(0.0, begin + i / rate - time.perf_counter()))
            await producer.send_and_wait(settings.topic(RAW), encode(r), key=r["article_id"].encode())
            sent_at[r["article_id"]] = time.perf_counter()
        await asyncio.wait_for(watcher, timeout=120)
        latencies = sorted(seen_at[a] - sent_at[a] for a in sent_at)
        q = statistics.quantiles(latencies, n=100)
        result.update(freshness_rate=rate, freshness_articles=len(latencies), freshness_p50_s=round(q[49], 3),
                      freshness_p95_s=round(q[94], 3), freshness_p99_s=round(q[98], 3))
        result["peak_rss_mb"] = {kind: round(mb, 1) for kind, mb in peaks.peak.items()}
    finally:
        await producer.stop()
        for proc in procs.values():
            proc.terminate()
        for proc in procs.values():
            proc.wait(60)
        indices = await es.indices.get(index=f"{settings.index_prefix}-*")
        if indices:
            await es.indices.delete(index=",".join(indices))
        for template in (await es.indices.get_index_template(name=f"{settings.index_prefix}-*"))["index_templates"]:
            await es.indices.delete_index_template(name=template["name"])
        await es.close()
        await delete_topics(settings, [settings.topic(t.name) for t in declared_topics(settings.schemas_dir)])
    return result


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--rate", type=float, default=50.0)
    parser.add_argument("--seconds", type=float, default=20.0)
    args = parser.parse_args()
    out = asyncio.run(main(args.articles, args.rate, args.seconds))
    print(json.dumps(out, ensure_ascii=False))
    print(f"pipeline: {out['articles_per_s']} articles/s end to end; freshness at {out['freshness_rate']:g}/s "
          f"p50 {out['freshness_p50_s']}s p95 {out['freshness_p95_s']}s p99 {out['freshness_p99_s']}s; "
          f"peak RSS {out['peak_rss_mb']}")
