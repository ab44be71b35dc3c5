"""`newsmon metrics`: the metric taxonomy (extract/data/metrics.yaml) as a table or as JSON."""

from __future__ import annotations

import json
from dataclasses import asdict

import typer
from rich import box
from rich.console import Console
from rich.table import Column, Table

from newsmon.cli._app import app
from newsmon.extract.metrics import metric_taxonomy

console = Console()


@app.command()
def metrics(as_json: bool = typer.Option(False, "--json", help="Print a JSON list, one object per id, every field.")) -> None:
    """Every metric id the extractor knows: canonical name, unit family, additivity, NBS indicator
    (--json adds wordings, Traditional forms and parent)."""
    taxonomy = metric_taxonomy().values()
    if as_json:
        print(json.dumps([asdict(metric) for metric in taxonomy], ensure_ascii=False, indent=2))
        return
    table = Table(Column("id", no_wrap=True), Column("name", overflow="fold"), Column("unit", no_wrap=True),
                  Column("additive", no_wrap=True), Column("NBS", overflow="fold"), box=box.SIMPLE_HEAD)
    for metric in taxonomy:
        table.add_row(metric.id, metric.name, metric.unit or "", "yes" if metric.additive else "no", metric.nbs or "")
    console.print(table)
    console.print(f"{len(taxonomy)} metrics")
