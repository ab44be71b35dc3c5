"""The choice rule: which reported figure an observation shows, which are conflicts, which revisions.

An observation is a pure function of the reports (indicator records) that share its key, so
the order they arrive in does not matter and a redelivered report changes nothing:

1. Reports are taken in publication order (published_at, then article id).
2. A reprint (duplicate_of set: a near-duplicate of an earlier article) is listed as a source
   but never decides and never makes a conflict.
3. The first report decides. A later report with the same figure confirms it (and, if its
   source has higher authority, becomes the deciding source). A later report from the same or
   a higher authority with a different figure is a revision: it replaces the figure, the old one
   stays in `conflicts` with status "superseded". A different figure from a lower authority is
   a conflict to review (status "review"). So the source of highest authority decides, and
   among equals the earliest, unless it revised itself later.

Authority order: statistics_bureau > government > newspaper > portal > other (null is other).
Two figures differ when a field both report (value, growth, rank) differs beyond rounding.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Any

from newsmon.reconcile.keys import measure_of, unit_family

SCHEMA_VERSION = 1
AUTHORITY_ORDER = ("statistics_bureau", "government", "newspaper", "portal", "other")
FIGURE_FIELDS = ("value_normalized", "growth_pct", "rank")
# What a source entry keeps of its indicator record: enough to show and to re-decide.
SOURCE_FIELDS = (
    "indicator_id", "article_id", "url", "source_id", "source_authority", "published_at", "quote",
    "duplicate_of", *FIGURE_FIELDS,
)
# The key's own fields, taken from the deciding report.
KEY_FIELDS = (
    "region_code", "region_name", "region_level", "scope_kind", "scope_name", "breakdown_of",
    "metric_id", "metric_name", "metric", "period_kind", "period_start", "period_end",
)
# Relative tolerance of "the same figure": 147亿元 and 1470000万元 normalise to one float, but a
# figure re-derived from rounded parts may be off in the last digits.
REL_TOL = 1e-6


def authority_rank(authority: str | None) -> int:
    """0 for a statistics bureau up to 4 for other; null counts as other."""
    return AUTHORITY_ORDER.index(authority) if authority in AUTHORITY_ORDER else len(AUTHORITY_ORDER) - 1


def source_entry(record: dict[str, Any]) -> dict[str, Any]:
    """The source entry of an indicator record (what an observation lists about one report)."""
    entry = {field: record.get(field) for field in SOURCE_FIELDS}
    entry["authority"] = entry.pop("source_authority") or "other"
    return entry


def same_figure(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """True unless a field both report differs (beyond REL_TOL)."""
    for field in FIGURE_FIELDS:
        x, y = a.get(field), b.get(field)
        if x is not None and y is not None and not math.isclose(float(x), float(y), rel_tol=REL_TOL, abs_tol=1e-9):
            return False
    return True


def _instant(published_at: str | None) -> str:
    """A published_at comparable across UTC offsets (ISO 8601 in UTC); unknown dates sort last."""
    if not published_at:
        return "9999"
    when = datetime.fromisoformat(published_at)
    return (when.astimezone(UTC) if when.tzinfo else when).strftime("%Y-%m-%dT%H:%M:%S.%f")


def _order(entry: dict[str, Any]) -> tuple[str, str, str]:
    return (_instant(entry.get("published_at")), entry["article_id"], entry["indicator_id"])


def decide(sources: list[dict[str, Any]]) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    """(the deciding source, conflicts) for source entries; the decider is None if all are reprints.

    Each conflict is {figure fields, status: "superseded" | "review", sources: [article ids]}.
    """
    decider: dict[str, Any] | None = None
    superseded: list[dict[str, Any]] = []
    review: list[dict[str, Any]] = []
    for entry in sorted(sources, key=_order):
        if entry.get("duplicate_of"):
            continue
        if decider is None:
            decider = entry
        elif same_figure(entry, decider):
            if authority_rank(entry["authority"]) < authority_rank(decider["authority"]):
                decider = entry
        elif authority_rank(entry["authority"]) <= authority_rank(decider["authority"]):
            superseded.append(decider)
            decider = entry
        else:
            review.append(entry)
    conflicts: list[dict[str, Any]] = []
    for status, entries in (("superseded", superseded), ("review", review)):
        for entry in entries:
            if decider is not None and same_figure(entry, decider):
                continue  # superseded, then restated by the revision's source: not a conflict
            group = next((c for c in conflicts if c["status"] == status and same_figure(c, entry)), None)
            if group is None:
                group = {**{f: entry.get(f) for f in FIGURE_FIELDS}, "status": status, "sources": []}
                conflicts.append(group)
            group["sources"].append(entry["article_id"])
    return decider, conflicts


def _figure_of(decider: dict[str, Any], sources: list[dict[str, Any]]) -> dict[str, Any]:
    """The decider's figure, with fields it lacks taken from agreeing sources, best authority first."""
    figure = {field: decider.get(field) for field in FIGURE_FIELDS}
    agreeing = sorted(
        (s for s in sources if not s.get("duplicate_of") and same_figure(s, decider)),
        key=lambda s: (authority_rank(s["authority"]), *_order(s)),
    )
    for field in FIGURE_FIELDS:
        if figure[field] is None:
            figure[field] = next((s[field] for s in agreeing if s.get(field) is not None), None)
    return figure


