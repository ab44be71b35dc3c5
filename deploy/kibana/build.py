"""Build deploy/kibana/newsmon.ndjson: the Kibana saved objects for newsmon, from Python dicts.

Regenerate after editing this file (the unit tests fail until the two agree):

    .venv/bin/python deploy/kibana/build.py            # rewrite newsmon.ndjson
    .venv/bin/python deploy/kibana/build.py --check    # exit 1 if newsmon.ndjson is stale

`newsmon kibana setup` imports the file through Kibana's saved-objects import API
(`POST /api/saved_objects/_import?overwrite=true`), so importing again replaces the objects in place.

What the file holds (ids are stable, so re-imports overwrite rather than duplicate):

    index-pattern  newsmon-articles                       data view on the articles alias, time field published_at
    index-pattern  newsmon-indicators                     data view on the indicators alias, time field published_at
    index-pattern  newsmon-observations                   data view on the observations alias, time field period_end
    search         newsmon-recent-articles                saved search "Recent articles" (duplicates hidden)
    lens           newsmon-latest-figures-per-region      observations: table region x metric, last value and growth by period end
    lens           newsmon-metric-over-time-per-region    observations: GDP level per region by period end (one figure each)
    lens           newsmon-conflicts-to-review            observations with a differing lower-authority figure
    lens           newsmon-growth-distribution-by-metric  observations: histogram of growth_pct, stacked by metric_id
    lens           newsmon-article-volume-by-source       articles per day, stacked by source_id
    dashboard      newsmon-regional-economy               "Regional economy": all of the above

Format notes (checked against Kibana's own sample data and exports, 8.x/9.x):
- Objects are written in the shape of an 8.x export; 9.x imports 8.x exports and migrates them forward on
  import. `typeMigrationVersion` says which shape each object is in, so Kibana runs only the migrations
  after it: index-pattern 8.0.0, search 8.0.0 (9.x turns it into a one-tab Discover session), lens 8.9.0,
  dashboard 8.9.0; `coreMigrationVersion` is 8.8.0 as in every export since 8.8. None is older than 8.0.0 on
  purpose: objects older than a type's conversion to multi-space (8.0.0) get regenerated ids when imported
  into a non-default space, and our ids must stay stable.
- References carry the links: a saved search points at its data view through
  `kibanaSavedObjectMeta.searchSourceJSON.index`; a Lens layer through `indexpattern-datasource-layer-<layerId>`;
  a dashboard panel through `panelRefName` "panel_<panelIndex>", stored on the dashboard as a reference named
  "<panelIndex>:panel_<panelIndex>" (Kibana strips the "<panelIndex>:" prefix before matching).
- Figures come from observations (one reconciled figure per region, scope, metric and period), not from
  mentions: a figure reported by four articles counts once. Region-level panels filter
  `scope_kind : "region" and measure : "level"`, so a breakdown never stands for its total.
- Data view titles use the default index prefix "newsmon"; `newsmon kibana setup` rewrites the titles
  when NEWSMON_INDEX_PREFIX differs (ids stay the same).

Serialisation is deterministic: one object per line, keys sorted, UTF-8, no export-summary line.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parent / "newsmon.ndjson"

PREFIX = "newsmon"  # Settings.index_prefix default; the CLI rewrites data view titles for other prefixes
CORE_MIGRATION_VERSION = "8.8.0"
TYPE_MIGRATION_VERSION = {"index-pattern": "8.0.0", "search": "8.0.0", "lens": "8.9.0", "dashboard": "8.9.0"}

ARTICLES_VIEW = f"{PREFIX}-articles"
INDICATORS_VIEW = f"{PREFIX}-indicators"
OBSERVATIONS_VIEW = f"{PREFIX}-observations"
RECENT_ARTICLES = "newsmon-recent-articles"
LATEST_FIGURES = "newsmon-latest-figures-per-region"
GROWTH_DISTRIBUTION = "newsmon-growth-distribution-by-metric"
METRIC_OVER_TIME = "newsmon-metric-over-time-per-region"
CONFLICTS = "newsmon-conflicts-to-review"
ARTICLE_VOLUME = "newsmon-article-volume-by-source"
DASHBOARD = "newsmon-regional-economy"

Obj = dict[str, Any]


def dumps(value: Any) -> str:
    """The one JSON encoding used for lines and for JSON-in-a-string attributes."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def saved_object(type_: str, id_: str, attributes: Obj, references: list[Obj]) -> Obj:
    return {
        "type": type_,
        "id": id_,
        "attributes": attributes,
        "references": references,
        "coreMigrationVersion": CORE_MIGRATION_VERSION,
        "typeMigrationVersion": TYPE_MIGRATION_VERSION[type_],
        "managed": False,
    }


