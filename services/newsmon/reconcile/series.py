"""Series over observations: one value per region and period, never a figure counted twice.

1. Only levels of the region itself count (scope_kind region, no breakdown): a sector breakdown
   and its total are two observations, and only the total is the region's figure.
2. Per region and bucket (month, quarter, year of the period's end) the observation ending last
   wins, then the longest span: for cumulative releases the latest value of each period, so a
   year of monthly year-to-date figures is never added up.
3. derive_monthly: a month's value is the difference of two consecutive year-to-date figures
   (January's is its own), only when both are known and only for additive metrics; a figure
   reported for the month itself is taken as is.
4. A total across regions sums only an additive metric, only regions of which none contains
   another (disjoint), never a region with its own children.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from newsmon.index.documents import parent_codes
from newsmon.reconcile.periods import bucket, is_year_to_date, month_end, time_period


class NotAdditive(ValueError):
    """A sum or a derived difference asked of a metric whose values do not add up."""


@dataclass(frozen=True)
class SeriesPoint:
    period: str  # the bucket, as an SDMX period: 2023-Q1, 2023-06, 2023
    time_period: str  # the observation's own period (2023-01-01/2023-03-31 for a year-to-date figure)
    region_code: str
    region: str
    value: float
    sources: int
    derived: bool = False


def _usable(observation: dict[str, Any]) -> bool:
    return (observation.get("measure") == "level" and observation.get("value_normalized") is not None
            and (observation.get("scope_kind") or "region") == "region" and not observation.get("breakdown_of"))


def _span_order(observation: dict[str, Any]) -> tuple[str, int]:
    """Greater for a later end, then for an earlier start (the longer span)."""
    return (observation["period_end"], -date.fromisoformat(observation["period_start"]).toordinal())


def _point(observation: dict[str, Any], period: str, value: float | None = None, derived: bool = False) -> SeriesPoint:
    return SeriesPoint(period, time_period(observation["period_start"], observation["period_end"]),
                       observation["region_code"], observation.get("region_name") or observation["region_code"],
                       observation["value_normalized"] if value is None else value, observation.get("source_count", 1), derived)


def series_points(observations: list[dict[str, Any]], *, by: str = "quarter") -> list[SeriesPoint]:
    """One point per region and bucket, in (region, period) order."""
    best: dict[tuple[str, str], dict[str, Any]] = {}
    for observation in filter(_usable, observations):
        slot = (observation["region_code"], bucket(observation["period_end"], by))
        if slot not in best or _span_order(observation) > _span_order(best[slot]):
            best[slot] = observation
    return [_point(obs, period) for (_, period), obs in sorted(best.items())]


def monthly_points(observations: list[dict[str, Any]], *, additive: bool) -> list[SeriesPoint]:
    """Monthly values: reported for the month, else derived from consecutive year-to-date figures."""
    if not additive:
        raise NotAdditive("monthly values can only be derived for additive metrics")
    monthly: dict[tuple[str, str], SeriesPoint] = {}
    ytd: dict[tuple[str, date], dict[str, Any]] = {}
    for observation in filter(_usable, observations):
        start, end = date.fromisoformat(observation["period_start"]), date.fromisoformat(observation["period_end"])
        if time_period(start, end) == f"{end.year}-{end.month:02d}":  # January's year to date too
            monthly[(observation["region_code"], bucket(end, "month"))] = _point(observation, bucket(end, "month"))
        if is_year_to_date(start, end):
            ytd[(observation["region_code"], end)] = observation
    for (region, end), observation in ytd.items():
        slot = (region, bucket(end, "month"))
        if slot in monthly:
            continue
        previous = ytd.get((region, month_end(end.year, end.month - 1)))
        if previous is not None:
            value = observation["value_normalized"] - previous["value_normalized"]
            monthly[slot] = _point(observation, slot[1], value=value, derived=True)
    return [monthly[slot] for slot in sorted(monthly)]


def disjoint(codes: set[str]) -> set[str]:
    """The codes none of whose ancestors is among them (a region and its child: the region)."""
    return {code for code in codes if not any(parent in codes for parent in parent_codes(code))}


def total_points(points: list[SeriesPoint], *, additive: bool, label: str) -> list[SeriesPoint]:
    """Per period, the sum over the series' disjoint regions, excluding the parents of others."""
    if not additive:
        raise NotAdditive("only additive metrics are summed across regions")
    keep = disjoint({p.region_code for p in points})
    by_period: dict[str, list[SeriesPoint]] = defaultdict(list)
    for p in points:
        if p.region_code in keep:
            by_period[p.period].append(p)
    return [
        SeriesPoint(period, period, "+".join(sorted(p.region_code for p in members)), label,
                    sum(p.value for p in members), sum(p.sources for p in members), any(p.derived for p in members))
        for period, members in sorted(by_period.items())
    ]
