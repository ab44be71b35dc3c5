"""Queries analysts run: full-text article search, indicator filters, time series.

Query builders are pure functions (tested without Elasticsearch); `run_*` functions execute them.
Queries are converted to Simplified characters and segmented with the pipeline's own segmenter,
so a query matches the words the index holds; single-character fields add recall for phrases the
dictionary splits differently.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from elasticsearch import Elasticsearch

from newsmon.extract.metrics import FALLBACK_METRIC_ID, metric_id, resolve_metric
from newsmon.extract.regions import gazetteer
from newsmon.index.templates import names
from newsmon.settings import Settings
from newsmon.text.clean import to_simplified
from newsmon.text.segment import segment


class UnknownRegion(ValueError):
    """A --region that is neither a division code nor a known name."""


def region_code(region: str) -> str:
    """A 6-digit division code for a name ("十堰市", "张湾区") or a code ("420300")."""
    region = region.strip()
    table = gazetteer()
    if region.isdigit() and len(region) == 6:
        return region
    found = table.by_name.get(region) or table.by_name.get(to_simplified(region))
    if not found:
        raise UnknownRegion(f"unknown region {region!r}: give a division name or a 6-digit code")
    return min(found, key=lambda r: r.level).code or ""


# Where an indicator document keeps its region and the levels above it (index/documents.py).
_REGION_FIELDS = ("region_code", "province_code", "city_code", "county_code", "subject_code", "subject_parent_codes")


def _region_filter(code: str, field: str, parents_field: str) -> dict[str, Any]:
    return {"bool": {"should": [{"term": {field: code}}, {"term": {parents_field: code}}], "minimum_should_match": 1}}


def article_query(
    text: str, *, since: date | None = None, until: date | None = None, region: str | None = None,
    source: str | None = None, size: int = 10,
) -> dict[str, Any]:
    """Best matches for `text`, one hit per near-duplicate group, with highlighted snippets."""
    simplified = to_simplified(text)
    words = [w for w in segment(simplified) if w.strip()]
    phrases = [p for p in simplified.split() if p]
    should: list[dict[str, Any]] = [
        {"match": {"segmented": {"query": " ".join(words), "minimum_should_match": "75%"}}},
        {"match": {"title_segmented": {"query": " ".join(words), "minimum_should_match": "75%", "boost": 2}}},
    ]
    for phrase in phrases:
        should.append({"match_phrase": {"body": {"query": phrase}}})
        should.append({"match_phrase": {"title": {"query": phrase, "boost": 2}}})
    filters: list[dict[str, Any]] = []
    if since or until:
        filters.append({"range": {"published_at": {k: v.isoformat() for k, v in (("gte", since), ("lte", until)) if v}}})
    if region:
        filters.append({"term": {"region_codes": region_code(region)}})
    if source:
        filters.append({"term": {"source_id": source}})
    return {
        "query": {"bool": {"should": should, "minimum_should_match": 1, "filter": filters}},
        "collapse": {"field": "near_duplicate_group"},
        "highlight": {
            "fields": {"body": {"fragment_size": 60, "number_of_fragments": 2}},
            "highlight_query": {"bool": {"should": [{"match_phrase": {"body": p}} for p in phrases] or [{"match": {"body": simplified}}]}},
            "pre_tags": ["【"], "post_tags": ["】"],
        },
        "_source": ["article_id", "title", "url", "source_id", "published_at", "regions", "metric_ids", "duplicate_of"],
        "size": size,
    }


def _metric_filter(metric: str) -> dict[str, Any]:
    """A metric id ("gdp"), canonical name or any wording in either script ("地區生產總值") resolved
    to its id, else the id of the longest wording it contains, else the exact wording."""
    resolved = resolve_metric(metric) or metric_id(to_simplified(metric))
    return {"term": {"metric_id": resolved}} if resolved != FALLBACK_METRIC_ID else {"term": {"metric": metric}}


def indicator_query(
    *, metric: str | None = None, region: str | None = None, since: date | None = None, until: date | None = None,
    min_value: float | None = None, max_value: float | None = None, min_growth: float | None = None,
    max_growth: float | None = None, period: str | None = None, scope_kind: str | None = None,
    include_non_core: bool = False, include_duplicates: bool = False, size: int = 50,
) -> dict[str, Any]:
    """Indicators matching every given filter, newest first. A region matches the figures of its
    own and of its sub-regions (a project's or a sector's by the region it belongs to)."""
    filters: list[dict[str, Any]] = []
    if metric:
        filters.append(_metric_filter(metric))
    if region:
        code = region_code(region)
        filters.append({"bool": {"should": [{"term": {field: code}} for field in _REGION_FIELDS], "minimum_should_match": 1}})
    if scope_kind:
        filters.append({"term": {"scope_kind": scope_kind}})
    if since or until:
        filters.append({"range": {"published_at": {k: v.isoformat() for k, v in (("gte", since), ("lte", until)) if v}}})
    for field, low, high in (("value_normalized", min_value, max_value), ("growth_pct", min_growth, max_growth)):
        if low is not None or high is not None:
            filters.append({"range": {field: {k: v for k, v in (("gte", low), ("lte", high)) if v is not None}}})
    if period:
        filters.append({"term": {"period": period}})
    if not include_non_core:
        filters.append({"term": {"core": True}})
    must_not = [] if include_duplicates else [{"exists": {"field": "duplicate_of"}}]
    return {
        "query": {"bool": {"filter": filters, "must_not": must_not}},
        "sort": [{"published_at": {"order": "desc", "missing": "_last"}}, {"seq": "asc"}],
        "size": size,
    }


def run_articles(es: Elasticsearch, settings: Settings, text: str, **kwargs: Any) -> list[dict[str, Any]]:
    response = es.search(index=names(settings, "articles").read_alias, body=article_query(text, **kwargs))
    hits = []
    for hit in response["hits"]["hits"]:
        snippet = " … ".join(hit.get("highlight", {}).get("body", []))
        hits.append({**hit["_source"], "score": hit["_score"], "snippet": snippet})
    return hits


def run_indicators(es: Elasticsearch, settings: Settings, **kwargs: Any) -> list[dict[str, Any]]:
    response = es.search(index=names(settings, "indicators").read_alias, body=indicator_query(**kwargs))
    return [hit["_source"] for hit in response["hits"]["hits"]]


def observation_query(
    *, region: str | None = None, children: bool = True, metric: str | None = None, scope_kind: str | None = None,
    measure: str | None = None, since: date | None = None, until: date | None = None, conflicts: bool = False,
    size: int = 100,
) -> dict[str, Any]:
    """Observations matching every filter, newest period first; since/until bound the period's end."""
    filters: list[dict[str, Any]] = []
    if region:
        code = region_code(region)
        filters.append(_region_filter(code, "region_code", "region_parent_codes") if children else {"term": {"region_code": code}})
    if metric:
        filters.append(_metric_filter(metric))
    if scope_kind:
        filters.append({"term": {"scope_kind": scope_kind}})
    if measure:
        filters.append({"term": {"measure": measure}})
    if since or until:
        filters.append({"range": {"period_end": {k: v.isoformat() for k, v in (("gte", since), ("lte", until)) if v}}})
    if conflicts:
        filters.append({"term": {"has_conflicts": True}})
    return {
        "query": {"bool": {"filter": filters}},
        "sort": [{"period_end": "desc"}, {"period_start": "desc"}, {"region_code": "asc"}, {"observation_key": "asc"}],
        "size": size,
    }


def run_observations(es: Elasticsearch, settings: Settings, **kwargs: Any) -> list[dict[str, Any]]:
    response = es.search(index=names(settings, "observations").read_alias, body=observation_query(**kwargs))
    return [hit["_source"] for hit in response["hits"]["hits"]]
