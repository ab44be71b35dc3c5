"""`newsmon health`: does a worker on this machine answer? The image's HEALTHCHECK runs it."""

from __future__ import annotations

import httpx
import typer

from newsmon.cli._app import app
from newsmon.settings import Settings, get_settings


def worker_endpoints(settings: Settings) -> list[str]:
    """The /metrics URLs newsmon's workers serve with these settings: crawler and indexer on
    NEWSMON_METRICS_PORT, processor on NEWSMON_FAUST_WEB_PORT (a port of 0 is off)."""
    ports = dict.fromkeys(p for p in (settings.metrics_port, settings.faust_web_port) if p > 0)
    return [f"http://127.0.0.1:{port}/metrics" for port in ports]


@app.command()
def health(
    url: list[str] = typer.Option(None, "--url", help="Check these URLs instead of the workers' /metrics."),
    timeout: float = typer.Option(5.0, help="Seconds to wait for each answer."),
) -> None:
    """Exit 0 when one of the worker endpoints (or --url) answers 2xx, else print why and exit 1.

    One image runs every worker kind, each serving one of the endpoints, so one answer is enough.
    """
    urls = url or worker_endpoints(get_settings())
    if not urls:
        typer.echo("unhealthy: no endpoint to check (NEWSMON_METRICS_PORT and NEWSMON_FAUST_WEB_PORT are 0)", err=True)
        raise typer.Exit(1)
    problems = []
    for target in urls:
        try:
            response = httpx.get(target, timeout=timeout)
        except httpx.HTTPError as exc:
            problems.append(f"{target}: {type(exc).__name__}")
            continue
        if response.is_success:
            typer.echo(f"healthy: {target}")
            return
        problems.append(f"{target}: HTTP {response.status_code}")
    typer.echo(f"unhealthy: {'; '.join(problems)}", err=True)
    raise typer.Exit(1)
