"""`newsmon bench ...`: benchmarks of pipeline stages, one sub-command each."""

import typer

from newsmon.cli._app import app

bench = typer.Typer(help="Measure pipeline stages on one core.", no_args_is_help=True)
app.add_typer(bench, name="bench")