def kql(query: str = "") -> Obj:
    return {"query": query, "language": "kuery"}


# --- data views ------------------------------------------------------------------------------


def data_view(id_: str, title: str, name: str, time_field: str) -> Obj:
    return saved_object(
        "index-pattern",
        id_,
        {
            "title": title,
            "name": name,
            "timeFieldName": time_field,
            "fields": "[]",
            "fieldAttrs": "{}",
            "fieldFormatMap": "{}",
            "runtimeFieldMap": "{}",
            "sourceFilters": "[]",
            "typeMeta": "{}",
        },
        [],
    )


# --- saved search ----------------------------------------------------------------------------


def recent_articles() -> Obj:
    index_ref = "kibanaSavedObjectMeta.searchSourceJSON.index"
    return saved_object(
        "search",
        RECENT_ARTICLES,
        {
            "title": "Recent articles",
            "description": "Newest articles first (duplicates hidden), with source, regions and metrics found.",
            "columns": ["title", "source_id", "regions", "metric_ids"],
            "sort": [["published_at", "desc"]],
            "hits": 0,
            "version": 1,
            "kibanaSavedObjectMeta": {
                "searchSourceJSON": dumps(
                    {
                        # like `newsmon search`: hide copies of an article already shown
                        "query": kql("not duplicate_of : *"),
                        "filter": [],
                        "highlightAll": True,
                        "version": True,
                        "indexRefName": index_ref,
                    }
                )
            },
        },
        [{"name": index_ref, "type": "index-pattern", "id": ARTICLES_VIEW}],
    )


# --- Lens building blocks ----------------------------------------------------------------------

RECORDS = "___records___"  # Lens' pseudo-field for "count of documents"


def count_column(label: str = "Count of records") -> Obj:
    return {
        "label": label,
        "customLabel": label != "Count of records",
        "dataType": "number",
        "operationType": "count",
        "sourceField": RECORDS,
        "isBucketed": False,
        "scale": "ratio",
        "params": {"emptyAsNull": True},
    }


def terms_column(field: str, size: int, order_by: Obj, direction: str, label: str, other: bool = True) -> Obj:
    return {
        "label": label,
        "customLabel": True,
        "dataType": "string",
        "operationType": "terms",
        "sourceField": field,
        "isBucketed": True,
        "scale": "ordinal",
        "params": {
            "size": size,
            "orderBy": order_by,
            "orderDirection": direction,
            "otherBucket": other,
            "missingBucket": False,
            "parentFormat": {"id": "terms"},
            "include": [],
            "exclude": [],
            "includeIsRegex": False,
            "excludeIsRegex": False,
        },
    }


def date_histogram_column(field: str, label: str, interval: str = "auto") -> Obj:
    return {
        "label": label,
        "customLabel": True,
        "dataType": "date",
        "operationType": "date_histogram",
        "sourceField": field,
        "isBucketed": True,
        "scale": "interval",
        "params": {"interval": interval, "includeEmptyRows": True, "dropPartials": False},
    }


def last_value_column(field: str, data_type: str, sort_field: str, label: str) -> Obj:
    return {
        "label": label,
        "customLabel": True,
        "dataType": data_type,
        "operationType": "last_value",
        "sourceField": field,
        "isBucketed": False,
        "scale": "ratio" if data_type == "number" else "ordinal",
        # Lens adds this filter itself so documents without the field do not blank the cell
        "filter": kql(f"{field}: *"),
        "params": {"sortField": sort_field, "showArrayValues": False},
    }


def lens(id_: str, title: str, description: str, view: str, layer_id: str, columns: dict[str, Obj],
         visualization_type: str, visualization: Obj, query: str = "") -> Obj:
    layer = {"columns": columns, "columnOrder": list(columns), "incompleteColumns": {}}
    return saved_object(
        "lens",
        id_,
        {
            "title": title,
            "description": description,
            "visualizationType": visualization_type,
            "state": {
                "datasourceStates": {"formBased": {"layers": {layer_id: layer}}},
                "visualization": visualization,
                "query": kql(query),
                "filters": [],
                "internalReferences": [],
                "adHocDataViews": {},
            },
        },
        [{"name": f"indexpattern-datasource-layer-{layer_id}", "type": "index-pattern", "id": view}],
    )


