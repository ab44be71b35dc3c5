"""`newsmon demo-site`: the demo news site (services/newsmon/demo/site.py) for offline machines."""

from __future__ import annotations

import asyncio
import signal

import typer
from rich.console import Console

from newsmon.cli._app import app

console = Console()


@app.command("demo-site")
def demo_site(
    host: str = typer.Option("127.0.0.1", help="Address to listen on (admin endpoints answer loopback clients only)."),
    port: int = typer.Option(8800, help="Port to listen on (deploy/sources/demo.yaml expects 8800)."),
    seed: int = typer.Option(7, help="Seed of the article generator: same seed, same texts."),
    backlog: int = typer.Option(20, min=0, help="Articles already published at start."),
    interval: float = typer.Option(30.0, min=0, help="Seconds between new articles; 0 = only on POST /admin/publish."),
) -> None:
    """Serve generated regional economic news with RSS feeds until Ctrl-C or SIGTERM."""
    from newsmon.demo.site import DemoSite

    async def main() -> None:
        site = DemoSite(seed, backlog, interval)
        base = await site.start(host, port)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        console.print(f"demo site at {base}/ ({backlog} articles, a new one every {interval:g} s)")
        for section, url in site.feed_urls().items():
            console.print(f"feed {section}: {url}")
        console.print(f"portal list: {site.portal_url()}")
        console.print(f"e-paper: {site.epaper_template()}")
        console.print(f"publish now: curl -X POST {base}/admin/publish (?section=portal: a portal article)")
        try:
            await stop.wait()
        finally:
            await site.stop()

    asyncio.run(main())
