"""`newsmon bench page`: pages are found, both extractors are timed on every page of every round."""

from pathlib import Path

import pytest

from newsmon.cli.page import load_pages, run_page_benchmark

PAGE = (
    "<html><head><meta charset='utf-8'><title>经济新闻</title></head><body><div>发布时间：2024年3月15日</div>"
    + "".join(f"<p>今年一季度，全区地区生产总值同比增长百分之六点五，第{n}段。</p>" for n in range(10))
    + "</body></html>"
)


def test_load_pages_skips_expected_answers(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "source.html").write_text(PAGE, "utf-8")
    (tmp_path / "a" / "expected.html").write_text("<p>answer</p>", "utf-8")
    (tmp_path / "b.html").write_text(PAGE, "utf-8")
    pages = load_pages([tmp_path])
    assert sorted(url.rsplit("/", 1)[-1] for url, _ in pages) == ["b.html", "source.html"]
    assert all(body == PAGE.encode() for _, body in pages)


def test_load_pages_refuses_an_empty_directory(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        load_pages([tmp_path])


def test_run_page_benchmark_reports_both_rates_and_their_ratio() -> None:
    result = run_page_benchmark([("https://bench.invalid/a.html", PAGE.encode())], rounds=2)
    assert (result["pages"], result["rounds"]) == (1, 2)
    assert result["extract_page_pages_per_s"] > 0 and result["trafilatura_pages_per_s"] > 0
    assert result["ratio"] > 0 and result["cpu_ratio"] > 0