def build(key: str, reports: dict[str, dict[str, Any]], sources: list[dict[str, Any]], *, extractor_version: str,
          first_seen: str, now: str) -> dict[str, Any]:
    """The observation record for `sources` (entries by indicator id in `reports` give the key fields)."""
    decider, conflicts = decide(sources)
    chosen = decider or min(sources, key=_order)
    report = reports[chosen["indicator_id"]]
    measure = measure_of(report) or "level"
    observation: dict[str, Any] = {"schema_version": SCHEMA_VERSION, "observation_key": key, "change": "new"}
    observation.update({field: report.get(field) for field in KEY_FIELDS})
    observation["scope_kind"] = observation["scope_kind"] or "region"
    observation["measure"] = measure
    observation["unit_normalized"] = unit_family(report, measure)
    observation.update(_figure_of(chosen, sources))
    observation["growth_basis"] = report.get("growth_basis")
    observation["decided_by"] = decider["article_id"] if decider else None
    observation["authority"] = chosen["authority"]
    observation["sources"] = sorted(sources, key=_order)
    observation["source_count"] = len(sources)
    observation["conflicts"] = conflicts
    observation["extractor_version"] = extractor_version
    observation["first_seen"] = first_seen
    observation["last_updated"] = now
    return observation


def change_kind(before: dict[str, Any] | None, after: dict[str, Any]) -> str | None:
    """new, revised (the figure changed), conflict (a new figure to review), source (a source
    was added or changed) or None (nothing changed: emit nothing)."""
    if before is None:
        return "new"
    if not same_figure(before, after) or any((before[f] is None) != (after[f] is None) for f in FIGURE_FIELDS):
        return "revised"
    reviews = lambda o: sum(len(c["sources"]) for c in o["conflicts"] if c["status"] == "review")  # noqa: E731
    if reviews(after) > reviews(before):
        return "conflict"
    if before["sources"] != after["sources"] or before["conflicts"] != after["conflicts"]:
        return "source"
    return None


def apply(before: dict[str, Any] | None, record: dict[str, Any], key: str, *, extractor_version: str,
          now: str) -> tuple[dict[str, Any], str | None]:
    """Fold one indicator record into the observation `before` (None: first report of `key`).

    Returns (the observation, its change kind or None). A record whose indicator id is already
    listed with the same content changes nothing (redelivery, replay); one listed with other
    content (re-extraction) replaces its entry. Pure: `now` is the caller's clock.
    """
    entry = source_entry(record)
    sources = [s for s in (before or {}).get("sources", []) if s["indicator_id"] != entry["indicator_id"]]
    if before is not None and len(sources) < len(before["sources"]) and entry in before["sources"]:
        return before, None
    sources.append(entry)
    # The key fields come from the deciding report: keep the ones seen before (the observation
    # itself) and the new record, keyed by indicator id.
    reports: dict[str, dict[str, Any]] = {s["indicator_id"]: before for s in sources if before is not None}
    reports[entry["indicator_id"]] = record
    after = build(key, reports, sources, extractor_version=extractor_version,
                  first_seen=(before or {}).get("first_seen") or now, now=now)
    kind = change_kind(before, after)
    if kind is None:
        return before or after, None
    after["change"] = kind
    return after, kind
