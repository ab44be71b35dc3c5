"""`newsmon run`: the main job. Stack, topics and templates, then every worker, supervised."""

from __future__ import annotations

import asyncio
import json
import signal
import sys
import time

import typer
from rich.console import Console
from rich.live import Live

from newsmon.cli._app import app
from newsmon.cli.admin import ensure_all
from newsmon.cli.stack import print_status
from newsmon.settings import DEMO_SOURCES_FILE, get_settings
from newsmon.stack.local import LocalStack

console = Console()


@app.command()
def run(
    external: bool = typer.Option(
        False, help="Use the Kafka / Elasticsearch in NEWSMON_KAFKA_BOOTSTRAP / NEWSMON_ES_URL; start nothing locally."
    ),
    crawlers: int = typer.Option(1, help="Crawler workers."),
    processors: int = typer.Option(1, help="Processing (Faust) workers."),
    indexers: int = typer.Option(1, help="Indexing workers."),
    demo_site: bool = typer.Option(True, help="Serve the demo news site the default sources point at."),
    demo_port: int = typer.Option(8800, help="Port of the demo news site."),
    seconds: float = typer.Option(0, help="Stop by itself after this long (0: run until Ctrl-C)."),
    setup_only: bool = typer.Option(False, help="Only bring the stack up and ensure topics and templates."),
) -> None:
    """Bring the stack up, ensure topics and templates, run every worker with a live status view."""
    from newsmon.supervise import AlreadyRunning, RunLock

    settings = get_settings()
    lock = RunLock(settings.state_dir / "run.lock")
    if not setup_only:
        try:
            lock.acquire()  # held until this process ends, however it ends
        except AlreadyRunning as exc:
            console.print(f"[red]error:[/red] {exc}")
            raise typer.Exit(1) from None
    if not external:
        try:
            statuses = LocalStack(settings, log=lambda m: console.print(f"[dim]{m}[/dim]")).up()
        except Exception as exc:
            console.print(f"[red]error:[/red] {exc}")
            raise typer.Exit(1) from None
        print_status(statuses)
    ensure_all()
    if setup_only:
        return

    from newsmon.status import PipelineStatus
    from newsmon.supervise import Supervisor

    supervisor = Supervisor(settings.state_dir / "logs")
    worker_env: dict[str, str] = {}
    if demo_site:
        supervisor.add("demo-site", "demo-site", "--port", str(demo_port))
        allow = [*settings.allow_hosts, f"127.0.0.1:{demo_port}"]
        worker_env["NEWSMON_ALLOW_HOSTS"] = json.dumps(allow)
        if settings.sources_file == DEMO_SOURCES_FILE and not settings.sources_base_url:
            worker_env["NEWSMON_SOURCES_BASE_URL"] = f"http://127.0.0.1:{demo_port}/"  # the demo file, at this port
        console.print(f"demo news site: http://127.0.0.1:{demo_port}/ (allowlisted for the crawler)")
    for i in range(crawlers):
        supervisor.add(f"crawler-{i + 1}", "crawl", env=worker_env)
    for i in range(processors):
        supervisor.add(f"processor-{i + 1}", "process", env={"NEWSMON_FAUST_WEB_PORT": str(settings.faust_web_port + i)})
    for i in range(indexers):
        supervisor.add(f"indexer-{i + 1}", "index")
    console.print(f"worker logs: {supervisor.log_dir}   (Ctrl-C stops everything)")

    stop_requested = False

    def request_stop(*_: object) -> None:
        nonlocal stop_requested
        stop_requested = True

    signal.signal(signal.SIGTERM, request_stop)
    started = time.monotonic()

    async def watch() -> None:
        status = PipelineStatus(settings)
        await status.start()
        try:
            interactive = sys.stdout.isatty()
            with Live(console=console, refresh_per_second=1) if interactive else _NoLive() as live:
                last_print = 0.0
                while not stop_requested and not (seconds and time.monotonic() - started > seconds):
                    supervisor.tick()
                    snap = await status.snapshot()
                    table = snap.table([(c.name, c.state, c.restarts, c.last_error) for c in supervisor.children])
                    if interactive:
                        live.update(table)
                    elif time.monotonic() - last_print > 10:  # logs and pipes get a table every 10 s
                        console.print(table)
                        last_print = time.monotonic()
                    await asyncio.sleep(2)
        finally:
            await status.stop()

    try:
        asyncio.run(watch())
    except KeyboardInterrupt:
        pass
    console.print("stopping workers…")
    supervisor.stop()
    lock.release()
    console.print("stopped (the local stack keeps running: `newsmon stack down` stops it)")


class _NoLive:
    def __enter__(self) -> _NoLive:
        return self

    def __exit__(self, *exc: object) -> None:
        return None


@app.command()
def status(as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """One snapshot of the pipeline: records per stage, lag, documents searchable, dead letters."""
    from newsmon.status import PipelineStatus, as_dict

    async def take() -> object:
        collector = PipelineStatus(get_settings())
        await collector.start()
        try:
            return await collector.snapshot()
        finally:
            await collector.stop()

    snap = asyncio.run(take())
    if as_json:
        print(json.dumps(as_dict(snap), ensure_ascii=False, indent=2))
    else:
        console.print(snap.table())
