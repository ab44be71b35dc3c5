"""Observations as analysts load them: JSON rows and SDMX-CSV (REF_AREA, INDICATOR, TIME_PERIOD, …).

SDMX-CSV puts the dataflow first, then one column per dimension and attribute; dimension
values are codes (the region's division code, the metric id), TIME_PERIOD in ISO 8601 forms.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from newsmon.reconcile.periods import time_period

DATAFLOW = "NEWSMON:OBSERVATIONS(1.0)"
CSV_COLUMNS = (
    "DATAFLOW", "REF_AREA", "REF_AREA_NAME", "SCOPE_KIND", "SCOPE_NAME", "INDICATOR", "MEASURE", "TIME_PERIOD",
    "OBS_VALUE", "UNIT_MEASURE", "GROWTH_PCT", "SOURCES", "CONFLICTS", "AUTHORITY", "OBSERVATION_KEY",
)
JSON_FIELDS = (
    "observation_key", "region_code", "region_name", "region_level", "scope_kind", "scope_name", "breakdown_of",
    "metric_id", "metric_name", "period_kind", "period_start", "period_end", "measure", "value_normalized",
    "unit_normalized", "growth_pct", "rank", "authority", "decided_by", "sources", "conflicts", "extractor_version",
    "first_seen", "last_updated",
)


def obs_value(observation: dict[str, Any]) -> float | int | None:
    """The figure the observation measures: the level, the growth rate or the rank."""
    field = {"level": "value_normalized", "growth": "growth_pct", "rank": "rank"}[observation["measure"]]
    return observation.get(field)


def json_row(observation: dict[str, Any]) -> dict[str, Any]:
    """An observation for `--json`: the key fields, the figure, sources and conflicts, TIME_PERIOD."""
    row = {field: observation.get(field) for field in JSON_FIELDS}
    row["time_period"] = time_period(observation["period_start"], observation["period_end"])
    return row


def csv_text(observations: list[dict[str, Any]]) -> str:
    """SDMX-CSV text, one row per observation, header first."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for o in observations:
        review = sum(1 for c in o["conflicts"] if c["status"] == "review")
        value = obs_value(o)
        writer.writerow([
            DATAFLOW, o["region_code"], o.get("region_name") or "", o["scope_kind"], o.get("scope_name") or "",
            o["metric_id"], o["measure"], time_period(o["period_start"], o["period_end"]),
            "" if value is None else value, o["unit_normalized"],
            "" if o.get("growth_pct") is None else o["growth_pct"], len(o["sources"]), review, o["authority"],
            o["observation_key"],
        ])
    return out.getvalue()
