"""Page extraction on the shared corpus (read from ../shared at test time, never copied)."""

import importlib.util
import statistics

import pytest

from newsmon.crawl.page import extract_page


@pytest.fixture(scope="module")
def scorer(shared_dir):
    spec = importlib.util.spec_from_file_location("score_pages", shared_dir / "eval" / "score_pages.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_cwced_dev_quality(shared_dir, scorer):
    dataset = shared_dir / "corpus" / "pages" / "cwced-dev"
    f1s, dates, authors = [], [], []
    for path in sorted((dataset / "original").glob("*.html")):
        page = extract_page(path.read_bytes())
        assert not scorer.garbled(page.text), path.name
        f1s.append(scorer.text_f1(page.text, (dataset / "cleaned" / f"{path.stem}.txt").read_text(encoding="utf-8")))
        gold_day = scorer.day((dataset / "date" / f"{path.stem}.txt").read_text(encoding="utf-8"))
        if gold_day:
            dates.append(scorer.day(page.published_at.isoformat() if page.published_at else "") == gold_day)
        authors.append(scorer.author_ok(page.author, (dataset / "author" / f"{path.stem}.txt").read_text(encoding="utf-8")))
    assert statistics.mean(f1s) >= 0.92
    assert sum(dates) >= 0.9 * len(dates)
    assert sum(authors) >= 0.6 * len(authors)


def test_every_unlabelled_page_gives_text(shared_dir):
    pages = shared_dir / "corpus" / "pages"
    paths = sorted((pages / "gne-unlabelled").glob("*/*.html")) + sorted((pages / "readability-zh").glob("*/source.html"))
    assert len(paths) >= 60
    empty = [str(path.relative_to(pages)) for path in paths if not extract_page(path.read_bytes()).text.strip()]
    assert empty == []