def xy(layer_id: str, series_type: str, x: str, y: str, split: str | None) -> Obj:
    layer: Obj = {
        "layerId": layer_id,
        "layerType": "data",
        "seriesType": series_type,
        "xAccessor": x,
        "accessors": [y],
    }
    if split:
        layer["splitAccessor"] = split
    on = {"x": True, "yLeft": True, "yRight": True}
    return {
        "layers": [layer],
        "preferredSeriesType": series_type,
        "legend": {"isVisible": True, "position": "right"},
        "valueLabels": "hide",
        "fittingFunction": "None",
        "axisTitlesVisibilitySettings": on,
        "tickLabelsVisibilitySettings": on,
        "gridlinesVisibilitySettings": on,
        "labelsOrientation": {"x": 0, "yLeft": 0, "yRight": 0},
        "yLeftExtent": {"mode": "full"},
        "yRightExtent": {"mode": "full"},
    }


# --- visualizations --------------------------------------------------------------------------


REGION_LEVELS = 'scope_kind : "region" and measure : "level"'


def value_column(operation: str, field: str, label: str) -> Obj:
    return {
        "label": label,
        "customLabel": True,
        "dataType": "number",
        "operationType": operation,
        "sourceField": field,
        "isBucketed": False,
        "scale": "ratio",
        "params": {"emptyAsNull": True},
    }


def datatable(layer: str, column_ids: list[str], transposed: str | None = None) -> Obj:
    return {
        "layerId": layer,
        "layerType": "data",
        "columns": [{"columnId": c, **({"isTransposed": True} if c == transposed else {})} for c in column_ids],
        "rowHeight": "single",
        "rowHeightLines": 1,
    }


def latest_figures() -> Obj:
    layer = "layer-latest-figures"
    columns = {
        "col-region": terms_column("region_name", 50, {"type": "alphabetical", "fallback": True}, "asc", "Region",
                                   other=False),
        "col-metric": terms_column("metric_id", 12, {"type": "alphabetical", "fallback": True}, "asc", "Metric",
                                   other=False),
        "col-value": last_value_column("value_normalized", "number", "period_end", "Latest value (normalised)"),
        "col-unit": last_value_column("unit_normalized", "string", "period_end", "Unit"),
        "col-growth": last_value_column("growth_pct", "number", "period_end", "Latest growth (%)"),
        "col-period": last_value_column("time_period", "string", "period_end", "Period"),
    }
    return lens(
        LATEST_FIGURES,
        "Latest figures per region",
        "Per region and metric: the latest reconciled figure (observation), its unit, growth and period. Each figure "
        "once, however many articles reported it; the highest-authority source decides.",
        OBSERVATIONS_VIEW, layer, columns, "lnsDatatable", datatable(layer, list(columns), transposed="col-metric"),
        query=REGION_LEVELS,
    )


def metric_over_time() -> Obj:
    layer = "layer-metric-over-time"
    columns = {
        "col-period": date_histogram_column("period_end", "Period end"),
        "col-value": value_column("max", "value_normalized", "GDP (CNY)"),
        "col-region": terms_column("region_name", 10, {"type": "column", "columnId": "col-value"}, "desc", "Region",
                                   other=False),
    }
    return lens(
        METRIC_OVER_TIME,
        "A metric over time per region",
        "GDP (地区生产总值) per region by period end, from observations: one figure per region and period (a "
        "year-to-date figure is never added to the next). Change the metric_id in the query for another metric.",
        OBSERVATIONS_VIEW, layer, columns, "lnsXY", xy(layer, "line", "col-period", "col-value", "col-region"),
        query=f'metric_id : "gdp" and {REGION_LEVELS}',
    )


def conflicts_to_review() -> Obj:
    layer = "layer-conflicts"
    columns = {
        "col-region": terms_column("region_name", 100, {"type": "column", "columnId": "col-conflicts"}, "desc", "Region",
                                   other=False),
        "col-metric": terms_column("metric_id", 20, {"type": "column", "columnId": "col-conflicts"}, "desc", "Metric",
                                   other=False),
        "col-period": terms_column("time_period", 20, {"type": "alphabetical", "fallback": True}, "desc", "Period",
                                   other=False),
        "col-value": last_value_column("value_normalized", "number", "last_updated", "Chosen value"),
        "col-authority": last_value_column("authority", "string", "last_updated", "Decided by"),
        "col-conflicts": value_column("sum", "conflict_count", "Figures to review"),
        "col-sources": value_column("sum", "source_count", "Sources"),
    }
    return lens(
        CONFLICTS,
        "Conflicts to review",
        "Observations where a lower-authority source reports another figure than the one chosen (a typo, an "
        "early estimate, a misread table): the sources are listed by `newsmon observations --conflicts`.",
        OBSERVATIONS_VIEW, layer, columns, "lnsDatatable", datatable(layer, list(columns)),
        query="has_conflicts : true",
    )


