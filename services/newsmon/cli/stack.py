"""`newsmon stack ...`: provision, start, stop and inspect the embedded Kafka + Elasticsearch."""

from __future__ import annotations

import subprocess
import time

import typer
from rich.console import Console
from rich.table import Table

from newsmon.cli._app import app
from newsmon.settings import get_settings
from newsmon.stack.local import LocalStack, ServiceStatus

stack_app = typer.Typer(help="The local Kafka broker and Elasticsearch node.", no_args_is_help=True)
app.add_typer(stack_app, name="stack")
console = Console()


def _stack() -> LocalStack:
    return LocalStack(get_settings(), log=lambda msg: console.print(f"[dim]{msg}[/dim]"))


def print_status(statuses: list[ServiceStatus]) -> None:
    table = Table("service", "state", "version", "detail")
    for st in statuses:
        state = "[green]healthy[/green]" if st.healthy else ("[yellow]starting[/yellow]" if st.running else "[red]stopped[/red]")
        table.add_row(st.name, state, st.version, st.detail)
    console.print(table)


@stack_app.command()
def up() -> None:
    """Provision (first time: download to the cache) and start Kafka and Elasticsearch."""
    started = time.monotonic()
    try:
        statuses = _stack().up()
    except Exception as exc:
        console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(1) from None
    print_status(statuses)
    console.print(f"stack healthy in {time.monotonic() - started:.1f}s")


@stack_app.command()
def down() -> None:
    """Stop both services cleanly; no process is left behind."""
    stopped = _stack().down()
    console.print("stopped: " + (", ".join(stopped) if stopped else "nothing was running"))


@stack_app.command()
def status() -> None:
    """Health and versions of both services (exit 1 unless both are healthy)."""
    statuses = _stack().status()
    print_status(statuses)
    if not all(st.healthy for st in statuses):
        raise typer.Exit(1)


@stack_app.command()
def logs(
    service: str = typer.Argument("kafka", help="kafka or elasticsearch"),
    lines: int = typer.Option(50, "-n", help="How many lines from the end."),
    follow: bool = typer.Option(False, "-f", help="Keep printing new lines."),
) -> None:
    """Print a service's log."""
    if service not in ("kafka", "elasticsearch"):
        console.print("[red]error:[/red] service must be kafka or elasticsearch")
        raise typer.Exit(2)
    path = _stack().log_file(service)
    if not path.exists():
        console.print(f"[red]error:[/red] no log yet at {path}")
        raise typer.Exit(1)
    subprocess.run(["tail", "-n", str(lines), *(["-F"] if follow else []), str(path)], check=False)
