"""Prometheus metrics, declared in one place. Workers serve them with `serve(port)`."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram, start_http_server

INDEX_DOCS = Counter("newsmon_index_docs_total", "Documents acknowledged by Elasticsearch", ["kind"])
INDEX_DEADLETTERS = Counter("newsmon_index_deadletters_total", "Records the indexer dead-lettered", ["reason"])
INDEX_RETRIES = Counter("newsmon_index_retries_total", "Bulk requests or items retried", ["cause"])
INDEX_BULK_SECONDS = Histogram("newsmon_index_bulk_seconds", "Time to get one batch acknowledged")
INDEX_LAG = Gauge("newsmon_index_lag_records", "Records not yet indexed, per topic", ["topic"])
INDEX_PAUSED = Gauge("newsmon_index_paused", "1 while consumption is paused because Elasticsearch is unavailable")

CRAWL_FETCHES = Counter("newsmon_crawl_fetches_total", "Fetches by kind and outcome", ["kind", "outcome"])
CRAWL_BYTES = Counter("newsmon_crawl_bytes_total", "Response body bytes read")
CRAWL_LATENCY = Histogram("newsmon_crawl_fetch_seconds", "Fetch latency", ["kind"])
CRAWL_ROBOTS_REFUSALS = Counter("newsmon_crawl_robots_refusals_total", "URLs refused by robots.txt")
CRAWL_DEADLETTERS = Counter("newsmon_crawl_deadletters_total", "Articles lost to dead letters", ["reason"])
CRAWL_ARTICLES = Counter("newsmon_crawl_articles_total", "Raw articles published", ["source"])

# Data quality (newsmon.quality): per source, from the processor as it publishes.
SOURCE_ARTICLES = Counter("newsmon_source_articles_total", "Articles published, per source", ["source"])
SOURCE_INDICATORS = Counter(
    "newsmon_source_indicators_total", "Indicators published, per source; metric \"other\" or a known one", ["source", "metric"]
)
SOURCE_LAST_ARTICLE = Gauge(
    "newsmon_source_last_article_timestamp_seconds", "Fetch time of the newest article published, per source", ["source"]
)
PROCESS_RECORDS = Counter("newsmon_process_records_total", "Raw records the processor finished, by outcome", ["outcome"])
PROCESS_DEADLETTERS = Counter("newsmon_process_deadletters_total", "Records the processor dead-lettered", ["stage", "reason"])

COMMIT_REFUSED = Counter(
    "newsmon_commit_refused_total", "Offset commits refused because the group rebalanced (batch redelivered)", ["worker"]
)


def serve(port: int) -> None:
    """Serve /metrics on `port` (0: not at all)."""
    if port:
        start_http_server(port)
