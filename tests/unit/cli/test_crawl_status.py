"""`newsmon crawl status`: relative times a person reads, and a table that fits 80 columns."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from rich.console import Console

from newsmon.cli.crawl import source_rows, span, status_table
from newsmon.crawl.sources import parse_sources
from newsmon.settings import REPO_ROOT

NOW = datetime(2026, 12, 2, 5, 0, tzinfo=UTC)


def test_span_reads_like_a_duration() -> None:
    assert [span(s) for s in (0, 42, 60, 2782, 3600, 11100, 183600)] == ["0s", "42s", "1m", "46m 22s", "1h", "3h 5m", "2d 3h"]
    assert span(-2782) == "46m 22s"


def test_overdue_polls_say_so() -> None:
    (source,) = parse_sources("sources:\n  - id: a\n    feed: http://example.com/rss.xml\n").sources
    feeds = {"a": {"next_poll_at": (NOW - timedelta(seconds=2782)).isoformat(),
                   "last_polled_at": (NOW - timedelta(seconds=3082)).isoformat(), "polls": 4, "not_modified": 3}}
    ((_, last, due, *_),) = source_rows([source], feeds, NOW)
    assert (last, due) == ("51m 22s ago", "overdue 46m 22s")
    feeds["a"]["next_poll_at"] = (NOW + timedelta(seconds=12)).isoformat()
    assert source_rows([source], feeds, NOW)[0][2] == "in 12s"
    assert source_rows([source], {}, NOW)[0][1:3] == ("never", "now")


def test_table_fits_80_columns_without_cutting_ids_or_times() -> None:
    sources = parse_sources((REPO_ROOT / "deploy" / "sources" / "china-regional.yaml").read_text("utf-8")).sources
    feeds = {s.id: {"next_poll_at": (NOW - timedelta(hours=30)).isoformat(), "errors": 12, "flagged": True,
                    "last_polled_at": (NOW - timedelta(hours=50)).isoformat(), "articles_found": 123456,
                    "polls": 99999, "not_modified": 99998} for s in sources}
    console = Console(width=80, record=True, color_system=None)
    console.print(status_table(sources, feeds, NOW))
    text = console.export_text()
    assert "…" not in text and max(len(line) for line in text.splitlines()) <= 80
    for source, row in zip(sources, source_rows(sources, feeds, NOW), strict=True):
        line = next(l for l in text.splitlines() if l.startswith(source.id + " "))
        for cell in row:
            assert cell in line, (cell, line)
