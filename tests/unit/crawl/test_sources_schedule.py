"""The sources file and the polling schedule."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

from newsmon.crawl.schedule import FULL_FETCH_EVERY, is_flagged, next_poll, wants_full_fetch
from newsmon.crawl.sources import SourceFile, parse_sources

GOOD = """
sources:
  - id: daily
    name: 示例日报
    feed: https://news.example.cn/rss.xml
    interval_s: 60
    region_hint: "420300"
    tags: [economy]
  - id: maps
    sitemap: https://gov.example.cn/sitemap.xml
"""


def test_good_entries_load() -> None:
    result = parse_sources(GOOD)
    assert [s.id for s in result.sources] == ["daily", "maps"] and not result.problems
    assert result.sources[0].url() == "https://news.example.cn/rss.xml"


def test_bad_entries_are_reported_not_fatal() -> None:
    text = GOOD + """
  - id: nofeed
  - id: daily
    feed: https://dup.example.cn/rss.xml
  - id: "bad id"
    feed: https://x.example.cn/
  - id: typo
    feeed: https://x.example.cn/
  - id: badurl
    feed: ftp//nothing
"""
    result = parse_sources(text)
    assert [s.id for s in result.sources] == ["daily", "maps"]
    assert len(result.problems) == 5
    assert any("duplicate id 'daily'" in p for p in result.problems)


def test_unparseable_file() -> None:
    assert parse_sources("sources: [").problems
    assert parse_sources("just: a mapping").problems


def test_file_changes_take_effect_without_restart(tmp_path: Path) -> None:
    path = tmp_path / "sources.yaml"
    path.write_text(GOOD)
    watched = SourceFile(path)
    assert watched.reload() and len(watched.current.sources) == 2
    assert not watched.reload()
    path.write_text(GOOD.replace("maps", "maps2") + "  - id: third\n    feed: https://t.example.cn/rss\n")
    assert watched.reload() and [s.id for s in watched.current.sources] == ["daily", "maps2", "third"]


def test_schedule_jitter_and_backoff() -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    rng = random.Random(1)
    for _ in range(100):
        delay = next_poll(now, 60, 0, rng) - now
        assert timedelta(seconds=54) <= delay <= timedelta(seconds=66)
    assert next_poll(now, 60, 3, rng) - now >= timedelta(seconds=60 * 8 * 0.9)
    assert next_poll(now, 60, 30, rng) - now <= timedelta(hours=6, minutes=36)
    assert not is_flagged(4) and is_flagged(5)
    assert sum(wants_full_fetch(p) for p in range(FULL_FETCH_EVERY * 3)) == 3
