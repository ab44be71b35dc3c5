"""`newsmon process`: run a processing worker (Faust). Several workers share the partitions."""

from __future__ import annotations

import typer

from newsmon.cli._app import app
from newsmon.settings import get_settings


@app.command()
def process(
    loglevel: str = typer.Option("info", help="Faust worker log level."),
) -> None:
    """Run a processing worker: news.raw -> news.articles + news.indicators (+ news.deadletter)."""
    from faust.worker import Worker

    from newsmon.process.app import create_app

    faust_app = create_app(get_settings())
    Worker(faust_app, loglevel=loglevel, quiet=True).execute_from_commandline()


@app.command("index")
def index_worker() -> None:
    """Run an indexing worker: news.articles + news.indicators -> Elasticsearch (stops on SIGTERM)."""
    import asyncio
    import logging
    import signal

    from newsmon import metrics
    from newsmon.index.sink import Indexer

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings = get_settings()
    metrics.serve(settings.metrics_port)

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        stats = await Indexer(settings).run(stop)
        logging.getLogger("newsmon.index").info("stopped: %s", stats.summary())

    asyncio.run(main())
