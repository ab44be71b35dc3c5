"""Data-quality signals an operator watches: per source, articles per day, indicators per article,
the share of indicators whose metric is "other" (the extractor saw a figure but knows no metric
for it), the dead-letter rate, and sources gone silent.

Two views of the same signals:
- Prometheus, live (`observe_published`, called by the processor as it publishes; counters per
  source, so a dashboard takes rates over any window; a redelivered record counts again).
- `newsmon status`, exact (`collect`: Elasticsearch aggregations over the indexed, deduplicated
  documents of the last `Settings.quality_window_days`).
A source is silent when no article arrived for `Settings.silent_after_gaps` times its usual gap
(the mean gap between its articles in the window, from first to last: the silence itself does
not stretch it), and never sooner than two poll intervals.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from newsmon import metrics
from newsmon.extract.metrics import FALLBACK_METRIC_ID
from newsmon.index.templates import names
from newsmon.settings import Settings

#: Sources reported at most (terms aggregation size).
MAX_SOURCES = 1000
#: Newest fetch time seen per source by this process (the gauge never moves back).
_latest: dict[str, float] = {}


@dataclass(frozen=True)
class SourceQuality:
    source_id: str
    articles: int  # in the window
    articles_per_day: float
    indicators_per_article: float | None
    other_share: float | None  # of the window's indicators, metric "other"
    last_article_at: datetime | None
    usual_gap_s: float | None
    silent: bool


def observe_published(article: dict[str, Any], indicators: list[dict[str, Any]]) -> None:
    """Count one published article and its indicators in the per-source Prometheus metrics."""
    source = article.get("source_id") or "unknown"
    metrics.SOURCE_ARTICLES.labels(source).inc()
    other = sum(1 for i in indicators if i.get("metric_id") == FALLBACK_METRIC_ID)
    if other:
        metrics.SOURCE_INDICATORS.labels(source, "other").inc(other)
    if len(indicators) > other:
        metrics.SOURCE_INDICATORS.labels(source, "known").inc(len(indicators) - other)
    fetched = article.get("fetched_at")
    if fetched:
        try:
            stamp = datetime.fromisoformat(fetched).timestamp()
        except ValueError:
            return
        if stamp > _latest.get(source, 0.0):
            _latest[source] = stamp
            metrics.SOURCE_LAST_ARTICLE.labels(source).set(stamp)


def article_aggregation(since: datetime) -> dict[str, Any]:
    """Per source: articles fetched since `since`, their indicators, and the newest fetch ever."""
    return {
        "size": 0,
        "aggs": {"sources": {
            "terms": {"field": "source_id", "size": MAX_SOURCES},
            "aggs": {
                "last": {"max": {"field": "fetched_at"}},
                "recent": {"filter": {"range": {"fetched_at": {"gte": since.isoformat()}}},
                           "aggs": {"indicators": {"sum": {"field": "indicator_count"}},
                                    "first": {"min": {"field": "fetched_at"}}, "last": {"max": {"field": "fetched_at"}}}},
            },
        }},
    }


def indicator_aggregation(since: datetime) -> dict[str, Any]:
    """Per source: indicators of articles published since `since` whose metric is "other"."""
    return {
        "size": 0,
        "query": {"range": {"published_at": {"gte": since.isoformat()}}},
        "aggs": {"sources": {
            "terms": {"field": "source_id", "size": MAX_SOURCES},
            "aggs": {"other": {"filter": {"term": {"metric_id": FALLBACK_METRIC_ID}}}},
        }},
    }


def source_quality(
    article_buckets: list[dict[str, Any]], indicator_buckets: list[dict[str, Any]], *,
    now: datetime, window_days: float, silent_after_gaps: float, min_silence_s: float,
) -> list[SourceQuality]:
    """The signals per source from the two aggregations' buckets (pure; sorted silent first)."""
    window_s = window_days * 86400
    other = {b["key"]: (b["other"]["doc_count"], b["doc_count"]) for b in indicator_buckets}
    result = []
    for bucket in article_buckets:
        source = bucket["key"]
        recent = bucket["recent"]["doc_count"]
        last_ms = bucket["last"].get("value")
        last = datetime.fromtimestamp(last_ms / 1000, now.tzinfo) if last_ms is not None else None
        span_ms = (bucket["recent"]["last"]["value"] - bucket["recent"]["first"]["value"]) if recent >= 2 else None
        gap = span_ms / 1000 / (recent - 1) if span_ms else (window_s if recent else None)
        quiet_s = (now - last).total_seconds() if last else None
        silent = quiet_s is not None and (gap is None or quiet_s > max(silent_after_gaps * gap, min_silence_s))
        others, total = other.get(source, (0, 0))
        result.append(SourceQuality(
            source_id=source, articles=recent, articles_per_day=recent / window_days,
            indicators_per_article=bucket["recent"]["indicators"]["value"] / recent if recent else None,
            other_share=others / total if total else None, last_article_at=last, usual_gap_s=gap, silent=silent,
        ))
    return sorted(result, key=lambda q: (not q.silent, q.source_id))


async def collect(es: Any, settings: Settings, now: datetime) -> list[SourceQuality]:
    """Per-source signals from Elasticsearch (the read aliases)."""
    since = now - timedelta(days=settings.quality_window_days)
    articles = await es.search(index=names(settings, "articles").read_alias, body=article_aggregation(since))
    indicators = await es.search(index=names(settings, "indicators").read_alias, body=indicator_aggregation(since))
    return source_quality(
        articles["aggregations"]["sources"]["buckets"], indicators["aggregations"]["sources"]["buckets"],
        now=now, window_days=settings.quality_window_days, silent_after_gaps=settings.silent_after_gaps,
        min_silence_s=2 * settings.default_poll_interval_s,
    )
