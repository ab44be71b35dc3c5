"""The root `newsmon` Typer app; sub-modules of newsmon.cli attach their commands to it."""

from importlib.metadata import version

import typer

app = typer.Typer(
    name="newsmon",
    help="Streaming ingestion of Chinese regional economic news.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"newsmon {version('newsmon')}")
        raise typer.Exit()


@app.callback()
def main(
    _version: bool = typer.Option(
        False, "--version", callback=_print_version, is_eager=True, help="Print the installed package version and exit."
    ),
) -> None:
    """Streaming ingestion of Chinese regional economic news."""
