"""`newsmon page FILE.html`: run the page extractor on a saved page and print one JSON object."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from newsmon.cli._app import app
from newsmon.crawl.page import extract_page


@app.command()
def page(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="Saved HTML page (raw bytes, any encoding)."),
    url: str | None = typer.Option(None, help="The page's URL, for relative links and site metadata."),
) -> None:
    """Print the page's text, title, published_at (ISO 8601), author and encoding as JSON."""
    typer.echo(json.dumps(extract_page(file.read_bytes(), url=url).to_json(), ensure_ascii=False))
