"""What an analyst types: `newsmon search`, `newsmon indicators`, `newsmon series`, `newsmon tail`.

Every command takes --json for scripts (one JSON document, or one record per line for tail).
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from newsmon.cli._app import app
from newsmon.settings import get_settings

console = Console()


def _date(value: str | None) -> date | None:
    return datetime.strptime(value, "%Y-%m-%d").date() if value else None


def _fail(message: str) -> None:
    console.print(f"[red]error:[/red] {message}")
    raise typer.Exit(1)


@app.command()
def search(
    query: str = typer.Argument(..., help="Words or phrases, e.g. \"招商引资 新能源\" (Traditional is fine)."),
    since: str = typer.Option(None, help="Published on or after YYYY-MM-DD."),
    until: str = typer.Option(None, help="Published on or before YYYY-MM-DD."),
    region: str = typer.Option(None, help="Division name or code (十堰市, 420300); includes its children."),
    source: str = typer.Option(None, help="Source id from the sources file."),
    size: int = typer.Option(10, help="How many stories."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Best matching articles, one line per story (near-duplicates collapsed), with snippets."""
    from newsmon.connections import es_client
    from newsmon.index.search import UnknownRegion, run_articles

    settings = get_settings()
    try:
        with es_client(settings) as es:
            hits = run_articles(es, settings, query, since=_date(since), until=_date(until), region=region,
                                source=source, size=size)
    except UnknownRegion as exc:
        _fail(str(exc))
    if as_json:
        print(json.dumps(hits, ensure_ascii=False, indent=2))
        return
    table = Table("published", "source", "title", "snippet", show_lines=True)
    for hit in hits:
        table.add_row((hit.get("published_at") or "")[:10], hit["source_id"], hit["title"], hit["snippet"])
    console.print(table)
    console.print(f"{len(hits)} stories")


