"""`newsmon sources check FILE|URL`: a dry run of source entries before the crawler polls them."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import typer
from rich.console import Console

from newsmon.cli._app import app

sources_app = typer.Typer(help="The sources file: check entries before the crawler uses them.")
app.add_typer(sources_app, name="sources")
console = Console(soft_wrap=True)


def _ad_hoc(url: str) -> dict:
    """A source entry for a bare URL: an e-paper when it holds date fields, else a listing."""
    if "{yyyy}" in url or "{yy}" in url:
        return {"id": "url", "epaper": {"edition": url}}
    return {"id": "url", "listing": {"urls": [url]}}


@sources_app.command()
def check(
    target: str = typer.Argument(..., help="A sources file, or an index page URL (an e-paper edition template with {yyyy}/{mm}/{dd})."),
    ids: list[str] = typer.Option(None, "--id", help="Only this source (repeatable)."),
    as_json: bool = typer.Option(False, "--json", help="One JSON object per source (id, kind, links, samples, error)."),
    articles: int = typer.Option(2, min=0, help="Articles to fetch and extract per source."),
    include_disabled: bool = typer.Option(False, help="Check disabled entries too."),
) -> None:
    """Fetch each source's index or edition as the crawler would (URL guard, robots.txt, per-host
    delay), list the article links it would follow and extract the first ones. Exit code 1 when
    the file has bad entries or a source found nothing."""
    from pydantic import ValidationError

    from newsmon.crawl.check import check_source
    from newsmon.crawl.fetcher import Fetcher
    from newsmon.crawl.sources import Source, parse_sources
    from newsmon.settings import get_settings

    settings = get_settings()
    problems: list[str] = []
    if "://" in target:
        try:
            sources = [Source.model_validate(_ad_hoc(target))]
        except ValidationError as exc:
            raise typer.BadParameter(str(exc.errors()[0]["msg"])) from None
    else:
        path = Path(target)
        if not path.is_file():
            raise typer.BadParameter(f"{target} is neither a file nor a URL")
        parsed = parse_sources(path.read_text("utf-8"), settings.sources_base_url)
        problems, sources = parsed.problems, parsed.sources
        if ids:
            sources = [s for s in sources if s.id in ids]
            missing = sorted(set(ids) - {s.id for s in sources})
            problems += [f"no source with id {i!r}" for i in missing]
        elif not include_disabled:
            sources = [s for s in sources if s.enabled]
    for problem in problems:
        if as_json:
            typer.echo(json.dumps({"id": None, "kind": None, "links": [], "error": problem}, ensure_ascii=False))
        else:
            console.print(f"[red]bad entry:[/red] {problem}")

    async def run() -> list:
        async with Fetcher(settings) as fetcher:
            reports = []
            for source in sources:
                report = await check_source(source, fetcher, delay_s=settings.host_delay_s, articles=articles)
                reports.append(report)
                if as_json:
                    typer.echo(json.dumps(report.to_json(), ensure_ascii=False))
                else:
                    _show(report)
            return reports

    reports = asyncio.run(run())
    if problems or any(r.error for r in reports):
        raise typer.Exit(1)


def _show(report) -> None:
    console.print(f"[bold]{report.id}[/bold] ({report.kind}, authority {report.authority or '-'}, region {report.region_hint or '-'})")
    for page in report.pages:
        console.print(f"  read {page}", markup=False, highlight=False)
    console.print(f"  {len(report.links)} article links")
    for url in report.links[:10]:
        extra = " ".join(x for x in (report.link_dates.get(url, "")[:10], report.link_tags.get(url, "")) if x)
        console.print(f"    {url}  {extra}", markup=False, highlight=False)
    if len(report.links) > 10:
        console.print(f"    … and {len(report.links) - 10} more")
    for sample in report.samples:
        console.print(f"  article {sample.url}", markup=False, highlight=False)
        if sample.error:
            console.print(f"    [red]{sample.error}[/red]")
        console.print(f"    title: {sample.title}\n    date: {sample.published_at} (from {sample.date_from})\n"
                      f"    length: {sample.chars} characters", markup=False, highlight=False)
        for line in sample.first_lines:
            console.print(f"    | {line}", markup=False, highlight=False)
    for note in report.notes:
        console.print(f"  note: {note}", markup=False, highlight=False)
    console.print(f"  [red]error: {report.error}[/red]" if report.error else "  [green]ok[/green]")


@sources_app.command()
def schema() -> None:
    """Print the sources file's JSON Schema (schemas/sources.schema.json is this output)."""
    from newsmon.crawl.sources import sources_json_schema

    typer.echo(json.dumps(sources_json_schema(), ensure_ascii=False, indent=2))
