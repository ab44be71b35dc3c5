"""`newsmon crawl` (a crawler worker) and `newsmon crawl status`."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import typer
from rich import box
from rich.console import Console
from rich.table import Table

from newsmon.cli._app import app
from newsmon.settings import Settings, get_settings

crawl_app = typer.Typer(help="Crawler workers: feeds and pages into news.raw.", invoke_without_command=True)
app.add_typer(crawl_app, name="crawl")
console = Console()


@crawl_app.callback()
def crawl(ctx: typer.Context) -> None:
    """Run a crawler worker (several may run at once; they share the work). Stops on SIGTERM."""
    if ctx.invoked_subcommand is not None:
        return
    from newsmon.cli.workers import run_worker
    from newsmon.crawl.worker import CrawlWorker

    async def work(settings: Settings, stop: asyncio.Event) -> dict:
        return await CrawlWorker(settings).run(stop)

    run_worker("crawl", work)


def span(seconds: float) -> str:
    """A duration as an operator reads it: 42s, 46m 22s, 3h 5m, 2d 3h."""
    seconds = int(abs(seconds))
    for unit, size, sub, sub_size in (("d", 86400, "h", 3600), ("h", 3600, "m", 60), ("m", 60, "s", 1)):
        if seconds >= size:
            rest = (seconds % size) // sub_size
            return f"{seconds // size}{unit}" + (f" {rest}{sub}" if rest else "")
    return f"{seconds}s"


def source_rows(sources: list, feeds: dict[str, dict], now: datetime) -> list[tuple[str, ...]]:
    """One row per source for `newsmon crawl status`: id, last poll ("3m ago"), next poll ("in 12s",
    "overdue 46m", "disabled"), errors, articles found, 304s/polls. Times are relative, so the
    table fits 80 columns without cutting anything."""
    rows = []
    for source in sources:
        st = feeds.get(source.id, {})
        last = st.get("last_polled_at")
        last_text = f"{span((now - datetime.fromisoformat(last)).total_seconds())} ago" if last else "never"
        next_at = st.get("next_poll_at")
        if not source.enabled:
            due = "disabled"
        elif not next_at:
            due = "now"
        else:
            left = (datetime.fromisoformat(next_at) - now).total_seconds()
            due = f"in {span(left)}" if left >= 1 else f"overdue {span(left)}" if left <= -1 else "now"
        errors = str(st.get("errors", 0)) + (" flagged" if st.get("flagged") else "")
        rows.append((source.id, last_text, due, errors, str(st.get("articles_found", 0)),
                     f"{st.get('not_modified', 0)}/{st.get('polls', 0)}"))
    return rows


def status_table(sources: list, feeds: dict[str, dict], now: datetime) -> Table:
    """The per-source table; ids never wrap or shorten (they are what an operator types next)."""
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, collapse_padding=True)
    table.add_column("source", no_wrap=True)
    for header in ("last poll", "next poll"):
        table.add_column(header, no_wrap=True)
    for header in ("errors", "articles", "304s/polls"):
        table.add_column(header, justify="right", no_wrap=True)
    for row in source_rows(sources, feeds, now):
        table.add_row(*row)
    return table


@crawl_app.command()
def status() -> None:
    """Per source: last poll, next poll, errors, articles found (from the shared crawl state)."""
    from newsmon.crawl.sources import SourceFile
    from newsmon.crawl.state import CrawlState

    settings = get_settings()
    sources = SourceFile(settings.sources_file, settings.sources_base_url)
    sources.reload()

    async def read() -> dict:
        state = CrawlState(settings, producer=None)  # read-only: nothing to send, nothing to close
        await state.start()
        await state.stop()
        return state.feeds

    feeds = asyncio.run(read())
    listed = sources.current.sources
    console.print(status_table(listed, feeds, datetime.now(UTC)))
    for source in listed:
        error = feeds.get(source.id, {}).get("last_error")
        if error:
            console.print(f"[red]{source.id}[/red] last error: {error}", soft_wrap=False)
    for problem in sources.current.problems:
        console.print(f"[red]sources file:[/red] {problem}")
