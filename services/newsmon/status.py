"""A snapshot of the whole pipeline for operators: `newsmon status` and the `newsmon run` view.

Counts come from the engines themselves: topic offsets and consumer-group commits in Kafka,
document counts and the per-source quality aggregations (newsmon.quality) in Elasticsearch, the
shared crawl state for sources.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiokafka import TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from rich.table import Table

from newsmon.connections import async_es_client, kafka_options, make_consumer
from newsmon.crawl.state import CrawlState
from newsmon.index.templates import names
from newsmon.quality import SourceQuality, collect
from newsmon.settings import Settings
from newsmon.topics import ARTICLES, DEADLETTER, INDICATORS, RAW, partition_ids

log = logging.getLogger("newsmon.status")


@dataclass
class Snapshot:
    taken_at: datetime
    topic_records: dict[str, int] = field(default_factory=dict)
    lag: dict[str, int] = field(default_factory=dict)
    indexed: dict[str, int] = field(default_factory=dict)
    sources: int = 0
    polls: int = 0
    articles_found: int = 0
    failing_sources: list[str] = field(default_factory=list)
    quality: list[SourceQuality] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    #: Per-source quality rows shown in the table (silent ones first); `--json` has them all.
    QUALITY_ROWS = 15

    @property
    def deadletter_rate(self) -> float | None:
        """Dead letters per record that entered the pipeline (raw articles plus dead letters)."""
        dead, raw = self.topic_records.get(DEADLETTER, 0), self.topic_records.get(RAW, 0)
        return dead / (raw + dead) if raw + dead else None

    @property
    def silent_sources(self) -> list[str]:
        return [q.source_id for q in self.quality if q.silent]

    def table(self, workers: list[tuple[str, str, int, str | None]] | None = None) -> Table:
        """The status view; `workers` are (name, state, restarts, last error line) of supervised children."""
        table = Table(title=f"newsmon · {self.taken_at:%H:%M:%S}", show_header=True)
        table.add_column("stage")
        table.add_column("count", justify="right")
        table.add_column("detail")
        table.add_row("sources polled", str(self.sources), f"{self.polls} polls, {self.articles_found} articles found"
                      + (f", failing: {', '.join(self.failing_sources)}" if self.failing_sources else ""))
        table.add_row("raw articles", str(self.topic_records.get(RAW, 0)), f"processing lag {self.lag.get('process', 0)}")
        table.add_row("enriched articles", str(self.topic_records.get(ARTICLES, 0)), "")
        table.add_row("indicators found", str(self.topic_records.get(INDICATORS, 0)), "")
        table.add_row("searchable", f"{self.indexed.get('articles', 0)} / {self.indexed.get('indicators', 0)}",
                      f"articles / indicators in Elasticsearch, indexing lag {self.lag.get('index', 0)}")
        rate = self.deadletter_rate
        table.add_row("dead letters", str(self.topic_records.get(DEADLETTER, 0)),
                      (f"{rate:.1%} of records, " if rate is not None else "") + "see `newsmon tail news.deadletter --from-beginning`")
        if self.silent_sources:
            table.add_row("[yellow]silent sources[/yellow]", str(len(self.silent_sources)), ", ".join(self.silent_sources))
        for q in self.quality[: self.QUALITY_ROWS]:
            table.add_row(f"source {q.source_id}", f"{q.articles_per_day:.1f}/day", _quality_detail(q))
        for name, state, restarts, last_error in workers or []:
            detail = f"{restarts} restarts, last: {last_error}" if restarts and last_error else (f"{restarts} restarts" if restarts else "")
            table.add_row(f"worker {name}", state, detail)
        for error in self.errors:
            table.add_row("[red]error[/red]", "", error)
        return table


class PipelineStatus:
    """Long-lived collector (keeps one tail of the crawl state between snapshots)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.crawl_state: CrawlState | None = None

    async def start(self) -> None:
        self.crawl_state = CrawlState(self.settings, producer=None)
        await self.crawl_state.start()

    async def stop(self) -> None:
        if self.crawl_state:
            await self.crawl_state.stop()

    async def snapshot(self) -> Snapshot:
        snap = Snapshot(taken_at=datetime.now(UTC))
        try:
            await self._kafka(snap)
        except Exception as exc:  # noqa: BLE001 - a status view reports trouble, it does not crash
            snap.errors.append(f"kafka: {type(exc).__name__}: {exc}")
        try:
            await self._elasticsearch(snap)
        except Exception as exc:  # noqa: BLE001
            snap.errors.append(f"elasticsearch: {type(exc).__name__}")
        if self.crawl_state:
            feeds = self.crawl_state.feeds.values()
            snap.sources = len(self.crawl_state.feeds)
            snap.polls = sum(f.get("polls", 0) for f in feeds)
            snap.articles_found = sum(f.get("articles_found", 0) for f in feeds)
            snap.failing_sources = sorted(f["source_id"] for f in feeds if f.get("errors"))
        return snap

    async def _kafka(self, snap: Snapshot) -> None:
        s = self.settings
        topics = {name: s.topic(name) for name in (RAW, ARTICLES, INDICATORS, DEADLETTER)}
        consumer = make_consumer(s, group_id=None)
        admin = AIOKafkaAdminClient(**kafka_options(s))
        await consumer.start()
        await admin.start()
        try:
            found = await partition_ids(s, list(topics.values()))
            tps = [TopicPartition(full, p) for full, parts in found.items() for p in parts]
            ends = await consumer.end_offsets(tps)
            starts = await consumer.beginning_offsets(tps)
            for name, full in topics.items():
                snap.topic_records[name] = sum(ends[tp] - starts[tp] for tp in tps if tp.topic == full)
            groups = {"process": (s.faust_app_id, [topics[RAW]]), "index": (s.index_group, [topics[ARTICLES], topics[INDICATORS]])}
            for label, (group, group_topics) in groups.items():
                committed = await admin.list_consumer_group_offsets(group)
                snap.lag[label] = sum(
                    ends[tp] - (committed[tp].offset if tp in committed and committed[tp].offset >= 0 else starts[tp])
                    for tp in tps if tp.topic in group_topics
                )
        finally:
            await admin.close()
            await consumer.stop()

    async def _elasticsearch(self, snap: Snapshot) -> None:
        es = async_es_client(self.settings, request_timeout=5, max_retries=0)
        try:
            for kind in ("articles", "indicators"):
                response = await es.count(index=names(self.settings, kind).read_alias)
                snap.indexed[kind] = response["count"]
            snap.quality = await collect(es, self.settings, snap.taken_at)
        finally:
            await es.close()


def _quality_detail(q: SourceQuality) -> str:
    parts = [f"{q.indicators_per_article:.1f} indicators/article" if q.indicators_per_article is not None else "no articles in the window"]
    if q.other_share is not None:
        parts.append(f"{q.other_share:.0%} metric \"other\"")
    if q.last_article_at:
        parts.append(f"last {q.last_article_at:%Y-%m-%d %H:%M}" + (" [yellow]silent[/yellow]" if q.silent else ""))
    return ", ".join(parts)


def as_dict(snap: Snapshot) -> dict[str, Any]:
    quality = [{**q.__dict__, "last_article_at": q.last_article_at.isoformat() if q.last_article_at else None} for q in snap.quality]
    return {**snap.__dict__, "taken_at": snap.taken_at.isoformat(), "quality": quality,
            "deadletter_rate": snap.deadletter_rate, "silent_sources": snap.silent_sources}