def growth_distribution() -> Obj:
    layer = "layer-growth-distribution"
    columns = {
        "col-growth": {
            "label": "Growth (%)",
            "customLabel": True,
            "dataType": "number",
            "operationType": "range",
            "sourceField": "growth_pct",
            "isBucketed": True,
            "scale": "interval",
            "params": {
                "type": "histogram",
                "maxBars": "auto",
                "ranges": [{"from": 0, "to": 1000, "label": ""}],
                "includeEmptyRows": True,
            },
        },
        "col-metric": terms_column("metric_id", 10, {"type": "column", "columnId": "col-count"}, "desc", "Metric"),
        "col-count": count_column("Observations"),
    }
    return lens(
        GROWTH_DISTRIBUTION,
        "Growth distribution by metric",
        "How reported growth rates (growth_pct) of observations are distributed, stacked by metric: each figure once.",
        OBSERVATIONS_VIEW, layer, columns, "lnsXY", xy(layer, "bar_stacked", "col-growth", "col-count", "col-metric"),
        query='scope_kind : "region"',
    )


def article_volume() -> Obj:
    layer = "layer-article-volume"
    columns = {
        "col-published": date_histogram_column("published_at", "Published"),
        "col-source": terms_column("source_id", 10, {"type": "column", "columnId": "col-count"}, "desc", "Source"),
        "col-count": count_column("Articles"),
    }
    return lens(
        ARTICLE_VOLUME,
        "Article volume by source",
        "Articles published per interval, stacked by source.",
        ARTICLES_VIEW, layer, columns, "lnsXY", xy(layer, "bar_stacked", "col-published", "col-count", "col-source"),
    )


# --- dashboard -------------------------------------------------------------------------------

# (panel index, saved object type, id, x, y, w, h) on Kibana's 48-column grid
PANELS = [
    ("latest-figures", "lens", LATEST_FIGURES, 0, 0, 48, 16),
    ("metric-over-time", "lens", METRIC_OVER_TIME, 0, 16, 24, 14),
    ("growth-distribution", "lens", GROWTH_DISTRIBUTION, 24, 16, 24, 14),
    ("conflicts", "lens", CONFLICTS, 0, 30, 48, 12),
    ("article-volume", "lens", ARTICLE_VOLUME, 0, 42, 48, 12),
    ("recent-articles", "search", RECENT_ARTICLES, 0, 54, 48, 18),
]


def dashboard() -> Obj:
    panels = []
    references = []
    for index, type_, id_, x, y, w, h in PANELS:
        ref_name = f"panel_{index}"
        panels.append(
            {
                "type": type_,
                "panelIndex": index,
                "gridData": {"x": x, "y": y, "w": w, "h": h, "i": index},
                "embeddableConfig": {"enhancements": {}},
                "panelRefName": ref_name,
                "version": TYPE_MIGRATION_VERSION["dashboard"],
            }
        )
        references.append({"name": f"{index}:{ref_name}", "type": type_, "id": id_})
    return saved_object(
        "dashboard",
        DASHBOARD,
        {
            "title": "Regional economy",
            "description": "Chinese regional economic news: the latest reconciled figure per region, a metric over "
            "time per region, growth rates, conflicts to review, article volume and the newest articles.",
            "panelsJSON": dumps(panels),
            "optionsJSON": dumps(
                {"useMargins": True, "syncColors": False, "syncCursor": True, "syncTooltips": False,
                 "hidePanelTitles": False}
            ),
            "timeRestore": True,
            "timeFrom": "now-1y",
            "timeTo": "now",
            "refreshInterval": {"pause": True, "value": 60000},
            "kibanaSavedObjectMeta": {"searchSourceJSON": dumps({"query": kql(), "filter": []})},
            "version": 1,
        },
        references,
    )


def build() -> list[Obj]:
    """Every saved object, in dependency order (Kibana does not require it; readers do)."""
    return [
        data_view(ARTICLES_VIEW, ARTICLES_VIEW, "newsmon articles", "published_at"),
        data_view(INDICATORS_VIEW, INDICATORS_VIEW, "newsmon indicators", "published_at"),
        data_view(OBSERVATIONS_VIEW, OBSERVATIONS_VIEW, "newsmon observations", "period_end"),
        recent_articles(),
        latest_figures(),
        metric_over_time(),
        conflicts_to_review(),
        growth_distribution(),
        article_volume(),
        dashboard(),
    ]


def render() -> str:
    return "".join(dumps(obj) + "\n" for obj in build())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the committed file differs from the build")
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        current = OUT.read_text("utf-8") if OUT.exists() else ""
        if current != text:
            print(f"{OUT} is stale: run .venv/bin/python deploy/kibana/build.py", file=sys.stderr)
            return 1
        print(f"{OUT} is up to date ({len(text.splitlines())} objects)")
        return 0
    OUT.write_text(text, "utf-8")
    print(f"wrote {OUT} ({len(text.splitlines())} objects)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
