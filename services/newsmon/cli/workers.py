"""`newsmon process` and `newsmon index` workers, and the stop-on-SIGTERM loop every worker command shares."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Awaitable, Callable

import typer

from newsmon import metrics
from newsmon.cli._app import app
from newsmon.settings import Settings, get_settings


@app.command()
def process(
    loglevel: str = typer.Option("info", help="Faust worker log level."),
) -> None:
    """Run a processing worker: news.raw -> news.articles + news.indicators (+ news.deadletter)."""
    from faust.worker import Worker

    from newsmon.process.app import create_app

    faust_app = create_app(get_settings())
    Worker(faust_app, loglevel=loglevel, quiet=True).execute_from_commandline()


def run_worker(name: str, work: Callable[[Settings, asyncio.Event], Awaitable[object]]) -> None:
    """Run `work` until SIGTERM / SIGINT sets its stop event; logs and /metrics set up once here."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings = get_settings()
    metrics.serve(settings.metrics_port)

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        result = await work(settings, stop)
        logging.getLogger(f"newsmon.{name}").info("stopped: %s", result)

    asyncio.run(main())


@app.command("index")
def index_worker() -> None:
    """Run an indexing worker: news.articles + news.indicators -> Elasticsearch (stops on SIGTERM)."""
    from newsmon.index.sink import Indexer

    async def work(settings: Settings, stop: asyncio.Event) -> str:
        return (await Indexer(settings).run(stop)).summary()

    run_worker("index", work)
