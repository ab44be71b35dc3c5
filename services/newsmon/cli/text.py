"""`newsmon clean`, `newsmon extract` and `newsmon bench enrich`: the text stages on local files.

The enrich benchmark (also run by benchmarks/enrich.py) times what the worker does per article
(`enrich_raw`: clean, extract, regions, fingerprint, segment title and body) on one core against
segmentation alone on the same articles; it blocks for a few seconds.
"""

from __future__ import annotations

import json
import re
import resource
import time
from dataclasses import asdict
from datetime import datetime
from pathlib import Path

import typer

from newsmon.cli._app import app
from newsmon.cli.bench import bench
from newsmon.extract.indicators import extract_indicators, indicator_to_dict
from newsmon.process.enrich import enrich_raw
from newsmon.text.clean import clean
from newsmon.text.segment import segment_for_index, tokenizer

_DOC_PREFIX_RE = re.compile(r"^\d+")
MIN_CORPUS_CHARS = 2_000_000


def default_corpus_dir() -> Path:
    """The shared sample articles (../shared/corpus/articles beside the repo)."""
    return Path(__file__).resolve().parents[3].parent / "shared" / "corpus" / "articles"


def load_corpus(directory: Path, min_chars: int = MIN_CORPUS_CHARS) -> list[str]:
    """The *.txt articles of `directory`, repeated until they hold at least `min_chars` characters."""
    articles = [path.read_text("utf-8") for path in sorted(directory.glob("*.txt"))]
    if not articles:
        raise FileNotFoundError(f"no *.txt articles in {directory}")
    corpus, size = [], 0
    while size < min_chars:
        for article in articles:
            corpus.append(article)
            size += len(article)
    return corpus


def _raw_record(index: int, text: str) -> dict:
    """A raw.v1 record around a corpus article, as the worker receives it."""
    return {
        "schema_version": 1, "article_id": f"bench-{index}", "url": f"https://bench.invalid/{index}",
        "canonical_url": f"https://bench.invalid/{index}", "source_id": "bench", "title": None, "text": text,
        "published_at": "2024-07-15T08:00:00+08:00", "fetched_at": "2024-07-15T09:00:00+08:00", "encoding": "utf-8",
    }


def run_enrich_benchmark(corpus: list[str]) -> dict:
    """Throughput of the worker's enrich_raw and of segmentation alone, on the same articles."""
    records = [_raw_record(index, text) for index, text in enumerate(corpus)]
    tokenizer()  # vocabularies load once, outside the timed loops
    enrich_raw(records[0])
    chars = sum(map(len, corpus))

    started = time.perf_counter()
    indicators = sum(enrich_raw(record)["article"]["indicator_count"] for record in records)
    enrich_seconds = time.perf_counter() - started

    started = time.perf_counter()
    for raw in corpus:
        segment_for_index(raw)
    segment_seconds = time.perf_counter() - started

    chars_per_s = chars / enrich_seconds
    segment_chars_per_s = chars / segment_seconds
    return {
        "articles": len(corpus),
        "chars": chars,
        "indicators": indicators,
        "seconds": round(enrich_seconds, 3),
        "chars_per_s": round(chars_per_s),
        "articles_per_s": round(len(corpus) / enrich_seconds, 1),
        "segment_chars_per_s": round(segment_chars_per_s),
        "ratio": round(segment_chars_per_s / chars_per_s, 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def summary(result: dict) -> str:
    return (
        f"enrich: {result['chars_per_s'] / 1e6:.2f}M chars/s, {result['articles_per_s']} articles/s, "
        f"segmentation alone {result['segment_chars_per_s'] / 1e6:.2f}M chars/s (ratio {result['ratio']}), "
        f"peak RSS {result['peak_rss_mb']} MB"
    )


def _doc_id(path: Path) -> str:
    """"000_d22a3946bb1dbc00.txt" -> "000": the leading digits of the name, else the stem."""
    match = _DOC_PREFIX_RE.match(path.stem)
    return match.group() if match else path.stem


@app.command("clean")
def clean_command(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="Article text (UTF-8)."),
    as_json: bool = typer.Option(False, "--json", help="Print text, title, headings, bylines, captions as JSON."),
) -> None:
    """Print the cleaned article body (re-flowed, normalised; bylines and captions removed)."""
    cleaned = clean(file.read_text("utf-8", errors="replace"))
    if as_json:
        record = asdict(cleaned)
        record["simplified"] = cleaned.simplified
        typer.echo(json.dumps(record, ensure_ascii=False))
    else:
        typer.echo(cleaned.text)


@app.command("extract")
def extract_command(
    files: list[Path] = typer.Argument(..., exists=True, dir_okay=False, help="Article texts (UTF-8)."),
    doc_from_filename: bool = typer.Option(
        True, "--doc-from-filename/--no-doc-from-filename",
        help='Add "doc": the leading digits of each file name ("000_x.txt" -> "000").',
    ),
    published_at: datetime | None = typer.Option(
        None, help="Publication time (ISO 8601) that dates relative periods such as 一季度."
    ),
    context_region: str | None = typer.Option(None, help="Region the source covers, for 全市/我市 (e.g. 十堰市)."),
) -> None:
    """Print one JSON indicator record per line for each file, in text order."""
    for path in files:
        indicators = extract_indicators(
            clean(path.read_text("utf-8", errors="replace")),
            published_at=published_at,
            context_region=context_region,
        )
        doc = _doc_id(path) if doc_from_filename else None
        for indicator in indicators:
            typer.echo(json.dumps(indicator_to_dict(indicator, doc), ensure_ascii=False))


@bench.command("enrich")
def bench_enrich(
    as_json: bool = typer.Option(False, "--json", help="Print only the JSON result."),
    corpus: Path | None = typer.Option(None, file_okay=False, exists=True, help="Directory of *.txt articles."),
) -> None:
    """Worker enrichment throughput on one core vs segmentation alone (corpus >= 2M chars)."""
    result = run_enrich_benchmark(load_corpus(corpus or default_corpus_dir()))
    typer.echo(json.dumps(result))
    if not as_json:
        typer.echo(summary(result))
