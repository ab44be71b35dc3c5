"""End-to-end throughput, freshness and worker memory on the local stack.

Usage: python benchmarks/pipeline.py [--articles N] [--rate R] [--seconds S] [--generated]
Needs the local stack (`newsmon stack up`); starts one `newsmon process` and one `newsmon index`
worker on throwaway topics and indices (removed afterwards).
Texts: by default real ones, paragraphs of the shared corpus (../shared/corpus: cleaned pages and
articles) drawn at random into records whose lengths follow the corpus's (clipped to 1,000-8,000
chars), so every record is unique; `--generated` feeds the short generated demo articles instead.
1. throughput: N articles produced to news.raw at once; time until all are searchable; chars/s.
2. freshness: R articles/s for S seconds; per article, time from produce to searchable (p50/p95/p99).
3. memory: peak RSS of each worker process (children included) over both phases.
4. CPU: seconds of user+system time (/proc/<pid>/stat) of the processor, the indexer, Kafka and
   Elasticsearch during the throughput phase, per 1,000 articles. Kafka and Elasticsearch are the
   shared stack's, so other clients' load counts too.
Prints one JSON object, then a one-line summary.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
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


CORPUS = REPO.parent / "shared" / "corpus"
MIN_CHARS, MAX_CHARS = 1000, 8000


def corpus_texts() -> list[str]:
    files = sorted((CORPUS / "pages" / "cwced-dev" / "cleaned").glob("*.txt")) + sorted((CORPUS / "articles").glob("*.txt"))
    return [t for t in (f.read_text(encoding="utf-8", errors="replace").strip() for f in files) if t]


def real_articles(n: int, seed: int) -> list[tuple[str, str]]:
    """(title, text) pairs: corpus paragraphs drawn at random up to a length drawn from the corpus's."""
    rng = random.Random(seed)
    texts = corpus_texts()
    lengths = [min(max(len(t), MIN_CHARS), MAX_CHARS) for t in texts]
    paragraphs = [p.strip() for t in texts for p in t.splitlines() if len(p.strip()) >= 20]
    out = []
    for _ in range(n):
        target, parts, size = rng.choice(lengths), [], 0
        while size < target:
            parts.append(rng.choice(paragraphs))
            size += len(parts[-1]) + 1
        text = "\n".join(parts)[:target]
        out.append((parts[0][:30], text))
    return out


def raw_records(n: int, seed: int, generated: bool = False) -> list[dict]:
    records = []
    now = datetime.now(UTC).isoformat()
    if generated:
        items = [(f"https://bench.example.cn{a.path}", a.title, a.text, a.published_at.isoformat()) for a in generate(n, seed=seed)]
    else:
        items = [(f"https://bench.example.cn/real/{seed}/{i}.html", title, text, now)
                 for i, (title, text) in enumerate(real_articles(n, seed))]
    for url, title, text, published in items:
        records.append({
            "schema_version": 1, "article_id": article_id(url), "url": url, "canonical_url": url,
            "source_id": "bench", "title": title, "text": text,
            "published_at": published, "fetched_at": now, "encoding": "utf-8",
        })
    return records


TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """utime + stime of one process, from /proc/<pid>/stat (fields 14 and 15)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    fields = stat[stat.rindex(")") + 2:].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def stack_pids() -> dict[str, list[int]]:
    """The broker's and the search node's JVMs, found by their main classes."""
    found: dict[str, list[int]] = {"kafka": [], "elasticsearch": []}
    for proc in psutil.process_iter(["pid", "cmdline"]):
        cmd = " ".join(proc.info["cmdline"] or [])
        if "kafka.Kafka" in cmd:
            found["kafka"].append(proc.info["pid"])
        elif "org.elasticsearch.bootstrap.Elasticsearch" in cmd:
            found["elasticsearch"].append(proc.info["pid"])
    return found


class Cpu:
    """CPU seconds of the workers' process trees and of the stack's processes."""

    def __init__(self, procs: dict[str, subprocess.Popen]) -> None:
        self.procs = {name: psutil.Process(p.pid) for name, p in procs.items()}
        self.stack = stack_pids()

    def pids(self) -> dict[str, list[int]]:
        out = dict(self.stack)
        for name, proc in self.procs.items():
            try:
                out[name] = [proc.pid, *(c.pid for c in proc.children(recursive=True))]
            except psutil.NoSuchProcess:
                out[name] = []
        return out

    def read(self) -> dict[str, float]:
        return {name: sum(cpu_seconds(pid) for pid in pids) for name, pids in self.pids().items()}


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


async def main(n: int, rate: float, seconds: float, generated: bool = False) -> dict:
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
    cpu = Cpu(procs)
    es = async_es_client(settings)
    alias = names(settings, "articles").read_alias
    producer = make_producer(settings, linger_ms=20)
    await producer.start()
    result: dict = {"benchmark": "pipeline", "texts": "generated" if generated else "real", "machine": f"{psutil.cpu_count()} cores, {psutil.virtual_memory().total / 2**30:.0f} GiB"}
    try:
        # warm-up: workers joined their groups and loaded their vocabularies
        warm = raw_records(5, seed=99)
        for r in warm:
            await producer.send_and_wait(settings.topic(RAW), encode(r), key=r["article_id"].encode())
        while await count(es, alias) < len(warm):
            peaks.sample()
            await asyncio.sleep(0.2)
        base = len(warm)

        records = raw_records(n, seed=1, generated=generated)
        chars = sum(len(r["text"]) for r in records)
        cpu_before = cpu.read()
        started = time.perf_counter()
        futures = [await producer.send(settings.topic(RAW), encode(r), key=r["article_id"].encode()) for r in records]
        await asyncio.gather(*futures)
        produced_s = time.perf_counter() - started
        while await count(es, alias) < base + n:
            peaks.sample()
            await asyncio.sleep(0.1)
        elapsed = time.perf_counter() - started
        cpu_after = cpu.read()
        result.update(articles=n, chars=chars, mean_chars=round(chars / n), produce_s=round(produced_s, 2),
                      seconds_to_searchable=round(elapsed, 2), articles_per_s=round(n / elapsed, 1),
                      chars_per_s=round(chars / elapsed))
        per_1000 = {name: round((cpu_after[name] - cpu_before[name]) * 1000 / n, 2) for name in cpu_before}
        result["cpu_s_per_1000_articles"] = per_1000 | {"total": round(sum(per_1000.values()), 2)}

        steady = raw_records(int(rate * seconds), seed=2, generated=generated)
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
    parser.add_argument("--generated", action="store_true", help="short generated articles instead of corpus texts")
    args = parser.parse_args()
    out = asyncio.run(main(args.articles, args.rate, args.seconds, args.generated))
    print(json.dumps(out, ensure_ascii=False))
    print(f"pipeline ({out['texts']} texts): {out['articles_per_s']} articles/s, {out['chars_per_s'] / 1e6:.2f} M chars/s end to end; freshness at {out['freshness_rate']:g}/s "
          f"p50 {out['freshness_p50_s']}s p95 {out['freshness_p95_s']}s p99 {out['freshness_p99_s']}s; "
          f"peak RSS {out['peak_rss_mb']}; CPU s per 1,000 articles {out['cpu_s_per_1000_articles']}")
