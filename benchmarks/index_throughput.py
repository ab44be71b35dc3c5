"""Indexing throughput: records already on Kafka -> acknowledged by Elasticsearch, one indexer.

Usage: python benchmarks/index_throughput.py [--articles N] [--indicators-per-article K]
Needs the local stack (`newsmon stack up`). Uses throwaway topics and indices, removed afterwards.
Prints one JSON object, then a one-line summary.
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import json
import time
import uuid

from newsmon.connections import async_es_client, es_client
from newsmon.index.sink import Indexer
from newsmon.index.templates import ensure_templates, names
from newsmon.records import encode
from newsmon.settings import Settings
from newsmon.topics import ARTICLES, INDICATORS, declared_topics, delete_topics, ensure_topics

def synthetic(settings: Settings, n: int, k: int) -> tuple[list, list]:
    examples = settings.schemas_dir / "examples"
    article = json.loads((examples / "article.v1.json").read_text())[0]
    indicator = json.loads((examples / "indicator.v1.json").read_text())[0]
    arts, inds = [], []
    for i in range(n):
        aid = f"{i:020x}"
        arts.append((aid.encode(), encode(dict(copy.deepcopy(article), article_id=aid, indicator_count=k))))
        for s in range(k):
            inds.append((aid.encode(), encode(dict(copy.deepcopy(indicator), article_id=aid, seq=s, indicator_id=f"{aid}-{s:04d}"))))
    return arts, inds

async def main(n: int, k: int) -> dict:
    tag = uuid.uuid4().hex[:8]
    settings = Settings(topic_prefix=f"bench{tag}.", index_prefix=f"bench{tag}", index_group=f"bench{tag}")
    await ensure_topics(settings)
    with es_client(settings) as es:
        ensure_templates(es, settings)
    arts, inds = synthetic(settings, n, k)

    from newsmon.connections import make_producer

    producer = make_producer(settings, linger_ms=20)
    await producer.start()
    for topic, items in ((ARTICLES, arts), (INDICATORS, inds)):
        futures = [await producer.send(settings.topic(topic), value, key=key) for key, value in items]
        await asyncio.gather(*futures)
    await producer.stop()
    total = len(arts) + len(inds)
    stop = asyncio.Event()
    indexer = Indexer(settings)
    started = time.perf_counter()
    task = asyncio.create_task(indexer.run(stop))
    while indexer.stats.indexed < total:
        await asyncio.sleep(0.05)
    elapsed = time.perf_counter() - started
    stop.set()
    await task
    es = async_es_client(settings)
    try:
        await es.indices.refresh(index=names(settings, "articles").read_alias + "," + names(settings, "indicators").read_alias)
        counted = sum([(await es.count(index=names(settings, kind).read_alias))["count"] for kind in ("articles", "indicators")])
        indices = await es.indices.get(index=f"{settings.index_prefix}-*")
        await es.indices.delete(index=",".join(indices))
        for template in (await es.indices.get_index_template(name=f"{settings.index_prefix}-*"))["index_templates"]:
            await es.indices.delete_index_template(name=template["name"])
    finally:
        await es.close()
    await delete_topics(settings, [settings.topic(t.name) for t in declared_topics(settings.schemas_dir)])
    return {"benchmark": "index_throughput", "articles": n, "indicators": len(inds), "docs": total,
            "docs_in_es": counted, "seconds": round(elapsed, 3), "docs_per_s": round(total / elapsed, 1),
            "batch_docs": settings.index_batch_docs}

if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--indicators-per-article", type=int, default=5)
    args = parser.parse_args()
    result = asyncio.run(main(args.articles, args.indicators_per_article))
    print(json.dumps(result))
    print(f"index_throughput: {result['docs_per_s']:.0f} docs/s ({result['docs']} docs in {result['seconds']:.1f}s, "
          f"{result['docs_in_es']} in Elasticsearch)")
