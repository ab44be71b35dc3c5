"""`newsmon ingest` backfills: a saved text gets the date, context region and authority it lacks."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from typer.testing import CliRunner

from newsmon.cli import app
from newsmon.crawl.ingest import raw_from_file
from newsmon.records import check

SCHEMAS = Path(__file__).resolve().parents[3] / "schemas"
LIMIT = 10 * 1024 * 1024
HTML_WITH_DATE = ('<html><head><meta name="publishdate" content="2023-07-18"><title>张湾区上半年经济运行</title></head>'
                  "<body><article><h1>张湾区上半年经济运行</h1><p>上半年，全区实现地区生产总值300亿元，同比增长6.1%。"
                  "全区上下坚持稳中求进工作总基调，经济运行保持平稳。</p></article></body></html>")


def test_a_text_file_gets_the_given_date_region_and_authority(tmp_path: Path) -> None:
    path = tmp_path / "q1.txt"
    path.write_text("一季度，全区实现地区生产总值147亿元，同比增长5.3%。", encoding="utf-8")
    when = datetime(2023, 4, 18, tzinfo=ZoneInfo("Asia/Shanghai"))
    raw = raw_from_file(path, limit=LIMIT, published_at=when, context_region="张湾区", authority="statistics_bureau")
    check(SCHEMAS, "news.raw", raw)
    assert (raw["published_at"], raw["region_hint"], raw["authority"]) == (when.isoformat(), "张湾区", "statistics_bureau")
    plain = raw_from_file(path, limit=LIMIT)
    assert plain["published_at"] is None and plain["region_hint"] is None and "authority" not in plain


def test_a_page_keeps_its_own_date(tmp_path: Path) -> None:
    path = tmp_path / "h1.html"
    path.write_text(HTML_WITH_DATE, encoding="utf-8")
    raw = raw_from_file(path, limit=LIMIT, published_at=datetime(2020, 1, 1, tzinfo=ZoneInfo("UTC")))
    assert raw["published_at"].startswith("2023-07-18")


def test_bad_options_are_one_line_errors(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("一季度，全区实现地区生产总值147亿元。", encoding="utf-8")
    runner = CliRunner()
    for args, message in ((["--published-at", "18.4.2023"], "is not YYYY-MM-DD"),
                          (["--context-region", "不存在区"], "unknown region"),
                          (["--authority", "blog"], "--authority is one of")):
        result = runner.invoke(app, ["ingest", str(tmp_path), *args])
        assert result.exit_code == 1 and message in result.output, result.output
