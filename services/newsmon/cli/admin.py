"""`newsmon topics ensure` and `newsmon es ensure`: create topics and index templates."""

from __future__ import annotations

import asyncio

import typer
from rich.console import Console

from newsmon.cli._app import app
from newsmon.connections import es_client
from newsmon.index.templates import ensure_templates
from newsmon.settings import get_settings
from newsmon.topics import ensure_topics

console = Console()
topics_app = typer.Typer(help="Kafka topics declared in schemas/topics.yaml.", no_args_is_help=True)
es_app = typer.Typer(help="Elasticsearch index templates and aliases.", no_args_is_help=True)
app.add_typer(topics_app, name="topics")
app.add_typer(es_app, name="es")


def ensure_all() -> None:
    """Topics and templates, as `newsmon run` and the Docker entrypoint do on every start."""
    topics_ensure()
    es_ensure()


@topics_app.command("ensure")
def topics_ensure() -> None:
    """Create missing topics, grow partitions, reset drifted configs (idempotent)."""
    result = asyncio.run(ensure_topics(get_settings()))
    for label, names in (("created", result.created), ("updated", result.updated), ("ok", result.unchanged)):
        for name in names:
            console.print(f"topic {name}: {label}")


@es_app.command("ensure")
def es_ensure() -> None:
    """Put index templates and create the first dated index behind each alias (idempotent)."""
    settings = get_settings()
    with es_client(settings) as es:
        for kind, what in ensure_templates(es, settings).items():
            console.print(f"index {kind}: {what}")
