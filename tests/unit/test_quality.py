"""Data-quality signals from aggregation buckets, and the live per-source metrics."""

from datetime import UTC, datetime, timedelta

from prometheus_client import REGISTRY

from newsmon.quality import observe_published, source_quality
from newsmon.status import Snapshot

NOW = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


def bucket(source, recent, indicators, last, gap=None):
    """An article bucket: `recent` articles in the window, `gap` apart (the window's mean by default), the newest at `last`."""
    gap = gap or timedelta(days=7) / max(recent, 1)
    ms = last.timestamp() * 1000
    in_window = {"first": {"value": ms - (recent - 1) * gap.total_seconds() * 1000 if recent else None},
                 "last": {"value": ms if recent else None}}
    return {"key": source, "doc_count": recent, "last": {"value": ms},
            "recent": {"doc_count": recent, "indicators": {"value": indicators}, **in_window}}


def test_signals_per_source():
    articles = [bucket("daily", 70, 210, NOW - timedelta(hours=1)),       # 10/day, gap 2.4 h
                bucket("gone", 14, 0, NOW - timedelta(days=3), gap=timedelta(hours=6)),  # every 6 h, quiet 3 days
                bucket("dead", 0, 0, NOW - timedelta(days=30))]           # nothing in the window
    indicators = [{"key": "daily", "doc_count": 200, "other": {"doc_count": 50}}]
    quality = {q.source_id: q for q in source_quality(articles, indicators, now=NOW, window_days=7,
                                                      silent_after_gaps=5, min_silence_s=600)}
    daily = quality["daily"]
    assert (daily.articles_per_day, daily.indicators_per_article, daily.other_share) == (10.0, 3.0, 0.25)
    assert daily.usual_gap_s == 7 * 86400 / 70 and not daily.silent
    assert quality["gone"].silent and quality["gone"].indicators_per_article == 0 and quality["gone"].other_share is None
    assert quality["dead"].silent and quality["dead"].indicators_per_article is None


def test_silence_needs_the_floor_too():
    """A source publishing every few minutes is not silent after five quiet minutes."""
    articles = [bucket("busy", 7 * 288, 0, NOW - timedelta(minutes=30))]  # every 5 minutes
    [busy] = source_quality(articles, [], now=NOW, window_days=7, silent_after_gaps=5, min_silence_s=3600)
    assert not busy.silent
    [busy] = source_quality(articles, [], now=NOW, window_days=7, silent_after_gaps=5, min_silence_s=600)
    assert busy.silent


def test_silent_sources_sort_first():
    articles = [bucket("a", 70, 0, NOW), bucket("z", 3, 0, NOW - timedelta(days=5), gap=timedelta(hours=6))]
    assert [q.source_id for q in source_quality(articles, [], now=NOW, window_days=7, silent_after_gaps=5,
                                                 min_silence_s=600)] == ["z", "a"]


def sample(name, labels):
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_observe_published_counts_per_source():
    before = (sample("newsmon_source_articles_total", {"source": "qa-src"}),
              sample("newsmon_source_indicators_total", {"source": "qa-src", "metric": "other"}),
              sample("newsmon_source_indicators_total", {"source": "qa-src", "metric": "known"}))
    article = {"source_id": "qa-src", "fetched_at": "2024-05-01T12:00:00+00:00"}
    observe_published(article, [{"metric_id": "gdp"}, {"metric_id": "other"}, {"metric_id": "fai"}])
    observe_published({**article, "fetched_at": "2024-04-01T00:00:00+00:00"}, [])
    assert sample("newsmon_source_articles_total", {"source": "qa-src"}) == before[0] + 2
    assert sample("newsmon_source_indicators_total", {"source": "qa-src", "metric": "other"}) == before[1] + 1
    assert sample("newsmon_source_indicators_total", {"source": "qa-src", "metric": "known"}) == before[2] + 2
    assert sample("newsmon_source_last_article_timestamp_seconds", {"source": "qa-src"}) == NOW.timestamp()


def test_status_table_shows_rates_and_silent_sources():
    snap = Snapshot(taken_at=NOW, topic_records={"news.raw": 95, "news.deadletter": 5})
    snap.quality = source_quality([bucket("gone", 14, 28, NOW - timedelta(days=3), gap=timedelta(hours=6))], [], now=NOW, window_days=7,
                                  silent_after_gaps=5, min_silence_s=600)
    assert snap.deadletter_rate == 0.05 and snap.silent_sources == ["gone"]
    cells = [str(c) for column in snap.table().columns for c in column._cells]
    assert "5.0% of records, see `newsmon tail news.deadletter --from-beginning`" in cells
    assert "2.0/day" in cells and "gone" in cells
    assert any("2.0 indicators/article" in c and "silent" in c for c in cells)