@app.command()
def indicators(
    metric: str = typer.Option(None, help="Metric id (gdp, signed_amount, …) or wording (地区生产总值)."),
    region: str = typer.Option(None, help="Division name or code; includes its children."),
    since: str = typer.Option(None, help="Published on or after YYYY-MM-DD."),
    until: str = typer.Option(None, help="Published on or before YYYY-MM-DD."),
    min_value: float = typer.Option(None, help="Lower bound on the normalised value (yuan, count, …)."),
    max_value: float = typer.Option(None, help="Upper bound on the normalised value."),
    min_growth: float = typer.Option(None, help="Lower bound on growth, in percent."),
    max_growth: float = typer.Option(None, help="Upper bound on growth, in percent."),
    period: str = typer.Option(None, help="Period as written (一季度, 上半年, …)."),
    scope_kind: str = typer.Option(
        None, help="What the figure measures in its region: region, sector, industry, park, project, enterprise, team, other."
    ),
    all_kinds: bool = typer.Option(False, "--all", help="Include non-economic quantities and reprints."),
    size: int = typer.Option(50, help="How many indicators."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Indicators matching the filters, newest first."""
    from newsmon.connections import es_client
    from newsmon.index.search import UnknownRegion, run_indicators

    settings = get_settings()
    try:
        with es_client(settings) as es:
            found = run_indicators(
                es, settings, metric=metric, region=region, since=_date(since), until=_date(until),
                min_value=min_value, max_value=max_value, min_growth=min_growth, max_growth=max_growth,
                period=period, scope_kind=scope_kind, include_non_core=all_kinds, include_duplicates=all_kinds, size=size,
            )
    except UnknownRegion as exc:
        _fail(str(exc))
    if as_json:
        print(json.dumps(found, ensure_ascii=False, indent=2))
        return
    table = Table("published", "region", "scope", "period", "metric", "value", "growth %", "rank", "quote")
    for ind in found:
        value = f"{ind['value']:g}{ind['unit'] or ''}" if ind["value"] is not None else ""
        if ind.get("qualifier") and value:
            value = f"{value} ({ind['qualifier']})"
        growth = f"{ind['growth_pct']:+g}" if ind["growth_pct"] is not None else ""
        rank = f"{ind['rank_scope'] or ''}第{ind['rank']}" if ind["rank"] else ""
        scope = "" if ind.get("scope_kind") in (None, "region") else f"{ind['scope_kind']}: {ind.get('scope_name') or ''}"
        period = ind["period"] or ""
        if ind.get("period_start"):
            period = f"{period} ({ind['period_start']}/{ind.get('period_end') or ''})"
        table.add_row((ind.get("published_at") or "")[:10], ind.get("region_name") or ind["subject"] or "", scope, period,
                      f"{ind['metric']} [{ind['metric_id']}]", value, growth, rank, ind["quote"][:40])
    console.print(table)
    console.print(f"{len(found)} indicators")


@app.command()
def observations(
    region: str = typer.Option(None, help="Division name or code (十堰市, 420300); its children are included."),
    no_children: bool = typer.Option(False, "--no-children", help="Only the region itself, not its sub-regions."),
    metric: str = typer.Option(None, help="Metric id (gdp, …) or wording (地区生产总值)."),
    scope_kind: str = typer.Option(None, help="region, sector, industry, park, project, enterprise, team or other."),
    since: str = typer.Option(None, help="Periods ending on or after YYYY-MM-DD."),
    until: str = typer.Option(None, help="Periods ending on or before YYYY-MM-DD."),
    conflicts: bool = typer.Option(False, "--conflicts", help="Only observations with conflicts to review."),
    size: int = typer.Option(100, help="How many observations."),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON list."),
    as_csv: bool = typer.Option(False, "--csv", help="Print SDMX-CSV (REF_AREA, INDICATOR, TIME_PERIOD, OBS_VALUE, …)."),
) -> None:
    """Reconciled figures, one row per observation, newest period first, with their sources."""
    from newsmon.connections import es_client
    from newsmon.index.search import UnknownRegion, run_observations
    from newsmon.reconcile.table import csv_text, json_row, obs_value
    from newsmon.reconcile.periods import time_period

    settings = get_settings()
    try:
        with es_client(settings) as es:
            found = run_observations(es, settings, region=region, children=not no_children, metric=metric,
                                     scope_kind=scope_kind, since=_date(since), until=_date(until),
                                     conflicts=conflicts, size=size)
    except UnknownRegion as exc:
        _fail(str(exc))
    if as_json:
        print(json.dumps([json_row(o) for o in found], ensure_ascii=False, indent=2))
        return
    if as_csv:
        print(csv_text(found), end="")
        return
    table = Table("region", "scope", "period", "metric", "value", "growth %", "sources", "conflicts")
    for o in found:
        scope = "" if o["scope_kind"] == "region" else f"{o['scope_kind']}: {o.get('scope_name') or ''}"
        value = obs_value(o)
        shown = "" if value is None else _with_unit(value, o["unit_normalized"]) if o["measure"] == "level" else f"{value:g}"
        growth = f"{o['growth_pct']:+g}" if o.get("growth_pct") is not None and o["measure"] == "level" else ""
        reprints = sum(1 for src in o["sources"] if src.get("duplicate_of"))
        review = [c for c in o["conflicts"] if c["status"] == "review"]
        superseded = [c for c in o["conflicts"] if c["status"] == "superseded"]
        notes = ", ".join(filter(None, [f"{len(review)} to review" if review else "",
                                        f"{len(superseded)} superseded" if superseded else ""]))
        table.add_row(f"{o.get('region_name') or ''} ({o['region_code']})", scope,
                      time_period(o["period_start"], o["period_end"]), f"{o.get('metric_name') or o.get('metric')} [{o['metric_id']}]",
                      shown, growth, f"{len(o['sources'])} ({o['authority']}{f', {reprints} reprints' if reprints else ''})", notes)
    console.print(table)
    console.print(f"{len(found)} observations")


def _metric_info(metric: str):  # noqa: ANN202 - newsmon.extract.metrics.Metric, imported lazily
    """The taxonomy entry of a metric id or wording (the fallback "other" when it names none)."""
    from newsmon.extract.metrics import FALLBACK_METRIC_ID, metric_id, metric_taxonomy, resolve_metric

    taxonomy = metric_taxonomy()
    return taxonomy.get(resolve_metric(metric) or metric_id(metric)) or taxonomy[FALLBACK_METRIC_ID]


def _with_unit(value: float, unit: str) -> str:
    """147亿元 rather than 14700000000 CNY."""
    from newsmon.index.chart import scale_for

    factor, label = scale_for(unit, abs(value))
    return f"{value / factor:,.4g}{label}"


@app.command()
def series(
    metric: str = typer.Option(..., help="Metric id or wording."),
    region: str = typer.Option(..., help="Region (name or code): one series for it and each sub-region."),
    by: str = typer.Option("quarter", help="month, quarter or year (of the period's end)."),
    derive_monthly: bool = typer.Option(False, "--derive-monthly", help="Monthly values from consecutive year-to-date figures."),
    total: bool = typer.Option(False, "--total", help="Add the sum of the disjoint sub-regions (additive metrics only)."),
    chart: Path = typer.Option(None, help="Also write a PNG line chart here."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """One value per region and period, from observations (each figure once, the latest cumulative value)."""
    from newsmon.connections import es_client
    from newsmon.index.search import UnknownRegion, run_observations
    from newsmon.reconcile.series import NotAdditive, monthly_points, series_points, total_points

    if by not in ("month", "quarter", "year"):
        _fail("--by is month, quarter or year")
    settings = get_settings()
    try:
        with es_client(settings) as es:
            found = run_observations(es, settings, region=region, metric=metric, scope_kind="region", measure="level",
                                     size=10000)
    except UnknownRegion as exc:
        _fail(str(exc))
    info = _metric_info(found[0]["metric_id"] if found else metric)
    try:
        points = monthly_points(found, additive=info.additive) if derive_monthly else series_points(found, by=by)
        if total:
            points += total_points(points, additive=info.additive, label="合计")
    except NotAdditive as exc:
        _fail(f"{exc} ({info.name} is not)")
    unit = found[0]["unit_normalized"] if found else info.unit
    if as_json:
        print(json.dumps([p.__dict__ for p in points], ensure_ascii=False, indent=2))
    else:
        table = Table("period", "observation period", "region", "code", "value", "sources")
        for p in points:
            table.add_row(p.period, p.time_period, p.region, p.region_code,
                          _with_unit(p.value, unit) + (" (derived)" if p.derived else ""), str(p.sources))
        console.print(table)
    if chart:
        from newsmon.index.chart import write_series_chart

        every = "month (derived)" if derive_monthly else by
        write_series_chart(points, chart, title=f"{info.name} · {region} · by {every}", unit=unit)
        console.print(f"chart written to {chart}")


@app.command()
def tail(
    topic: str = typer.Argument("news.indicators", help="news.raw, news.articles, news.indicators, news.observations or news.deadletter."),
    where: list[str] = typer.Option(None, help="field=value filters, all must hold (subject_code=420303, change=conflict)."),
    from_beginning: bool = typer.Option(False, help="Start at the oldest record instead of new ones."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON record per line."),
) -> None:
    """A ready consumer: print records of a topic as they arrive (Ctrl-C to stop)."""
    import asyncio
    import uuid

    from newsmon.connections import make_consumer

    settings = get_settings()
    conditions = [w.split("=", 1) for w in where or []]
    if any(len(c) != 2 for c in conditions):
        _fail("--where takes field=value")

    async def run() -> None:
        consumer = make_consumer(settings, settings.topic(topic), group_id=f"newsmon-tail-{uuid.uuid4().hex[:8]}",
                                 auto_offset_reset="earliest" if from_beginning else "latest")
        await consumer.start()
        try:
            async for message in consumer:
                record = json.loads(message.value)
                if all(str(record.get(field)) == value for field, value in conditions):
                    if as_json:
                        print(json.dumps(record, ensure_ascii=False), flush=True)
                    else:
                        console.print(_one_line(record))
        finally:
            await consumer.stop()

    try:
        asyncio.run(run())
    except KeyboardInterrupt:
        pass


def _one_line(record: dict) -> str:
    if "observation_key" in record and "sources" in record:
        from newsmon.reconcile.periods import time_period
        from newsmon.reconcile.table import obs_value

        value = obs_value(record)
        shown = "-" if value is None else _with_unit(value, record["unit_normalized"]) if record["measure"] == "level" else f"{value:g}"
        review = sum(1 for c in record["conflicts"] if c["status"] == "review")
        return (f"[bold]{record['change']}[/bold] {record.get('region_name') or record['region_code']} "
                f"{time_period(record['period_start'], record['period_end'])} {record.get('metric_name') or record['metric_id']} "
                f"{shown}  ({record['source_count']} sources, {review} to review, by {record['authority']})")
    if "indicator_id" in record:
        value = f"{record['value']:g}{record['unit'] or ''}" if record.get("value") is not None else "-"
        growth = f" {record['growth_pct']:+g}%" if record.get("growth_pct") is not None else ""
        return f"{record.get('subject') or '?'} {record.get('period') or ''} {record.get('metric')} {value}{growth}  ({record['article_id']})"
    if "stage" in record:
        return f"[red]{record['stage']}[/red] {record['reason']}: {record['detail'][:100]}"
    return f"{record.get('published_at') or ''} {record.get('source_id')} {record.get('title')}"
