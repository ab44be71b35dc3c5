"""`newsmon page FILE.html` and `newsmon bench page`: the page extractor on saved pages.

The page benchmark (also run by benchmarks/page_extract.py) times `extract_page` against
trafilatura alone (`trafilatura.extract(html, url=…, with_metadata=True)`, its defaults) on the
same pages, interleaved in one process over a few rounds so that a loaded machine slows both
alike; the ratios (wall and CPU time) are what to read, the pages/s vary with the load.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import trafilatura
import typer

from newsmon.cli._app import app
from newsmon.cli.bench import bench
from newsmon.crawl.decode import decode_html
from newsmon.crawl.page import extract_page


def default_page_dirs() -> list[Path]:
    """The shared labelled pages (../shared/corpus/pages/cwced-dev and readability-zh beside the repo)."""
    pages = Path(__file__).resolve().parents[3].parent / "shared" / "corpus" / "pages"
    return [pages / "cwced-dev", pages / "readability-zh"]


def load_pages(directories: list[Path]) -> list[tuple[str, bytes]]:
    """(URL, raw bytes) of every *.html page under the directories but the `expected.html` answers."""
    found = sorted(p for d in directories for p in d.rglob("*.html") if p.name != "expected.html")
    if not found:
        raise FileNotFoundError(f"no *.html pages under {', '.join(map(str, directories))}")
    return [(f"https://bench.invalid/{path.parent.name}/{path.name}", path.read_bytes()) for path in found]


def run_page_benchmark(pages: list[tuple[str, bytes]], rounds: int = 3) -> dict:
    """pages/s of extract_page and of trafilatura alone, each round timing both on every page.

    trafilatura gets the page already decoded (untimed) while extract_page decodes the bytes
    itself: the comparison leans towards trafilatura.
    """
    decoded = [(url, body, decode_html(body)[0]) for url, body in pages]
    for url, body, html in decoded[:2]:  # imports and lazy tables load outside the timed loops
        extract_page(body, url=url)
        trafilatura.extract(html, url=url, with_metadata=True)
    wall = {"ours": 0.0, "alone": 0.0}
    cpu = {"ours": 0.0, "alone": 0.0}
    runs = {
        "ours": lambda url, body, html: extract_page(body, url=url),
        "alone": lambda url, body, html: trafilatura.extract(html, url=url, with_metadata=True),
    }
    for round_ in range(rounds):
        # the second of the two on a page finds the libraries' lru caches warm: take turns
        order = ("ours", "alone") if round_ % 2 == 0 else ("alone", "ours")
        for url, body, html in decoded:
            for name in order:
                started, started_cpu = time.perf_counter(), time.process_time()
                runs[name](url, body, html)
                wall[name] += time.perf_counter() - started
                cpu[name] += time.process_time() - started_cpu
    count = rounds * len(pages)
    return {
        "pages": len(pages),
        "rounds": rounds,
        "extract_page_pages_per_s": round(count / wall["ours"], 1),
        "trafilatura_pages_per_s": round(count / wall["alone"], 1),
        "ratio": round(wall["ours"] / wall["alone"], 2),
        "extract_page_pages_per_cpu_s": round(count / cpu["ours"], 1),
        "trafilatura_pages_per_cpu_s": round(count / cpu["alone"], 1),
        "cpu_ratio": round(cpu["ours"] / cpu["alone"], 2),
    }


def summary(result: dict) -> str:
    return (
        f"extract_page: {result['extract_page_pages_per_s']} pages/s, trafilatura alone "
        f"{result['trafilatura_pages_per_s']} pages/s (time ratio {result['ratio']}, CPU-time ratio "
        f"{result['cpu_ratio']}; "
        f"{result['pages']} pages x {result['rounds']} rounds)"
    )


@app.command()
def page(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="Saved HTML page (raw bytes, any encoding)."),
    url: str | None = typer.Option(None, help="The page's URL, for relative links and site metadata."),
) -> None:
    """Print the page's text, title, published_at (ISO 8601), author and encoding as JSON."""
    typer.echo(json.dumps(extract_page(file.read_bytes(), url=url).to_json(), ensure_ascii=False))


@bench.command("page")
def bench_page(
    as_json: bool = typer.Option(False, "--json", help="Print only the JSON result."),
    pages: list[Path] | None = typer.Option(None, "--pages", file_okay=False, exists=True,
                                            help="Directory of saved pages (repeatable; default: the shared labelled pages)."),
    rounds: int = typer.Option(3, min=1, help="Passes over the pages, each timing both extractors."),
) -> None:
    """Page extraction throughput (pages/s) beside trafilatura alone, interleaved in one run."""
    result = run_page_benchmark(load_pages(pages or default_page_dirs()), rounds)
    typer.echo(json.dumps(result))
    if not as_json:
        typer.echo(summary(result))
