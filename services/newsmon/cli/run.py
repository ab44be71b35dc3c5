"""`newsmon run`: the main job on the embedded default (or configured external clusters)."""

from __future__ import annotations

import typer
from rich.console import Console

from newsmon.cli._app import app
from newsmon.cli.admin import ensure_all
from newsmon.cli.stack import print_status
from newsmon.settings import get_settings
from newsmon.stack.local import LocalStack

console = Console()


@app.command()
def run(
    external: bool = typer.Option(
        False, help="Use the Kafka / Elasticsearch in NEWSMON_KAFKA_BOOTSTRAP / NEWSMON_ES_URL; start nothing locally."
    ),
) -> None:
    """Bring the local stack up, ensure topics and templates, and show status."""
    settings = get_settings()
    if not external:
        try:
            statuses = LocalStack(settings, log=lambda m: console.print(f"[dim]{m}[/dim]")).up()
        except Exception as exc:
            console.print(f"[red]error:[/red] {exc}")
            raise typer.Exit(1) from None
        print_status(statuses)
    ensure_all()
