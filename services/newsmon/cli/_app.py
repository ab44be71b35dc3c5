"""The root `newsmon` Typer app; sub-modules of newsmon.cli attach their commands to it."""

import typer

app = typer.Typer(
    name="newsmon",
    help="Streaming ingestion of Chinese regional economic news.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
