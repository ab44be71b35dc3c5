"""`newsmon crawl` (a crawler worker) and `newsmon crawl status`."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import typer
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


@crawl_app.command()
def status() -> None:
    """Per source: last poll, next poll, errors, articles found (from the shared crawl state)."""
    from newsmon.connections import make_producer
    from newsmon.crawl.sources import SourceFile
    from newsmon.crawl.state import CrawlState

    settings = get_settings()
    sources = SourceFile(settings.sources_file)
    sources.reload()

    async def read() -> dict:
        producer = make_producer(settings)
        state = CrawlState(settings, producer)
        await state.start()
        await state.stop()
        return state.feeds

    feeds = asyncio.run(read())
    now = datetime.now(UTC)
    table = Table("source", "enabled", "last poll", "next poll", "errors", "articles", "304s/polls", "last error")
    for source in sources.current.sources:
        st = feeds.get(source.id, {})
        next_at = st.get("next_poll_at")
        due = f"in {(datetime.fromisoformat(next_at) - now).total_seconds():.0f}s" if next_at else "-"
        errors = str(st.get("errors", 0)) + (" [red]flagged[/red]" if st.get("flagged") else "")
        table.add_row(source.id, "yes" if source.enabled else "no", (st.get("last_polled_at") or "-")[:19], due, errors,
                      str(st.get("articles_found", 0)), f"{st.get('not_modified', 0)}/{st.get('polls', 0)}",
                      (st.get("last_error") or "")[:60])
    console.print(table)
    for problem in sources.current.problems:
        console.print(f"[red]sources file:[/red] {problem}")
