"""`newsmon replay` and `newsmon ingest`: re-process history, feed saved files into the pipeline."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from newsmon.cli._app import app
from newsmon.settings import get_settings

console = Console()


def _progress() -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                    console=console)


@app.command()
def replay(
    since: str = typer.Option("1970-01-01", "--from", help="Re-process raw records from this date (YYYY-MM-DD)."),
) -> None:
    """Re-process news.raw into fresh indices (resumable), then switch the aliases to them."""
    from newsmon.replay import run_replay, start_or_resume

    settings = get_settings()
    plan, resumed = start_or_resume(settings, datetime.strptime(since, "%Y-%m-%d").replace(tzinfo=UTC))
    console.print(("resuming" if resumed else "started") + f" replay into {', '.join(plan.indices.values())}")
    with _progress() as bar:
        task = bar.add_task("replaying news.raw", total=None)
        counts = asyncio.run(run_replay(settings, plan, lambda done, total: bar.update(task, completed=done, total=total)))
    console.print(f"replayed {counts['records']} records: {counts['articles']} articles, "
                  f"{counts['indicators']} indicators, {counts['observations']} observations, {counts['invalid']} invalid, {counts['failed']} failed; aliases switched")


@app.command()
def ingest(
    path: Path = typer.Argument(..., exists=True, help="A directory of saved .html/.txt files, or one file."),
    source_id: str = typer.Option("ingest", help="Source id to record on the articles."),
    base_url: str = typer.Option(None, help="URL the files were saved from (else file:// URIs)."),
    published_at: str = typer.Option(None, help="Publication date (YYYY-MM-DD or ISO 8601) for files that carry none."),
    context_region: str = typer.Option(None, help="Region (name or code) that 全市/我市 mean in these files."),
    authority: str = typer.Option(None, help="statistics_bureau, government, newspaper, portal or other."),
) -> None:
    """Feed saved HTML / text files into news.raw, like crawled pages."""
    from newsmon import records
    from newsmon.connections import make_producer
    from newsmon.crawl.ingest import files_to_ingest, iter_raw
    from newsmon.topics import RAW

    settings = get_settings()
    options = _ingest_options(published_at, context_region, authority)
    total = len(files_to_ingest(path))

    async def send() -> tuple[int, list[str]]:
        producer = make_producer(settings)
        await producer.start()
        sent, problems = 0, []
        try:
            with _progress() as bar:
                task = bar.add_task("ingesting", total=total)
                for file, raw in iter_raw(path, limit=settings.max_page_bytes, source_id=source_id, base_url=base_url,
                                          **options):
                    bar.advance(task)
                    if isinstance(raw, Exception) or not raw["text"].strip():
                        problems.append(f"{file}: {raw if isinstance(raw, Exception) else 'no text found'}")
                        continue
                    records.check(settings.schemas_dir, RAW, raw)
                    await producer.send(settings.topic(RAW), records.encode(raw), key=raw["article_id"].encode())
                    sent += 1
            await producer.flush()
        finally:
            await producer.stop()
        return sent, problems

    sent, problems = asyncio.run(send())
    for problem in problems:
        console.print(f"[yellow]skipped[/yellow] {problem}")
    console.print(f"ingested {sent} of {total} files into {settings.topic(RAW)}")
    if problems and not sent:
        raise typer.Exit(1)


def _ingest_options(published_at: str | None, context_region: str | None, authority: str | None) -> dict:
    """The raw-record overrides of `newsmon ingest`, checked (a one-line error on a bad value)."""
    from zoneinfo import ZoneInfo

    from newsmon.index.search import UnknownRegion, region_code
    from newsmon.reconcile.choose import AUTHORITY_ORDER

    options: dict = {"context_region": context_region, "authority": authority}
    if published_at:
        try:
            when = datetime.fromisoformat(published_at)
        except ValueError:
            console.print(f"[red]error:[/red] --published-at {published_at!r} is not YYYY-MM-DD or ISO 8601")
            raise typer.Exit(1) from None
        # A bare date is a Chinese newspaper's date: midnight in Beijing time.
        options["published_at"] = when if when.tzinfo else when.replace(tzinfo=ZoneInfo("Asia/Shanghai"))
    if context_region:
        try:
            region_code(context_region)
        except UnknownRegion as exc:
            console.print(f"[red]error:[/red] {exc}")
            raise typer.Exit(1) from None
    if authority and authority not in AUTHORITY_ORDER:
        console.print(f"[red]error:[/red] --authority is one of {', '.join(AUTHORITY_ORDER)}")
        raise typer.Exit(1)
    return options
