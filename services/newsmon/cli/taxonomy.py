"""`newsmon metrics`: the metric taxonomy (extract/data/metrics.yaml) as a table or as JSON."""

from __future__ import annotations

import json
from dataclasses import asdict

import typer
from rich.console import Console
from rich.table import Table

from newsmon.cli._app import app
from newsmon.extract.metrics import metric_taxonomy

console = Console()


@app.command()
def metrics(as_json: bool = typer.Option(False, "--json", help="Print a JSON list, one object per id, every field.")) -> None:
    """Every metric id the extractor knows: canonical name, unit family, additivity, NBS indicator."""
    taxonomy = metric_taxonomy().values()
    if as_json:
        print(json.dumps([asdict(metric) for metric in taxonomy], ensure_ascii=False, indent=2))
        return
    table = Table("id", "name", "unit", "additive", "NBS indicator", "parent")
    for metric in taxonomy:
        table.add_row(metric.id, metric.name, metric.unit or "", "yes" if metric.additive else "no",
                      metric.nbs or "", metric.parent or "")
    console.print(table)
    console.print(f"{len(taxonomy)} metrics")
