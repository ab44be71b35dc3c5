"""What the fault scenarios share: a known corpus, a paced feeder, a progress probe, the audit.

The corpus is N generator-written articles as news.raw records; its expectation (article ids and
indicator ids) comes from running `enrich_raw` in-process, the code the worker runs. The audit
reads every id back from Elasticsearch (search_after paging) and compares sets: nothing missing,
nothing extra, and no article indexed twice under different ids.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Any

from aiokafka import TopicPartition
from aiokafka.errors import KafkaError

from newsmon.connections import async_es_client, make_consumer, make_producer
from newsmon.crawl.urls import article_id
from newsmon.demo.generator import generate
from newsmon.index.templates import names
from newsmon.process.enrich import enrich_raw
from newsmon.records import encode
from newsmon.settings import Settings
from newsmon.topics import ARTICLES, DEADLETTER, RAW
from tests.kafka_helpers import read_topic

PAGE = 5000


# --- the corpus -------------------------------------------------------------------------------

def raw_record(article: Any) -> dict[str, Any]:
    """A news.raw record for a generated article, as the crawler would publish it."""
    url = f"https://demo.newsmon.test{article.path}"
    return {
        "schema_version": 1, "article_id": article_id(url), "url": url, "canonical_url": url,
        "source_id": f"demo-{article.section}", "source_name": article.source, "site": "demo.newsmon.test",
        "region_hint": None, "tags": ["demo", article.kind], "title": article.title, "text": article.text,
        "author": " ".join(article.authors), "published_at": article.published_at.isoformat(),
        "fetched_at": "2024-06-01T00:00:00+00:00", "encoding": "utf-8", "http_status": 200, "via": "feed",
    }


@dataclass(frozen=True)
class Corpus:
    """N raw records and exactly what Elasticsearch must hold once they went through newsmon."""

    messages: tuple[tuple[bytes, bytes], ...]
    article_ids: frozenset[str]
    indicator_ids: frozenset[str]
    indicator_counts: dict[str, int]


def build_corpus(n: int, seed: int) -> Corpus:
    """Deterministic: same n and seed, same records (the expectation takes ~3 ms per article)."""
    messages, counts, indicator_ids = [], {}, set()
    for article in generate(n, seed=seed):
        raw = raw_record(article)
        bundle = enrich_raw(raw)
        counts[raw["article_id"]] = len(bundle["indicators"])
        indicator_ids.update(i["indicator_id"] for i in bundle["indicators"])
        messages.append((raw["article_id"].encode(), encode(raw)))
    assert len(counts) == n, "generated articles must have distinct URLs"
    return Corpus(tuple(messages), frozenset(counts), frozenset(indicator_ids), counts)


# --- feeding news.raw ---------------------------------------------------------------------------

@dataclass
class Feeder:
    """Produces records to news.raw in chunks spread over `over_s` seconds (a live stream, not a
    backlog), retrying a chunk the broker did not acknowledge (a re-sent record has the same key
    and value: downstream it overwrites itself)."""

    settings: Settings
    items: list[tuple[bytes | None, bytes]]
    over_s: float
    chunk: int = 50
    sent: int = 0
    resent_chunks: int = 0
    done_at: float | None = None

    async def run(self) -> None:
        topic = self.settings.topic(RAW)
        chunks = [self.items[i:i + self.chunk] for i in range(0, len(self.items), self.chunk)]
        pause = self.over_s / max(len(chunks), 1)
        producer = make_producer(self.settings, request_timeout_ms=10000)
        await producer.start()
        try:
            for chunk in chunks:
                started = time.monotonic()
                while True:
                    try:
                        futures = [await producer.send(topic, value, key=key) for key, value in chunk]
                        await asyncio.gather(*futures)
                        break
                    except KafkaError:
                        self.resent_chunks += 1
                        await asyncio.sleep(1.0)
                self.sent += len(chunk)
                await asyncio.sleep(max(0.0, pause - (time.monotonic() - started)))
        finally:
            await producer.stop()
            self.done_at = time.monotonic()


# --- watching progress ----------------------------------------------------------------------------

@dataclass
class Progress:
    """Samples, every `interval_s`: articles in Elasticsearch (None while it is down) and records
    written to news.articles (None while the broker is down). Recovery = first growth after a
    fault was cleared."""

    settings: Settings
    interval_s: float = 0.5
    samples: list[tuple[float, int | None, int | None]] = field(default_factory=list)

    async def run(self, stop: asyncio.Event) -> None:
        es = async_es_client(self.settings, request_timeout=2, max_retries=0)
        alias = names(self.settings, "articles").read_alias
        consumer = make_consumer(self.settings, group_id=f"{self.settings.topic_prefix}probe-{id(self)}", request_timeout_ms=3000)
        await consumer.start()
        try:
            while not stop.is_set():
                indexed = published = None
                try:
                    indexed = (await es.count(index=alias))["count"]
                except Exception:  # noqa: BLE001 - Elasticsearch down is a state to record
                    pass
                try:
                    tps = [TopicPartition(self.settings.topic(ARTICLES), p) for p in range(6)]
                    published = sum((await asyncio.wait_for(consumer.end_offsets(tps), 3)).values())
                except Exception:  # noqa: BLE001 - so is the broker down
                    pass
                self.samples.append((time.monotonic(), indexed, published))
                try:
                    await asyncio.wait_for(stop.wait(), self.interval_s)
                except TimeoutError:
                    pass
        finally:
            await es.close()
            try:
                await asyncio.wait_for(consumer.stop(), 10)
            except Exception:  # noqa: BLE001
                pass

    def latest(self, column: int = 1) -> int | None:
        return self.samples[-1][column] if self.samples else None

    def recovery_s(self, cleared_at: float, column: int, done: int | None = None) -> float | None:
        """Seconds from `cleared_at` to the first sample above the last value seen before it
        (or at `done`, when nothing was left to do). None if it never grew."""
        before = [s[column] for s in self.samples if s[0] <= cleared_at and s[column] is not None]
        base = before[-1] if before else 0
        for t, *values in self.samples:
            value = values[column - 1]
            if t > cleared_at and value is not None and (value > base or (done is not None and value >= done)):
                return t - cleared_at
        return None


# --- the audit ------------------------------------------------------------------------------------

async def _all_docs(es: Any, index: str, sort_field: str, fields: list[str]) -> list[dict[str, Any]]:
    docs: list[dict[str, Any]] = []
    after = None
    while True:
        kwargs: dict[str, Any] = {"search_after": after} if after else {}
        page = await es.search(index=index, size=PAGE, sort=[{sort_field: "asc"}], source_includes=fields,
                               track_total_hits=False, **kwargs)
        hits = page["hits"]["hits"]
        docs.extend({"_id": h["_id"], **h["_source"]} for h in hits)
        if len(hits) < PAGE:
            return docs
        after = hits[-1]["sort"]


@dataclass
class Audit:
    """Elasticsearch against the corpus: ids missing (lost), ids not expected or doubled
    (duplicates), and indicator counts that disagree with the extractor."""

    corpus: Corpus
    articles: list[dict[str, Any]]
    indicators: list[dict[str, Any]]
    article_count: int
    indicator_count: int

    @property
    def article_ids(self) -> set[str]:
        return {d["_id"] for d in self.articles}

    @property
    def indicator_ids(self) -> set[str]:
        return {d["_id"] for d in self.indicators}

    @property
    def lost(self) -> int:
        return len(self.corpus.article_ids - self.article_ids) + len(self.corpus.indicator_ids - self.indicator_ids)

    @property
    def duplicates(self) -> int:
        """Docs beyond the expected set, plus docs whose stored id is not their record's id (an
        article indexed twice under different ids), plus count/paging disagreements."""
        unexpected = len(self.article_ids - self.corpus.article_ids) + len(self.indicator_ids - self.corpus.indicator_ids)
        misfiled = sum(d["_id"] != d.get("article_id") for d in self.articles)
        misfiled += sum(d["_id"] != d.get("indicator_id") for d in self.indicators)
        doubled = (self.article_count - len(self.article_ids)) + (self.indicator_count - len(self.indicator_ids))
        return unexpected + misfiled + doubled

    @property
    def wrong_counts(self) -> list[str]:
        expected = self.corpus.indicator_counts
        return [d["_id"] for d in self.articles if d["_id"] in expected and d.get("indicator_count") != expected[d["_id"]]]

    @property
    def exact(self) -> bool:
        return self.lost == 0 and self.duplicates == 0 and not self.wrong_counts

    @property
    def near_duplicates(self) -> int:
        return sum(bool(d.get("duplicate_of")) for d in self.articles)

    def explain(self) -> str:
        missing_a = sorted(self.corpus.article_ids - self.article_ids)
        missing_i = sorted(self.corpus.indicator_ids - self.indicator_ids)
        extra = sorted((self.article_ids - self.corpus.article_ids) | (self.indicator_ids - self.corpus.indicator_ids))
        return (f"articles missing {len(missing_a)} {missing_a[:5]}; indicators missing {len(missing_i)} {missing_i[:5]}; "
                f"unexpected {len(extra)} {extra[:5]}; counts es={self.article_count}/{self.indicator_count}; "
                f"indicator_count mismatches {self.wrong_counts[:5]}")


async def audit(settings: Settings, corpus: Corpus) -> Audit:
    es = async_es_client(settings)
    try:
        articles_alias, indicators_alias = names(settings, "articles").read_alias, names(settings, "indicators").read_alias
        await es.indices.refresh(index=f"{articles_alias},{indicators_alias}")
        articles = await _all_docs(es, articles_alias, "article_id", ["article_id", "indicator_count", "duplicate_of"])
        indicators = await _all_docs(es, indicators_alias, "indicator_id", ["indicator_id", "article_id"])
        article_count = (await es.count(index=articles_alias))["count"]
        indicator_count = (await es.count(index=indicators_alias))["count"]
    finally:
        await es.close()
    return Audit(corpus, articles, indicators, article_count, indicator_count)


async def settle(settings: Settings, corpus: Corpus, timeout_s: float) -> tuple[Audit, float]:
    """Poll until Elasticsearch holds exactly the corpus (or the timeout); then wait a little more
    and audit again, so late duplicates are caught too. Returns the final audit and the monotonic
    time it first was exact (or gave up)."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            result = await audit(settings, corpus)
        except Exception:  # noqa: BLE001 - ES may still be starting
            result = None
        if result is not None and result.exact or time.monotonic() > deadline:
            break
        await asyncio.sleep(2.0)
    exact_at = time.monotonic()
    await asyncio.sleep(3.0)
    return await audit(settings, corpus), exact_at


