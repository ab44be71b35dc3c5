"""The main job end to end: demo site -> crawler -> processor -> indexer, each a real worker process.

The demo site's articles end up in Elasticsearch with their indicators; a newly published demo
article becomes searchable within 10 seconds.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from newsmon.connections import es_client
from newsmon.demo.site import DemoSite
from newsmon.index.search import run_articles
from newsmon.index.templates import names
from newsmon.settings import Settings
from tests.kafka_helpers import es_count, wait_until
from tests.workers import WorkerProcess

pytestmark = pytest.mark.integration
BACKLOG = 12


async def test_demo_articles_flow_to_search_and_new_ones_are_fresh(ready: Settings, tmp_path: Path) -> None:
    site = DemoSite(seed=11, backlog=BACKLOG, interval_s=0)
    base = await site.start()
    feeds = site.feed_urls()
    sources = tmp_path / "sources.yaml"
    sources.write_text("sources:\n" + "".join(
        f"  - id: demo-{section}\n    feed: {url}\n    interval_s: 1\n    tags: [demo]\n" for section, url in feeds.items()
    ))
    settings = ready.model_copy(update={
        "sources_file": sources, "allow_hosts": (base.removeprefix("http://"),), "host_delay_s": 0.05,
        "crawl_group": f"{ready.index_group}-crawl",
    })
    workers = [WorkerProcess(settings, command, log_dir=tmp_path) for command in ("crawl", "process", "index")]
    articles_alias = names(settings, "articles").read_alias
    indicators_alias = names(settings, "indicators").read_alias
    try:
        started = time.monotonic()
        reached = await wait_until(lambda: _at_least(settings, articles_alias, BACKLOG), 120)
        assert reached, "\n".join(w.log()[-1500:] for w in workers)
        first_batch_s = time.monotonic() - started
        assert await es_count(settings, articles_alias) == BACKLOG
        expected_indicators = sum(len(p.article.expected) for p in site.articles)
        assert await wait_until(lambda: _at_least(settings, indicators_alias, 1), 30)
        found_indicators = await es_count(settings, indicators_alias)
        assert found_indicators >= 0.8 * expected_indicators, (found_indicators, expected_indicators)

        fresh = site.publish_next()
        published_at = time.monotonic()
        title = fresh.article.title

        async def searchable() -> bool:
            return await asyncio.to_thread(_title_found, settings, title)

        assert await wait_until(searchable, 10, interval_s=0.2), "\n".join(w.log()[-1500:] for w in workers)
        freshness_s = time.monotonic() - published_at
        print(f"\nend-to-end: {BACKLOG} demo articles searchable {first_batch_s:.1f}s after the workers started; "
              f"a new article searchable {freshness_s:.1f}s after publication; "
              f"{found_indicators} indicators (generator expects {expected_indicators})")
        assert all(w.alive() for w in workers), "\n".join(w.log()[-1500:] for w in workers)
    finally:
        # Stopped off the event loop: the demo site runs on it, and a crawler finishing an in-flight
        # fetch on SIGTERM needs it to answer (a blocked loop cost a SIGKILL once).
        exits = [await asyncio.to_thread(w.stop) for w in workers]
        await site.stop()
    assert exits == [0, 0, 0], "\n".join(w.log()[-1500:] for w in workers)


async def _at_least(settings: Settings, index: str, n: int) -> bool:
    return await es_count(settings, index) >= n


def _title_found(settings: Settings, title: str) -> bool:
    with es_client(settings) as es:  # no explicit refresh: the index's 1 s refresh interval is part of the path
        return any(hit["title"] == title for hit in run_articles(es, settings, title, size=5))
