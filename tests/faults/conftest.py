"""Fixtures of the fault-injection suite: the corpus, settings for real worker children, the report.

Each scenario feeds the same N generator-written articles through real `newsmon process` and
`newsmon index` children while it breaks something, then checks that Elasticsearch holds exactly
the expected articles and indicators, and prints one line about it (kept for the session summary
too, so CI logs show every scenario's line even with output captured).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from newsmon.settings import Settings
from tests.faults.pipeline import Corpus, build_corpus

N_ARTICLES = 2000
SEED = 20240601
_LINES: list[str] = []


@pytest.fixture(scope="session")
def corpus() -> Corpus:
    """2000 distinct generated articles and what the extractor makes of them."""
    return build_corpus(N_ARTICLES, SEED)


@pytest.fixture
def pipeline(ready: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """`ready`, for worker children: no Faust web server (several workers share a host), and the
    children's working directory (Faust's data dir) in the test's tmp_path."""
    monkeypatch.chdir(tmp_path)
    return ready.model_copy(update={"faust_web_port": 0})


@pytest.fixture
def report(capsys: pytest.CaptureFixture[str], request: pytest.FixtureRequest) -> Iterator[Callable[[str], None]]:
    """Print a scenario's line: to stdout, straight to the terminal when output is captured, and
    into the end-of-session summary."""
    capturing = request.config.getoption("capture") != "no"

    def emit(text: str) -> None:
        print(text)
        if capturing:
            with capsys.disabled():
                print(f"\n{text}")
        _LINES.append(text)

    yield emit


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if _LINES:
        terminalreporter.section("fault injection")
        for text in _LINES:
            terminalreporter.write_line(text)
