"""The observation key: which fact an indicator record reports, independent of its wording.

Two articles that report the same figure ("上半年…147亿元" and "1至6月…1470000万元") must get the
same key, and a breakdown and its total, or a level and its growth rate, different ones. So the
key is built from canonical parts only: the region code, the scope kind and canonical scope
name, the metric id (for "other", the canonical wording), the period's dates (not its kind or
wording: 上半年 and 1至6月 are one span), and the measure with its unit family (never the unit as
written). A record whose region or period dates are unknown reports no identifiable fact: its
key is None.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from newsmon.extract.metrics import FALLBACK_METRIC_ID
from newsmon.text.clean import to_simplified

# Words that name the kind of a scope rather than the scope: "纺织行业" and "纺织业" are one
# industry, "新能源产业" and "新能源领域" one sector.
_SCOPE_KIND_WORDS_RE = re.compile(r"(?:行业|产业|领域|板块|方面)$")
_NOISE_RE = re.compile(r"[\s“”‘’\"'《》「」()（）]")


def measure_of(record: dict[str, Any]) -> str | None:
    """"level" when the record has a value, else "growth", else "rank" (None: no figure)."""
    if record.get("value_normalized") is not None:
        return "level"
    if record.get("growth_pct") is not None:
        return "growth"
    if record.get("rank") is not None:
        return "rank"
    return None


def unit_family(record: dict[str, Any], measure: str) -> str:
    """The unit family of a measure: the level's normalized unit, "percent" for a growth rate
    (percentage points stay "pp"), "rank" for a rank."""
    if measure == "level":
        return str(record.get("unit_normalized") or "count")
    if measure == "growth":
        return "pp" if record.get("unit_normalized") == "pp" and record.get("value_normalized") is None else "percent"
    return "rank"


def canonical_name(text: str | None) -> str:
    """A scope or metric wording in one spelling: Simplified, without spaces, quotes or the
    word that only names its kind."""
    if not text:
        return ""
    name = _NOISE_RE.sub("", to_simplified(text))
    stripped = _SCOPE_KIND_WORDS_RE.sub("", name)
    return stripped or name


def observation_parts(record: dict[str, Any]) -> tuple[str, ...] | None:
    """The canonical parts of the record's fact, in key order; None when it names no fact."""
    measure = measure_of(record)
    region = record.get("region_code")
    start, end = record.get("period_start"), record.get("period_end")
    if measure is None or not region or not start or not end:
        return None
    scope_kind = record.get("scope_kind") or "region"
    scope = "" if scope_kind == "region" else canonical_name(record.get("scope_name"))
    metric = record.get("metric_id") or FALLBACK_METRIC_ID
    if metric == FALLBACK_METRIC_ID:
        metric = f"{FALLBACK_METRIC_ID}:{canonical_name(record.get('metric'))}"
    return (region, scope_kind, scope, metric, str(start)[:10], str(end)[:10], measure, unit_family(record, measure))


def observation_key(record: dict[str, Any]) -> str | None:
    """32 hex digits naming the fact (blake2b of the canonical parts), or None."""
    parts = observation_parts(record)
    if parts is None:
        return None
    return hashlib.blake2b("\x1f".join(parts).encode(), digest_size=16).hexdigest()
