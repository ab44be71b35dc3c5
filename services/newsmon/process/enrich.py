"""From a raw article record to the enriched bundle: a plain function, no Kafka.

clean -> segment -> extract -> fingerprint, then the records in the shape of the article.v1 and
indicator.v1 schemas (duplicate_of is decided later, in one order, by the publish agent).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from newsmon.extract.indicators import extract_indicator_dicts
from newsmon.extract.regions import find_regions
from newsmon.text.clean import clean
from newsmon.text.fingerprint import simhash
from newsmon.text.segment import segment_for_index

EXTRACTOR_VERSION = "1"


def _parse_time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def enrich_raw(raw: dict[str, Any]) -> dict[str, Any]:
    """The enriched.v1 bundle for a validated raw.v1 record. Pure apart from the clock."""
    cleaned = clean(raw["text"])
    title = raw["title"] or cleaned.title or ""
    published = _parse_time(raw["published_at"])
    # One scan, of the Simplified text the gazetteer is written in, serves the extractor and the
    # article's region fields.
    found_regions = find_regions(cleaned.simplified)
    found = extract_indicator_dicts(
        cleaned, published_at=published, context_region=raw.get("region_hint"), regions=found_regions
    )
    article_id = raw["article_id"]
    indicators = []
    for seq, fields in enumerate(found):
        indicators.append({
            "schema_version": 1,
            "indicator_id": f"{article_id}-{seq:04d}",
            "article_id": article_id,
            "seq": seq,
            **fields,  # the Indicator fields, in their order
            "url": raw["url"],
            "title": title,
            "source_id": raw["source_id"],
            "source_authority": raw.get("authority"),
            "published_at": raw["published_at"],
            "duplicate_of": None,
        })
    regions = [region for _, _, region in found_regions.mentions]
    codes = sorted({code for region in regions for code in region.chain})
    fingerprint = simhash(cleaned.text or title)
    article = {
        "schema_version": 1,
        "article_id": article_id,
        "url": raw["url"],
        "canonical_url": raw["canonical_url"],
        "source_id": raw["source_id"],
        "source_name": raw.get("source_name"),
        "site": raw.get("site"),
        "tags": raw.get("tags", []),
        "title": title,
        "title_segmented": segment_for_index(title),
        "headings": list(cleaned.headings),
        "body": cleaned.text,
        "segmented": segment_for_index(cleaned.text),
        "bylines": list(cleaned.bylines),
        "captions": list(cleaned.captions),
        "author": raw.get("author"),
        "published_at": raw["published_at"],
        "fetched_at": raw["fetched_at"],
        "processed_at": datetime.now(UTC).isoformat(),
        "encoding": raw.get("encoding"),
        "regions": sorted({region.name for region in regions}),
        "region_codes": codes,
        "metric_ids": sorted({i["metric_id"] for i in indicators}),
        "indicator_count": len(indicators),
        "simhash": f"{fingerprint:016x}",
        "duplicate_of": None,
        "extractor_version": EXTRACTOR_VERSION,
    }
    return {"schema_version": 1, "article": article, "indicators": indicators, "simhash": article["simhash"]}
