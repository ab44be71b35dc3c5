"""Kafka records to Elasticsearch documents: flat fields, stable ids. Pure functions."""

from __future__ import annotations

from typing import Any


def _division_levels(codes: list[str]) -> dict[str, list[str]]:
    """Split 6-digit division codes into province (xx0000), city (xxxx00) and county levels."""
    levels: dict[str, list[str]] = {"province_codes": [], "city_codes": [], "county_codes": []}
    for code in sorted(set(codes)):
        if code.endswith("0000"):
            levels["province_codes"].append(code)
        elif code.endswith("00"):
            levels["city_codes"].append(code)
        else:
            levels["county_codes"].append(code)
    return levels


def article_document(record: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """(_id, _source) for an article.v1 record; _id is the article id (the Kafka key)."""
    doc = dict(record)
    doc.update(_division_levels(record.get("region_codes", [])))
    doc["near_duplicate_group"] = record.get("duplicate_of") or record["article_id"]
    return record["article_id"], doc


def indicator_document(record: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """(_id, _source) for an indicator.v1 record; _id is the stable indicator id."""
    doc = dict(record)
    region = record.get("region_code")
    if region:
        # the figure's region (a project's or a sector's too): its levels follow from the code
        codes = [f"{region[:2]}0000", f"{region[:4]}00", region]
    else:
        codes = [*record.get("subject_parent_codes", []), *([record["subject_code"]] if record.get("subject_code") else [])]
    levels = _division_levels(codes)
    doc["province_code"] = (levels["province_codes"] or [None])[0]
    doc["city_code"] = (levels["city_codes"] or [None])[0]
    doc["county_code"] = (levels["county_codes"] or [None])[0]
    return record["indicator_id"], doc


def parent_codes(code: str) -> list[str]:
    """The province and city codes above a 6-digit division code, by its structure (country: none)."""
    if code == "100000" or code.endswith("0000"):
        return []
    province = code[:2] + "0000"
    return [province] if code.endswith("00") else [province, code[:4] + "00"]


def observation_document(record: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """(_id, _source) for an observation.v1 record; _id is the observation key (the Kafka key).

    Adds flat fields for filters and Kibana: the region's parents and levels, the SDMX
    TIME_PERIOD, and counts of sources, reprints and conflicts to review.
    """
    from newsmon.reconcile.periods import time_period

    doc = dict(record)
    code = record["region_code"]
    doc["region_parent_codes"] = parent_codes(code)
    levels = _division_levels([*doc["region_parent_codes"], code] if code != "100000" else [])
    doc["province_code"] = (levels["province_codes"] or [None])[0]
    doc["city_code"] = (levels["city_codes"] or [None])[0]
    doc["county_code"] = (levels["county_codes"] or [None])[0]
    doc["time_period"] = time_period(record["period_start"], record["period_end"])
    doc["reprint_count"] = sum(1 for s in record["sources"] if s.get("duplicate_of"))
    review = [c for c in record["conflicts"] if c["status"] == "review"]
    doc["conflict_count"] = len(review)
    doc["has_conflicts"] = bool(review)
    return record["observation_key"], doc


OBSERVATION_DOC_ONLY = ("region_parent_codes", "province_code", "city_code", "county_code", "time_period",
                        "reprint_count", "conflict_count", "has_conflicts")


def observation_from_document(doc: dict[str, Any]) -> dict[str, Any]:
    """The observation record an observation document was made from (its flat extras dropped)."""
    return {k: v for k, v in doc.items() if k not in OBSERVATION_DOC_ONLY}


def stale_indicator_ids(article_id: str, old_count: int, new_count: int) -> list[str]:
    """Indicator ids a re-processed article no longer has (its extraction found fewer)."""
    return [f"{article_id}-{seq:04d}" for seq in range(new_count, old_count)]