async def _assignment(consumer: Any, timeout_s: float = 10.0) -> set[TopicPartition]:
    """A group-less consumer's partitions: all of its topic's, once metadata has arrived."""
    deadline = time.monotonic() + timeout_s
    while not consumer.assignment() and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    return consumer.assignment()


async def trace(settings: Settings, corpus: Corpus, result: Audit) -> str:
    """Where each lost article got to: the topics along the way holding it, with partition@offset
    (a loss with no trace past news.raw is the processor's; one in news.articles, the indexer's)."""
    lost = sorted(corpus.article_ids - result.article_ids)[:20]
    if not lost:
        return ""
    wanted, lines = {a.encode() for a in lost}, []
    found: dict[bytes, list[str]] = {key: [] for key in wanted}
    for name in (RAW, "news.enriched", ARTICLES):
        consumer = make_consumer(settings, settings.topic(name), group_id=None)
        await consumer.start()
        try:
            partitions = await _assignment(consumer)
            end = await consumer.end_offsets(list(partitions))
            while [tp for tp, offset in end.items() if await consumer.position(tp) < offset]:
                for tp, messages in (await consumer.getmany(timeout_ms=500)).items():
                    for m in messages:
                        if m.key in wanted:
                            found[m.key].append(f"{name}[{tp.partition}]@{m.offset}")
        finally:
            await consumer.stop()
    for key, where in sorted(found.items()):
        lines.append(f"{key.decode()}: {', '.join(where) or 'nowhere'}")
    return "\nlost articles traced:\n" + "\n".join(lines)


async def dead_letters(settings: Settings, expect: int, timeout_s: float = 30.0) -> list[dict[str, Any]]:
    return await read_topic(settings, settings.topic(DEADLETTER), expect=expect, timeout_s=timeout_s)


def line(name: str, corpus: Corpus, result: Audit, dead: int, recovery_s: float | None, caught_up_s: float,
         total_s: float, extra: str = "", after: str = "the last fault") -> str:
    """The one line a scenario prints."""
    recovery = "n/a" if recovery_s is None else f"{recovery_s:.1f}s"
    indexed = len(result.article_ids & corpus.article_ids)
    return (f"faults/{name}: articles in {len(corpus.article_ids)}, articles indexed {indexed}, "
            f"indicators {len(result.indicator_ids & corpus.indicator_ids)}/{len(corpus.indicator_ids)}, "
            f"duplicates {result.duplicates}, lost {result.lost}, dead letters {dead}, "
            f"recovery time {recovery} (caught up {caught_up_s:.1f}s after {after}, run {total_s:.0f}s)"
            + (f"; {extra}" if extra else ""))
