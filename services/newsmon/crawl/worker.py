"""A crawler worker: polls its sources (feeds, sitemaps, listing pages, e-paper editions) and
fetches its hosts' pages into news.raw.

Workers share one consumer group over crawl.frontier, whose records are keyed by host. The
worker that owns a host's partition is the only one fetching that host's pages and polling the
feeds served from it, so per-host concurrency and delay hold across workers, and each source is
polled once per interval however many workers run. Feed validators, schedules and the URLs
fetched live in crawl.state, co-partitioned with the frontier (see CrawlState), so restarts and
rebalances lose none of it and a worker loads only the state of the hosts it owns.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import defaultdict
from collections.abc import AsyncIterator, Awaitable, Collection
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from aiokafka import ConsumerRebalanceListener, TopicPartition
from aiokafka.partitioner import DefaultPartitioner

from newsmon import metrics, records
from newsmon.connections import commit_or_redeliver, make_consumer, make_producer
from newsmon.crawl.epaper import edition_date, editions_due, next_check, read_edition
from newsmon.crawl.epaper import today as edition_today
from newsmon.crawl.errors import CrawlError, RefusedURL, RobotsDisallowed
from newsmon.crawl.feeds import FeedEntry, parse_feed, parse_sitemap
from newsmon.crawl.fetcher import Fetcher, FetchResult
from newsmon.crawl.listing import poll_listing
from newsmon.crawl.page import extract_page
from newsmon.crawl.publisher import fetch_task, now_iso, raw_article
from newsmon.crawl.schedule import is_flagged, next_poll, wants_full_fetch
from newsmon.crawl.sources import Source, SourceFile
from newsmon.crawl.state import CrawlState, url_record
from newsmon.crawl.urls import article_id, host_key
from newsmon.deadletter import envelope
from newsmon.settings import Settings
from newsmon.topics import DEADLETTER, RAW

FRONTIER = "crawl.frontier"
SOURCES_CHECK_S = 2.0
EXPIRE_EVERY_S = 3600.0  # fetched URLs past the retention are deleted this often (and on every assignment)
log = logging.getLogger("newsmon.crawl")


class HostLimiter:
    """Per-host concurrency and minimum delay between request starts, for the hosts this worker owns."""

    def __init__(self, concurrency: int, delay_s: float) -> None:
        self.delay_s = delay_s
        self._slots: dict[str, asyncio.Semaphore] = defaultdict(lambda: asyncio.Semaphore(concurrency))
        self._next_start: dict[str, float] = defaultdict(float)

    @asynccontextmanager
    async def slot(self, host: str) -> AsyncIterator[None]:
        async with self._slots[host]:
            wait = self._next_start[host] - time.monotonic()
            self._next_start[host] = max(self._next_start[host], time.monotonic()) + self.delay_s
            if wait > 0:
                await asyncio.sleep(wait)
            yield


async def finish_within(work: Awaitable[Any], stop: asyncio.Event, wait_s: float) -> bool:
    """Run `work` to its end, or, once `stop` is set, for at most `wait_s` more, then cancel it.

    True when it finished (its error, if any, is raised). A worker stopping must not outlast its
    grace period waiting on a slow host: a fetch may take the fetch timeout times the retries.
    """
    task = asyncio.ensure_future(work)
    stopping = asyncio.create_task(stop.wait())
    try:
        await asyncio.wait({task, stopping}, return_when=asyncio.FIRST_COMPLETED)
        if not task.done():
            await asyncio.wait({task}, timeout=wait_s)
    finally:
        stopping.cancel()
        if not task.done():
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
    if task.cancelled():
        return False
    task.result()
    return True


async def _wait_or_cancel(tasks: Collection[asyncio.Future], wait_s: float) -> None:
    """Wait up to `wait_s` for `tasks`, then cancel those still running."""
    if not tasks:
        return
    _, pending = await asyncio.wait(tasks, timeout=wait_s)
    for task in pending:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


class _Ownership(ConsumerRebalanceListener):
    def __init__(self, worker: CrawlWorker) -> None:
        self.worker = worker

    async def on_partitions_revoked(self, revoked: list[TopicPartition]) -> None:
        """Finish in-flight polls and fetches before the hosts move: two owners never overlap."""
        self.worker.owned = set()
        self.worker.revocations += 1
        await asyncio.gather(*self.worker.polling.values(), return_exceptions=True)
        async with self.worker.fetching:
            pass

    async def on_partitions_assigned(self, assigned: list[TopicPartition]) -> None:
        # Load the state of these partitions (see what the previous owners recorded), drop the rest.
        await self.worker.state.assign({tp.partition for tp in assigned})
        await self.worker.state.expire()
        # The previous owner's last request to a host may be this recent: keep the delay across the handover.
        await asyncio.sleep(self.worker.settings.host_delay_s)
        self.worker.owned = {tp.partition for tp in assigned}
        log.info("owning frontier partitions %s", sorted(self.worker.owned))


class CrawlWorker:
    """One crawler worker; run several with the same settings to share the work."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.frontier = settings.topic(FRONTIER)
        self.sources = SourceFile(settings.sources_file, settings.sources_base_url)
        self.limiter = HostLimiter(settings.host_concurrency, settings.host_delay_s)
        self.owned: set[int] = set()
        self.polling: dict[str, asyncio.Task] = {}
        self.fetching = asyncio.Lock()
        self.revocations = 0  # a batch taken before a revocation is not fetched after it
        self.queued: dict[str, float] = {}
        self._partitioner = DefaultPartitioner()
        self.stats = defaultdict(int)

    async def run(self, stop: asyncio.Event) -> dict[str, int]:
        """Crawl until `stop` is set; in-flight work is finished and committed first."""
        self.producer = make_producer(self.settings)
        await self.producer.start()
        self.state = CrawlState(self.settings, self.producer)
        await self.state.start()
        self.fetcher = Fetcher(self.settings)
        consumer = make_consumer(self.settings, group_id=self.settings.crawl_group, max_poll_records=20)
        consumer.subscribe([self.frontier], listener=_Ownership(self))
        await consumer.start()
        self.partitions = sorted(consumer.partitions_for_topic(self.frontier) or [])
        last_sources_check = last_expiry = time.monotonic() - SOURCES_CHECK_S
        try:
            while not stop.is_set():
                if time.monotonic() - last_sources_check > SOURCES_CHECK_S:
                    self.sources.reload()
                    last_sources_check = time.monotonic()
                if time.monotonic() - last_expiry > EXPIRE_EVERY_S:
                    await self.state.expire()
                    last_expiry = time.monotonic()
                self._schedule_polls()
                batch = await consumer.getmany(timeout_ms=500, max_records=20)
                if batch:
                    messages = [m for ms in batch.values() for m in ms]
                    fetched: list[bool] = []
                    if not await finish_within(self._fetch_locked(messages, self.revocations, fetched), stop,
                                               self.settings.crawl_stop_wait_s):
                        break  # stopped mid-batch: uncommitted, so the next owner fetches it again
                    if fetched:
                        await commit_or_redeliver(consumer, {tp: ms[-1].offset + 1 for tp, ms in batch.items()}, "crawl")
        finally:
            # A cancelled poll recorded nothing: the feed's next owner polls it again.
            await _wait_or_cancel(list(self.polling.values()), self.settings.crawl_stop_wait_s)
            await consumer.stop()
            await self.fetcher.aclose()
            await self.state.stop()
            await self.producer.stop()
        return dict(self.stats)

    # --- feeds --------------------------------------------------------------------------
    def owns(self, url: str) -> bool:
        if not self.partitions:
            return False
        key = host_key(url).encode()
        return self._partitioner(key, self.partitions, self.partitions) in self.owned

    def _schedule_polls(self) -> None:
        now = datetime.now(UTC)
        for source in self.sources.current.sources:
            if not source.enabled or source.id in self.polling or len(self.polling) >= self.settings.crawl_max_polls:
                continue
            if not self.owns(source.url()):
                continue
            feed_state = self.state.feeds.get(source.id)
            if feed_state and datetime.fromisoformat(feed_state["next_poll_at"]) > now:
                continue
            task = asyncio.create_task(self._poll(source))
            self.polling[source.id] = task
            task.add_done_callback(lambda _t, sid=source.id: self.polling.pop(sid, None))

    async def _poll(self, source: Source) -> None:
        interval = source.interval_s or self.settings.default_poll_interval_s
        previous = self.state.feeds.get(source.id) or {}
        polls = previous.get("polls", 0)
        full = wants_full_fetch(polls) or not previous
        record = {
            "schema_version": 1, "kind": "feed", "source_id": source.id,
            "etag": previous.get("etag"), "last_modified": previous.get("last_modified"),
            "last_polled_at": now_iso(), "last_full_fetch_at": previous.get("last_full_fetch_at"),
            "errors": 0, "last_error": None, "flagged": False,
            "articles_found": previous.get("articles_found", 0), "polls": polls + 1,
            "not_modified": previous.get("not_modified", 0),
        }
        next_at: datetime | None = None
        try:
            if source.listing is not None:
                await self._poll_listing(source, record, previous, full)
            elif source.epaper is not None:
                next_at = await self._poll_epaper(source, record, previous)
            else:
                await self._poll_feed(source, record, full)
        except CrawlError as exc:
            metrics.CRAWL_FETCHES.labels(source.kind, exc.reason).inc()
            errors = previous.get("errors", 0) + 1
            record.update(errors=errors, last_error=f"{exc.reason}: {exc}"[:500], flagged=is_flagged(errors))
            log.warning("source %s: poll failed (%s), %d in a row", source.id, exc.reason, errors)
        if record["errors"] or next_at is None:
            next_at = next_poll(datetime.now(UTC), interval, record["errors"])
        record["next_poll_at"] = next_at.isoformat()
        await self.state.put_feed(record, host_key(source.url()))
        self.stats["polls"] += 1

    async def _get(self, source: Source, url: str, etag: str | None = None, last_modified: str | None = None) -> FetchResult:
        """One index, list or edition page of `source`, politely. Only the source's own host is
        fetched: another host may belong to another worker's partition (and its delay)."""
        if host_key(url) != host_key(source.url()):
            raise RefusedURL("other_host", f"{url} is not on {host_key(source.url())}")
        started = time.monotonic()
        async with self.limiter.slot(host_key(url)):
            result = await self.fetcher.fetch(url, etag=etag, last_modified=last_modified)
        metrics.CRAWL_LATENCY.labels(source.kind).observe(time.monotonic() - started)
        metrics.CRAWL_BYTES.inc(len(result.body))
        metrics.CRAWL_FETCHES.labels(source.kind, "not_modified" if result.not_modified else "ok").inc()
        self.stats["index_pages"] += 1
        return result

    async def _poll_feed(self, source: Source, record: dict[str, Any], full: bool) -> None:
        result = await self._get(source, source.url(), etag=None if full else record["etag"],
                                 last_modified=None if full else record["last_modified"])
        if result.not_modified:
            record["not_modified"] += 1
            entries: list[FeedEntry] = []
        else:
            record.update(etag=result.etag, last_modified=result.last_modified, last_full_fetch_at=now_iso())
            entries, error = await self._entries(source, result.body, result.final_url, result.content_type)
            if error:
                record["last_error"] = f"malformed feed: {error}"
                log.warning("source %s: malformed feed (%s); kept %d entries", source.id, error, len(entries))
        record["articles_found"] += await self._queue([fetch_task(source, e, via=source.kind) for e in entries])

    def _known(self, url: str) -> bool:
        ident = article_id(url)
        return self.state.seen(ident, host_key(url)) or ident in self.queued

    async def _poll_listing(self, source: Source, record: dict[str, Any], previous: dict[str, Any], full: bool) -> None:
        """Read the listing down to known links (crawl.listing); queue the new ones with the list's dates."""
        found = await poll_listing(source.listing, lambda url, etag, lm: self._get(source, url, etag, lm), self._known,
                                   None if full else previous.get("validators"), walk_all=full)
        if found.failure is not None:
            raise found.failure
        record["validators"] = found.validators
        record["not_modified"] += found.not_modified
        if found.not_modified < len(source.listing.urls):
            record["last_full_fetch_at"] = now_iso()
        if found.errors:
            record["last_error"] = "; ".join(found.errors)[:500]
        if not found.links and not found.not_modified:
            record["last_error"] = (record["last_error"] or "") + " no article links on the listing"
            log.warning("source %s: no article links on %s", source.id, found.pages)
        tasks = [fetch_task(source, FeedEntry(link.url, link.text or None, None, None, None), via="listing",
                            fallback_published=link.date) for link in found.links]
        record["articles_found"] += await self._queue(tasks)

    async def _poll_epaper(self, source: Source, record: dict[str, Any], previous: dict[str, Any]) -> datetime:
        """Read the editions due (crawl.epaper); queue their articles dated by edition. Returns
        when to look next: tomorrow once today's edition is in, else after the wait interval."""
        epaper = source.epaper
        day = edition_today()
        done = set(previous.get("editions", []))
        tasks, failures = [], []
        due = editions_due(epaper, day, done, first_poll=not previous)
        for when in due:
            try:
                edition = await read_edition(epaper, when, lambda url: self._get(source, url))
            except CrawlError as exc:
                failures.append(exc)
                log.warning("source %s: edition %s failed (%s)", source.id, when, exc.reason)
                continue
            if edition.errors:
                record["last_error"] = "; ".join(edition.errors)[:500]
            if edition.found or when < day:  # a past edition that is missing stays missing
                done.add(when.isoformat())
            if not edition.found:
                log.info("source %s: no edition for %s (yet)", source.id, when)
            published = edition_date(when)
            tasks += [fetch_task(source, FeedEntry(a.url, a.title or None, published, None, None), via="epaper",
                                 tags=(a.page,)) for a in edition.articles]
        if due and len(failures) == len(due):
            raise failures[0]
        record["articles_found"] += await self._queue(tasks)
        horizon = (day - timedelta(days=max(epaper.backfill_days, 1) + 1)).isoformat()
        record["editions"] = sorted(d for d in done if d >= horizon)
        return next_check(datetime.now(UTC), day.isoformat() in done, source.interval_s)

    async def _entries(self, source: Source, body: bytes, url: str, content_type: str | None) -> tuple[list[FeedEntry], str | None]:
        """Entries of a feed or sitemap, and what was wrong with it. Parsing runs in a thread: a
        large feed must not stall the other hosts' fetches on this worker's event loop."""
        if source.feed is not None:
            parsed = await asyncio.to_thread(parse_feed, body, url, content_type)
            return parsed.entries, parsed.error
        try:
            sitemap = await asyncio.to_thread(parse_sitemap, body)
        except ValueError as exc:  # not a sitemap: a malformed source, polled again on schedule
            return [], str(exc)
        if not sitemap.is_index:
            return [FeedEntry(e.loc, None, None, None, None) for e in sitemap.entries], None
        entries: list[FeedEntry] = []
        for child in sitemap.entries[:20]:
            try:
                result = await self.fetcher.fetch(child.loc)
                child_sitemap = await asyncio.to_thread(parse_sitemap, result.body)
            except CrawlError as exc:
                log.warning("source %s: child sitemap %s failed: %s", source.id, child.loc, exc.reason)
                continue
            except ValueError as exc:
                log.warning("source %s: child sitemap %s is not a sitemap: %s", source.id, child.loc, exc)
                continue
            entries += [FeedEntry(e.loc, None, None, None, None) for e in child_sitemap.entries]
        return entries, None

    async def _queue(self, tasks: list[dict[str, Any]]) -> int:
        """Send the fetch tasks of articles not fetched yet (nor queued recently). Returns how many."""
        now = time.monotonic()
        self.queued = {k: t for k, t in self.queued.items() if now - t < 3600}
        futures = []
        for task in tasks:
            ident = task["article_id"]
            if self.state.seen(ident, task["host"]) or ident in self.queued:
                continue
            records.check(self.settings.schemas_dir, FRONTIER, task)
            futures.append(await self.producer.send(self.frontier, records.encode(task), key=task["host"].encode()))
            self.queued[ident] = now
        await asyncio.gather(*futures)
        return len(futures)

    # --- pages --------------------------------------------------------------------------
    async def _fetch_locked(self, messages: list[Any], revocations: int, fetched: list[bool]) -> None:
        """A batch, under the lock a rebalance takes to wait for in-flight fetches. A revocation
        may take the lock between the batch's poll and this call: then its hosts may have a new
        owner already, so the batch is left uncommitted (`fetched` stays empty) and whoever owns
        its partitions after the rebalance reads it again from the last commit."""
        async with self.fetching:
            if revocations != self.revocations:
                log.info("batch of %d tasks taken before a rebalance: left to the partitions' owners", len(messages))
                return
            await self._fetch_batch(messages)
            fetched.append(True)

    async def _fetch_batch(self, messages: list[Any]) -> None:
        """Fetch a batch of tasks concurrently; the host limiter keeps each host polite."""
        tasks: list[dict[str, Any]] = []
        for message in messages:
            try:
                task = records.decode(self.settings.schemas_dir, FRONTIER, message.value)
            except records.InvalidRecord as exc:
                await self._dead_letter("crawl.fetch", exc.reason, exc.detail, message.value, url=None, source_id=None)
                continue
            tasks.append(task)
        await asyncio.gather(*(self._fetch_page(task) for task in tasks))

    async def _fetch_page(self, task: dict[str, Any]) -> None:
        if self.state.seen(task["article_id"], task["host"]):
            self.stats["already_fetched"] += 1
            return
        started = time.monotonic()
        try:
            async with self.limiter.slot(task["host"]):
                result = await self.fetcher.fetch(task["url"])
        except CrawlError as exc:
            metrics.CRAWL_FETCHES.labels("page", exc.reason).inc()
            if isinstance(exc, RobotsDisallowed):
                metrics.CRAWL_ROBOTS_REFUSALS.inc()
            await self._lost(task, "crawl.fetch", exc.reason, str(exc))
            return
        metrics.CRAWL_LATENCY.labels("page").observe(time.monotonic() - started)
        metrics.CRAWL_BYTES.inc(len(result.body))
        metrics.CRAWL_FETCHES.labels("page", "ok").inc()
        page = await asyncio.to_thread(extract_page, result.body, result.final_url, result.content_type, task.get("extract"))
        if not page.text.strip():
            await self._lost(task, "crawl.page", "empty_text", f"no main text found in {len(result.body)} bytes")
            return
        raw = raw_article(task, page, result.final_url, result.status)
        records.check(self.settings.schemas_dir, RAW, raw)
        await (await self.producer.send(self.settings.topic(RAW), records.encode(raw), key=raw["article_id"].encode()))
        metrics.CRAWL_ARTICLES.labels(task["source_id"]).inc()
        self.stats["articles"] += 1
        await self._remember(task, "ok")

    async def _lost(self, task: dict[str, Any], stage: str, reason: str, detail: str) -> None:
        """An article this crawl cannot get: to the dead letters, and not fetched again."""
        await self._dead_letter(stage, reason, detail, records.encode(task), url=task["url"], source_id=task["source_id"],
                                key=task["article_id"])
        await self._remember(task, reason)

    async def _remember(self, task: dict[str, Any], outcome: str) -> None:
        await self.state.put_url(url_record(task, outcome, now_iso()))

    async def _dead_letter(self, stage: str, reason: str, detail: str, original: bytes | None, *,
                           url: str | None, source_id: str | None, key: str | None = None) -> None:
        log.warning("dead letter %s/%s %s: %s", stage, reason, url, detail[:200])
        metrics.CRAWL_DEADLETTERS.labels(reason).inc()
        self.stats["dead_letters"] += 1
        record = envelope(stage=stage, reason=reason, detail=detail, original=original, url=url,
                          source_id=source_id, key=key, source_topic=self.frontier)
        records.check(self.settings.schemas_dir, DEADLETTER, record)
        await (await self.producer.send(self.settings.topic(DEADLETTER), records.encode(record),
                                        key=key.encode() if key else None))
