"""`newsmon bench ...`: benchmarks of pipeline stages, one sub-command each."""

import typer

from newsmon.cli._app import app

bench = typer.Typer(help="Measure pipeline stages on one core.", no_args_is_help=True)
app.add_typer(bench, name="bench")


@bench.command("state-growth")
def bench_state_growth(
    sizes: list[int] = typer.Option([10_000, 100_000, 1_000_000], "--size", help="History sizes (repeatable)."),
) -> None:
    """Crawler and processor start-up (time, RSS), warm and cold, after histories of N articles.

    Runs benchmarks/state_growth.py of a source checkout (it uses the test suite's worker and
    clean-up helpers); needs the local stack.
    """
    import subprocess
    import sys
    from pathlib import Path

    script = Path(__file__).resolve().parents[3] / "benchmarks" / "state_growth.py"
    if not script.exists():
        raise typer.BadParameter(f"{script} not found: run from a source checkout")
    args = [sys.executable, str(script), "--sizes", *map(str, sizes)]
    raise typer.Exit(subprocess.run(args, cwd=script.parents[1], check=False).returncode)
